"""Payment writes: start a payment (no row lock held while the provider is involved), receive a
notification (verify → check → record once → orders paid → customs on commit)."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from twoway.checkout import lock_objects
from twoway.checkout import services as checkout
from twoway.checkout.models import Order, OrderEvent, OrderStatus, Purchase
from twoway.checkout.rules import order_status as pipeline
from twoway.checkout.signals import orders_paid
from twoway.core.errors import DomainError, PermissionDenied

from .models import (
    NotificationOutcome,
    Payment,
    PaymentNotification,
    PaymentStatus,
    Refund,
    RefundKind,
    RefundStatus,
)
from .providers import (
    CardPaymentRequest,
    NotificationRejected,
    PaymentRedirect,
    PaymentRequest,
    get_provider,
    notification_mismatches,
)
from .providers.base import (
    STATUS_PARTIALLY_REFUNDED,
    STATUS_REFUND_FAILED,
    STATUS_REFUND_PENDING,
    STATUS_REFUNDED,
)
from .refunds import ANSWER_SUCCEEDED, RefundCall, RefundUnavailable, refund_send

if TYPE_CHECKING:
    from twoway.checkout.models import ReturnRequest
    from twoway.identity.models import User

    from .providers import PaymentProvider, VerifiedNotification

logger = logging.getLogger(__name__)


def _public_url(path: str) -> str:
    return getattr(settings, "TWOWAY_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/") + path


def payment_start(*, purchase: Purchase, buyer: User, provider_name: str) -> PaymentRedirect:
    """Where to send the buyer to pay. Reads only; the purchase is not locked."""
    if purchase.buyer_id != buyer.pk:
        raise PermissionDenied("Only the buyer can pay for this purchase.")
    if purchase.paid_at is not None:
        raise DomainError.one(
            "purchase", "already_paid", "This purchase is already paid.", status=409
        )
    orders = list(purchase.orders.all())
    payable, why = checkout.purchase_payable(purchase)
    if not payable:
        rule = (
            "held"
            if "hold" in why
            else ("reservation_expired" if "expired; place" in why else "not_payable")
        )
        raise DomainError.one("purchase", rule, why, status=409)
    first = orders[0]
    if provider_name == "card":  # US consumers (imports) pay in USD by card
        card_request = CardPaymentRequest(
            out_trade_no=purchase.number,
            amount=purchase.total_payable,
            currency=purchase.currency,
            subject=f"Twoway {purchase.number}",
            buyer_name=first.consignee_name,
            notify_url=_public_url("/payments/notify/card/"),
            return_url=_public_url(f"/us/purchases/{purchase.number}/"),
        )
        return get_provider("card").create_payment(card_request)
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


def _log(
    provider: str,
    outcome: str,
    *,
    event_id: str = "",
    out_trade_no: str = "",
    rule: str = "",
    message: str = "",
    raw: bytes = b"",
) -> None:
    PaymentNotification.objects.create(
        provider=provider,
        event_id=event_id,
        out_trade_no=out_trade_no,
        outcome=outcome,
        error_rule=rule,
        error_message=message,
        raw_body=raw.decode("utf-8", "replace")[:20000],
        received_at=timezone.now(),
    )


def notification_receive(*, provider_name: str, raw_body: bytes, headers: Mapping[str, str]) -> Ack:
    """Handle one asynchronous notification. Safe to replay: the same event or transaction is
    recorded once and acknowledged every time."""
    provider = get_provider(provider_name)
    try:
        note = provider.verify_notification(raw_body, headers)
    except NotificationRejected as exc:
        logger.warning("payment notification rejected (%s): %s", exc.rule, exc.reason)
        _log(
            provider_name,
            NotificationOutcome.REJECTED,
            rule=exc.rule,
            message=exc.reason,
            raw=raw_body,
        )
        return Ack(*provider.ack(False, message=exc.reason, status_code=400))

    if note.out_refund_no or note.status in REFUND_STATUSES:
        return _refund_notification(provider, provider_name, note, raw_body)

    if not note.is_paid:
        _log(
            provider_name,
            NotificationOutcome.IGNORED,
            event_id=note.event_id,
            out_trade_no=note.out_trade_no,
            message=note.status,
            raw=raw_body,
        )
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
        _log(
            provider_name,
            NotificationOutcome.REJECTED,
            event_id=note.event_id,
            out_trade_no=note.out_trade_no,
            rule=rule,
            message=message,
            raw=raw_body,
        )
        return Ack(*provider.ack(False, message=message, status_code=400))

    try:
        with transaction.atomic():
            _log(
                provider_name,
                NotificationOutcome.PROCESSED,
                event_id=note.event_id,
                out_trade_no=note.out_trade_no,
                raw=raw_body,
            )
            payment_record(purchase=purchase, provider_name=provider_name, notification=note)
    except IntegrityError:
        # The same event (or the same transaction under another event id) was processed already.
        _log(
            provider_name,
            NotificationOutcome.DUPLICATE,
            event_id=note.event_id,
            out_trade_no=note.out_trade_no,
            raw=raw_body,
        )
    return Ack(*provider.ack(True))


def payment_record(
    *, purchase: Purchase, provider_name: str, notification: VerifiedNotification
) -> Payment:
    """Record the payment once (unique provider transaction id) and mark the orders paid.

    Must run inside the caller's transaction. The purchase row is locked first (as expiry and
    holds lock it), so a payment and an expiry or a block never both win: if the orders can no
    longer be paid (expired, cancelled, held), the money is recorded as due for refund and the
    refund is issued at once through the same provider."""
    now = timezone.now()
    locked = lock_objects.purchase_for_update(purchase.pk).get()
    list(lock_objects.orders_for_update(purchase.pk))
    payable, why = checkout.purchase_payable(locked, now=now, deadline=False)
    payment = Payment.objects.create(
        purchase=purchase,
        provider=provider_name,
        provider_txn_id=notification.provider_txn_id,
        app_id=notification.app_id,
        amount=notification.amount,
        currency=notification.currency,
        status=PaymentStatus.PAID if payable else PaymentStatus.REFUND_DUE,
        paid_at=notification.paid_at or now,
        payer_account_masked=notification.payer_account_masked or "",
    )
    if payable:
        checkout.purchase_mark_paid(
            purchase=purchase,
            now=now,
            actor_label=f"provider:{provider_name}",
            reason=f"{provider_name} transaction {notification.provider_txn_id}",
        )
        # Customs (a receiver of this signal) declares the exports among them after commit.
        orders_paid.send(
            sender=Payment, order_ids=list(purchase.orders.values_list("pk", flat=True))
        )
    else:
        logger.warning("purchase %s paid but not payable (%s): refund due", purchase.number, why)
        held = any(o.status == OrderStatus.HELD for o in purchase.orders.all())
        refund_issue(
            payment=payment,
            order=None,
            amount=payment.amount,
            kind=RefundKind.HOLD if held else RefundKind.LATE_PAYMENT,
            reason=f"Paid after the purchase could no longer be paid: {why}",
            by=None,
            now=now,
        )
    return payment


# --- refunds -------------------------------------------------------------------------------

#: Sent inside the transaction that records a refund request: ``refund`` (the new row, with
#: ``order`` when it is one order's refund) and ``now``. Contexts above listen (webhooks).
refund_requested = Signal()

REFUND_STATUSES = frozenset(
    {
        STATUS_REFUNDED,
        STATUS_PARTIALLY_REFUNDED,
        STATUS_REFUND_FAILED,
        STATUS_REFUND_PENDING,
    }
)
#: Retry schedule of a refund the wallet could not take: minutes after each failed attempt.
REFUND_BACKOFF_MINUTES = (1, 2, 5, 10, 30, 60, 120, 240)


def _refund_number(now: dt.datetime) -> str:
    return f"RF{now:%y%m%d}{secrets.token_hex(5).upper()}"


def _succeeded_total(payment: Payment, *, excluding: Refund | None = None) -> Decimal:
    """What of ``payment`` the provider has confirmed refunded (optionally without one refund)."""
    rows = payment.refunds.filter(status=RefundStatus.SUCCEEDED)
    if excluding is not None:
        rows = rows.exclude(pk=excluding.pk)
    total: Decimal = rows.aggregate(n=Coalesce(Sum("amount"), Decimal("0.00")))["n"]
    return total


def refunded_total(payment: Payment) -> Decimal:
    """What of ``payment`` is refunded or on its way back (failed refunds count for nothing)."""
    total: Decimal = payment.refunds.exclude(status=RefundStatus.FAILED).aggregate(
        n=Coalesce(Sum("amount"), Decimal("0.00"))
    )["n"]
    return total


def refund_issue(
    *,
    payment: Payment,
    order: Order | None,
    amount: Decimal,
    kind: str,
    reason: str,
    by: User | None = None,
    return_request: ReturnRequest | None = None,
    now: dt.datetime | None = None,
) -> Refund:
    """Record a refund of ``amount`` against ``payment`` (inside the caller's transaction) and
    send it to the provider once that transaction commits. Never more than was paid: the
    payment row is locked, so two refunds of one order cannot both pass the check."""
    now = now or timezone.now()
    amount = Decimal(amount).quantize(Decimal("0.01"))
    if amount <= 0:
        raise DomainError.one("amount", "positive", "A refund must be more than zero.")
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        already = refunded_total(locked)
        if already + amount > locked.amount:
            raise DomainError.one(
                "amount",
                "over_refund",
                f"Refund {amount} would exceed what was paid: {locked.amount} paid, "
                f"{already} already refunded or on its way.",
                status=409,
            )
        refund = Refund.objects.create(
            number=_refund_number(now),
            payment=locked,
            purchase_id=locked.purchase_id,
            order=order,
            return_request=return_request,
            kind=kind,
            reason=reason[:2000],
            provider=locked.provider,
            amount=amount,
            currency=locked.currency,
            status=RefundStatus.PENDING,
            next_attempt_at=now,
            requested_by=by,
            requested_at=now,
        )
        if order is not None:
            OrderEvent.objects.create(
                order=order,
                from_status=order.status,
                to_status=order.status,
                actor=by,
                actor_label="payments",
                created_at=now,
                reason=f"Refund {refund.number} of {refund.currency} {amount} requested "
                f"through {refund.provider}.",
            )
        refund_requested.send(sender=Refund, refund=refund, now=now)
        refund_id = refund.pk
        transaction.on_commit(lambda: _refund_submit_later(refund_id))
    return refund


def _refund_submit_later(refund_id: int) -> None:
    from .tasks import refund_submit as task

    try:
        task.delay(refund_id)
    except Exception:  # noqa: BLE001 - a broker outage must not lose the refund: the retry job sends it
        logger.exception(
            "refund %s could not be queued; the scheduled retry will send it", refund_id
        )


def refund_submit(*, refund_id: int, now: dt.datetime | None = None) -> str:
    """Ask the provider to refund (no lock held while it is asked), then record its answer."""
    now = now or timezone.now()
    refund = Refund.objects.select_related("payment", "purchase").get(pk=refund_id)
    if refund.status != RefundStatus.PENDING:
        return refund.status
    call = RefundCall(
        provider=refund.provider,
        out_trade_no=refund.purchase.number,
        provider_txn_id=refund.payment.provider_txn_id,
        out_refund_no=refund.number,
        amount=refund.amount,
        refunded_before=_succeeded_total(refund.payment, excluding=refund),
        total=refund.payment.amount,
        currency=refund.currency,
        reason=refund.reason[:80],
    )
    with transaction.atomic():
        try:
            answer = refund_send(call)
        except RefundUnavailable as exc:
            return _refund_attempt_failed(refund_id, str(exc), now)
        locked = Refund.objects.select_for_update().get(pk=refund_id)
        if locked.status != RefundStatus.PENDING:
            return locked.status
        locked.provider_refund_id = answer.provider_refund_id
        locked.attempts += 1
        locked.submitted_at = now
        locked.status = RefundStatus.SUBMITTED
        locked.save(update_fields=["provider_refund_id", "attempts", "submitted_at", "status"])
        if answer.status == ANSWER_SUCCEEDED:
            _refund_succeeded(locked, at=now)
        return locked.status


def _refund_attempt_failed(refund_id: int, error: str, now: dt.datetime) -> str:
    with transaction.atomic():
        locked = Refund.objects.select_for_update().get(pk=refund_id)
        locked.attempts += 1
        locked.last_error = error[:2000]
        if locked.attempts >= len(REFUND_BACKOFF_MINUTES):
            locked.status = RefundStatus.FAILED
            locked.next_attempt_at = None
        else:
            locked.next_attempt_at = now + dt.timedelta(
                minutes=REFUND_BACKOFF_MINUTES[locked.attempts - 1]
            )
        locked.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
    logger.warning("refund %s not sent (attempt %s): %s", locked.number, locked.attempts, error)
    return locked.status


def refunds_retry(*, now: dt.datetime | None = None, limit: int = 200) -> int:
    """Send every pending refund whose next attempt is due (the scheduled job)."""
    now = now or timezone.now()
    due = list(
        Refund.objects.filter(status=RefundStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for refund_id in due:
        refund_submit(refund_id=refund_id, now=now)
    return len(due)


def _refund_succeeded(refund: Refund, *, at: dt.datetime) -> None:
    """The provider confirmed: mark the refund, the payment and the order (in the caller's
    transaction, refund row locked)."""
    refund.status = RefundStatus.SUCCEEDED
    refund.succeeded_at = at
    refund.save(update_fields=["status", "succeeded_at"])
    payment = Payment.objects.select_for_update().get(pk=refund.payment_id)
    if _succeeded_total(payment) >= payment.amount and payment.status != PaymentStatus.REFUNDED:
        payment.status = PaymentStatus.REFUNDED
        payment.save(update_fields=["status"])
    if refund.order_id:
        order = Order.objects.get(pk=refund.order_id)
        OrderEvent.objects.create(
            order=order,
            from_status=order.status,
            to_status=order.status,
            actor=None,
            actor_label=f"provider:{refund.provider}",
            created_at=at,
            reason=f"Refund {refund.number} of {refund.currency} {refund.amount} completed.",
        )
        if order.status == OrderStatus.RETURNED:
            checkout.order_transition(
                order=order,
                to=OrderStatus.REFUNDED,
                actor_label=f"provider:{refund.provider}",
                reason=f"Refund {refund.number} completed.",
                now=at,
            )


def _refund_notification(  # noqa: C901 — ADR 0001's checks, in the ADR's order
    provider: PaymentProvider, provider_name: str, note: VerifiedNotification, raw_body: bytes
) -> Ack:
    """A wallet's refund notification: match our refund, check the amount, record it once."""
    refund = Refund.objects.filter(provider=provider_name, number=note.out_refund_no or "").first()
    problems = []
    if refund is None:
        problems.append(("out_refund_no", "unknown_refund", "No refund with this number."))
    else:
        if note.out_trade_no != refund.purchase.number:
            problems.append(("out_trade_no", "unknown_order", "Refund is for another purchase."))
        if note.provider_txn_id and note.provider_txn_id != refund.payment.provider_txn_id:
            problems.append(("transaction_id", "txn_mismatch", "Refund is for another payment."))
        if note.status in (STATUS_REFUNDED, STATUS_PARTIALLY_REFUNDED):
            expected = refund.amount
            if provider_name == "alipay":  # refund_fee: the total refunded so far
                expected += _succeeded_total(refund.payment, excluding=refund)
            if note.refund_amount != expected:
                problems.append(
                    (
                        "refund_amount",
                        "amount_mismatch",
                        f"Notified refund {note.refund_amount} differs from {expected}.",
                    )
                )
    if problems:
        message = "; ".join(p[2] for p in problems)
        logger.warning("refund notification %s refused: %s", note.event_id, message)
        _log(
            provider_name,
            NotificationOutcome.REJECTED,
            event_id=note.event_id,
            out_trade_no=note.out_trade_no,
            rule=problems[0][1],
            message=message,
            raw=raw_body,
        )
        return Ack(*provider.ack(False, message=message, status_code=400))
    if refund is None:  # an unknown refund is one of the problems answered above
        raise RuntimeError(f"refund notification {note.event_id} matched no refund")
    try:
        with transaction.atomic():
            _log(
                provider_name,
                NotificationOutcome.PROCESSED,
                event_id=note.event_id,
                out_trade_no=note.out_trade_no,
                raw=raw_body,
            )
            locked = Refund.objects.select_for_update().get(pk=refund.pk)
            if note.status in (STATUS_REFUNDED, STATUS_PARTIALLY_REFUNDED):
                if locked.status == RefundStatus.SUCCEEDED:
                    raise IntegrityError("refund already recorded")
                if note.refund_id and not locked.provider_refund_id:
                    locked.provider_refund_id = note.refund_id
                    locked.save(update_fields=["provider_refund_id"])
                _refund_succeeded(locked, at=timezone.now())
            elif note.status == STATUS_REFUND_FAILED and locked.status != RefundStatus.SUCCEEDED:
                # The wallet closed the refund: send it again on the retry schedule.
                locked.status = RefundStatus.PENDING
                locked.provider_refund_id = ""
                locked.last_error = f"{provider_name} closed the refund ({note.provider_status})."
                locked.next_attempt_at = timezone.now() + dt.timedelta(
                    minutes=REFUND_BACKOFF_MINUTES[0]
                )
                locked.save(
                    update_fields=["status", "provider_refund_id", "last_error", "next_attempt_at"]
                )
    except IntegrityError:
        _log(
            provider_name,
            NotificationOutcome.DUPLICATE,
            event_id=note.event_id,
            out_trade_no=note.out_trade_no,
            raw=raw_body,
        )
    return Ack(*provider.ack(True))


# --- what buyers, sellers, operators and regulators do (orchestration) ----------------------


def _captured_payment(purchase_id: int) -> Payment | None:
    return (
        Payment.objects.filter(
            purchase_id=purchase_id, status__in=(PaymentStatus.PAID, PaymentStatus.REFUNDED)
        )
        .order_by("pk")
        .first()
    )


def order_cancel(*, order: Order, by: User, reason: str = "") -> Order:
    """The buyer (or an operator) cancels an order. Unpaid: cancelled, stock and quota back.
    Paid and not yet declared to customs (exports) or shipped (imports): refunded in full —
    stock and quota back, the tax with it, the money through the provider that took it."""
    order = Order.objects.get(pk=order.pk)
    if order.buyer_id != by.pk and not by.is_operator:
        raise PermissionDenied("Only the buyer or an operator can cancel this order.")
    if pipeline.is_unpaid(order.status, order.held_from):
        return checkout.order_cancel(order=order, by=by, reason=reason)
    allowed = pipeline.BUYER_CANCELLABLE[order.direction]
    if order.status not in allowed and not (
        by.is_operator and order.status in pipeline.OPEN_STATES
    ):
        raise DomainError.one(
            "status",
            "not_cancellable",
            _(
                "This order can no longer be cancelled: it has been declared to customs or shipped. "
                "Once it is delivered you can ask for a return."
            ),
            status=409,
        )
    return _refund_whole_order(
        order=order,
        by=by,
        kind=RefundKind.CANCELLATION,
        reason=reason or "Cancelled by the buyer after payment.",
    )


def _refund_whole_order(*, order: Order, by: User | None, kind: str, reason: str) -> Order:
    now = timezone.now()
    with transaction.atomic():
        payment = _captured_payment(order.purchase_id)
        if payment is None:
            raise DomainError.one(
                "order", "not_paid", "This order has no payment to refund.", status=409
            )
        checkout.order_refund(order=order, by=by, reason=reason)
        refund_issue(
            payment=payment,
            order=order,
            amount=order.total_payable,
            kind=kind,
            reason=reason,
            by=by,
            now=now,
        )
    return Order.objects.get(pk=order.pk)


def return_receive_and_refund(*, return_request: ReturnRequest, by: User) -> ReturnRequest:
    """The goods came back: restock, ledger reversal, quota back (checkout) and the refund of
    what came back (here), in one transaction."""
    now = timezone.now()
    with transaction.atomic():
        received = checkout.return_receive(return_request=return_request, by=by, now=now)
        order = Order.objects.get(pk=received.order_id)
        payment = _captured_payment(order.purchase_id)
        amount = sum((rl.refund_amount for rl in received.lines.all()), Decimal("0.00"))
        if payment is not None and amount > 0:
            refund_issue(
                payment=payment,
                order=order,
                amount=amount,
                kind=RefundKind.RETURN,
                reason=f"Return {received.number}: {received.reason[:200]}",
                by=by,
                return_request=received,
                now=now,
            )
    return received


def orders_refund_for_block(*, product_ids: list[int], reason: str, by: User | None = None) -> int:
    """A regulator's final block: every order held because of these listings ends — unpaid ones
    are cancelled, paid ones refunded in full. Returns how many orders ended."""
    ended = 0
    with transaction.atomic():
        order_ids = sorted(
            set(
                Order.objects.filter(
                    status=OrderStatus.HELD,
                    hold_code=checkout.HOLD_LISTING_BLOCKED,
                    lines__product_id__in=product_ids,
                ).values_list("pk", flat=True)
            )
        )
        for order_id in order_ids:
            order = Order.objects.select_for_update().get(pk=order_id)
            if order.status != OrderStatus.HELD:
                continue
            if order.held_from == OrderStatus.CREATED:
                checkout.order_transition(
                    order=order,
                    to=OrderStatus.CANCELLED,
                    actor=by,
                    actor_label="regulator",
                    reason=reason,
                )
            else:
                _refund_whole_order(order=order, by=by, kind=RefundKind.HOLD, reason=reason)
            ended += 1
    return ended


def on_listing_status_changed(
    *,
    product_ids: Iterable[int],
    status: str,
    reason: str,
    final: bool = False,
    **_kwargs: Any,
) -> None:
    """Catalog's listing_status_changed signal: a final block ends the orders it held."""
    from twoway.catalog.models import ProductStatus

    if final and status == ProductStatus.BLOCKED:
        orders_refund_for_block(product_ids=list(product_ids), reason=reason)
