"""Search endpoints (public): products on either storefront, and suggestions as the buyer types.

Searches through the API are not logged (the demand log counts buyers on the storefronts)."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from twoway.core.errors import DomainError
from twoway.reference import labels
from twoway.search import selectors, services
from twoway.search.backends.base import Filters

router = Router(tags=["search"])

Market = Literal["cn_export", "us_import"]
Sort = Literal["relevance", "price_asc", "price_desc", "newest", "sales"]


class SearchIn(Schema):
    q: str = ""
    market: Market = "cn_export"
    chapter: str | None = None
    origin: str | None = None
    midwest: bool = False
    in_stock: bool = False
    cbec_eligible: bool = False
    risk: Literal["none", "elevated", "high", "low"] | None = None
    us_alt: bool = False
    price: str | None = None
    sort: Sort = "relevance"
    page: int = 1
    page_size: int = 24


class HitOut(Schema):
    id: int
    title_en: str
    title_zh: str
    hs_code: str
    origin: str
    price: Decimal | None
    currency: str
    buyable: bool
    badge: str


class BucketOut(Schema):
    key: str
    count: int


class SearchOut(Schema):
    query: str
    market: str
    total: int
    relaxed: bool
    page: int
    has_next: bool
    backend: str
    hits: list[HitOut]
    facets: dict[str, list[BucketOut]]


class SuggestionOut(Schema):
    text: str
    count: int


def _check(params: SearchIn) -> Filters:
    if len(params.q) > 200:
        raise DomainError.one("q", "max_length", _("A search is at most 200 characters."))
    if not 1 <= params.page <= selectors.MAX_PAGE:
        raise DomainError.one(
            "page", "range", _("Pages run from 1 to %(max)s.") % {"max": selectors.MAX_PAGE}
        )
    if not 1 <= params.page_size <= 100:
        raise DomainError.one("page_size", "range", _("A page holds 1 to 100 products."))
    if params.chapter and not labels.is_known_chapter(params.chapter):
        raise DomainError.one("chapter", "hs_chapter", _("Not an HS chapter: two digits, 01–97."))
    band = None
    if params.price:
        band = selectors.band_by_key(params.market, params.price)
        if band is None:
            keys = ", ".join(b.key for b in selectors.PRICE_BANDS[params.market])
            raise DomainError.one(
                "price", "price_band", _("Price bands for this market: %(keys)s.") % {"keys": keys}
            )
    origin = (params.origin or "").upper() or None
    return Filters(
        chapter=params.chapter, origin=origin, midwest=params.midwest, in_stock=params.in_stock,
        cbec_eligible=params.cbec_eligible, risk=params.risk, us_alt=params.us_alt, band=band,
    )  # fmt: skip


@router.get("/products", response=SearchOut, summary="Search products on a storefront")
def search_products(request, params: Query[SearchIn]):
    """Chinese, English, pinyin (full or initials) and Traditional characters; one typo in an
    English word of five letters or more. Prices are in the viewer's currency: CNY with the
    estimated CBEC tax (``cn_export``), USD with duties and fees (``us_import``). ``buyable`` is
    false for a listing that cannot be bought through the channel (``badge`` says why)."""
    filters = _check(params)
    page = selectors.search_page(
        query=params.q, market=params.market, filters=filters, sort=params.sort,
        page=params.page, page_size=params.page_size,
    )  # fmt: skip
    if page.stale:  # blocked or taken off sale since indexed: the drain re-indexes them
        services.outbox_enqueue(product_ids=page.stale)
    hits = [
        HitOut(
            id=c.product.pk,
            title_en=c.product.title_en,
            title_zh=c.product.title_zh,
            hs_code=c.product.hs_code,
            origin=c.product.origin_us_state_id or c.product.origin_cn_province_id or "",
            price=c.price,
            currency=c.currency,
            buyable=c.buyable,
            badge=c.badge,
        )  # fmt: skip
        for c in page.cards
    ]
    return SearchOut(
        query=params.q, market=params.market, total=page.total, relaxed=page.relaxed,
        page=page.page, has_next=page.has_next, backend=page.backend, hits=hits,
        facets={k: [BucketOut(key=b.key, count=b.count) for b in v] for k, v in page.facets.items()},
    )  # fmt: skip


class SuggestIn(Schema):
    q: str
    market: Market = "cn_export"
    limit: int = 8


@router.get("/suggest", response=list[SuggestionOut], summary="Suggestions as the buyer types")
def search_suggest(request, params: Query[SuggestIn]):
    if not 1 <= params.limit <= 20:
        raise DomainError.one("limit", "range", _("1 to 20 suggestions."))
    return [
        SuggestionOut(text=s.text, count=s.count)
        for s in selectors.suggestions(
            prefix=params.q[:60], market=params.market, limit=params.limit
        )
    ]
