"""Writers of generated rows: the ORM (``bulk_create``, any database) and PostgreSQL ``COPY``.

Both take the same tuples (``generate.BUSINESS_COLUMNS`` / ``PRODUCT_COLUMNS``) with explicit
ids, so they write identical rows; sequences are reset afterwards by ``sequences_reset``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Model

from twoway.businesses.models import Business
from twoway.catalog.models import Product

from .generate import BUSINESS_COLUMNS, PRODUCT_COLUMNS


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


class OrmWriter:
    name = "orm"

    def write(self, businesses: list[tuple], products: list[tuple]) -> None:
        Business.objects.bulk_create(
            [Business(**dict(zip(BUSINESS_COLUMNS, row, strict=True))) for row in businesses],
            batch_size=500,
        )
        Product.objects.bulk_create(
            [Product(**dict(zip(PRODUCT_COLUMNS, row, strict=True))) for row in products],
            batch_size=500,
        )


def copy_rows(table: str, columns: Iterable[str], rows: Iterable[tuple]) -> None:
    """COPY rows into a table through psycopg 3 on Django's connection (same transaction)."""
    connection.ensure_connection()
    sql = f"COPY {connection.ops.quote_name(table)} ({', '.join(columns)}) FROM STDIN"
    with connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _with_defaults(
    model: type[Model], columns: Sequence[str], rows: Iterable[tuple]
) -> tuple[list[str], Iterator[tuple]]:
    """The columns and rows completed with the model's own defaults for every other NOT NULL
    column: COPY sees only database defaults, and Django keeps its defaults in Python (a column
    added later, e.g. the Made-in-USA attestation, would otherwise arrive NULL)."""
    extra = [
        (f.column, f.get_default())
        for f in model._meta.concrete_fields
        if f.column and f.column not in columns and not f.primary_key and not f.null
    ]
    names = [*columns, *(str(name) for name, _ in extra)]
    tail = tuple(value for _, value in extra)
    return names, (tuple(row) + tail for row in rows)


class CopyWriter:
    name = "copy"

    def write(self, businesses: list[tuple], products: list[tuple]) -> None:
        copy_rows(Business._meta.db_table, *_with_defaults(Business, BUSINESS_COLUMNS, businesses))
        copy_rows(Product._meta.db_table, *_with_defaults(Product, PRODUCT_COLUMNS, products))


def sequences_reset() -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), [Business, Product])
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


_SECONDARY_INDEXES_SQL = """
SELECT i.relname, pg_get_indexdef(i.oid)
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
WHERE t.relname = %s AND NOT x.indisprimary AND NOT x.indisunique
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
ORDER BY i.relname
"""


def secondary_indexes_drop(tables: Iterable[str]) -> list[str]:
    """Drop the non-unique indexes of the tables (PostgreSQL); return the statements that
    recreate them. Unique indexes stay, so the constraints hold during the load."""
    recreate: list[str] = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(_SECONDARY_INDEXES_SQL, [table])
            for name, definition in cursor.fetchall():
                recreate.append(definition)
                cursor.execute(f"DROP INDEX IF EXISTS {connection.ops.quote_name(name)}")
    return recreate


def indexes_create(statements: Iterable[str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for sql in statements:
            cursor.execute(sql.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))


def foreign_key_triggers_skip() -> bool:
    """Skip per-row FK triggers for this transaction (``session_replication_role = replica``;
    needs a superuser). The seed's ids are consistent by construction and
    ``foreign_keys_verify`` checks them in one pass afterwards. Returns whether it took effect."""
    from django.db import DatabaseError, transaction

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        return False
    return True


_FK_CHECKS = (
    ("catalog_product", "business_id", "businesses_business", "id"),
    ("catalog_product", "origin_us_state_id", "reference_usstate", "code"),
    ("catalog_product", "origin_cn_province_id", "reference_chinaprovince", "code"),
    ("businesses_business", "us_state_id", "reference_usstate", "code"),
    ("businesses_business", "cn_province_id", "reference_chinaprovince", "code"),
)


def foreign_keys_verify(first_product_id: int, first_business_id: int) -> None:
    """Count rows written by this run whose foreign keys point nowhere; raise if any."""
    with connection.cursor() as cursor:
        for table, column, target, key in _FK_CHECKS:
            start = first_product_id if table == "catalog_product" else first_business_id
            cursor.execute(
                f"SELECT count(*) FROM {table} t WHERE t.id >= %s AND t.{column} IS NOT NULL "  # noqa: S608
                f"AND NOT EXISTS (SELECT 1 FROM {target} r WHERE r.{key} = t.{column})",
                [start],
            )
            orphans = cursor.fetchone()[0]
            if orphans:
                raise RuntimeError(f"{orphans} rows of {table}.{column} point to no {target} row.")
