"""The sandbox wallet's side of a payment: sign a 'paid' notification and hand it to our
notification service (``payments.services.notification_receive``), on the provider's real retry
schedule — the same service the HTTP notify endpoint calls, no HTTP request involved."""

from __future__ import annotations

import logging
import time
from decimal import Decimal

from celery import shared_task
from django.conf import settings

from twoway.payments.keys import ensure_sandbox_keys
from twoway.payments.providers import PaymentRequest
from twoway.payments.providers.sandbox import NotificationSchedule, SandboxWallet
from twoway.payments.services import notification_receive

logger = logging.getLogger(__name__)


def deliver(provider_name: str, body: bytes, headers: dict) -> tuple[int, bytes]:
    """A signed notification reaches our handler as the notify endpoint would hand it over
    (raw body and headers; nothing else is trusted)."""
    ack = notification_receive(provider_name=provider_name, raw_body=body, headers=headers)
    return ack.status_code, ack.body


@shared_task(name="sandbox.wallet_notification_deliver")
def wallet_notification_deliver(
    provider_name: str,
    out_trade_no: str,
    amount: str,
    notify_path: str,
    return_url: str,
    subject: str,
) -> int:
    """Deliver the wallet's 'paid' notification until it is acknowledged (scaled by
    TWOWAY_SANDBOX_RETRY_MULTIPLIER; 0 = no waiting). Returns the number of attempts."""
    multiplier = float(getattr(settings, "TWOWAY_SANDBOX_RETRY_MULTIPLIER", 0.0))
    wallet = SandboxWallet(
        provider_name,
        ensure_sandbox_keys(),
        schedule=NotificationSchedule.for_provider(provider_name, multiplier=multiplier),
    )
    request = PaymentRequest(
        out_trade_no=out_trade_no,
        amount=Decimal(amount),
        currency="CNY",
        subject=subject,
        buyer_name="",
        buyer_id_number_masked_or_token="",
        notify_url=notify_path,
        return_url=return_url,
    )
    signed = wallet.notification(request, "paid")
    log = wallet.deliver(
        signed,
        lambda body, headers: deliver(provider_name, body, headers),
        sleeper=time.sleep if multiplier else (lambda _s: None),
    )
    logger.info(
        "sandbox %s notification for %s: %s attempts, acknowledged=%s",
        provider_name,
        out_trade_no,
        log.attempt_count,
        log.acknowledged,
    )
    return log.attempt_count
