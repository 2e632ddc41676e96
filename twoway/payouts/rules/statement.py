"""A seller's payout statement from its orders and refunds (pure; no Django).

Per order paid in the period: the money collected from the buyer, the tax collected on the buyer's
behalf and remitted (China's CBEC tax; US duties for imports), the platform fee on the goods value
(the fee row in force on the day the order was paid). Per refund that succeeded in the period: the
money given back (negative), the tax in it (no longer remitted, so it comes back off the tax
line) and the fee on its goods given back. Amounts are in the currency the buyers paid; the net is
converted once, at the dated USD/CNY rate of the statement, to the seller's payout currency.

Rounding: each fee is rounded half-up to the cent/fen; the conversion once, half-up to the cent/fen.
So the statement always equals the sum of its lines, and its lines the orders and refunds behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def q(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class OrderMoney:
    order_id: int
    number: str
    paid_at: dt.datetime
    collected: Decimal  # what the buyer paid for this order
    tax: Decimal  # tax and duty collected on the buyer's behalf
    goods: Decimal  # goods value (the fee base)
    fee_rate: Decimal  # the fee row in force on the day of payment


@dataclass(frozen=True)
class RefundMoney:
    refund_id: int
    number: str
    order_id: int
    order_number: str
    succeeded_at: dt.datetime
    amount: Decimal  # positive: what went back to the buyer
    tax: Decimal  # the tax and duty in it
    goods: Decimal  # the goods value in it (the fee given back)
    fee_rate: Decimal  # the rate the order's fee was charged at


@dataclass(frozen=True)
class Line:
    kind: str  # order | refund
    order_id: int
    order_number: str
    refund_id: int | None
    reference: str  # order or refund number
    occurred_at: dt.datetime
    collected: Decimal  # signed: refunds negative
    tax: Decimal  # signed
    fee: Decimal  # signed: a refund gives the fee back
    net: Decimal  # collected - tax - fee


@dataclass(frozen=True)
class Totals:
    orders: int
    refunds: int
    collected: Decimal
    refunded: Decimal  # positive
    tax: Decimal  # net tax remitted (orders minus refunds)
    fee: Decimal  # net fee
    net: Decimal  # in the collected currency
    amount_due: Decimal  # in the payout currency


def order_line(order: OrderMoney) -> Line:
    fee = q(order.goods * order.fee_rate)
    return Line(
        "order",
        order.order_id,
        order.number,
        None,
        order.number,
        order.paid_at,
        q(order.collected),
        q(order.tax),
        fee,
        q(order.collected) - q(order.tax) - fee,
    )


def refund_line(refund: RefundMoney) -> Line:
    fee = -q(refund.goods * refund.fee_rate)
    collected, tax = -q(refund.amount), -q(refund.tax)
    return Line(
        "refund",
        refund.order_id,
        refund.order_number,
        refund.refund_id,
        refund.number,
        refund.succeeded_at,
        collected,
        tax,
        fee,
        collected - tax - fee,
    )


def convert(
    amount: Decimal, *, rate: Decimal, collected_currency: str, payout_currency: str
) -> Decimal:
    """``rate`` is CNY per USD. CNY → USD divides, USD → CNY multiplies; same currency is 1:1."""
    if collected_currency == payout_currency:
        return q(amount)
    if (collected_currency, payout_currency) == ("CNY", "USD"):
        return q(Decimal(amount) / rate)
    if (collected_currency, payout_currency) == ("USD", "CNY"):
        return q(Decimal(amount) * rate)
    raise ValueError(f"no conversion from {collected_currency} to {payout_currency}")


def statement(
    orders: Sequence[OrderMoney],
    refunds: Sequence[RefundMoney],
    *,
    rate: Decimal,
    collected_currency: str,
    payout_currency: str,
) -> tuple[list[Line], Totals]:
    lines = [order_line(o) for o in orders] + [refund_line(r) for r in refunds]
    lines.sort(key=lambda x: (x.occurred_at, x.kind, x.reference))
    return lines, totals_of(
        lines, rate=rate, collected_currency=collected_currency, payout_currency=payout_currency
    )


class LineAmounts(Protocol):
    """What totals are made of: a Line, or a stored line of a statement."""

    @property
    def kind(self) -> str: ...
    @property
    def collected(self) -> Decimal: ...
    @property
    def tax(self) -> Decimal: ...
    @property
    def fee(self) -> Decimal: ...
    @property
    def net(self) -> Decimal: ...


def totals_of(
    lines: Sequence[LineAmounts], *, rate: Decimal, collected_currency: str, payout_currency: str
) -> Totals:
    net = sum((x.net for x in lines), ZERO)
    return Totals(
        orders=sum(1 for x in lines if x.kind == "order"),
        refunds=sum(1 for x in lines if x.kind == "refund"),
        collected=sum((x.collected for x in lines if x.kind == "order"), ZERO),
        refunded=-sum((x.collected for x in lines if x.kind == "refund"), ZERO),
        tax=sum((x.tax for x in lines), ZERO),
        fee=sum((x.fee for x in lines), ZERO),
        net=net,
        amount_due=convert(
            net, rate=rate, collected_currency=collected_currency, payout_currency=payout_currency
        ),
    )
