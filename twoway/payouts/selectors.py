"""Reads for payouts: the orders and refunds of a seller in a period as the pure rule's values,
and the statements issued."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum

from twoway.businesses.models import Business
from twoway.checkout.models import Direction, Order
from twoway.payments.models import Refund, RefundStatus
from twoway.reference.models import ExchangeRate, PlatformFee
from twoway.reference.selectors import platform_fee_on, rate_on

from .models import PayoutStatement
from .rules.statement import Line, OrderMoney, RefundMoney, Totals, q, statement


@dataclass(frozen=True)
class Currencies:
    direction: str
    collected: str
    payout: str


def currencies_for(business: Business) -> Currencies:
    """US sellers are paid in USD for exports bought in CNY; Chinese sellers in CNY for imports
    bought in USD."""
    if business.country == "CN":
        return Currencies(Direction.US_IMPORT, "USD", "CNY")
    return Currencies(Direction.US_EXPORT, "CNY", "USD")


def bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00 UTC, the day after end 00:00 UTC)."""
    utc = dt.UTC
    return (
        dt.datetime.combine(start, dt.time(), utc),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), utc),
    )


def orders_paid_in(business: Business, start: dt.date, end: dt.date) -> QuerySet[Order]:
    low, high = bounds(start, end)
    return Order.objects.filter(
        business=business,
        direction=currencies_for(business).direction,
        paid_at__gte=low,
        paid_at__lt=high,
    )


def refunds_succeeded_in(business: Business, start: dt.date, end: dt.date) -> QuerySet[Refund]:
    low, high = bounds(start, end)
    return Refund.objects.filter(
        order__business=business,
        order__direction=currencies_for(business).direction,
        order__paid_at__isnull=False,
        status=RefundStatus.SUCCEEDED,
        succeeded_at__gte=low,
        succeeded_at__lt=high,
    )


def _fee_rate(direction: str, moment: dt.datetime) -> Decimal:
    return platform_fee_on(direction, moment.date()).rate


def order_money(order: Order) -> OrderMoney:
    paid_at = order.paid_at
    if paid_at is None:
        raise ValueError(f"order {order.number} is not paid: it has no money for a statement")
    return OrderMoney(
        order_id=order.pk,
        number=order.number,
        paid_at=paid_at,
        collected=order.total_payable,
        tax=order.tax_total,
        goods=order.goods_value,
        fee_rate=_fee_rate(order.direction, paid_at),
    )


def refund_money(refund: Refund) -> RefundMoney:
    order = refund.order
    if order is None:
        raise ValueError(f"refund {refund.number} has no order")
    succeeded_at, paid_at = refund.succeeded_at, order.paid_at
    if succeeded_at is None or paid_at is None:
        raise ValueError(f"refund {refund.number} has not succeeded or its order is not paid")
    return_request = refund.return_request if refund.return_request_id else None
    if return_request is not None:
        parts = return_request.lines.aggregate(tax=Sum("tax_amount"), goods=Sum("goods_amount"))
        tax, goods = q(parts["tax"] or Decimal(0)), q(parts["goods"] or Decimal(0))
    elif refund.amount == order.total_payable or not order.total_payable:
        tax, goods = order.tax_total, order.goods_value
    else:  # a part of the order's money (an operator's refund): its share of tax and goods
        share = refund.amount / order.total_payable
        tax, goods = q(order.tax_total * share), q(order.goods_value * share)
    return RefundMoney(
        refund_id=refund.pk,
        number=refund.number,
        order_id=order.pk,
        order_number=order.number,
        succeeded_at=succeeded_at,
        amount=refund.amount,
        tax=tax,
        goods=goods,
        fee_rate=_fee_rate(order.direction, paid_at),
    )


@dataclass(frozen=True)
class StatementDraft:
    business: Business
    start: dt.date
    end: dt.date
    currencies: Currencies
    rate: ExchangeRate
    fees: list[PlatformFee]
    lines: list[Line]
    totals: Totals


def statement_draft(*, business: Business, start: dt.date, end: dt.date) -> StatementDraft:
    """The statement of ``business`` for [start, end] as it would be issued now."""
    cur = currencies_for(business)
    orders = [order_money(o) for o in orders_paid_in(business, start, end).order_by("paid_at")]
    refunds = [
        refund_money(r)
        for r in refunds_succeeded_in(business, start, end)
        .select_related("order", "return_request")
        .order_by("succeeded_at")
    ]
    rate = rate_on(end)
    lines, totals = statement(
        orders,
        refunds,
        rate=rate.rate,
        collected_currency=cur.collected,
        payout_currency=cur.payout,
    )
    fees = [platform_fee_on(cur.direction, day) for day in {start, end}]
    return StatementDraft(business, start, end, cur, rate, fees, lines, totals)


def statements_for(*, business: Business) -> QuerySet[PayoutStatement]:
    return PayoutStatement.objects.filter(business=business).order_by("-period_start")


def statement_get(*, business: Business, number: str) -> PayoutStatement | None:
    return PayoutStatement.objects.filter(business=business, number=number).first()


@dataclass(frozen=True)
class FeeRule:
    """The platform-fee row a statement charged by, as pages show it."""

    direction: str
    rate: Decimal
    basis: str
    effective_from: dt.date | None
    source: str


def fee_rules_for(business: Business, start: dt.date, end: dt.date) -> tuple[FeeRule, ...]:
    """The fee rows in force over [start, end] for the seller's direction (one when unchanged)."""
    direction = currencies_for(business).direction
    rows = {row.pk: row for row in (platform_fee_on(direction, day) for day in (start, end))}
    return tuple(
        FeeRule(r.direction, r.rate, r.basis, r.effective_from, r.source)
        for r in sorted(rows.values(), key=lambda r: r.effective_from or dt.date.min)
    )


@dataclass(frozen=True)
class StatementRow:
    kind: str
    reference: str
    order_number: str
    occurred_at: dt.datetime
    collected: Decimal
    tax: Decimal
    fee: Decimal
    net: Decimal


@dataclass(frozen=True)
class StatementView:
    """An issued statement or the live figures of a chosen range, as pages and files show it."""

    number: str  # "" for a range not issued
    issued_at: dt.datetime | None
    business_name: str
    start: dt.date
    end: dt.date
    collected_currency: str
    payout_currency: str
    orders: int
    refunds: int
    collected: Decimal
    refunded: Decimal
    tax: Decimal
    fee: Decimal
    net: Decimal
    amount_due: Decimal
    rate: Decimal
    rate_from: dt.date | None
    rate_source: str
    fee_source: str
    rows: list[StatementRow]
    fee_rules: tuple[FeeRule, ...] = ()
    business_name_zh: str = ""


def statement_view(statement: PayoutStatement) -> StatementView:
    rows = [
        StatementRow(
            x.kind, x.reference, x.order.number, x.occurred_at, x.collected, x.tax, x.fee, x.net
        )
        for x in statement.lines.select_related("order").order_by("occurred_at", "pk")
    ]
    return StatementView(
        statement.number,
        statement.issued_at,
        statement.business.legal_name,
        statement.period_start,
        statement.period_end,
        statement.collected_currency,
        statement.payout_currency,
        statement.orders_count,
        statement.refunds_count,
        statement.collected,
        statement.refunded,
        statement.tax,
        statement.fee,
        statement.net,
        statement.amount_due,
        statement.exchange_rate,
        statement.exchange_rate_from,
        statement.exchange_rate_source,
        statement.fee_source,
        rows,
        fee_rules_for(statement.business, statement.period_start, statement.period_end),
        statement.business.display_name_zh,
    )


def range_view(*, business: Business, start: dt.date, end: dt.date) -> StatementView:
    draft = statement_draft(business=business, start=start, end=end)
    t = draft.totals
    rows = [
        StatementRow(
            x.kind, x.reference, x.order_number, x.occurred_at, x.collected, x.tax, x.fee, x.net
        )
        for x in draft.lines
    ]
    fee_source = "; ".join(sorted({f"{f.rate:.2%} of {f.basis}: {f.source}" for f in draft.fees}))
    return StatementView(
        "",
        None,
        business.legal_name,
        start,
        end,
        draft.currencies.collected,
        draft.currencies.payout,
        t.orders,
        t.refunds,
        t.collected,
        t.refunded,
        t.tax,
        t.fee,
        t.net,
        t.amount_due,
        draft.rate.rate,
        draft.rate.effective_from,
        draft.rate.source,
        fee_source,
        rows,
        fee_rules_for(business, start, end),
        business.display_name_zh,
    )
