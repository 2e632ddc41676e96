"""The placement's hot writes as few statements as the database allows (issue 11, item 6).

The placement (``services``) decides *what* to write; this module decides *how*: one statement
takes the stock of every line, and on PostgreSQL one statement with data-modifying CTEs inserts a
purchase's orders, their lines and their "created" events (three bulk INSERTs elsewhere). The
statements' text depends only on the number of rows, so the driver and the server see few
distinct statements, and ``bench/checkout.py`` replays exactly these statements in its raw-SQL
baseline and its pgbench script (``order_rows_statement`` and ``stock_take_statement``).

Lock order: stock rows are locked in product-id order in every statement (the sorted ``FOR
UPDATE`` sub-select), so two multi-line orders never deadlock; the decrement's condition
(``stock_on_hand >= qty AND status = 'active'``) is re-checked by PostgreSQL on the newest row
version after any wait, which is what makes it oversell-proof (the raw-SQL stock path of issue
11's ADRs; proved by ``tests/test_concurrency.py`` on PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from django.db import connection, models

from twoway.catalog.models import Product, ProductStatus

from .models import Order, OrderEvent, OrderLine, QuotaUsage

# --- stock ------------------------------------------------------------------------------------


def stock_take_statement(quantities: dict[int, int], vendor: str) -> tuple[str, list]:
    """The one statement decrementing every line's stock if enough is left; it returns the ids
    of the products it decremented (the others were short or not on sale)."""
    table = Product._meta.db_table
    ids = sorted(quantities)
    if vendor == "postgresql":
        sql = (
            f"UPDATE {table} AS p SET stock_on_hand = p.stock_on_hand - v.qty "
            f"FROM (SELECT id FROM {table} WHERE id = ANY(%s::bigint[]) ORDER BY id FOR UPDATE) AS locked, "
            "unnest(%s::bigint[], %s::integer[]) AS v(id, qty) "
            "WHERE p.id = locked.id AND p.id = v.id AND p.stock_on_hand >= v.qty "
            "AND p.status = %s RETURNING p.id"
        )
        return sql, [ids, ids, [quantities[i] for i in ids], ProductStatus.ACTIVE.value]
    # SQLite (one writer at a time: no row locks to order): one UPDATE with a CASE per line.
    case = "CASE id " + " ".join("WHEN %s THEN %s" for _ in ids) + " END"
    pairs = [x for i in ids for x in (i, quantities[i])]
    sql = (
        f"UPDATE {table} SET stock_on_hand = stock_on_hand - {case} "
        f"WHERE id IN ({', '.join(['%s'] * len(ids))}) AND stock_on_hand >= {case} "
        "AND status = %s RETURNING id"
    )
    return sql, [*pairs, *ids, *pairs, ProductStatus.ACTIVE.value]


def stock_take(quantities: dict[int, int]) -> set[int]:
    """Take the stock of every line in one statement; return the product ids that were short."""
    sql, params = stock_take_statement(quantities, connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        taken = {row[0] for row in cursor.fetchall()}
    return set(quantities) - taken


# --- quota ------------------------------------------------------------------------------------


def quota_consume_statement(
    id_number_hash: str, year: int, amount_fen: int, annual_fen: int, now
) -> tuple[str, list]:
    """One conditional upsert on the per-person-per-year row: it returns the new total, or no row
    when the total would pass ``annual_fen`` (see ``services._quota_consume``)."""
    table = QuotaUsage._meta.db_table
    sql = (
        f"INSERT INTO {table} (id_number_hash, year, used_fen, updated_at) "
        "VALUES (%s, %s, %s, %s) ON CONFLICT (id_number_hash, year) DO UPDATE SET "
        f"used_fen = {table}.used_fen + excluded.used_fen, updated_at = excluded.updated_at "
        f"WHERE {table}.used_fen + excluded.used_fen <= %s RETURNING used_fen"
    )
    return sql, [id_number_hash, year, amount_fen, now, annual_fen]


# --- orders, lines, events ------------------------------------------------------------------


@lru_cache(maxsize=32)
def _fields(model: type[models.Model], child: bool = False) -> tuple[models.Field, ...]:
    """The columns written (not the pk; for a ``child`` line or event, not its ``order``)."""
    return tuple(
        f for f in model._meta.concrete_fields
        if not f.primary_key and not (child and f.name == "order")
    )  # fmt: skip


def _column(field: models.Field) -> str:
    """A concrete field's column name (``Field.column`` is None only for non-concrete fields)."""
    if field.column is None:
        raise ValueError(f"{field!r} has no database column")
    return field.column


@lru_cache(maxsize=64)
def _order_rows_sql(n_orders: int, n_lines: int, n_events: int) -> str:
    """INSERT orders ... RETURNING, then lines and events joined to the new orders by number."""
    qn = connection.ops.quote_name
    order_fields = _fields(Order)
    order_cols = ", ".join(qn(_column(f)) for f in order_fields)
    order_row = "(" + ", ".join(["%s"] * len(order_fields)) + ")"

    def child(model, alias: str, n: int, key: str) -> str:
        fields = _fields(model, child=True)
        cols = ", ".join(qn(_column(f)) for f in fields)
        first = (
            "(%s::varchar, " + ", ".join(f"%s::{f.cast_db_type(connection)}" for f in fields) + ")"
        )
        rest = "(" + ", ".join(["%s"] * (len(fields) + 1)) + ")"
        names = ", ".join(f"c{i}" for i in range(len(fields)))
        values = ", ".join([first] + [rest] * (n - 1))
        return (
            f"{alias} AS (INSERT INTO {qn(model._meta.db_table)} (order_id, {cols}) "
            f"SELECT o.id, {names} FROM (VALUES {values}) AS v(number, {names}) "
            f"JOIN o ON o.number = v.number RETURNING id, order_id, {key})"
        )

    parts = [
        f"o AS (INSERT INTO {qn(Order._meta.db_table)} ({order_cols}) VALUES "
        + ", ".join([order_row] * n_orders)
        + " RETURNING id, number)"
    ]
    selects = ["SELECT 'o', id, NULL::bigint, number FROM o"]
    if n_lines:
        parts.append(child(OrderLine, "l", n_lines, "product_id"))
        selects.append("SELECT 'l', id, order_id, product_id::varchar FROM l")
    if n_events:
        parts.append(child(OrderEvent, "e", n_events, "0 AS key"))
        selects.append("SELECT 'e', id, order_id, '0' FROM e")
    return "WITH " + ", ".join(parts) + " " + " UNION ALL ".join(selects)


def insert_statement(obj: models.Model) -> tuple[str, list]:
    """``INSERT INTO <table> (<every column but the pk>) VALUES (...) RETURNING id`` for one row,
    as Django's ``save()`` writes it (the bench's raw client replays the purchase with it)."""
    qn = connection.ops.quote_name
    fields = _fields(type(obj))
    sql = (
        f"INSERT INTO {qn(obj._meta.db_table)} ({', '.join(qn(_column(f)) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING id"
    )
    return sql, _values(obj)


def row_insert(obj: models.Model) -> None:
    """Insert one new row the way ``save()`` would, in one plain statement (no signals, no
    save() machinery: the placement's purchase row)."""
    sql, params = insert_statement(obj)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        obj.pk = cursor.fetchone()[0]
    obj._state.adding = False
    obj._state.db = connection.alias


# Fields whose value PostgreSQL's driver takes as the model holds it (Django's own preparation
# returns it unchanged there): read directly, the placement's per-row cost.
_AS_IS = (models.CharField, models.TextField, models.IntegerField, models.BooleanField,
          models.DecimalField, models.UUIDField, models.ForeignKey)  # fmt: skip


@lru_cache(maxsize=32)
def _plan(model: type[models.Model], child: bool, vendor: str) -> tuple:
    """Per field: (attname, None) to read the value as is, or (None, field) to prepare it."""
    return tuple(
        (f.attname, None) if vendor == "postgresql" and isinstance(f, _AS_IS) else (None, f)
        for f in _fields(model, child)
    )


def _values(obj: models.Model, child: bool = False) -> list:
    out = []
    for attname, field in _plan(type(obj), child, connection.vendor):
        if field is None:
            out.append(getattr(obj, attname))
        else:
            out.append(field.get_db_prep_save(field.pre_save(obj, add=True), connection))
    return out


def order_rows_statement(
    orders: Sequence[Order], lines: Sequence[OrderLine], events: Sequence[OrderEvent]
) -> tuple[str, list]:
    """The one PostgreSQL statement writing ``orders`` with their ``lines`` and ``events``
    (each line and event has ``.order`` set to one of ``orders``, which have unique numbers)."""
    params: list = []
    for order in orders:
        params += _values(order)
    children: list[OrderLine | OrderEvent] = [*lines, *events]
    for row in children:
        params.append(row.order.number)
        params += _values(row, child=True)
    return _order_rows_sql(len(orders), len(lines), len(events)), params


def orders_insert(*, orders: list[Order], lines: list[OrderLine], events: list[OrderEvent]) -> None:
    """Insert a purchase's orders, lines and events; every row gets its primary key (and each
    line and event its ``order_id``). One statement on PostgreSQL, three bulk INSERTs elsewhere."""
    if connection.vendor != "postgresql":
        Order.objects.bulk_create(orders)  # each line's and event's order_id follows its order
        OrderLine.objects.bulk_create(lines)
        OrderEvent.objects.bulk_create(events)
        return
    sql, params = order_rows_statement(orders, lines, events)
    with connection.cursor() as cursor:
        _execute_many_values(cursor, sql, params)
        rows = cursor.fetchall()
    by_number = {number: pk for kind, pk, _order_id, number in rows if kind == "o"}
    for order in orders:
        order.pk = by_number[order.number]
        order._state.adding = False
        order._state.db = connection.alias
    # Lines and events come back in no promised order: a line is known by (order, product), an
    # event by its order (one "created" event each; several would be interchangeable).
    returned: dict[tuple, list[int]] = {}
    for kind, pk, order_id, key in rows:
        if kind != "o":
            returned.setdefault((kind, order_id, int(key) if kind == "l" else 0), []).append(pk)
    for kind, objs in (("l", lines), ("e", events)):
        for obj in objs:
            order = obj.order
            obj.order = order  # sets order_id and keeps the instance (assigning order_id drops it)
            key = (kind, obj.order_id, obj.product_id if isinstance(obj, OrderLine) else 0)
            obj.pk = returned[key].pop(0)
            obj._state.adding = False
            obj._state.db = connection.alias


@lru_cache(maxsize=128)
def _pieces(sql: str) -> tuple[str, ...]:
    return tuple(sql.split("%s"))


def _execute_many_values(cursor, sql: str, params: list) -> None:
    """Execute a statement with many values on PostgreSQL. psycopg's client-side binding caches
    its parse of a statement only up to 50 values and re-parses longer ones on every call (~2 ms
    for a purchase's orders); the statement's pieces are split once here and each value quoted
    by psycopg's own adapters, as its client-side cursor does. ``sql`` holds no other ``%``."""
    from psycopg.adapt import Transformer

    pieces = _pieces(sql)
    if len(pieces) != len(params) + 1:
        raise ValueError("placeholders and values disagree")
    tx = Transformer(connection.connection)
    out = [pieces[0]]
    for value, piece in zip(params, pieces[1:], strict=True):
        out += [tx.as_literal(value).decode(), piece]
    cursor.execute("".join(out))
