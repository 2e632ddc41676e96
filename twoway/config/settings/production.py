"""Production: every secret from the environment; refuses to start without them."""

import os
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = False
TWOWAY_ENVIRONMENT = "production"
_INSECURE_MARKERS = ("insecure", "change-me", "test-secret", "dev")


def _require(name: str, min_length: int) -> str:
    value = os.environ.get(name, "")
    if len(value) < min_length or any(m in value.lower() for m in _INSECURE_MARKERS):
        raise ImproperlyConfigured(
            f"{name} must be set to a real secret of at least {min_length} characters "
            "in production; refusing to start."
        )
    return value


SECRET_KEY = _require("DJANGO_SECRET_KEY", 40)
TWOWAY_ID_ENCRYPTION_KEY = _require("TWOWAY_ID_ENCRYPTION_KEY", 40)
TWOWAY_ID_HASH_KEY = _require("TWOWAY_ID_HASH_KEY", 40)
TWOWAY_WEBHOOK_SECRET_KEY = _require("TWOWAY_WEBHOOK_SECRET_KEY", 40)
# Webhooks go to public https URLs only (SSRF): no switch opens http or private hosts here.
TWOWAY_WEBHOOK_ALLOW_HTTP = False
TWOWAY_WEBHOOK_ALLOW_PRIVATE_HOSTS = False
USE_CELERY_BROKER = True
TWOWAY_PAYMENTS_SANDBOX = env_bool("TWOWAY_PAYMENTS_SANDBOX", False)
# Never the simulators here: the sandbox app is not installed (nor routed), customs goes to the
# Single Window (configured by TWOWAY_CUSTOMS_SW_* in the environment).
INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "twoway.sandbox"]  # noqa: F405
TWOWAY_CUSTOMS_GATEWAY = "single_window"
CELERY_TASK_ALWAYS_EAGER = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_HTTPONLY = True
TWOWAY_TRUSTED_PROXY_COUNT = int(os.environ.get("TWOWAY_TRUSTED_PROXY_COUNT", "1"))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Product images in an S3-compatible bucket (django-storages); the app never serves media itself.
TWOWAY_SERVE_MEDIA = False
USE_S3_MEDIA = env_bool("USE_S3_MEDIA", False)
if USE_S3_MEDIA:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["TWOWAY_S3_BUCKET"],
            "endpoint_url": os.environ.get("TWOWAY_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("TWOWAY_S3_REGION") or None,
            "access_key": os.environ.get("TWOWAY_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("TWOWAY_S3_SECRET_ACCESS_KEY") or None,
            "custom_domain": os.environ.get("TWOWAY_S3_CUSTOM_DOMAIN") or None,
            "default_acl": None,
            "querystring_auth": False,  # product photos are public
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
    _media_origin = os.environ.get("TWOWAY_MEDIA_ORIGIN", "")
    if _media_origin:
        CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(_media_origin)  # noqa: F405
