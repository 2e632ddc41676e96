"""Writing many products at once, inside the caller's transaction.

PostgreSQL: COPY into the products table (every concrete column, defaults for those the file
does not carry, so a column added later needs no change here), changed rows through a COPY into a
temporary table and one UPDATE ... FROM. Elsewhere (SQLite): ``bulk_create``/``bulk_update``.
Rows being changed are locked first, in id order (stock read under the lock, so a stock file and
a reservation never lose each other's change); each stock change is a StockAdjustment row.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Field
from django.utils import timezone

from twoway.businesses.models import Business
from twoway.identity.models import User

from ..models import Product, StockAdjustment

BATCH = 5000
LISTING_UPDATE_FIELDS = (
    "title_en", "title_zh", "description_en", "description_zh", "hs_code", "hs_chapter",
    "cn_tariff_line", "us_hts_line", "origin_country", "origin_us_state_id",
    "origin_cn_province_id", "unit_price", "currency", "weight_kg", "market_cn_export",
    "market_us_domestic", "market_us_import", "status", "manufacturer", "raw_material_suppliers",
    "zh_is_draft", "variant_size", "variant_colour", "variant_size_zh", "variant_colour_zh",
)  # fmt: skip


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _column(field: Field[Any, Any]) -> str:
    """The table column of a concrete field."""
    if field.column is None:
        raise ValueError(f"{field.name} has no column of its own")
    return field.column


def _copy(model, rows: Iterable[dict[str, Any]], now) -> None:
    """COPY ``rows`` (attname → value) into ``model``'s table; other columns get their default."""
    fields: list[Field] = [f for f in model._meta.concrete_fields if not f.primary_key]
    constant: dict[str, Any] = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            constant[f.attname] = now
        elif f.has_default() and not callable(f.default):
            constant[f.attname] = f.get_db_prep_save(f.get_default(), connection)
        elif f.null:
            constant[f.attname] = None
        else:
            constant[f.attname] = ""
    pairs = [(f.attname, constant[f.attname]) for f in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(_column(f)) for f in fields)
    connection.ensure_connection()
    with (
        connection.connection.cursor() as cursor,
        cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy,
    ):
        write = copy.write_row
        for row in rows:
            get = row.get
            write([get(n, c) for n, c in pairs])


def _product_rows(business: Business, values_list: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The plan's values completed in place (they are not used again)."""
    business_id = business.pk
    for row in values_list:
        row["business_id"] = business_id
        row["hs_chapter"] = row["hs_code"][:2]
        row["stock_on_hand"] = row.get("stock_on_hand") or 0
    return values_list


def _ids_by_sku(business: Business, skus: list[str]) -> dict[str, int]:
    """The ids of ``skus`` just written: one scan of the business's (sku, id) index, no list of
    100,000 parameters."""
    wanted = set(skus)
    return {
        sku: pk
        for sku, pk in Product.objects.filter(business=business).values_list("sku", "pk")
        if sku in wanted
    }


def _adjustments(items: list[tuple[int, int, int]], reason: str, by: User | None, now) -> None:
    """(product id, delta, stock after) → StockAdjustment rows."""
    if not items:
        return
    by_id = by.pk if by else None
    if _postgres():
        _copy(StockAdjustment, (
            {"product_id": pid, "delta": delta, "reason": reason, "stock_after": after,
             "by_id": by_id, "created_at": now}
            for pid, delta, after in items
        ), now)  # fmt: skip
        return
    StockAdjustment.objects.bulk_create(
        [StockAdjustment(product_id=pid, delta=delta, reason=reason, stock_after=after, by_id=by_id)
         for pid, delta, after in items],
        batch_size=BATCH,
    )  # fmt: skip


def _lock(ids: list[int]) -> dict[int, int]:
    """Lock the rows (id order) and return their stock on hand."""
    stock: dict[int, int] = {}
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        stock.update(
            Product.objects.select_for_update().filter(pk__in=chunk).order_by("pk")
            .values_list("pk", "stock_on_hand")
        )  # fmt: skip
    return stock


def _update(rows: list[tuple[int, dict[str, Any]]], fields: tuple[str, ...], now) -> None:
    """Set ``fields`` (+ updated_at) of each (id, values) row."""
    if not rows:
        return
    fields = (*fields, "updated_at")
    if _postgres():
        concrete = {f.attname: f for f in Product._meta.concrete_fields}
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE _import_update ON COMMIT DROP AS SELECT id, "
                + ", ".join(connection.ops.quote_name(_column(concrete[n])) for n in fields)
                + f" FROM {Product._meta.db_table} WITH NO DATA"
            )
        with (
            connection.connection.cursor() as raw,
            raw.copy(
                "COPY _import_update (id, " + ", ".join(_column(concrete[n]) for n in fields) + ") "
                "FROM STDIN"
            ) as copy,
        ):
            for pk, values in rows:
                copy.write_row([pk, *[now if n == "updated_at" else values[n] for n in fields]])
        sets = ", ".join(f"{concrete[n].column} = u.{concrete[n].column}" for n in fields)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Product._meta.db_table} p SET {sets} FROM _import_update u "
                "WHERE p.id = u.id"
            )
            cursor.execute("DROP TABLE _import_update")
        return
    objs = []
    for pk, values in rows:
        obj = Product(pk=pk, updated_at=now)
        for n in fields[:-1]:
            setattr(obj, n, values[n])
        objs.append(obj)
    Product.objects.bulk_update(objs, list(fields), batch_size=500)


def listings_write(
    *,
    business: Business,
    by: User | None,
    new: list[dict[str, Any]],
    updates: list[tuple[int, dict[str, Any]]],
) -> list[int]:
    """Create ``new`` and change ``updates``; returns every product id written."""
    now = timezone.now()
    rows = _product_rows(business, new)
    if rows:
        if _postgres():
            _copy(Product, rows, now)
        else:
            Product.objects.bulk_create([Product(**r) for r in rows], batch_size=1000)
    created = _ids_by_sku(business, [r["sku"] for r in rows]) if rows else {}
    _adjustments(
        [(created[r["sku"]], r["stock_on_hand"], r["stock_on_hand"]) for r in rows
         if r["stock_on_hand"]],
        "initial stock", by, now,
    )  # fmt: skip
    changed_ids = sorted(pk for pk, _values in updates)
    stock_now = _lock(changed_ids)
    update_rows = []
    stock_changes = []
    for pk, values in updates:
        values = dict(values)
        values["hs_chapter"] = values["hs_code"][:2]
        update_rows.append((pk, values))
        target = values.get("stock_on_hand")
        if target is not None and target != stock_now[pk]:
            stock_changes.append((pk, target - stock_now[pk], target))
    _update(update_rows, LISTING_UPDATE_FIELDS, now)
    _stock_set(stock_changes, now)
    _adjustments(stock_changes, "catalogue import", by, now)
    return sorted([*created.values(), *changed_ids])


def _stock_set(changes: list[tuple[int, int, int]], now) -> None:
    _update(
        [(pk, {"stock_on_hand": after}) for pk, _delta, after in changes], ("stock_on_hand",), now
    )


def stock_update(
    *, business: Business, by: User | None, updates: list[tuple[int, dict[str, Any]]], reason: str
) -> list[int]:
    """The daily stock & price file: price and stock on hand of existing products only."""
    now = timezone.now()
    ids = sorted(pk for pk, _values in updates)
    stock_now = _lock(ids)
    prices = [
        (pk, {"unit_price": v["unit_price"]})
        for pk, v in updates
        if v.get("unit_price") is not None
    ]
    changes = [
        (pk, v["stock_on_hand"] - stock_now[pk], v["stock_on_hand"])
        for pk, v in updates
        if v.get("stock_on_hand") is not None and v["stock_on_hand"] != stock_now[pk]
    ]
    _update(prices, ("unit_price",), now)
    _stock_set(changes, now)
    _adjustments(changes, reason, by, now)
    return ids
