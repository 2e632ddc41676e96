"""Customs gateways (the China customs side) behind one interface; see ``base.CustomsGateway``.

``get_gateway()`` builds the gateway named by ``TWOWAY_CUSTOMS_GATEWAY``: ``sandbox`` (the
in-process simulator; demo and test settings) or ``single_window`` (China International Trade
Single Window over HTTPS with the enterprise's signing key; production settings). The sandbox is
refused whenever the sandbox switch is off, so production can never be answered by it.

Settings of the Single Window gateway (environment variables of the same name work too):
``TWOWAY_CUSTOMS_SW_ENDPOINT`` (https URL), ``TWOWAY_CUSTOMS_DXP_ID`` (our DXP sender id),
``TWOWAY_CUSTOMS_SW_RECEIVER_ID`` (default the customs CEB node), ``TWOWAY_CUSTOMS_SW_KEY_PATH``
(PEM private key), ``TWOWAY_CUSTOMS_SW_CERT_PATH`` (PEM certificate),
``TWOWAY_CUSTOMS_SW_SIGNATURE`` (default ``rsa-sha256``), ``TWOWAY_CUSTOMS_SW_TIMEOUT`` (s).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .base import (
    CustomsGateway,
    CustomsGatewayUnavailable,
    DeclarationDocuments,
    GatewayResult,
)
from .sandbox import SandboxCustomsGateway
from .single_window import CEB_RECEIVER_ID, SigningKey, SingleWindowGateway, Transport

GATEWAY_NAMES = ("sandbox", "single_window")

__all__ = [
    "GATEWAY_NAMES",
    "CustomsGateway",
    "CustomsGatewayUnavailable",
    "DeclarationDocuments",
    "GatewayResult",
    "SandboxCustomsGateway",
    "SingleWindowGateway",
    "get_gateway",
]


def _setting(name: str, default: Any = None) -> Any:
    from django.conf import settings

    value = getattr(settings, name, None)
    if value in (None, ""):
        value = os.environ.get(name) or None
    return default if value is None else value


def _read(path_setting: str) -> bytes | None:
    path = _setting(path_setting)
    if not path:
        return None
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CustomsGatewayUnavailable(f"{path_setting} cannot be read: {exc}") from exc


def single_window_from_settings(*, transport: Transport | None = None) -> SingleWindowGateway:
    key = _read("TWOWAY_CUSTOMS_SW_KEY_PATH")
    if key is None:
        raise CustomsGatewayUnavailable(
            "The Single Window signing key is not configured (TWOWAY_CUSTOMS_SW_KEY_PATH)."
        )
    algorithm = str(_setting("TWOWAY_CUSTOMS_SW_SIGNATURE", "rsa-sha256"))
    signing = SigningKey(
        private_key_pem=key,
        certificate_pem=_read("TWOWAY_CUSTOMS_SW_CERT_PATH"),
        signature_algorithm=algorithm,
        digest_algorithm=algorithm.rsplit("-", 1)[-1],
    )
    extra = {"transport": transport} if transport is not None else {}
    return SingleWindowGateway(
        endpoint=str(_setting("TWOWAY_CUSTOMS_SW_ENDPOINT", "")),
        sender_id=str(_setting("TWOWAY_CUSTOMS_DXP_ID", "DXPENT0000000001")),
        receiver_id=str(_setting("TWOWAY_CUSTOMS_SW_RECEIVER_ID", CEB_RECEIVER_ID)),
        signing_key=signing,
        timeout=float(_setting("TWOWAY_CUSTOMS_SW_TIMEOUT", 20)),
        **extra,
    )


def gateway_name() -> str:
    return str(_setting("TWOWAY_CUSTOMS_GATEWAY", "single_window"))


def get_gateway(name: str | None = None) -> CustomsGateway:
    """The configured gateway; ``CustomsGatewayUnavailable`` when it cannot be used (not
    configured, or the sandbox asked for with the sandbox off)."""
    from twoway.core.sandbox import sandbox_enabled

    name = name or gateway_name()
    if name == "sandbox":
        if not sandbox_enabled():
            raise CustomsGatewayUnavailable(
                "The sandbox customs is off on this server; configure the Single Window gateway."
            )
        return SandboxCustomsGateway()
    if name == "single_window":
        return single_window_from_settings()
    raise CustomsGatewayUnavailable(
        f"Unknown customs gateway {name!r}; use one of {GATEWAY_NAMES}."
    )
