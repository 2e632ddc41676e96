"""One switch for every sandbox (wallets, card processor, China customs): TWOWAY_PAYMENTS_SANDBOX.

On in the local and test settings, off in production (``settings.production``): a production
deployment never installs or routes the dev-only ``twoway.sandbox`` app (the simulators' pages),
never accepts a sandbox-signed notification and never lets the sandbox customs gateway answer a
declaration (``twoway.customs.gateways.get_gateway`` refuses it).
"""

from __future__ import annotations

import os


def sandbox_enabled() -> bool:
    from django.conf import settings

    value = getattr(settings, "TWOWAY_PAYMENTS_SANDBOX", None) if settings.configured else None
    if value in (None, ""):
        value = os.environ.get("TWOWAY_PAYMENTS_SANDBOX") or None
    if value is None:
        module = (getattr(settings, "SETTINGS_MODULE", "") or "") if settings.configured else ""
        return not module.endswith(".production")
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)
