"""Settings shared by every environment. Secrets and switches come from the environment only."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, Nonce
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parents[2]  # .../twoway
BASE_DIR = PACKAGE_DIR.parent
VAR_DIR = Path(os.environ.get("TWOWAY_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DJANGO_DEBUG", False)
# "production" only in settings.production: demo-only commands (seed) refuse to run there.
TWOWAY_ENVIRONMENT = "development"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = [
    h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    # django-ninja as an app: /api/v1/docs serves its vendored Swagger UI from our static
    # files instead of a CDN (the docs work offline).
    "ninja",
    "twoway.core",
    "twoway.reference",
    "twoway.identity",
    "twoway.businesses",
    "twoway.catalog",
    "twoway.checkout",
    "twoway.payments",
    "twoway.customs",
    "twoway.compliance",
    "twoway.ledger",
    "twoway.payouts",
    "twoway.insights",
    "twoway.search",
    "twoway.alternatives",
    "twoway.dashboard",
    "twoway.integrations",
    "twoway.operations",
    "twoway.web",
    # Demo data (`twoway seed`): the highest floor; nothing imports it.
    "twoway.demo",
]
# Dev-only simulators (sandbox wallets, sandbox customs pages): added by the local and test
# settings when the sandbox is on (``with_sandbox``); production never installs them.
SANDBOX_APP = "twoway.sandbox"


def with_sandbox(apps: list[str], enabled: bool) -> list[str]:
    return [*apps, SANDBOX_APP] if enabled and SANDBOX_APP not in apps else list(apps)


MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "twoway.identity.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "twoway.web.view_counter.ProductViewCounterMiddleware",
    # Last, so it sees exceptions from the views first: /api/ answers {message, errors} always.
    "twoway.api.middleware.ApiErrorShapeMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "twoway.config.urls"
WSGI_APPLICATION = "twoway.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'twoway.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let the demo server and background runner share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "identity.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in throttling (django-axes; see twoway.identity.throttle): 10 failures for one account or
# from one address pause sign-in for 15 minutes (HTTP 429, a message in the reader's language);
# a success resets the count. Attempts are kept in the database (shared by every worker).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("TWOWAY_LOGIN_THROTTLE", True)
AXES_FAILURE_LIMIT = int(os.environ.get("TWOWAY_LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("TWOWAY_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each counted on its own
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "twoway.identity.throttle.locked_out"
AXES_CLIENT_IP_CALLABLE = "twoway.identity.throttle.client_ip"
AXES_VERBOSE = False
# Wrong API keys from one address: 20 within 15 minutes → 429 until the window ends.
TWOWAY_API_KEY_FAILURE_LIMIT = int(os.environ.get("TWOWAY_API_KEY_FAILURE_LIMIT", "20"))
TWOWAY_API_KEY_FAILURE_WINDOW = 15 * 60
# Proxies in front of the app whose X-Forwarded-For is trusted (production: the TLS proxy).
TWOWAY_TRUSTED_PROXY_COUNT = int(os.environ.get("TWOWAY_TRUSTED_PROXY_COUNT", "0"))

# Content Security Policy (django-csp): only this site's own scripts, styles, images and forms
# (htmx is vendored; the two auto-submitting pay pages carry the per-request nonce). The wallet
# gateways a pay page posts to are added to form-action.
CONTENT_SECURITY_POLICY: dict[str, dict[str, list[str | Nonce]]] = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [
            SELF,
            *[
                u
                for u in os.environ.get(
                    "TWOWAY_PAYMENT_GATEWAY_ORIGINS", "https://openapi.alipay.com"
                ).split(",")
                if u
            ],
        ],
    }
}

# Time: stored and computed in UTC; local time only in templates.
USE_TZ = True
TIME_ZONE = "UTC"

# Two languages. Chinese consumers default to zh-Hans (see identity.middleware).
USE_I18N = True
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
FORMAT_MODULE_PATH = ["twoway.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
WHITENOISE_USE_FINDERS = True

# Uploaded files (product images): Django's storage API. The demo and tests keep them under
# var/media and the app serves MEDIA_URL itself (TWOWAY_SERVE_MEDIA); production sets
# USE_S3_MEDIA and stores them in an S3-compatible bucket (settings.production).
MEDIA_URL = "/media/"
MEDIA_ROOT: Path | str = VAR_DIR / "media"
TWOWAY_SERVE_MEDIA = env_bool("TWOWAY_SERVE_MEDIA", True)
# Product images (catalog.images): what an upload may be, what it becomes.
TWOWAY_IMAGE_MAX_BYTES = int(os.environ.get("TWOWAY_IMAGE_MAX_BYTES", str(8 * 1024 * 1024)))
TWOWAY_IMAGE_MAX_PIXELS = int(os.environ.get("TWOWAY_IMAGE_MAX_PIXELS", str(40_000_000)))
TWOWAY_IMAGE_MAX_SIDE = 2000  # the stored full image's longest side
TWOWAY_IMAGE_THUMB_SIDES = (320, 960)
TWOWAY_IMAGES_PER_PRODUCT = 8

# Money: one place defines precision (Saleor's DEFAULT_MAX_DIGITS / DEFAULT_DECIMAL_PLACES idea).
MONEY_MAX_DIGITS = 14
MONEY_DECIMAL_PLACES = 2

# Real-name identity keys (identity context). Both are 32-byte urlsafe base64 keys.
# TWOWAY_ID_ENCRYPTION_KEY encrypts resident ID numbers (AES-256-GCM);
# TWOWAY_ID_HASH_KEY keys the HMAC used to count quotas per person without decrypting.
TWOWAY_ID_ENCRYPTION_KEY = os.environ.get("TWOWAY_ID_ENCRYPTION_KEY", "")
TWOWAY_ID_HASH_KEY = os.environ.get("TWOWAY_ID_HASH_KEY", "")
# Webhooks (twoway.integrations): the key that encrypts endpoints' signing secrets at rest
# (AES-256-GCM, urlsafe base64 of 32 bytes); outgoing calls go only to public https URLs unless
# the two switches below allow plain http or private/loopback hosts (demo and tests only).
TWOWAY_WEBHOOK_SECRET_KEY = os.environ.get("TWOWAY_WEBHOOK_SECRET_KEY", "")
TWOWAY_WEBHOOK_ALLOW_HTTP = False
TWOWAY_WEBHOOK_ALLOW_PRIVATE_HOSTS = False
TWOWAY_WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("TWOWAY_WEBHOOK_TIMEOUT_SECONDS", "5"))
TWOWAY_WEBHOOK_BACKOFF_BASE_SECONDS = 30
TWOWAY_WEBHOOK_BACKOFF_CAP_SECONDS = 6 * 3600
TWOWAY_WEBHOOK_MAX_ATTEMPTS = 10
TWOWAY_WEBHOOK_SEND_ON_COMMIT = True  # also sent by the schedule (webhooks-deliver)
TWOWAY_INVITATION_DAYS = 7

# Background work: Celery on Redis in production; in the demo and tests the same task code
# runs in-process (CELERY_TASK_ALWAYS_EAGER).
USE_CELERY_BROKER = env_bool("USE_CELERY_BROKER", False)
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_TASK_ALWAYS_EAGER = not USE_CELERY_BROKER
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "UTC"

# Customs gateway: "single_window" (China International Trade Single Window over HTTPS, signed;
# see twoway.customs.gateways) or "sandbox" (the in-process simulator, refused unless the sandbox
# is on). Production settings force single_window; local and test settings use the sandbox.
TWOWAY_CUSTOMS_GATEWAY = os.environ.get("TWOWAY_CUSTOMS_GATEWAY", "single_window")
TWOWAY_CUSTOMS_SW_ENDPOINT = os.environ.get("TWOWAY_CUSTOMS_SW_ENDPOINT", "")
TWOWAY_CUSTOMS_SW_KEY_PATH = os.environ.get("TWOWAY_CUSTOMS_SW_KEY_PATH", "")
TWOWAY_CUSTOMS_SW_CERT_PATH = os.environ.get("TWOWAY_CUSTOMS_SW_CERT_PATH", "")

# Public base URL (notify and return URLs given to payment providers).
TWOWAY_PUBLIC_URL = os.environ.get("TWOWAY_PUBLIC_URL", "http://127.0.0.1:8000")
# Sandbox wallets: retry schedule scale (1.0 = the real schedule; 0 = no waiting).
TWOWAY_SANDBOX_RETRY_MULTIPLIER = float(os.environ.get("TWOWAY_SANDBOX_RETRY_MULTIPLIER", "0"))

# Checkout
TWOWAY_RESERVATION_MINUTES = int(os.environ.get("TWOWAY_RESERVATION_MINUTES", "30"))
# `twoway loadlist`: largest share of a list a reload may remove without --allow-shrink.
TWOWAY_LIST_MAX_DROP_SHARE = float(os.environ.get("TWOWAY_LIST_MAX_DROP_SHARE", "0.10"))
# Caps on one purchase, checked on merged lines in every checkout entry point (README: Security).
TWOWAY_MAX_QUANTITY_PER_PRODUCT = int(os.environ.get("TWOWAY_MAX_QUANTITY_PER_PRODUCT", "999"))
TWOWAY_MAX_LINES_PER_ORDER = int(os.environ.get("TWOWAY_MAX_LINES_PER_ORDER", "50"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "mask_ids": {"()": "twoway.identity.logging.MaskResidentIdFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    # Every handler masks resident ID numbers (twoway.identity.logging), including runserver's
    # request lines and the error e-mails; gunicorn's logs are masked by gunicorn.conf.py.
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_ids"],
        },
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["mask_ids"],
        },
        "mail_admins": {
            "level": "ERROR",
            "class": "twoway.identity.logging.MaskingAdminEmailHandler",
            "filters": ["require_debug_false", "mask_ids"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["mail_admins"], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
    },
}

# Uploaded files (catalogue import files; product images) go through Django's storage API: the
# file system under var/media in the demo, an S3-compatible bucket in production.
MEDIA_ROOT = os.environ.get("TWOWAY_MEDIA_ROOT", str(VAR_DIR / "media"))
MEDIA_URL = "/media/"
# Catalogue imports (seller center and API): the largest file accepted, and up to how many rows
# a file is validated/written inside the request when tasks run in-process (demo, tests); longer
# files wait for the scheduled worker (``catalog.imports_run``), with progress shown.
TWOWAY_IMPORT_MAX_BYTES = int(os.environ.get("TWOWAY_IMPORT_MAX_BYTES", str(50 * 1024 * 1024)))
TWOWAY_IMPORT_MAX_ROWS = int(os.environ.get("TWOWAY_IMPORT_MAX_ROWS", "200000"))
TWOWAY_IMPORT_INLINE_ROWS = int(os.environ.get("TWOWAY_IMPORT_INLINE_ROWS", "1000"))
