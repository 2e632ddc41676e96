"""Catalogue endpoints: browse (public); create, update and adjust stock (seller staff)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Query, Router, Schema, Status
from pydantic import Field

from twoway.api.seller_auth import seller_auth, seller_business, seller_object_check
from twoway.catalog import selectors, services
from twoway.core.errors import NotFound
from twoway.core.schemas import MAX_STOCK_DELTA, Id, Offset, StrictIn
from twoway.integrations.scopes import PRODUCTS_WRITE

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
    #: A variant's size and colour, in English and Chinese ("" for a product without variants).
    variant_size: str = ""
    variant_colour: str = ""
    variant_size_zh: str = ""
    variant_colour_zh: str = ""


class ProductFilter(Schema):
    chapter: str | None = None
    state: str | None = None
    market: str | None = None
    limit: int = 50  # clamped to 1..200
    offset: Offset = 0


@router.get("/products", response=list[ProductOut], summary="Browse active products")
def product_list(request, filters: Query[ProductFilter]):
    qs = selectors.product_browse(
        chapter=filters.chapter, state=filters.state, market=filters.market
    )
    limit = max(1, min(filters.limit, 200))
    return list(qs[filters.offset : filters.offset + limit])


class ProductCreateIn(StrictIn):
    business_id: Id | None = None
    sku: str
    title_en: str
    title_zh: str = ""
    description_en: str = ""
    description_zh: str = ""
    hs_code: str
    cn_tariff_line: str = ""
    us_hts_line: str = ""
    origin_country: str
    origin_us_state: str | None = None
    origin_cn_province: str | None = None
    unit_price: Decimal
    currency: str
    weight_kg: Decimal
    stock_on_hand: int = 0
    market_cn_export: bool = False
    market_us_domestic: bool = False
    market_us_import: bool = False
    status: str = "draft"
    manufacturer: str = ""
    raw_material_suppliers: str = ""
    #: Size and colour of a variant; in Chinese too when sold to China with Latin words in them.
    variant_size: str = ""
    variant_colour: str = ""
    variant_size_zh: str = ""
    variant_colour_zh: str = ""


class ProductCreateOut(Schema):
    id: int
    business_id: int
    sku: str
    title_en: str
    title_zh: str
    description_en: str
    description_zh: str
    hs_code: str
    hs_chapter: str
    cn_tariff_line: str
    us_hts_line: str
    origin_country: str
    origin_us_state_id: str | None
    origin_cn_province_id: str | None
    unit_price: Decimal
    currency: str
    weight_kg: Decimal
    stock_on_hand: int
    market_cn_export: bool
    market_us_domestic: bool
    market_us_import: bool
    status: str
    manufacturer: str
    raw_material_suppliers: str
    variant_size: str
    variant_colour: str
    variant_size_zh: str
    variant_colour_zh: str
    zh_is_draft: bool
    updated_at: dt.datetime


class ProductUpdateIn(StrictIn):
    """Send only the fields to change. Stock changes through stock adjustments."""

    sku: str | None = None
    title_en: str | None = None
    title_zh: str | None = None
    description_en: str | None = None
    description_zh: str | None = None
    hs_code: str | None = None
    cn_tariff_line: str | None = None
    us_hts_line: str | None = None
    origin_country: str | None = None
    origin_us_state: str | None = None
    origin_cn_province: str | None = None
    unit_price: Decimal | None = None
    currency: str | None = None
    weight_kg: Decimal | None = None
    market_cn_export: bool | None = None
    market_us_domestic: bool | None = None
    market_us_import: bool | None = None
    status: str | None = None
    manufacturer: str | None = None
    raw_material_suppliers: str | None = None
    variant_size: str | None = None
    variant_colour: str | None = None
    variant_size_zh: str | None = None
    variant_colour_zh: str | None = None


class ProductUpdateOut(ProductCreateOut):
    pass


class StockAdjustmentIn(StrictIn):
    delta: int = Field(..., ge=-MAX_STOCK_DELTA, le=MAX_STOCK_DELTA)
    reason: str


class StockAdjustmentOut(Schema):
    id: int
    product_id: int
    delta: int
    reason: str
    stock_after: int
    created_at: dt.datetime


def _product(product_id: int):
    product = selectors.product_get(product_id=product_id)
    if product is None:
        raise NotFound("Product")
    return product


@router.post(
    "/products",
    response={201: ProductCreateOut},
    auth=seller_auth(PRODUCTS_WRITE),
    summary="Create a product for my business (scope products:write; role catalogue)",
)
def product_create(request, payload: ProductCreateIn):
    fields = payload.dict()
    business = seller_business(request, "catalogue", fields.pop("business_id"))
    product = services.product_create(business=business, by=request.auth, **fields)
    return Status(201, product)


@router.patch(
    "/products/{product_id}",
    response=ProductUpdateOut,
    auth=seller_auth(PRODUCTS_WRITE),
    summary="Change some fields of a product (scope products:write; role catalogue)",
)
def product_update(request, product_id: Id, payload: ProductUpdateIn):
    product = _product(product_id)
    seller_object_check(request, product.business, "catalogue", "Product")
    fields = payload.dict(exclude_unset=True)
    return services.product_update(product=product, by=request.auth, **fields)


@router.post(
    "/products/{product_id}/stock-adjustments",
    response={201: StockAdjustmentOut},
    auth=seller_auth(PRODUCTS_WRITE),
    summary="Add or remove stock, with a reason (scope products:write; role catalogue)",
)
def stock_adjustment_create(request, product_id: Id, payload: StockAdjustmentIn):
    product = _product(product_id)
    seller_object_check(request, product.business, "catalogue", "Product")
    adjustment = services.stock_adjust(
        product=product, delta=payload.delta, reason=payload.reason, by=request.auth
    )
    return Status(201, adjustment)
