"""Test settings: fast hashing, locmem email, eager background tasks, fixed keys."""

import base64

from .base import *  # noqa: F403
from .base import VAR_DIR

VAR_DIR.mkdir(parents=True, exist_ok=True)
DEBUG = False
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
# Sandboxes (wallets, card processor, customs): on here, off in production.
TWOWAY_PAYMENTS_SANDBOX = True
