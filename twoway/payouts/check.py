"""Every payout statement adds up to the orders and refunds behind it (like ``ledger check``).

For each statement: its totals equal the sum of its lines (and the amount due the net converted
at its own rate); each line equals its order or refund as they are now (collected, tax, fee at
the fee row of the payment day); and its lines are exactly the seller's orders paid and refunds
succeeded in the period — none missing, none extra, none on two statements.
"""

from __future__ import annotations

from collections.abc import Iterable

from .models import PayoutStatement
from .rules.statement import order_line, refund_line, totals_of
from .selectors import (
    order_money,
    orders_paid_in,
    refund_money,
    refunds_succeeded_in,
)

FIELDS = ("collected", "tax", "fee", "net")


def statement_differences(statement: PayoutStatement) -> list[str]:
    problems: list[str] = []
    lines = list(
        statement.lines.select_related("order", "refund", "refund__order", "refund__return_request")
    )
    name = statement.number
    recomputed = totals_of(
        lines,
        rate=statement.exchange_rate,
        collected_currency=statement.collected_currency,
        payout_currency=statement.payout_currency,
    )
    for field, stored in (
        ("orders", statement.orders_count),
        ("refunds", statement.refunds_count),
        ("collected", statement.collected),
        ("refunded", statement.refunded),
        ("tax", statement.tax),
        ("fee", statement.fee),
        ("net", statement.net),
        ("amount_due", statement.amount_due),
    ):
        if getattr(recomputed, field) != stored:
            problems.append(
                f"{name}: {field} {stored} but its lines give {getattr(recomputed, field)}"
            )
    for line in lines:
        if line.kind == "order":
            source = order_line(order_money(line.order))
        elif line.refund is None:
            raise ValueError(f"{name}: refund line {line.reference} has no refund")
        else:
            source = refund_line(refund_money(line.refund))
        for field in FIELDS:
            if getattr(source, field) != getattr(line, field):
                problems.append(
                    f"{name}: {line.kind} {line.reference} {field} "
                    f"{getattr(line, field)} but the {line.kind} gives "
                    f"{getattr(source, field)}"
                )
    start, end, business = statement.period_start, statement.period_end, statement.business
    want_orders = set(orders_paid_in(business, start, end).values_list("pk", flat=True))
    have_orders = {x.order_id for x in lines if x.kind == "order"}
    want_refunds = set(refunds_succeeded_in(business, start, end).values_list("pk", flat=True))
    # every refund line has its refund (checked above)
    have_refunds = {x.refund_id for x in lines if x.kind == "refund" and x.refund_id is not None}
    for label, want, have in (
        ("order", want_orders, have_orders),
        ("refund", want_refunds, have_refunds),
    ):
        if want - have:
            problems.append(f"{name}: {label}s missing: {sorted(want - have)}")
        if have - want:
            problems.append(f"{name}: {label}s that do not belong: {sorted(have - want)}")
    return problems


def payouts_check(statements: Iterable[PayoutStatement] | None = None) -> list[str]:
    """Every difference, one line each; [] when every statement adds up."""
    if statements is None:
        statements = PayoutStatement.objects.select_related("business").order_by("pk")
    problems: list[str] = []
    for statement in statements:
        problems.extend(statement_differences(statement))
    return problems
