"""Ledger reads.

Public figures come from the rollups only (``TradeFlowCube``, ``TradeFlowBusinessMonth``; with
two or more place/chapter filters at once, ``TradeFlowRollup``), never from the entries, so they
cost the same whatever the size of the ledger. Regulators read entries with keyset pagination.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django.db.models.functions import TruncMonth

from twoway.reference.models import JobsRatio

from .models import (
    FlowDirection,
    TradeFlowBusinessMonth,
    TradeFlowCube,
    TradeFlowEntry,
    TradeFlowRollup,
)
from .rules.jobs import JobsRatioRow

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def _q(value: Decimal | None) -> Decimal:
    """Sums come back from SQLite as floats: give them back as cents."""
    return Decimal(value or 0).quantize(CENT)


DIM_FIELDS = {"s": "us_state", "p": "cn_province", "c": "hs_chapter"}


@dataclass(frozen=True)
class FlowFilter:
    """A period of whole months (``start`` = first day, ``end`` = last day, inclusive) and
    optional filters."""

    start: dt.date
    end: dt.date
    direction: str = ""
    state: str = ""
    province: str = ""
    chapter: str = ""

    def dims(self) -> dict[str, str]:
        return {
            d: v for d, v in (("s", self.state), ("p", self.province), ("c", self.chapter)) if v
        }


@dataclass(frozen=True)
class FlowTotal:
    key: str  # member of the group dimension ("" for the total); a period for series
    direction: str
    value_usd: Decimal
    quantity: int
    entries: int


def _cube_set(flt: FlowFilter, group: str) -> tuple[str, str, str] | None:
    """(fdim, fval, extra gval) of the grouping set that answers (filters, group), or None when
    only the day rollup can (two or more filters)."""
    dims = flt.dims()
    if not dims:
        return "", "", ""
    if len(dims) == 1:
        ((fdim, fval),) = dims.items()
        if fdim == group:  # filter and group on the same dimension: one member of the group
            return "", "", fval
        return fdim, fval, ""
    return None


def flow_totals_by(*, flt: FlowFilter, group: str) -> list[FlowTotal]:
    """Totals per member of ``group`` ("s", "p", "c" or "" for all) and direction."""
    chosen = _cube_set(flt, group)
    if chosen is None:
        return _rollup_totals_by(flt=flt, group=group)
    fdim, fval, gval = chosen
    qs = TradeFlowCube.objects.filter(
        grain="m", fdim=fdim, fval=fval, gdim=group, period__gte=flt.start, period__lte=flt.end
    )
    if gval:
        qs = qs.filter(gval=gval)
    if flt.direction:
        qs = qs.filter(direction=flt.direction)
    rows = (
        qs.values_list("gval", "direction")
        .annotate(v=Sum("value_usd"), q=Sum("quantity"), n=Sum("entries"))
        .order_by()
    )
    return [FlowTotal(g, d, _q(v), int(q or 0), int(n or 0)) for g, d, v, q, n in rows]


def _rollup_filtered(flt: FlowFilter) -> QuerySet[TradeFlowRollup]:
    qs = TradeFlowRollup.objects.filter(day__gte=flt.start, day__lte=flt.end)
    for dim, value in flt.dims().items():
        qs = qs.filter(**{DIM_FIELDS[dim]: value})
    if flt.direction:
        qs = qs.filter(direction=flt.direction)
    return qs


def _rollup_totals_by(*, flt: FlowFilter, group: str) -> list[FlowTotal]:
    qs = _rollup_filtered(flt)
    fields = [DIM_FIELDS[group]] if group else []
    rows = (
        qs.values_list(*fields, "direction")
        .annotate(v=Sum("value_usd"), q=Sum("quantity"), n=Sum("entries"))
        .order_by()
    )
    out = []
    for row in rows:
        key = row[0] if group else ""
        d, v, q, n = row[-4:]
        out.append(FlowTotal(key, d, _q(v), int(q or 0), int(n or 0)))
    return out


def flow_series(*, flt: FlowFilter, grain: str) -> list[FlowTotal]:
    """Totals per period ("d" = day, "m" = month) and direction; ``key`` is the ISO date."""
    dims = flt.dims()
    rows: QuerySet[Any, tuple[Any, ...]]
    if len(dims) > 1:
        qs = _rollup_filtered(flt)
        period = TruncMonth("day") if grain == "m" else None
        base = (
            qs.annotate(p=period).values_list("p", "direction")
            if period
            else qs.values_list("day", "direction")
        )
        rows = base.annotate(v=Sum("value_usd"), q=Sum("quantity"), n=Sum("entries")).order_by()
    else:
        ((fdim, fval),) = dims.items() if dims else (("", ""),)
        cube = TradeFlowCube.objects.filter(
            grain=grain, fdim=fdim, fval=fval, gdim="", period__gte=flt.start, period__lte=flt.end
        )
        if flt.direction:
            cube = cube.filter(direction=flt.direction)
        rows = (
            cube.values_list("period", "direction")
            .annotate(v=Sum("value_usd"), q=Sum("quantity"), n=Sum("entries"))
            .order_by()
        )
    return sorted(
        (FlowTotal(p.isoformat(), d, _q(v), int(q or 0), int(n or 0)) for p, d, v, q, n in rows),
        key=lambda t: (t.key, t.direction),
    )


@dataclass(frozen=True)
class BusinessTotal:
    business_id: int
    value_usd: Decimal
    quantity: int
    entries: int


def business_totals(
    *, flt: FlowFilter, direction: str, business_ids: QuerySet | None = None, limit: int = 10
) -> list[BusinessTotal]:
    """Largest businesses by net value in the period and direction (optionally among
    ``business_ids``, a subquery of ids)."""
    qs = TradeFlowBusinessMonth.objects.filter(
        direction=direction, month__gte=flt.start, month__lte=flt.end
    )
    if business_ids is not None:
        qs = qs.filter(business_id__in=business_ids)
    rows = (
        qs.values_list("business_id")
        .annotate(v=Sum("value_usd"), q=Sum("quantity"), n=Sum("entries"))
        .filter(v__gt=0)
        .order_by("-v", "business_id")[:limit]
    )
    return [BusinessTotal(b, _q(v), int(q), int(n)) for b, v, q, n in rows]


def exporting_business_ids() -> QuerySet:
    """Subquery: ids of businesses with net US exports above zero (all time)."""
    return (
        TradeFlowBusinessMonth.objects.filter(direction=FlowDirection.US_EXPORT)
        .values("business_id")
        .annotate(v=Sum("value_usd"))
        .filter(v__gt=0)
        .values("business_id")
    )


def data_months() -> tuple[dt.date, dt.date] | None:
    """First and last month with any rollup."""
    qs = TradeFlowCube.objects.filter(grain="m", fdim="", gdim="")
    first = qs.order_by("period").values_list("period", flat=True).first()
    last = qs.order_by("-period").values_list("period", flat=True).first()
    return (first, last) if first and last else None


def jobs_ratio_row() -> JobsRatioRow | None:
    """The latest year with a goods-exports ratio; else the latest with a total ratio."""
    goods = JobsRatio.objects.filter(jobs_per_usd_bn_goods__isnull=False).order_by("-year").first()
    if goods:
        if goods.jobs_per_usd_bn_goods is None:  # excluded by the filter
            raise ValueError(f"jobs ratio {goods.year} has no goods ratio")
        return JobsRatioRow(
            goods.year, goods.jobs_per_usd_bn_goods, goods.publication, goods.source, "goods"
        )
    total = JobsRatio.objects.filter(jobs_per_usd_bn_total__isnull=False).order_by("-year").first()
    if total:
        if total.jobs_per_usd_bn_total is None:  # excluded by the filter
            raise ValueError(f"jobs ratio {total.year} has no total ratio")
        return JobsRatioRow(
            total.year, total.jobs_per_usd_bn_total, total.publication, total.source, "total"
        )
    return None


# --- regulators: order-level entries ----------------------------------------------------------


@dataclass(frozen=True)
class EntryFilter:
    start: dt.date | None = None
    end: dt.date | None = None
    direction: str = ""
    state: str = ""
    province: str = ""
    chapter: str = ""
    kind: str = ""
    order_number: str = ""
    business_id: int | None = None


def entries_filtered(flt: EntryFilter) -> QuerySet[TradeFlowEntry]:
    qs = TradeFlowEntry.objects.all()
    if flt.start:
        qs = qs.filter(entry_date__gte=flt.start)
    if flt.end:
        qs = qs.filter(entry_date__lte=flt.end)
    for field, value in (
        ("direction", flt.direction),
        ("us_state", flt.state),
        ("cn_province", flt.province),
        ("hs_chapter", flt.chapter),
        ("kind", flt.kind),
        ("order_number", flt.order_number),
    ):
        if value:
            qs = qs.filter(**{field: value})
    if flt.business_id:
        qs = qs.filter(business_id=flt.business_id)
    return qs


def entries_page(
    *, flt: EntryFilter, before_id: int | None, size: int = 50
) -> tuple[list[TradeFlowEntry], int | None]:
    """Newest first, keyset-paginated by id (no COUNT over millions of rows). Returns the page
    and the id to pass as ``before`` for the next page (None on the last page)."""
    qs = entries_filtered(flt)
    if before_id:
        qs = qs.filter(id__lt=before_id)
    rows = list(qs.order_by("-id")[: size + 1])
    next_before = rows[size - 1].id if len(rows) > size else None
    return rows[:size], next_before


EXPORT_FIELDS = (
    "id",
    "kind",
    "direction",
    "entry_date",
    "posted_at",
    "us_state",
    "cn_province",
    "hs_chapter",
    "hs_heading",
    "hs_code",
    "customs_value_usd",
    "quantity",
    "order_id",
    "order_number",
    "order_line_id",
    "business_id",
    "business_country",
    "reverses_id",
)


def entries_export_rows(flt: EntryFilter, chunk: int = 5000) -> Iterator[tuple]:
    """Every matching entry as a tuple of ``EXPORT_FIELDS``, by id (streamed)."""
    yield from (
        entries_filtered(flt).order_by("id").values_list(*EXPORT_FIELDS).iterator(chunk_size=chunk)
    )
