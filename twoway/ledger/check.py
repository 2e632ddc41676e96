"""``twoway ledger check``: the ledger agrees with the orders, and the rollups with the ledger.

Orders are read back as a read model through the app registry (``apps.get_model``), not by
importing checkout: the ledger is a lower floor. Expected ledger = shipped order lines on the day
they shipped, minus the same lines on the day a shipped order was returned or refunded. Places and
HS parts come from the same pure rules the posting uses (``rules.keys``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from .models import TradeFlowBusinessMonth, TradeFlowCube, TradeFlowEntry, TradeFlowRollup
from .rules.keys import cube_keys, flow_places, hs_parts

CENT = Decimal("0.01")
SHIPPED_STATES = ("shipped", "delivered")
REVERSING_STATES = ("returned", "refunded")
ROLLUP_KEY = ("day", "direction", "state", "province", "chapter")
CUBE_KEY = ("grain", "fdim", "fval", "gdim", "direction", "period", "gval")
BUSINESS_KEY = ("month", "direction", "business")


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


def expected_from_orders() -> dict[tuple, tuple[Decimal, int]]:
    """Shipped minus returned order lines per (day, direction, state, province, chapter)."""
    order_line = apps.get_model("checkout", "OrderLine")
    order_event = apps.get_model("checkout", "OrderEvent")
    reversed_on: dict[int, object] = {}
    for order_id, created_at in (
        order_event.objects.filter(to_status__in=REVERSING_STATES, from_status__in=SHIPPED_STATES)
        .order_by("created_at", "id")
        .values_list("order_id", "created_at")
    ):
        reversed_on.setdefault(order_id, created_at)
    # Partial returns: units and customs value that came back per order line, on the day they
    # were received (checkout's ReturnLine rows, read as a read model like the orders).
    returned_parts: dict[int, list[tuple[object, int, Decimal]]] = defaultdict(list)
    try:
        return_line = apps.get_model("checkout", "ReturnLine")
    except LookupError:  # pragma: no cover - checkout always has it
        return_line = None
    if return_line is not None:
        for line_id, received_at, qty, value in return_line.objects.filter(
            return_request__status="received"
        ).values_list(
            "order_line_id", "return_request__received_at", "quantity", "customs_value_usd"
        ):
            returned_parts[line_id].append((received_at, qty, _q(value)))
    totals: dict[tuple, list] = defaultdict(lambda: [Decimal(0), 0])
    rows = (
        order_line.objects.filter(order__shipped_at__isnull=False)
        .values_list(
            "id",
            "order_id",
            "order__direction",
            "order__shipped_at",
            "origin_state",
            "origin_province",
            "order__consignee_district",
            "order__consignee_state",
            "order__business__us_state_id",
            "order__business__cn_province_id",
            "hs_code",
            "quantity",
            "customs_value_usd",
        )
        .iterator(chunk_size=5000)
    )
    for (
        line_id,
        order_id,
        direction,
        shipped_at,
        o_state,
        o_prov,
        district,
        c_state,
        b_state,
        b_prov,
        hs_code,
        quantity,
        value,
    ) in rows:
        state, province = flow_places(
            direction=direction,
            origin_state=o_state or "",
            origin_province=o_prov or "",
            consignee_district=district or "",
            consignee_state=c_state or "",
            business_us_state=b_state or "",
            business_cn_province=b_prov or "",
        )
        chapter = hs_parts(hs_code)[0]
        value = _q(value)
        key = (shipped_at.date(), direction, state, province, chapter)
        totals[key][0] += value
        totals[key][1] += quantity
        left_value, left_qty = value, quantity
        for received_at, qty, part in returned_parts.get(line_id, ()):
            key = (received_at.date(), direction, state, province, chapter)
            totals[key][0] -= part
            totals[key][1] -= qty
            left_value, left_qty = left_value - part, left_qty - qty
        if order_id in reversed_on and left_qty > 0:
            key = (reversed_on[order_id].date(), direction, state, province, chapter)
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


def ledger_check() -> list[Difference]:
    """Every difference between orders, ledger and rollups; empty when they all agree."""
    differences: list[Difference] = []
    ledger = ledger_totals()
    orders = expected_from_orders()
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
