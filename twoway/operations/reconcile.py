"""``twoway reconcile``: every cross-context invariant, one function per check.

Each check returns a list of ``Difference`` (plain values; empty when the data agree), so tests,
the stateful test and other code call them directly; the command only prints them.

- ``stock_differences``: per product, on hand + reserved + sold − returned-and-restocked =
  received (the sum of its ``StockAdjustment`` deltas: ``product_create`` writes the "initial
  stock" row, ``stock_adjust`` every later change).
- ``quota_differences``: per person and year, ``QuotaUsage`` = the quota still held by their
  orders.
- ``payment_differences``: each paid purchase has exactly one captured payment of its amount and
  currency; money due for refund has a refund; refunds never exceed the payment.
- ``ledger_differences``: ledger = shipped − returned lines, rollups = ledger (the ledger's own
  check).
- ``stuck_differences``: nothing is past its deadline: unpaid past the reservation, paid exports
  without a customs declaration, holds without a reason, refunds pending for too long.

Models other work is adding (``checkout.ReturnLine``, ``payments.Refund``, ``Order.quota_returned``)
are read through the app registry when they exist and count as nothing when they do not.

Thresholds (settings, with defaults): ``TWOWAY_RECONCILE_UNPAID_GRACE_MINUTES`` (5),
``TWOWAY_RECONCILE_UNDECLARED_MINUTES`` (30), ``TWOWAY_RECONCILE_REFUND_PENDING_HOURS`` (24).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import timezone

from twoway.catalog.models import Product, StockAdjustment
from twoway.checkout.models import Order, OrderLine, OrderStatus, Purchase, QuotaUsage
from twoway.checkout.rules.order_status import OPEN_STATES, SHIPPED_STATES
from twoway.checkout.selectors import shipped_order_lines
from twoway.ledger import check as ledger
from twoway.payments.models import Payment, PaymentStatus

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

UNPAID_GRACE_MINUTES = 5
UNDECLARED_MINUTES = 30
REFUND_PENDING_HOURS = 24
#: Refund statuses that still mean money goes back (a failed attempt does not count).
REFUND_LIVE_STATUSES = ("pending", "submitted", "succeeded")
REFUND_WAITING_STATUSES = ("pending", "submitted")


@dataclass(frozen=True)
class Difference:
    check: str  # stock, quota, payment, refund, ledger, stuck
    subject: str  # what it is about: "product 12 (SKU-3)", "purchase TP…", "order TW…"
    detail: str

    def line(self) -> str:
        return (
            f"{self.check}: {self.subject}: {self.detail}"
            if self.subject
            else (f"{self.check}: {self.detail}")
        )


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _optional_model(app_label: str, name: str):
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def _money(amount: Decimal | None, currency: str) -> str:
    return f"{Decimal(amount or 0).quantize(CENT):,} {currency}"


# --- stock -----------------------------------------------------------------------------------


def _units_by_product(lines) -> dict[int, int]:
    return {
        row["product_id"]: int(row["units"] or 0)
        for row in lines.values("product_id").annotate(units=Sum("quantity")).order_by()
    }


def _returned_restocked() -> dict[int, int]:
    """Units that came back to the seller's shelf, per product.

    With ``checkout.ReturnLine``: its restocked (or received) quantities. Orders that went out
    and got their stock back without return lines (a refund of a returned order releases the
    stock, ``stock_released``) count their whole lines, as the state machine does today."""
    left = Q(order__shipped_at__isnull=False) | Q(order__status__in=SHIPPED_STATES)
    legacy = OrderLine.objects.filter(left, order__stock_released=True)
    return_line = _optional_model("checkout", "ReturnLine")
    totals: dict[int, int] = defaultdict(int)
    if return_line is not None:
        legacy = legacy.exclude(Exists(return_line.objects.filter(order_line=OuterRef("pk"))))
        # A return line restocks when its return is received (checkout.return_receive).
        back = return_line.objects.filter(return_request__status="received")
        for row in back.values("order_line__product_id").annotate(units=Sum("quantity")).order_by():
            totals[row["order_line__product_id"]] += int(row["units"] or 0)
    for product_id, units in _units_by_product(legacy).items():
        totals[product_id] += units
    return totals


def stock_differences() -> list[Difference]:
    """Per product: on hand + reserved + sold − returned = received.

    reserved: units of open orders that still hold their stock and have not left; sold: units of
    orders that left the seller (shipped, delivered, returned, or refunded after shipping);
    returned: units that came back and were restocked; received: the product's stock
    adjustments (initial stock and every later change)."""
    not_left = Q(order__shipped_at__isnull=True) & ~Q(order__status__in=SHIPPED_STATES)
    reserved = _units_by_product(
        OrderLine.objects.filter(
            not_left, order__status__in=OPEN_STATES, order__stock_released=False
        )
    )
    sold = _units_by_product(
        OrderLine.objects.filter(
            Q(order__shipped_at__isnull=False) | Q(order__status__in=SHIPPED_STATES)
        )
    )
    returned = _returned_restocked()
    received = {
        row["product_id"]: int(row["units"] or 0)
        for row in StockAdjustment.objects.values("product_id")
        .annotate(units=Sum("delta"))
        .order_by()
    }
    differences = []
    rows = Product.objects.order_by("pk").values_list("pk", "sku", "stock_on_hand")
    for pk, sku, on_hand in rows.iterator(chunk_size=5000):
        r, s, b = reserved.get(pk, 0), sold.get(pk, 0), returned.get(pk, 0)
        total = on_hand + r + s - b
        if total != received.get(pk, 0):
            differences.append(
                Difference(
                    "stock",
                    f"product {pk} ({sku})",
                    f"on hand {on_hand} + reserved {r} + sold {s} − returned {b} = {total}, "
                    f"received {received.get(pk, 0)}",
                )
            )
    return differences


# --- quota -----------------------------------------------------------------------------------


def quota_differences() -> list[Difference]:
    """Per person and year: quota used = the quota still held by their orders (not released;
    less any part given back, ``Order.quota_returned``, where that field exists)."""
    held: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    counts: dict[tuple[str, int], int] = defaultdict(int)
    masked: dict[str, str] = {}
    returned_field = _has_field(Order, "quota_returned")
    fields = ["buyer_id_hash", "quota_year", "quota_amount", "buyer_id_masked"]
    if returned_field:
        fields.append("quota_returned")
    orders = Order.objects.filter(quota_year__isnull=False).exclude(buyer_id_hash="")
    for row in orders.values_list(*fields, "quota_released").iterator(chunk_size=5000):
        id_hash, year, amount, id_masked = row[:4]
        masked.setdefault(id_hash, id_masked)
        if row[-1]:  # quota_released
            continue
        amount = Decimal(amount or 0) - (Decimal(row[4] or 0) if returned_field else ZERO)
        held[(id_hash, year)] += amount
        counts[(id_hash, year)] += 1
    used = {
        (u.id_number_hash, u.year): Decimal(u.used_fen) / 100
        for u in QuotaUsage.objects.all().iterator(chunk_size=5000)
    }
    differences = []
    for key in sorted(set(held) | set(used)):
        expected, actual = held.get(key, ZERO), used.get(key, ZERO)
        if expected.quantize(CENT) != actual.quantize(CENT):
            id_hash, year = key
            person = masked.get(id_hash) or f"hash {id_hash[:12]}…"
            differences.append(
                Difference(
                    "quota",
                    f"person {person} year {year}",
                    f"used {_money(actual, 'CNY')}, held by {counts.get(key, 0)} live order(s) "
                    f"{_money(expected, 'CNY')}",
                )
            )
    return differences


# --- payments and refunds --------------------------------------------------------------------


def _refund_totals(refund) -> dict[int, Decimal]:
    if refund is None:
        return {}
    rows = (
        refund.objects.filter(status__in=REFUND_LIVE_STATUSES)
        .values("payment_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {r["payment_id"]: Decimal(r["total"] or 0) for r in rows}


def payment_differences() -> list[Difference]:
    """Each paid purchase has exactly one captured payment (any status but refund due: a later
    refund does not undo the capture) of the purchase's amount and currency; a payment marked
    paid belongs to a paid purchase; a payment due for refund has a refund; refunds (not failed)
    never exceed the payment."""
    differences = []
    captured: dict[int, list[tuple]] = defaultdict(list)
    for row in (
        Payment.objects.exclude(status=PaymentStatus.REFUND_DUE)
        .values_list("purchase_id", "provider", "provider_txn_id", "amount", "currency", "status")
        .iterator(chunk_size=5000)
    ):
        captured[row[0]].append(row[1:])
    paid = Purchase.objects.filter(paid_at__isnull=False).values_list(
        "pk", "number", "total_payable", "currency"
    )
    paid_ids = set()
    for pk, number, total, currency in paid.iterator(chunk_size=5000):
        paid_ids.add(pk)
        payments = captured.get(pk, [])
        owes = _money(total, currency)
        if len(payments) != 1:
            listed = ", ".join(f"{p[0]} {p[1]} {_money(p[2], p[3])}" for p in payments)
            differences.append(
                Difference(
                    "payment",
                    f"purchase {number}",
                    f"paid, owes {owes}, {len(payments)} captured payment(s)"
                    + (f": {listed}" if listed else ""),
                )  # fmt: skip
            )
            continue
        provider, txn, amount, pay_currency, _status = payments[0]
        if Decimal(amount).quantize(CENT) != Decimal(total).quantize(CENT) or (
            pay_currency != currency
        ):
            differences.append(
                Difference(
                    "payment",
                    f"purchase {number}",
                    f"owes {owes}, payment {provider} {txn} {_money(amount, pay_currency)}",
                )  # fmt: skip
            )
    unapplied = (
        Payment.objects.filter(status=PaymentStatus.PAID, purchase__paid_at__isnull=True)
        .select_related("purchase")
        .order_by("pk")
    )
    for payment in unapplied:
        differences.append(
            Difference(
                "payment",
                f"purchase {payment.purchase.number}",
                f"payment {payment.provider} {payment.provider_txn_id} "
                f"{_money(payment.amount, payment.currency)} is paid but the purchase is not",
            )  # fmt: skip
        )
    refund = _optional_model("payments", "Refund")
    refunded = _refund_totals(refund)
    due = Payment.objects.filter(status=PaymentStatus.REFUND_DUE).select_related("purchase")
    for payment in due.order_by("pk"):
        if refunded.get(payment.pk, ZERO) <= ZERO:
            differences.append(
                Difference(
                    "refund",
                    f"payment {payment.provider} {payment.provider_txn_id} "
                    f"(purchase {payment.purchase.number})",
                    f"{_money(payment.amount, payment.currency)} due for refund, no refund "
                    "recorded",
                )
            )
    if refunded:
        over = Payment.objects.filter(pk__in=list(refunded)).select_related("purchase")
        for payment in over.order_by("pk"):
            total = refunded[payment.pk]
            if total > Decimal(payment.amount):
                differences.append(
                    Difference(
                        "refund",
                        f"payment {payment.provider} {payment.provider_txn_id} "
                        f"(purchase {payment.purchase.number})",
                        f"refunds {_money(total, payment.currency)} > paid "
                        f"{_money(payment.amount, payment.currency)}",
                    )
                )
    return differences


# --- ledger ----------------------------------------------------------------------------------


def ledger_differences() -> list[Difference]:
    """Ledger = shipped − returned order lines; rollups = ledger (``twoway ledger check``)."""
    return [Difference("ledger", "", d.line()) for d in ledger_check()]


def ledger_check() -> list[ledger.Difference]:
    """The ledger's own check, handed checkout's shipped order lines as plain values (this
    floor reads both; the ledger imports nothing from checkout)."""
    return ledger.ledger_check(order_lines=shipped_order_lines())


# --- deadlines -------------------------------------------------------------------------------


def stuck_differences(*, now: dt.datetime | None = None) -> list[Difference]:
    """Nothing waits past its deadline: an unpaid order past its reservation (plus a grace for
    the scheduler), a paid export with no customs declaration, a hold without a reason, a
    refund pending or submitted for too long."""
    now = now or timezone.now()
    grace = dt.timedelta(
        minutes=_setting("TWOWAY_RECONCILE_UNPAID_GRACE_MINUTES", UNPAID_GRACE_MINUTES)
    )
    undeclared = dt.timedelta(
        minutes=_setting("TWOWAY_RECONCILE_UNDECLARED_MINUTES", UNDECLARED_MINUTES)
    )
    pending = dt.timedelta(
        hours=_setting("TWOWAY_RECONCILE_REFUND_PENDING_HOURS", REFUND_PENDING_HOURS)
    )
    reservation = dt.timedelta(minutes=settings.TWOWAY_RESERVATION_MINUTES)
    differences = []
    unpaid = (
        Order.objects.filter(status=OrderStatus.CREATED)
        .filter(
            Q(purchase__reserved_until__lt=now - grace)
            | Q(purchase__reserved_until__isnull=True, created_at__lt=now - reservation - grace)
        )
        .select_related("purchase")
        .order_by("pk")
    )
    for order in unpaid:
        until = order.purchase.reserved_until or order.created_at + reservation
        differences.append(
            Difference(
                "stuck",
                f"order {order.number} (purchase {order.purchase.number})",
                f"unpaid, reservation ended {until:%Y-%m-%d %H:%M} UTC and it was not expired "
                "(stock and quota still held)",
            )  # fmt: skip
        )
    customs_message = _optional_model("customs", "CustomsMessage")
    paid_exports = Order.objects.filter(
        direction="us_export", status=OrderStatus.PAID, paid_at__lt=now - undeclared, hold_reason=""
    )
    if customs_message is not None:
        paid_exports = paid_exports.exclude(
            Exists(customs_message.objects.filter(order=OuterRef("pk")))
        )
    for order in paid_exports.order_by("pk"):
        differences.append(
            Difference(
                "stuck",
                f"order {order.number}",
                f"paid {order.paid_at:%Y-%m-%d %H:%M} UTC, no customs declaration and no hold "
                f"after {int(undeclared.total_seconds() // 60)} min",
            )  # fmt: skip
        )
    for order in Order.objects.filter(status=OrderStatus.HELD).order_by("pk"):
        if not order.hold_reason.strip():
            differences.append(
                Difference("stuck", f"order {order.number}", "held without a reason")
            )
    refund = _optional_model("payments", "Refund")
    since = _first_field(refund, ("submitted_at", "requested_at", "created_at")) if refund else None
    if refund is not None and since:
        waiting = refund.objects.filter(
            status__in=REFUND_WAITING_STATUSES, **{f"{since}__lt": now - pending}
        ).order_by("pk")
        for row in waiting:
            differences.append(
                Difference(
                    "stuck",
                    f"refund {row.pk} (payment {row.payment_id})",
                    f"{row.status} since {getattr(row, since):%Y-%m-%d %H:%M} UTC, more than "
                    f"{int(pending.total_seconds() // 3600)} h",
                )  # fmt: skip
            )
    return differences


def _first_field(model, names: tuple[str, ...]) -> str | None:
    return next((n for n in names if _has_field(model, n)), None)


# --- all of them -----------------------------------------------------------------------------

CHECKS: dict[str, Callable[[], list[Difference]]] = {
    "stock": stock_differences,
    "quota": quota_differences,
    "payments": payment_differences,
    "ledger": ledger_differences,
    "deadlines": stuck_differences,
}


def reconcile(*, only: list[str] | None = None) -> list[Difference]:
    """Every difference of every check (or of the ``only`` ones), in check order."""
    differences: list[Difference] = []
    for name, check in CHECKS.items():
        if only is None or name in only:
            differences += check()
    return differences
