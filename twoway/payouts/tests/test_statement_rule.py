"""The statement rule with random orders and refunds: it always adds up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from twoway.payouts.rules.statement import (
    OrderMoney,
    RefundMoney,
    convert,
    q,
    statement,
)

T0 = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("50000"), places=2)
rates = st.decimals(min_value=Decimal("6.0"), max_value=Decimal("8.0"), places=4)
fee_rates = st.sampled_from([Decimal("0"), Decimal("0.05"), Decimal("0.08"), Decimal("0.125")])


@st.composite
def orders_and_refunds(draw):
    orders, refunds = [], []
    for i in range(draw(st.integers(0, 8))):
        goods = draw(money)
        tax = q(goods * draw(st.sampled_from([Decimal("0"), Decimal("0.091"), Decimal("0.23")])))
        freight = draw(st.decimals(min_value=0, max_value=200, places=2))
        order = OrderMoney(
            i,
            f"TW{i}",
            T0 + dt.timedelta(hours=i),
            goods + tax + freight,
            tax,
            goods,
            draw(fee_rates),
        )
        orders.append(order)
        kind = draw(st.sampled_from(["none", "full", "return"]))
        if kind == "full":
            refunds.append(
                RefundMoney(
                    100 + i,
                    f"RF{i}",
                    i,
                    order.number,
                    T0 + dt.timedelta(days=1, hours=i),
                    order.collected,
                    tax,
                    goods,
                    order.fee_rate,
                )
            )
        elif kind == "return":
            share = draw(st.sampled_from([Decimal("0.25"), Decimal("0.5"), Decimal("1")]))
            g, t = q(goods * share), q(tax * share)
            refunds.append(
                RefundMoney(
                    100 + i,
                    f"RF{i}",
                    i,
                    order.number,
                    T0 + dt.timedelta(days=1, hours=i),
                    g + t,
                    t,
                    g,
                    order.fee_rate,
                )
            )
    return orders, refunds


@given(orders_and_refunds(), rates, st.sampled_from([("CNY", "USD"), ("USD", "CNY")]))
def test_a_statement_always_adds_up(data, rate, currencies):
    orders, refunds = data
    collected_currency, payout_currency = currencies
    lines, totals = statement(
        orders,
        refunds,
        rate=rate,
        collected_currency=collected_currency,
        payout_currency=payout_currency,
    )
    assert len(lines) == len(orders) + len(refunds) == totals.orders + totals.refunds
    assert totals.collected == sum((o.collected for o in orders), Decimal("0"))
    assert totals.refunded == sum((r.amount for r in refunds), Decimal("0"))
    assert totals.net == totals.collected - totals.refunded - totals.tax - totals.fee
    assert all(x.net == x.collected - x.tax - x.fee for x in lines)
    assert totals.amount_due == convert(
        totals.net,
        rate=rate,
        collected_currency=collected_currency,
        payout_currency=payout_currency,
    )
    # An order refunded in full leaves nothing behind: not its money, tax or fee.
    fully = {r.order_id for r in refunds if r.amount == orders[r.order_id].collected}
    for order_id in fully:
        mine = [x for x in lines if x.order_id == order_id]
        assert sum((x.net for x in mine), Decimal("0")) == 0
        assert sum((x.fee for x in mine), Decimal("0")) == 0


def test_conversion_rounds_half_up_once():
    assert convert(
        Decimal("100.00"), rate=Decimal("7.1884"), collected_currency="CNY", payout_currency="USD"
    ) == Decimal("13.91")
    assert convert(
        Decimal("13.91"), rate=Decimal("7.1884"), collected_currency="USD", payout_currency="CNY"
    ) == Decimal("99.99")
