"""Test settings: fast hashing, locmem email, eager background tasks, fixed keys."""

import base64
import os

from .base import *  # noqa: F403
from .base import VAR_DIR, with_sandbox

VAR_DIR.mkdir(parents=True, exist_ok=True)
DEBUG = False
TWOWAY_ENVIRONMENT = "test"
SECRET_KEY = "test-secret-key-not-for-production"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
TWOWAY_ID_ENCRYPTION_KEY = base64.urlsafe_b64encode(b"t" * 32).decode()
TWOWAY_ID_HASH_KEY = base64.urlsafe_b64encode(b"h" * 32).decode()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]
MEDIA_ROOT = VAR_DIR / "test-media"
# Django's test client logs in without a request, which django-axes refuses: the throttling
# tests switch it on (twoway/identity/tests/test_throttle.py).
AXES_ENABLED = False
# Sandboxes (wallets, card processor, customs): on here, off in production.
TWOWAY_PAYMENTS_SANDBOX = True
INSTALLED_APPS = with_sandbox(INSTALLED_APPS, TWOWAY_PAYMENTS_SANDBOX)  # noqa: F405
TWOWAY_CUSTOMS_GATEWAY = os.environ.get("TWOWAY_CUSTOMS_GATEWAY", "sandbox")
TWOWAY_WEBHOOK_SECRET_KEY = base64.urlsafe_b64encode(b"w" * 32).decode()
TWOWAY_WEBHOOK_ALLOW_HTTP = True  # tests run a receiver on 127.0.0.1
TWOWAY_WEBHOOK_ALLOW_PRIVATE_HOSTS = True
TWOWAY_WEBHOOK_SEND_ON_COMMIT = False  # tests drive the scheduled job
