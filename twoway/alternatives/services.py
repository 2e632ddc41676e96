"""Writes of the alternatives read model.

``candidates_refresh`` is the one entry point. The catalogue and businesses services call it
after a product or a seller changes (``product_ids=[...]`` or ``business_ids=[...]``, e.g. from a
``transaction.on_commit`` hook); ``twoway alternatives_refresh`` runs the full rebuild.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from twoway.businesses.models import Country, VerificationStatus
from twoway.catalog.models import Currency, Product, ProductStatus
from twoway.search.text import tokens_en_text, tokens_zh_text

from .models import UsMadeCandidate

CHUNK = 5_000

# Columns read from the catalogue, in this order, by every refresh path.
_SOURCE = (
    "id", "business_id", "business__legal_name", "hs_code", "title_en", "title_zh", "unit_price",
    "business__us_state_id", "business__us_state__name", "business__us_state__latitude",
    "business__us_state__longitude",
)  # fmt: skip
# Read-model columns, in the order ``_row`` returns them.
_COLUMNS = (
    "product_id", "business_id", "seller_name", "hs_code", "hs_heading", "hs_chapter", "title_en",
    "title_zh", "tokens_en", "tokens_zh", "price_usd", "state_code", "state_name", "latitude",
    "longitude", "refreshed_at",
)  # fmt: skip
_UPDATE_FIELDS = [c for c in _COLUMNS if c not in ("product_id",)]


@dataclass(frozen=True)
class RefreshResult:
    full: bool
    written: int  # rows inserted or updated
    removed: int  # rows deleted (products no longer eligible, or gone)


def eligible_q() -> Q:
    """A catalogue product that may be recommended as a US-made alternative."""
    return Q(
        origin_country=Country.US,
        status=ProductStatus.ACTIVE,
        market_us_domestic=True,
        currency=Currency.USD,
        business__country=Country.US,
        business__made_in_usa_attested=True,
        business__verification_status=VerificationStatus.VERIFIED,
        business__us_state__isnull=False,
    )


def _source(filter_q: Q | None = None) -> QuerySet[Product, tuple[Any, ...]]:
    qs = Product.objects.filter(eligible_q())
    if filter_q is not None:
        qs = qs.filter(filter_q)
    return qs.order_by("id").values_list(*_SOURCE)


def _row(values: tuple[Any, ...], now: datetime) -> tuple[Any, ...]:
    pid, bid, seller, hs_code, title_en, title_zh, price, state, state_name, lat, lon = values
    return (
        pid, bid, seller, hs_code, hs_code[:4], hs_code[:2], title_en, title_zh or "",
        tokens_en_text(title_en), tokens_zh_text(title_zh or ""), price, state, state_name,
        None if lat is None else float(lat), None if lon is None else float(lon), now,
    )  # fmt: skip


def _models(rows: Iterable[tuple[Any, ...]]) -> list[UsMadeCandidate]:
    return [UsMadeCandidate(**dict(zip(_COLUMNS, row, strict=True))) for row in rows]


def _chunks(iterable: Iterable[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for item in iterable:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _full_rebuild(now: datetime) -> RefreshResult:
    table = UsMadeCandidate._meta.db_table
    written = 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM " + connection.ops.quote_name(table))
            removed = cursor.fetchone()[0]
            # TRUNCATE refuses a table with pending (deferred) foreign-key checks from earlier in
            # the transaction: run them now, and check the copied rows as they arrive.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            # Readers wait for the commit and then see the new table whole.
            cursor.execute("TRUNCATE " + connection.ops.quote_name(table))
        sql = f"COPY {connection.ops.quote_name(table)} ({', '.join(_COLUMNS)}) FROM STDIN"
        # The source is read with a server-side cursor, chunk by chunk; each chunk is one COPY.
        for batch in _chunks(_source().iterator(chunk_size=CHUNK), CHUNK):
            with connection.connection.cursor() as raw, raw.copy(sql) as copy:
                for values in batch:
                    copy.write_row(_row(values, now))
            written += len(batch)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute("ANALYZE " + connection.ops.quote_name(table))
        removed = max(0, removed - written)
    else:
        removed, _ = UsMadeCandidate.objects.all().delete()
        for batch in _chunks(_source().iterator(chunk_size=CHUNK), CHUNK):
            UsMadeCandidate.objects.bulk_create(_models(_row(v, now) for v in batch))
            written += len(batch)
        removed = max(0, removed - written)
    return RefreshResult(full=True, written=written, removed=removed)


def _incremental(product_ids: list[int], business_ids: list[int], now: datetime) -> RefreshResult:
    scope = Q(id__in=product_ids) | Q(business_id__in=business_ids)
    rows = [_row(values, now) for values in _source(scope)]
    keep = {row[0] for row in rows}
    # Rows in scope that are no longer eligible (or whose product is gone) leave the table.
    stale = UsMadeCandidate.objects.filter(
        Q(product_id__in=product_ids) | Q(business_id__in=business_ids)
    ).exclude(product_id__in=keep)
    removed, _ = stale.delete()
    if rows:
        UsMadeCandidate.objects.bulk_create(
            _models(rows),
            update_conflicts=True,
            unique_fields=["product"],
            update_fields=_UPDATE_FIELDS,
            batch_size=1000,
        )
    return RefreshResult(full=False, written=len(rows), removed=removed)


@transaction.atomic
def candidates_refresh(
    *,
    product_ids: Sequence[int] | None = None,
    business_ids: Sequence[int] | None = None,
) -> RefreshResult:
    """Bring the read model in line with the catalogue.

    With no arguments: full rebuild (COPY on PostgreSQL). With ``product_ids`` and/or
    ``business_ids``: only those products (or every product of those sellers) are upserted or
    removed. Idempotent: running it twice writes the same rows.
    """
    now = timezone.now()
    if product_ids is None and business_ids is None:
        return _full_rebuild(now)
    return _incremental(list(product_ids or ()), list(business_ids or ()), now)


def on_product_changed(product: Product) -> None:
    """Catalog hook (after commit): refresh this product's row in the candidates read model."""
    if product.origin_country == "US":
        candidates_refresh(product_ids=[product.pk])


def on_products_changed(product_ids: list[int]) -> None:
    """Catalog hook for many products (bulk import, after commit), in chunks."""
    ids = list(product_ids)
    for start in range(0, len(ids), 5000):
        candidates_refresh(product_ids=ids[start : start + 5000])
