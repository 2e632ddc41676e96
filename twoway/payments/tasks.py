"""Background work of the payments context (Celery; in-process in the demo and tests)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.test import RequestFactory

logger = logging.getLogger(__name__)


@shared_task(name="payments.sandbox_notification_deliver")
def sandbox_notification_deliver(provider_name: str, out_trade_no: str, amount: str,
                                 notify_path: str, return_url: str, subject: str) -> int:
    """The sandbox wallet's side: sign a 'paid' notification and deliver it to our notify
    endpoint on the provider's real retry schedule (scaled by TWOWAY_SANDBOX_RETRY_MULTIPLIER)
    until it is acknowledged. Returns the number of attempts."""
    import time
    from decimal import Decimal

    from twoway.payments.keys import ensure_sandbox_keys
    from twoway.payments.providers import PaymentRequest
    from twoway.payments.providers.sandbox import NotificationSchedule, SandboxWallet

    from .views import notify

    multiplier = float(getattr(settings, "TWOWAY_SANDBOX_RETRY_MULTIPLIER", 0.0))
    wallet = SandboxWallet(
        provider_name, ensure_sandbox_keys(),
        schedule=NotificationSchedule.for_provider(provider_name, multiplier=multiplier),
    )
    request = PaymentRequest(
        out_trade_no=out_trade_no, amount=Decimal(amount), currency="CNY", subject=subject,
        buyer_name="", buyer_id_number_masked_or_token="", notify_url=notify_path,
        return_url=return_url,
    )
    signed = wallet.notification(request, "paid")
    factory = RequestFactory()

    def send(body: bytes, headers: dict) -> tuple[int, bytes]:
        content_type = headers.get("Content-Type", "application/x-www-form-urlencoded")
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()
                 if k.lower() != "content-type"}
        response = notify(factory.post(notify_path, data=body, content_type=content_type, **extra),
                          provider_name)
        return response.status_code, response.content

    log = wallet.deliver(signed, send, sleeper=time.sleep if multiplier else (lambda _s: None))
    logger.info("sandbox %s notification for %s: %s attempts, acknowledged=%s",
                provider_name, out_trade_no, log.attempt_count, log.acknowledged)
    return log.attempt_count
