"""``twoway ledger check``: the ledger agrees with the orders, and the rollups with the ledger.

The orders come in as plain values (``OrderLineFlow``), handed over by a higher floor that reads
them from checkout (``twoway.operations.reconcile.ledger_check``): the ledger imports nothing from
checkout. Expected ledger = shipped order lines on the day they shipped, minus the same lines on
the day a shipped order was returned or refunded. Places and
HS parts come from the same pure rules the posting uses (``rules.keys``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from .models import TradeFlowBusinessMonth, TradeFlowCube, TradeFlowEntry, TradeFlowRollup
from .rules.keys import cube_keys, flow_places, hs_parts

CENT = Decimal("0.01")
ROLLUP_KEY = ("day", "direction", "state", "province", "chapter")
CUBE_KEY = ("grain", "fdim", "fval", "gdim", "direction", "period", "gval")
BUSINESS_KEY = ("month", "direction", "business")


@dataclass(frozen=True)
class OrderLineFlow:
    """One shipped order line as plain values: what the orders say the ledger should hold.

    Built by the orders' owner (``checkout.selectors.shipped_order_lines``), which decides what
    counts as shipped and reversed; the ledger imports nothing from checkout."""

    order_number: str
    direction: str
    shipped_on: dt.date
    origin_state: str
    origin_province: str
    consignee_district: str
    consignee_state: str
    business_us_state: str
    business_cn_province: str
    hs_code: str
    quantity: int
    customs_value_usd: Decimal
    #: Partial returns received: (day received, units, customs value USD).
    returned: tuple[tuple[dt.date, int, Decimal], ...] = ()
    #: The day the order was returned or refunded after it shipped, if it was.
    reversed_on: dt.date | None = None


@dataclass(frozen=True)
class Difference:
    check: str  # orders-vs-ledger, ledger-vs-rollup, ledger-vs-cube, ledger-vs-business-rollup
    key: tuple
    key_names: tuple[str, ...]
    expected_label: str
    expected: tuple
    actual_label: str
    actual: tuple

    def line(self) -> str:
        key = " ".join(f"{n}={v or '-'}" for n, v in zip(self.key_names, self.key, strict=True))
        return (
            f"{self.check}: {key}: {self.expected_label} {_fmt(self.expected)}, "
            f"{self.actual_label} {_fmt(self.actual)}"
        )


def _fmt(values: tuple) -> str:
    names = ("value", "qty", "entries")
    return " ".join(f"{n} {v}" for n, v in zip(names, values, strict=False))


def _q(value: Decimal | None) -> Decimal:
    return Decimal(value or 0).quantize(CENT)


def expected_from_orders(order_lines: Iterable[OrderLineFlow]) -> dict[tuple, tuple[Decimal, int]]:
    """Shipped minus returned order lines per (day, direction, state, province, chapter)."""
    totals: dict[tuple, list] = defaultdict(lambda: [Decimal(0), 0])
    for line in order_lines:
        state, province = flow_places(
            direction=line.direction,
            origin_state=line.origin_state,
            origin_province=line.origin_province,
            consignee_district=line.consignee_district,
            consignee_state=line.consignee_state,
            business_us_state=line.business_us_state,
            business_cn_province=line.business_cn_province,
        )
        chapter = hs_parts(line.hs_code)[0]
        direction, value, quantity = line.direction, _q(line.customs_value_usd), line.quantity
        key = (line.shipped_on, direction, state, province, chapter)
        totals[key][0] += value
        totals[key][1] += quantity
        left_value, left_qty = value, quantity
        for received_on, qty, part in line.returned:
            key = (received_on, direction, state, province, chapter)
            totals[key][0] -= _q(part)
            totals[key][1] -= qty
            left_value, left_qty = left_value - _q(part), left_qty - qty
        if line.reversed_on is not None and left_qty > 0:
            key = (line.reversed_on, direction, state, province, chapter)
            totals[key][0] -= left_value
            totals[key][1] -= left_qty
    return {k: (v[0], v[1]) for k, v in totals.items()}


def ledger_totals() -> dict[tuple, tuple[Decimal, int, int]]:
    rows = TradeFlowEntry.objects.values_list(
        "entry_date", "direction", "us_state", "cn_province", "hs_chapter"
    ).annotate(v=Sum("customs_value_usd"), q=Sum("quantity"), n=Count("id"))
    return {tuple(r[:5]): (_q(r[5]), int(r[6]), int(r[7])) for r in rows.order_by()}


def _compare(
    check: str,
    names: tuple,
    expected: dict,
    exp_label: str,
    actual: dict,
    act_label: str,
    *,
    skip_zero: bool,
) -> Iterator[Difference]:
    width = len(next(iter(expected.values()), next(iter(actual.values()), ())))
    zero = (Decimal("0.00"), 0, 0)[:width]
    for key in sorted(set(expected) | set(actual), key=lambda k: tuple(str(x) for x in k)):
        e = expected.get(key, zero)
        a = actual.get(key, zero)
        if e != a and not (skip_zero and e[:2] == a[:2]):
            yield Difference(check, key, names, exp_label, e, act_label, a)


def ledger_check(*, order_lines: Iterable[OrderLineFlow]) -> list[Difference]:
    """Every difference between orders, ledger and rollups; empty when they all agree.

    ``order_lines`` are the shipped order lines as plain values, handed over by the caller
    (``twoway.operations.reconcile.ledger_check`` reads them from checkout)."""
    differences: list[Difference] = []
    ledger = ledger_totals()
    orders = expected_from_orders(order_lines)
    ledger_vq = {k: v[:2] for k, v in ledger.items() if v[:2] != (Decimal("0.00"), 0)}
    orders_vq = {k: v for k, v in orders.items() if v != (Decimal("0.00"), 0)}
    differences += _compare(
        "orders-vs-ledger", ROLLUP_KEY, orders_vq, "orders", ledger_vq, "ledger", skip_zero=False
    )
    rollup = {
        (r.day, r.direction, r.us_state, r.cn_province, r.hs_chapter): (
            _q(r.value_usd),
            int(r.quantity),
            int(r.entries),
        )
        for r in TradeFlowRollup.objects.all()
    }
    differences += _compare(
        "ledger-vs-rollup", ROLLUP_KEY, ledger, "ledger", rollup, "rollup", skip_zero=False
    )
    cube_expected: dict[tuple, list] = defaultdict(lambda: [Decimal(0), 0, 0])
    for (day, direction, state, province, chapter), (value, qty, n) in ledger.items():
        for key in cube_keys(
            day=day, direction=direction, us_state=state, cn_province=province, hs_chapter=chapter
        ):
            acc = cube_expected[key]
            acc[0] += value
            acc[1] += qty
            acc[2] += n
    cube = {
        (r.grain, r.fdim, r.fval, r.gdim, r.direction, r.period, r.gval): (
            _q(r.value_usd),
            int(r.quantity),
            int(r.entries),
        )
        for r in TradeFlowCube.objects.all()
    }
    differences += _compare(
        "ledger-vs-cube",
        CUBE_KEY,
        {k: tuple(v) for k, v in cube_expected.items()},
        "ledger",
        cube,
        "cube",
        skip_zero=False,
    )
    business_expected = {
        (r["month"], r["direction"], r["business_id"]): (_q(r["v"]), int(r["q"]), int(r["n"]))
        for r in TradeFlowEntry.objects.annotate(month=TruncMonth("entry_date"))
        .values("month", "direction", "business_id")
        .annotate(v=Sum("customs_value_usd"), q=Sum("quantity"), n=Count("id"))
        .order_by()
    }
    business = {
        (r.month, r.direction, r.business_id): (_q(r.value_usd), int(r.quantity), int(r.entries))
        for r in TradeFlowBusinessMonth.objects.all()
    }
    differences += _compare(
        "ledger-vs-business-rollup",
        BUSINESS_KEY,
        business_expected,
        "ledger",
        business,
        "rollup",
        skip_zero=False,
    )
    return differences
