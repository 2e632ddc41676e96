"""Background work of the payments context (Celery; in-process in the demo and tests)."""

from __future__ import annotations

import logging
from decimal import Decimal

from celery import shared_task

logger = logging.getLogger(__name__)


def _deliver(provider_name: str, body: bytes, headers: dict) -> tuple[int, bytes]:
    """Hand a sandbox wallet's signed notification to the notification service, as the HTTP
    notify endpoint does (raw body and headers; nothing else is trusted)."""
    from .services import notification_receive

    ack = notification_receive(provider_name=provider_name, raw_body=body, headers=headers)
    return ack.status_code, ack.body


@shared_task(name="payments.sandbox_refund_notify")
def sandbox_refund_notify(
    provider_name: str,
    out_trade_no: str,
    provider_txn_id: str,
    out_refund_no: str,
    provider_refund_id: str,
    amount: str,
    refunded_before: str,
    total: str,
) -> int:
    """The sandbox wallet confirms a refund with its signed notification (WeChat
    ``REFUND.SUCCESS``, Alipay ``trade_status_sync`` with ``refund_fee``, card
    ``refund.succeeded``). Returns the HTTP status our handler answered."""
    from twoway.payments.keys import ensure_sandbox_keys
    from twoway.payments.providers import PaymentRequest
    from twoway.payments.providers.card import (
        SandboxCardProcessor,
        card_app_id,
        card_secret,
        sandbox_refund_notification,
    )
    from twoway.payments.providers.sandbox import SandboxWallet

    refund, before, paid = Decimal(amount), Decimal(refunded_before), Decimal(total)
    if provider_name == "card":
        body, headers = sandbox_refund_notification(
            SandboxCardProcessor(app_id=card_app_id(), secret=card_secret()),
            out_trade_no=out_trade_no,
            transaction_id=provider_txn_id,
            amount=paid,
            refund_amount=refund,
            out_refund_no=out_refund_no,
            refund_id=provider_refund_id,
            app_id=card_app_id(),
        )
    else:
        wallet = SandboxWallet(provider_name, ensure_sandbox_keys())
        request = PaymentRequest(
            out_trade_no=out_trade_no,
            amount=paid,
            currency="CNY",
            subject="refund",
            buyer_name="",
            buyer_id_number_masked_or_token="",
            notify_url="/",
            return_url="/",
        )
        cumulative = before + refund
        full = cumulative >= paid
        signed = wallet.notification(
            request,
            "refunded" if full else "partially_refunded",
            provider_txn_id=provider_txn_id,
            # Alipay's refund_fee is the total refunded so far; WeChat's amount.refund this one.
            refund_amount=cumulative if provider_name == "alipay" else refund,
            out_refund_no=out_refund_no,
        )
        body, headers = signed.body, signed.headers
    status, _ = _deliver(provider_name, body, headers)
    logger.info(
        "sandbox %s refund %s confirmed: our handler answered %s",
        provider_name,
        out_refund_no,
        status,
    )
    return status


@shared_task(name="payments.refund_submit")
def refund_submit(refund_id: int) -> str:
    from .services import refund_submit as submit

    return submit(refund_id=refund_id)


@shared_task(name="payments.refunds_retry")
def refunds_retry() -> int:
    from .services import refunds_retry as retry

    return retry()
