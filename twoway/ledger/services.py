"""Ledger writes: post shipments, post reversals, rebuild the rollups.

Posting runs inside the caller's transaction (checkout's order transition), so an order is
shipped if and only if its entries exist. Rollups are upserted in the same transaction with
``INSERT ... ON CONFLICT (...) DO UPDATE SET x = table.x + excluded.x`` (SQLite ≥ 3.24 and
PostgreSQL both accept it), so concurrent postings add up instead of overwriting each other.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Sum

from twoway.core.errors import DomainError

from .models import (
    EntryKind,
    FlowDirection,
    TradeFlowBusinessMonth,
    TradeFlowCube,
    TradeFlowEntry,
    TradeFlowRollup,
)
from .rules.keys import DAY_SETS, MONTH_SETS, cube_keys, hs_parts, month_of

CENT = Decimal("0.01")
_CHUNK = 200


@dataclass(frozen=True)
class TradeFlowInput:
    """One order line crossing the border, as checkout describes it (no checkout import)."""

    direction: str
    order_id: int
    order_number: str
    order_line_id: int
    business_id: int
    business_country: str
    hs_code: str
    quantity: int
    customs_value_usd: Decimal
    us_state: str
    cn_province: str


def _utc_date(instant: dt.datetime) -> dt.date:
    if instant.tzinfo is None:
        raise DomainError.one("posted_at", "aware_utc", "posted_at must be an aware datetime.")
    return instant.astimezone(dt.UTC).date()


def trade_flows_post(
    *, lines: Sequence[TradeFlowInput], kind: str = EntryKind.SHIPMENT, posted_at: dt.datetime
) -> list[TradeFlowEntry]:
    """Append one shipment entry per line and add them to the rollups (one transaction)."""
    if kind != EntryKind.SHIPMENT:
        raise DomainError.one(
            "kind", "shipment_only", "Only shipments are posted here; use trade_flows_reverse."
        )
    day = _utc_date(posted_at)
    entries: list[TradeFlowEntry] = []
    for line in lines:
        if line.direction not in FlowDirection.values:
            raise DomainError.one("direction", "choice", f"Unknown direction {line.direction!r}.")
        if line.quantity < 1:
            raise DomainError.one("quantity", "positive", "A shipped line has a quantity ≥ 1.")
        chapter, heading, code = hs_parts(line.hs_code)
        if len(chapter) != 2:
            raise DomainError.one("hs_code", "hs_code", f"HS code {line.hs_code!r} has no chapter.")
        entry = TradeFlowEntry(
            direction=line.direction,
            entry_date=day,
            posted_at=posted_at,
            kind=EntryKind.SHIPMENT,
            us_state=line.us_state,
            cn_province=line.cn_province,
            hs_chapter=chapter,
            hs_heading=heading,
            hs_code=code,
            customs_value_usd=Decimal(line.customs_value_usd).quantize(CENT),
            quantity=line.quantity,
            order_id=line.order_id,
            order_number=line.order_number,
            order_line_id=line.order_line_id,
            business_id=line.business_id,
            business_country=line.business_country,
        )
        entry.full_clean(validate_unique=False, validate_constraints=False)
        entries.append(entry)
    if not entries:
        return []
    with transaction.atomic():
        TradeFlowEntry.objects.bulk_create(entries)
        _rollups_add(entries)
    return entries


def trade_flows_reverse(
    *,
    order_id: int,
    posted_at: dt.datetime,
    lines: Mapping[int, tuple[int, Decimal]] | None = None,
) -> list[TradeFlowEntry]:
    """Reverse shipment entries of an order (goods that came back, or a refund of shipped goods).

    ``lines`` maps an order line id to (units, customs value in USD) coming back; ``None``
    reverses whatever of every line is not reversed yet. Idempotent for ``None``: a second call
    finds nothing left. A part never exceeds what is left of its shipment entry."""
    day = _utc_date(posted_at)
    with transaction.atomic():
        originals = list(
            TradeFlowEntry.objects.select_for_update(of=("self",))
            .filter(order_id=order_id, kind=EntryKind.SHIPMENT)
            .order_by("id")
        )
        done = {
            r["reverses_id"]: (int(r["q"]), Decimal(r["v"]))
            for r in TradeFlowEntry.objects.filter(reverses__in=originals)
            .values("reverses_id")
            .annotate(q=Sum("quantity"), v=Sum("customs_value_usd"))
            .order_by()
        }
        reversals = []
        for o in originals:
            back_q, back_v = done.get(o.pk, (0, Decimal("0")))
            left_q, left_v = o.quantity + back_q, o.customs_value_usd + back_v
            if lines is None:
                units, value = left_q, left_v
            elif o.order_line_id in lines:
                units, value = lines[o.order_line_id]
                if units > left_q:
                    raise DomainError.one(
                        "quantity",
                        "over_shipped",
                        f"Cannot reverse {units} units of order line {o.order_line_id}: "
                        f"{left_q} left.",
                    )
            else:
                continue
            if units <= 0:
                continue
            reversals.append(
                TradeFlowEntry(
                    direction=o.direction,
                    entry_date=day,
                    posted_at=posted_at,
                    kind=EntryKind.REVERSAL,
                    us_state=o.us_state,
                    cn_province=o.cn_province,
                    hs_chapter=o.hs_chapter,
                    hs_heading=o.hs_heading,
                    hs_code=o.hs_code,
                    customs_value_usd=-Decimal(value).quantize(CENT),
                    quantity=-units,
                    order_id=o.order_id,
                    order_number=o.order_number,
                    order_line_id=o.order_line_id,
                    business_id=o.business_id,
                    business_country=o.business_country,
                    reverses=o,
                )
            )
        if reversals:
            TradeFlowEntry.objects.bulk_create(reversals)
            _rollups_add(reversals)
    return reversals


# --- rollups, incrementally -------------------------------------------------------------------


def _upsert(
    table: str,
    key_cols: Sequence[str],
    extra_cols: Sequence[str],
    rows: Iterable[tuple[Any, ...]],
) -> None:
    """INSERT rows (key + extra + value_usd, quantity, entries); on a key conflict add value_usd,
    quantity and entries to the stored row."""
    cols = [*key_cols, *extra_cols, "value_usd", "quantity", "entries"]
    rows = list(rows)
    placeholder = "(" + ", ".join(["%s"] * len(cols)) + ")"
    add = ", ".join(
        f"{c} = {table}.{c} + excluded.{c}" for c in ("value_usd", "quantity", "entries")
    )
    ops = connection.ops
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _CHUNK):
            chunk = rows[start : start + _CHUNK]
            params: list[Any] = []
            for row in chunk:
                for value in row:
                    if isinstance(value, dt.date):
                        value = ops.adapt_datefield_value(value)
                    elif isinstance(value, Decimal):
                        value = ops.adapt_decimalfield_value(value, 14, 2)
                    params.append(value)
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(cols)}) VALUES "
                + ", ".join([placeholder] * len(chunk))
                + f" ON CONFLICT ({', '.join(key_cols)}) DO UPDATE SET {add}",
                params,
            )


def _rollups_add(entries: Sequence[TradeFlowEntry]) -> None:
    """Add entries to the three rollups (deltas summed per key in Python first)."""
    rollup: dict[tuple[Any, ...], list[Any]] = defaultdict(lambda: [Decimal(0), 0, 0])
    cube: dict[tuple[Any, ...], list[Any]] = defaultdict(lambda: [Decimal(0), 0, 0])
    business: dict[tuple[Any, ...], list[Any]] = defaultdict(lambda: [Decimal(0), 0, 0])
    countries: dict[tuple[Any, ...], str] = {}

    def add(acc: list[Any], e: TradeFlowEntry) -> None:
        acc[0] += e.customs_value_usd
        acc[1] += e.quantity
        acc[2] += 1

    for e in entries:
        add(rollup[(e.entry_date, e.direction, e.us_state, e.cn_province, e.hs_chapter)], e)
        for ckey in cube_keys(
            day=e.entry_date,
            direction=e.direction,
            us_state=e.us_state,
            cn_province=e.cn_province,
            hs_chapter=e.hs_chapter,
        ):
            add(cube[ckey], e)
        bkey = (month_of(e.entry_date), e.direction, e.business_id)
        add(business[bkey], e)
        countries[bkey] = e.business_country
    # Sorted keys: concurrent postings lock rows in the same order (no deadlocks).
    _upsert(
        TradeFlowRollup._meta.db_table,
        ["day", "direction", "us_state", "cn_province", "hs_chapter"],
        [],
        (k + tuple(v) for k, v in sorted(rollup.items())),
    )
    _upsert(
        TradeFlowCube._meta.db_table,
        ["grain", "fdim", "fval", "gdim", "direction", "period", "gval"],
        [],
        (k + tuple(v) for k, v in sorted(cube.items())),
    )
    _upsert(
        TradeFlowBusinessMonth._meta.db_table,
        ["month", "direction", "business_id"],
        ["business_country"],
        ((*k, countries[k], *v) for k, v in sorted(business.items())),
    )


# --- rollups, rebuilt ------------------------------------------------------------------------


def _month_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"


@dataclass(frozen=True)
class RebuildResult:
    entries: int
    rollup_rows: int
    cube_rows: int
    business_rows: int
    seconds: float


def rollups_rebuild() -> RebuildResult:
    """Recompute every rollup from the ledger in one transaction (truncate + INSERT ... SELECT).

    Readers see the old rollups until the commit. The result must equal the incremental
    rollups exactly; ``twoway ledger check`` proves it.
    """
    import time

    started = time.perf_counter()
    entry = TradeFlowEntry._meta.db_table
    rollup = TradeFlowRollup._meta.db_table
    cube = TradeFlowCube._meta.db_table
    business = TradeFlowBusinessMonth._meta.db_table
    month = _month_sql("day")
    with transaction.atomic(), connection.cursor() as cursor:
        for table in (rollup, cube, business):
            if connection.vendor == "postgresql":
                cursor.execute(f"TRUNCATE {table}")
            else:
                cursor.execute(f"DELETE FROM {table}")
        cursor.execute(
            f"INSERT INTO {rollup} (day, direction, us_state, cn_province, hs_chapter, "
            "value_usd, quantity, entries) "
            "SELECT entry_date, direction, us_state, cn_province, hs_chapter, "
            "SUM(customs_value_usd), SUM(quantity), COUNT(*) "
            f"FROM {entry} GROUP BY entry_date, direction, us_state, cn_province, hs_chapter"
        )
        dim_col = {"s": "us_state", "p": "cn_province", "c": "hs_chapter"}
        for grain, sets, period in (("m", MONTH_SETS, month), ("d", DAY_SETS, "day")):
            for fdim, gdim in sets:
                fcol, gcol = dim_col.get(fdim, "''"), dim_col.get(gdim, "''")
                group = [c for c in (fcol, gcol) if c != "''"] + ["direction", period]
                cursor.execute(
                    f"INSERT INTO {cube} (grain, fdim, fval, gdim, direction, period, gval, "
                    "value_usd, quantity, entries) "
                    f"SELECT '{grain}', '{fdim}', {fcol}, '{gdim}', direction, {period}, {gcol}, "
                    "SUM(value_usd), SUM(quantity), SUM(entries) "
                    f"FROM {rollup} GROUP BY {', '.join(group)}"
                )
        emonth = _month_sql("entry_date")
        cursor.execute(
            f"INSERT INTO {business} (month, direction, business_id, business_country, "
            "value_usd, quantity, entries) "
            f"SELECT {emonth}, direction, business_id, MAX(business_country), "
            "SUM(customs_value_usd), SUM(quantity), COUNT(*) "
            f"FROM {entry} GROUP BY {emonth}, direction, business_id"
        )
        counts: list[int] = []
        for table in (entry, rollup, cube, business):
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            counts.append(cursor.fetchone()[0])
    n_entries, n_rollup, n_cube, n_business = counts
    return RebuildResult(
        n_entries, n_rollup, n_cube, n_business, seconds=time.perf_counter() - started
    )
