"""Catalogue endpoints (read)."""

from __future__ import annotations

from decimal import Decimal

from ninja import Query, Router, Schema

from . import selectors

router = Router(tags=["catalog"])


class ProductOut(Schema):
    id: int
    sku: str
    title_en: str
    title_zh: str
    hs_code: str
    cn_tariff_line: str
    us_hts_line: str
    origin_country: str
    origin_us_state_id: str | None
    origin_cn_province_id: str | None
    unit_price: Decimal
    currency: str
    stock_on_hand: int
    business_id: int


class ProductFilter(Schema):
    chapter: str | None = None
    state: str | None = None
    market: str | None = None
    limit: int = 50
    offset: int = 0


@router.get("/products", response=list[ProductOut], summary="Browse active products")
def product_list(request, filters: Query[ProductFilter]):
    qs = selectors.product_browse(
        chapter=filters.chapter, state=filters.state, market=filters.market
    )
    limit = max(1, min(filters.limit, 200))
    return list(qs[filters.offset : filters.offset + limit])
