"""Payment writes: start a payment (no row lock held while the provider is involved), receive a
notification (verify → check → record once → orders paid → customs on commit)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from twoway.checkout import services as checkout
from twoway.checkout.models import Direction, OrderStatus, Purchase
from twoway.core.errors import DomainError, PermissionDenied

from .models import NotificationOutcome, Payment, PaymentNotification, PaymentStatus
from .providers import (
    CardPaymentRequest,
    NotificationRejected,
    PaymentRedirect,
    PaymentRequest,
    get_provider,
    notification_mismatches,
)

logger = logging.getLogger(__name__)


def _public_url(path: str) -> str:
    return getattr(settings, "TWOWAY_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/") + path


def payment_start(*, purchase: Purchase, buyer, provider_name: str) -> PaymentRedirect:
    """Where to send the buyer to pay. Reads only; the purchase is not locked."""
    if purchase.buyer_id != buyer.pk:
        raise PermissionDenied("Only the buyer can pay for this purchase.")
    if purchase.paid_at is not None:
        raise DomainError.one("purchase", "already_paid", "This purchase is already paid.", status=409)
    orders = list(purchase.orders.all())
    if not orders or any(o.status != OrderStatus.CREATED for o in orders):
        raise DomainError.one(
            "purchase", "not_payable",
            "This purchase can no longer be paid (its reservation expired or it was cancelled).",
            status=409,
        )
    if purchase.reserved_until and purchase.reserved_until < timezone.now():
        raise DomainError.one("purchase", "reservation_expired",
                              "The reservation expired; place the order again.", status=409)
    first = orders[0]
    if provider_name == "card":  # US consumers (imports) pay in USD by card
        card_request = CardPaymentRequest(
            out_trade_no=purchase.number, amount=purchase.total_payable, currency=purchase.currency,
            subject=f"Twoway {purchase.number}", buyer_name=first.consignee_name,
            notify_url=_public_url("/payments/notify/card/"),
            return_url=_public_url(f"/us/purchases/{purchase.number}/"),
        )
        return get_provider(provider_name).create_payment(card_request)
    request = PaymentRequest(
        out_trade_no=purchase.number,
        amount=purchase.total_payable,
        currency=purchase.currency,
        subject=f"Twoway {purchase.number}",
        buyer_name=first.buyer_name,
        buyer_id_number_masked_or_token=first.buyer_id_masked,
        notify_url=_public_url(f"/payments/notify/{provider_name}/"),
        return_url=_public_url(f"/cn/purchases/{purchase.number}/"),
    )
    return get_provider(provider_name).create_payment(request)


@dataclass(frozen=True)
class Ack:
    status_code: int
    body: bytes
    content_type: str


def _log(provider: str, outcome: str, *, event_id: str = "", out_trade_no: str = "",
         rule: str = "", message: str = "", raw: bytes = b"") -> None:
    PaymentNotification.objects.create(
        provider=provider, event_id=event_id, out_trade_no=out_trade_no, outcome=outcome,
        error_rule=rule, error_message=message, raw_body=raw.decode("utf-8", "replace")[:20000],
        received_at=timezone.now(),
    )


def notification_receive(*, provider_name: str, raw_body: bytes, headers) -> Ack:
    """Handle one asynchronous notification. Safe to replay: the same event or transaction is
    recorded once and acknowledged every time."""
    provider = get_provider(provider_name)
    try:
        note = provider.verify_notification(raw_body, headers)
    except NotificationRejected as exc:
        logger.warning("payment notification rejected (%s): %s", exc.rule, exc.reason)
        _log(provider_name, NotificationOutcome.REJECTED, rule=exc.rule, message=exc.reason, raw=raw_body)
        return Ack(*provider.ack(False, message=exc.reason, status_code=400))

    if not note.is_paid:
        _log(provider_name, NotificationOutcome.IGNORED, event_id=note.event_id,
             out_trade_no=note.out_trade_no, message=note.status, raw=raw_body)
        return Ack(*provider.ack(True))

    purchase = Purchase.objects.filter(number=note.out_trade_no).first()
    problems = notification_mismatches(
        note,
        out_trade_no=purchase.number if purchase else "",
        amount=purchase.total_payable if purchase else Decimal("-1"),
        currency=purchase.currency if purchase else "CNY",
        app_id=provider.app_id,
        merchant_id=provider.merchant_id,  # Alipay seller_id / WeChat mchid / card merchant
    )
    if purchase is None or problems:
        message = "; ".join(p.message for p in problems) or "unknown purchase"
        rule = problems[0].rule if problems else "unknown_order"
        logger.warning("payment notification %s refused: %s", note.event_id, message)
        _log(provider_name, NotificationOutcome.REJECTED, event_id=note.event_id,
             out_trade_no=note.out_trade_no, rule=rule, message=message, raw=raw_body)
        return Ack(*provider.ack(False, message=message, status_code=400))

    try:
        with transaction.atomic():
            _log(provider_name, NotificationOutcome.PROCESSED, event_id=note.event_id,
                 out_trade_no=note.out_trade_no, raw=raw_body)
            payment_record(purchase=purchase, provider_name=provider_name, notification=note)
    except IntegrityError:
        # The same event (or the same transaction under another event id) was processed already.
        _log(provider_name, NotificationOutcome.DUPLICATE, event_id=note.event_id,
             out_trade_no=note.out_trade_no, raw=raw_body)
    return Ack(*provider.ack(True))


def payment_record(*, purchase: Purchase, provider_name: str, notification) -> Payment:
    """Record the payment once (unique provider transaction id) and mark the orders paid.

    Must run inside the caller's transaction. If the reservation had already expired, the money is
    recorded as due for refund instead of reviving cancelled orders."""
    now = timezone.now()
    payable = all(o.status == OrderStatus.CREATED for o in purchase.orders.all())
    payment = Payment.objects.create(
        purchase=purchase, provider=provider_name, provider_txn_id=notification.provider_txn_id,
        app_id=notification.app_id, amount=notification.amount, currency=notification.currency,
        status=PaymentStatus.PAID if payable else PaymentStatus.REFUND_DUE,
        paid_at=notification.paid_at or now,
        payer_account_masked=notification.payer_account_masked or "",
    )
    if payable:
        checkout.purchase_mark_paid(
            purchase=purchase, now=now, actor_label=f"provider:{provider_name}",
            reason=f"{provider_name} transaction {notification.provider_txn_id}",
        )
        # China customs declarations are for exports only; imports go straight to the seller.
        order_ids = list(
            purchase.orders.filter(direction=Direction.US_EXPORT).values_list("pk", flat=True)
        )
        transaction.on_commit(lambda: _after_paid(order_ids))
    else:
        logger.warning("purchase %s paid after its reservation ended: refund due", purchase.number)
    return payment


def _after_paid(order_ids: list[int]) -> None:
    from twoway.customs.tasks import order_declare

    for order_id in order_ids:
        order_declare.delay(order_id)
