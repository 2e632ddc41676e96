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
version after any wait, which is what makes it oversell-proof (see the ADR on the raw-SQL stock
path and ``tests/test_concurrency.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from django.db import connection, models

from twoway.catalog.models import Product, ProductStatus

from .models import Order, OrderEvent, OrderLine

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


# --- orders, lines, events ------------------------------------------------------------------


def _fields(model: type[models.Model]) -> tuple[models.Field, ...]:
    return tuple(f for f in model._meta.concrete_fields if not f.primary_key)


@lru_cache(maxsize=64)
def _order_rows_sql(n_orders: int, n_lines: int, n_events: int) -> str:
    """INSERT orders ... RETURNING, then lines and events joined to the new orders by number."""
    qn = connection.ops.quote_name
    order_fields = _fields(Order)
    order_cols = ", ".join(qn(f.column) for f in order_fields)
    order_row = "(" + ", ".join(["%s"] * len(order_fields)) + ")"

    def child(model, alias: str, n: int, key: str) -> str:
        fields = [f for f in _fields(model) if f.name != "order"]
        cols = ", ".join(qn(f.column) for f in fields)
        first = "(%s::varchar, " + ", ".join(f"%s::{f.cast_db_type(connection)}" for f in fields) + ")"
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


def _values(obj: models.Model, fields: Sequence[models.Field]) -> list:
    return [f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields]


def order_rows_statement(
    orders: Sequence[Order], lines: Sequence[OrderLine], events: Sequence[OrderEvent]
) -> tuple[str, list]:
    """The one PostgreSQL statement writing ``orders`` with their ``lines`` and ``events``
    (each line and event has ``.order`` set to one of ``orders``, which have unique numbers)."""
    params: list = []
    for order in orders:
        params += _values(order, _fields(Order))
    for model, rows in ((OrderLine, lines), (OrderEvent, events)):
        fields = [f for f in _fields(model) if f.name != "order"]
        for row in rows:
            params.append(row.order.number)
            params += _values(row, fields)
    return _order_rows_sql(len(orders), len(lines), len(events)), params


def orders_insert(
    *, orders: list[Order], lines: list[OrderLine], events: list[OrderEvent]
) -> None:
    """Insert a purchase's orders, lines and events; every row gets its primary key (and each
    line and event its ``order_id``). One statement on PostgreSQL, three bulk INSERTs elsewhere."""
    if connection.vendor != "postgresql":
        Order.objects.bulk_create(orders)  # each line's and event's order_id follows its order
        OrderLine.objects.bulk_create(lines)
        OrderEvent.objects.bulk_create(events)
        return
    sql, params = order_rows_statement(orders, lines, events)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
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
            key = (kind, obj.order_id, obj.product_id if kind == "l" else 0)
            obj.pk = returned[key].pop(0)
            obj._state.adding = False
            obj._state.db = connection.alias
