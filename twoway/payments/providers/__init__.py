"""Payment providers (Alipay, WeChat Pay; a sandbox card processor for US consumers) behind one
interface; see ``base.PaymentProvider``.

``get_provider("alipay" | "wechat" | "card")`` builds a provider from the configured keys (production paths
when set, else the sandbox keys in the key dir; see ``twoway.payments.keys``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, overload

from .alipay import AlipayProvider
from .base import (
    STATUSES,
    Clock,
    CustomsDeclaration,
    NotificationMalformed,
    NotificationRejected,
    PaymentInputInvalid,
    PaymentProvider,
    PaymentRedirect,
    PaymentRequest,
    SignatureInvalid,
    VerifiedNotification,
    notification_mismatches,
    utc_now,
)
from .card import CardPaymentRequest, CardProvider
from .wechat import WechatPayProvider

PROVIDER_NAMES = ("alipay", "wechat", "card")

__all__ = [
    "PROVIDER_NAMES",
    "STATUSES",
    "AlipayProvider",
    "CardPaymentRequest",
    "CardProvider",
    "CustomsDeclaration",
    "NotificationMalformed",
    "NotificationRejected",
    "PaymentInputInvalid",
    "PaymentProvider",
    "PaymentRedirect",
    "PaymentRequest",
    "SignatureInvalid",
    "VerifiedNotification",
    "WechatPayProvider",
    "get_provider",
    "notification_mismatches",
]


@overload
def get_provider(
    name: Literal["card"], *, clock: Clock = ..., key_dir: Path | None = ...
) -> CardProvider: ...


@overload
def get_provider(
    name: str, *, clock: Clock = ..., key_dir: Path | None = ...
) -> PaymentProvider: ...


def get_provider(
    name: str, *, clock: Clock = utc_now, key_dir: Path | None = None
) -> PaymentProvider:
    """The provider called ``name``. ``key_dir`` forces the sandbox keys in that directory."""
    from twoway.payments import keys

    if name == "alipay":
        a = keys.alipay_keys(key_dir)
        return AlipayProvider(
            app_id=a.app_id,
            seller_id=a.seller_id,
            alipay_public_key=a.alipay_public_key,
            app_private_key=a.app_private_key,
            gateway_url=a.gateway_url,
            clock=clock,
        )
    if name == "wechat":
        w = keys.wechat_keys(key_dir)
        return WechatPayProvider(
            app_id=w.app_id,
            mch_id=w.mch_id,
            apiv3_key=w.apiv3_key,
            platform_public_keys=w.platform_public_keys,
            merchant_private_key=w.merchant_private_key,
            merchant_serial=w.merchant_serial,
            gateway_url=w.gateway_url,
            clock=clock,
        )
    if name == "card":
        from .card import (
            CHANNEL_CLOSED_MESSAGE,
            card_app_id,
            card_channel_open,
            card_merchant_id,
            card_secret,
        )

        if not card_channel_open():
            raise PaymentInputInvalid("provider", "channel_closed", CHANNEL_CLOSED_MESSAGE)
        return CardProvider(
            app_id=card_app_id(),
            secret=card_secret(key_dir),
            clock=clock,
            merchant_id=card_merchant_id(),
        )
    raise PaymentInputInvalid(
        "provider", "unknown_provider", f"Unknown payment provider {name!r}; use alipay or wechat."
    )
