"""Settings shared by every environment. Secrets and switches come from the environment only."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
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
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
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
    "twoway.search",
    "twoway.alternatives",
    "twoway.dashboard",
    "twoway.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "twoway.identity.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
]

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

# Money: one place defines precision (Saleor's DEFAULT_MAX_DIGITS / DEFAULT_DECIMAL_PLACES idea).
MONEY_MAX_DIGITS = 14
MONEY_DECIMAL_PLACES = 2

# Real-name identity keys (identity context). Both are 32-byte urlsafe base64 keys.
# TWOWAY_ID_ENCRYPTION_KEY encrypts resident ID numbers (AES-256-GCM);
# TWOWAY_ID_HASH_KEY keys the HMAC used to count quotas per person without decrypting.
TWOWAY_ID_ENCRYPTION_KEY = os.environ.get("TWOWAY_ID_ENCRYPTION_KEY", "")
TWOWAY_ID_HASH_KEY = os.environ.get("TWOWAY_ID_HASH_KEY", "")

# Background work: Celery on Redis in production; in the demo and tests the same task code
# runs in-process (CELERY_TASK_ALWAYS_EAGER).
USE_CELERY_BROKER = env_bool("USE_CELERY_BROKER", False)
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_TASK_ALWAYS_EAGER = not USE_CELERY_BROKER
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "UTC"

# Public base URL (notify and return URLs given to payment providers).
TWOWAY_PUBLIC_URL = os.environ.get("TWOWAY_PUBLIC_URL", "http://127.0.0.1:8000")
# Sandbox wallets: retry schedule scale (1.0 = the real schedule; 0 = no waiting).
TWOWAY_SANDBOX_RETRY_MULTIPLIER = float(os.environ.get("TWOWAY_SANDBOX_RETRY_MULTIPLIER", "0"))

# Checkout
TWOWAY_RESERVATION_MINUTES = int(os.environ.get("TWOWAY_RESERVATION_MINUTES", "30"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_ids": {"()": "twoway.identity.logging.MaskResidentIdFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["mask_ids"]}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
