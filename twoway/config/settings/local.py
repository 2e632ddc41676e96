"""Embedded demo and development: SQLite under var/, generated dev keys, debug on."""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR, env_bool, with_sandbox
from .devkeys import dev_key

VAR_DIR.mkdir(parents=True, exist_ok=True)
DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = dev_key("django-secret-key")
TWOWAY_ID_ENCRYPTION_KEY = dev_key("id-encryption-key")
TWOWAY_ID_HASH_KEY = dev_key("id-hash-key")
# Sandboxes (wallets, card processor, customs): on here, off in production.
TWOWAY_PAYMENTS_SANDBOX = env_bool("TWOWAY_PAYMENTS_SANDBOX", True)
INSTALLED_APPS = with_sandbox(INSTALLED_APPS, TWOWAY_PAYMENTS_SANDBOX)  # noqa: F405
TWOWAY_CUSTOMS_GATEWAY = os.environ.get("TWOWAY_CUSTOMS_GATEWAY", "sandbox")
TWOWAY_WEBHOOK_SECRET_KEY = dev_key("webhook-secret-key")
TWOWAY_WEBHOOK_ALLOW_HTTP = True  # the demo's receiver runs on 127.0.0.1
TWOWAY_WEBHOOK_ALLOW_PRIVATE_HOSTS = True
