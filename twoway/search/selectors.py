"""Reads of the search context: a page of results for a buyer (prices in the viewer's currency,
eligibility and risk checked against the catalogue as it is now), suggestions, and the demand
reports for sellers and the public."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Max
from django.db.models.functions import TruncMonth
from django.utils import timezone

from twoway.catalog.models import Product, ProductStatus
from twoway.catalog.selectors import (
    CARD_RELATED,
    MARKET_FILTERS,
    ProductCard,
    group_ids_of,
    product_cards,
)

from . import documents
from .backends import get_backend
from .backends.base import (
    Bucket,
    Filters,
    PriceBand,
    SearchRequest,
    SearchResponse,
    Suggestion,
)
from .models import DemandNotice, DemandSubscription, SearchLog

PAGE_SIZE = 24
MAX_PAGE = 50
# Price bands per viewer currency: CNY incl. estimated CBEC tax (buyers in China), USD landed
# with duties (buyers in the US). Presentation choices of this app.
PRICE_BANDS = {
    "cn_export": (
        PriceBand("0-100", None, 100.0), PriceBand("100-300", 100.0, 300.0),
        PriceBand("300-1000", 300.0, 1000.0), PriceBand("1000-3000", 1000.0, 3000.0),
        PriceBand("3000+", 3000.0, None),
    ),
    "us_import": (
        PriceBand("0-25", None, 25.0), PriceBand("25-50", 25.0, 50.0),
        PriceBand("50-100", 50.0, 100.0), PriceBand("100-250", 100.0, 250.0),
        PriceBand("250+", 250.0, None),
    ),
}  # fmt: skip
FEW_RESULTS = 3  # a query "with few results" for the demand reports
K_ANONYMITY = 10  # distinct sessions before a query is shown in public
SELLER_MIN_SESSIONS = 2  # distinct sessions before a query is shown to a seller
REPORT_DAYS = 90


@dataclass(frozen=True)
class ResultCard:
    product: Product
    price: Decimal | None  # in the viewer's currency; a variant group's lowest
    currency: str
    buyable: bool
    badge: str  # "" | "not_eligible" | "high_risk" | "unassessed" | "out_of_stock"
    log_id: int | None = None
    #: the storefront card (a variant group's name, options and first photo) on result pages
    listing: ProductCard | None = None
    price_varies: bool = False  # the group's options cost different amounts ("from …")


@dataclass(frozen=True)
class SearchPage:
    query: str
    market: str
    cards: list[ResultCard]
    total: int
    relaxed: bool
    facets: dict[str, list[Bucket]]
    page: int
    has_next: bool
    backend: str
    language: str
    hs_chapter: str  # of the filter or the top result (for the demand log)
    bands: tuple[PriceBand, ...] = field(default=())
    stale: tuple[int, ...] = ()  # hits the catalogue no longer shows here: to re-index


def band_by_key(market: str, key: str | None) -> PriceBand | None:
    return next((b for b in PRICE_BANDS.get(market, ()) if b.key == key), None)


def _money(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class _Offer:
    """What one product costs the viewer and whether they may buy it, from its fresh document."""

    price: Decimal | None
    buyable: bool
    in_stock: bool
    badge: str


def _offer(market: str, doc: documents.SearchDoc) -> _Offer:
    if market == "cn_export":
        buyable = doc.cbec_eligible
        badge = "" if buyable else "not_eligible"
        # Not sold through CBEC: no CBEC tax to add, the goods price alone.
        cny = doc.price_cny if buyable else doc.price_cny_goods
        price = _money(cny) if cny else None
    else:
        buyable = doc.risk in documents.BUYABLE_RISK
        badge = {"high": "high_risk", "unassessed": "unassessed"}.get(doc.risk, "")
        price = _money(doc.price_usd_landed or doc.price_usd)
    if buyable and not doc.in_stock:
        badge = badge or "out_of_stock"
    return _Offer(price=price, buyable=buyable, in_stock=doc.in_stock, badge=badge)


def _cards(market: str, ids: list[int], *, grouped: bool = False) -> list[ResultCard]:
    """The hits as the catalogue has them now: a product no longer on sale in this market is
    dropped; buyability (CBEC eligibility, import risk) is decided here, not by the index.
    ``grouped`` (result pages, hits already one per group): each card also carries its
    storefront card (the group's options on sale in this market, the first photo) and a group's
    lowest price; a constant number of queries whatever the page holds."""
    on_sale = Product.objects.filter(status=ProductStatus.ACTIVE, **MARKET_FILTERS[market])
    rows = {p.pk: p for p in on_sale.filter(pk__in=ids).select_related(*CARD_RELATED)}
    hits = [rows[pid] for pid in ids if pid in rows]
    listings = (
        {c.product.pk: c for c in product_cards(products=hits, among=on_sale)} if grouped else {}
    )
    products = {p.pk: p for p in hits}
    for grouped_card in listings.values():
        products.update({v.pk: v for v in grouped_card.variants})
    fresh = {
        d.product_id: d
        for d in documents.documents_for(list(products.values()), with_text=False)
        if market in d.markets
    }
    cards = []
    for product in hits:
        if product.pk not in fresh:
            continue
        listing = listings.get(product.pk)
        options = listing.options if listing is not None else (product,)
        offers = [_offer(market, fresh[v.pk]) for v in options if v.pk in fresh]
        own = _offer(market, fresh[product.pk])
        buyable = any(o.buyable for o in offers)
        # The hit's own badge (a high labor risk stays said), unless another option may be
        # bought where it may not, or is in stock where it is not.
        lead = own if own.buyable or not buyable else next(o for o in offers if o.buyable)
        badge = lead.badge
        if badge == "out_of_stock" and any(o.buyable and o.in_stock for o in offers):
            badge = ""
        prices = {o.price for o in offers if o.price is not None and o.buyable == buyable}
        cards.append(
            ResultCard(
                product=product,
                price=min(prices) if prices else own.price,
                currency="CNY" if market == "cn_export" else "USD",
                buyable=buyable,
                badge=badge,
                listing=listing,
                price_varies=len(prices) > 1,
            )
        )
    return cards


#: Hits read beyond a page when variant groups fold into one card, before reading more.
GROUP_SLACK = PAGE_SIZE


def _collapse(ids: list[int], groups: dict[int, int]) -> list[int]:
    """The hits in rank order with each variant group once (its best-ranked variant)."""
    seen: set[int] = set()
    out = []
    for pid in ids:
        group = groups.get(pid)
        if group is not None:
            if group in seen:
                continue
            seen.add(group)
        out.append(pid)
    return out


def _grouped_window(
    request: SearchRequest, *, number: int, page_size: int
) -> tuple[list[int], SearchResponse, int, bool]:
    """Page ``number`` of hits with each variant group once: the hits from the first are read
    (a page and some more, doubling until the page is full), so a group seen on an earlier page
    never comes back. Returns the page's ids, the first response (facets), the total (groups
    counted once among the hits read; the rest as documents) and whether more follow."""
    backend = get_backend()
    want = number * page_size + 1
    limit = want + GROUP_SLACK
    first: SearchResponse | None = None
    while True:
        response = backend.search(replace(request, offset=0, limit=limit, facets=first is None))
        first = first or response
        ids = [h.product_id for h in response.hits]
        collapsed = _collapse(ids, group_ids_of(product_ids=ids) if ids else {})
        read_all = len(ids) < limit
        if read_all or len(collapsed) >= want:
            break
        limit *= 2
    folded = len(ids) - len(collapsed)
    total = first.total if first.relaxed else max(len(collapsed), first.total - folded)
    start = (number - 1) * page_size
    more = len(collapsed) > number * page_size and not first.relaxed
    return collapsed[start : start + page_size], first, total, more


def search_page(
    *,
    query: str,
    market: str,
    filters: Filters,
    sort: str,
    page: int,
    page_size: int = PAGE_SIZE,
    group_variants: bool = False,
) -> SearchPage:
    """One page of results. ``group_variants`` (the storefront's result pages): a variant group
    is one result, as on the storefront (the API lists every SKU)."""
    analyzer = documents.analyzer()
    plan = analyzer.query(query)
    number = max(1, min(page, MAX_PAGE))
    bands = PRICE_BANDS[market]
    request = SearchRequest(
        plan=plan,
        market=market,
        filters=filters,
        sort=sort,
        offset=(number - 1) * page_size,
        limit=page_size,
        bands=bands,
    )
    if group_variants:
        hit_ids, response, total, more = _grouped_window(
            request, number=number, page_size=page_size
        )
    else:
        response = get_backend().search(request)
        hit_ids = [h.product_id for h in response.hits]
        total, more = response.total, number * page_size < response.total
    cards = _cards(market, hit_ids, grouped=group_variants)
    shown = {c.product.pk for c in cards}
    chapter = filters.chapter or (cards[0].product.hs_chapter if cards else "")
    if not chapter:
        chapter = _glossary_chapter(analyzer, plan.text)
    return SearchPage(
        query=query,
        market=market,
        cards=cards,
        total=total,
        relaxed=response.relaxed,
        facets=response.facets,
        page=number,
        has_next=more and number < MAX_PAGE,
        backend=response.backend,
        language=plan.language,
        hs_chapter=chapter,
        bands=bands,
        stale=tuple(pid for pid in hit_ids if pid not in shown),
    )


def _glossary_chapter(analyzer, text: str) -> str:
    """A query that found nothing still belongs to a chapter when a glossary term in it is tied
    to an HS code (so unmet demand reaches the right sellers)."""
    g = analyzer.glossary
    for term in g.zh_terms:
        if term in text:
            for row in g.rows:
                if row.zh == term and row.hs:
                    return row.hs[:2]
    for term in g.en_terms:
        if term in text:
            for row in g.rows:
                if term in row.en and row.hs:
                    return row.hs[:2]
    return ""


def suggestions(*, prefix: str, market: str, limit: int = 8) -> list[Suggestion]:
    key = documents.analyzer().suggest_key(prefix)
    if not key:
        return []
    return get_backend().suggest(prefix=key, market=market, limit=limit)


def buyer_province(user) -> str:
    """The province of the buyer's last consignee address, when signed in as a buyer in China."""
    if not getattr(user, "is_authenticated", False):
        return ""
    from twoway.checkout.models import Order

    return (
        Order.objects.filter(buyer=user)
        .exclude(consignee_state="")
        .order_by("-id")
        .values_list("consignee_state", flat=True)
        .first()
        or ""
    )


# --- demand reports -------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryStat:
    query: str
    searches: int
    sessions: int
    best_results: int
    chapter: str = ""

    @property
    def gloss(self) -> str:
        """The English of the glossary terms in a Chinese query, for sellers who read English."""
        return gloss_en(self.query)


def gloss_en(query: str) -> str:
    a = documents.analyzer()
    if a.en_words(query) and not any(ord(ch) > 0x2E80 for ch in query):
        return ""
    terms = []
    for term in a.zh_glossary_hits(query):
        terms.extend(sorted(a.glossary.zh_to_en.get(term, ()))[:1])
    return ", ".join(dict.fromkeys(terms))


@dataclass(frozen=True)
class ProvinceTrend:
    month: dt.date
    province: str
    province_name_en: str
    province_name_zh: str
    query: str
    searches: int

    @property
    def gloss(self) -> str:
        return gloss_en(self.query)


@dataclass(frozen=True)
class DemandReport:
    chapters: list[str]
    unmet: list[QueryStat]
    trending: list[ProvinceTrend]
    bought: list[QueryStat]
    subscriptions: list[DemandSubscription]
    notices: list[DemandNotice]


def _since(days: int = REPORT_DAYS) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def _stats(qs, *, min_sessions: int, limit: int) -> list[QueryStat]:
    rows = (
        qs.values("query_norm")
        .annotate(
            searches=Count("id"),
            sessions=Count("session_hash", distinct=True),
            best=Max("result_count"),
            chapter=Max("hs_chapter"),
        )  # fmt: skip
        .filter(sessions__gte=min_sessions)
        .order_by("-sessions", "-searches", "query_norm")[:limit]
    )
    return [
        QueryStat(
            query=r["query_norm"],
            searches=r["searches"],
            sessions=r["sessions"],
            best_results=r["best"] or 0,
            chapter=r["chapter"] or "",
        )  # fmt: skip
        for r in rows
    ]


def seller_chapters(business) -> list[str]:
    return sorted(
        set(
            Product.objects.filter(business=business)
            .values_list("hs_chapter", flat=True)
            .distinct()
        )
    )


def unmet_in_chapters(*, chapters: list[str], market: str, limit: int = 20) -> list[QueryStat]:
    """The searches on ``market``'s storefront in these HS chapters (last 90 days) that found few
    or no products, each made in at least ``SELLER_MIN_SESSIONS`` distinct sessions."""
    qs = SearchLog.objects.filter(
        market=market,
        created_at__gte=_since(),
        hs_chapter__in=chapters,
        result_count__lte=FEW_RESULTS,
    )
    return _stats(qs, min_sessions=SELLER_MIN_SESSIONS, limit=limit)


def demand_report(*, business, limit: int = 20) -> DemandReport:
    """What buyers in China look for in the seller's HS chapters, last 90 days."""
    from twoway.reference.models import ChinaProvince

    chapters = seller_chapters(business)
    base = SearchLog.objects.filter(
        market="cn_export", created_at__gte=_since(), hs_chapter__in=chapters
    )
    unmet = unmet_in_chapters(chapters=chapters, market="cn_export", limit=limit)
    bought = _stats(base.filter(bought=True), min_sessions=1, limit=limit)
    names = {
        c: (en, zh) for c, en, zh in ChinaProvince.objects.values_list("code", "name_en", "name_zh")
    }
    rows = (
        base.exclude(province="")
        .annotate(month=TruncMonth("created_at"))
        .values("month", "province", "query_norm")
        .annotate(n=Count("id"), sessions=Count("session_hash", distinct=True))
        .filter(sessions__gte=SELLER_MIN_SESSIONS)
        .order_by("-month", "-n", "province", "query_norm")[: limit * 3]
    )
    trending = [
        ProvinceTrend(
            month=r["month"].date() if hasattr(r["month"], "date") else r["month"],
            province=r["province"],
            province_name_en=names.get(r["province"], (r["province"],) * 2)[0],
            province_name_zh=names.get(r["province"], (r["province"],) * 2)[1],
            query=r["query_norm"],
            searches=r["n"],
        )  # fmt: skip
        for r in rows
    ]
    subs = list(DemandSubscription.objects.filter(business=business).order_by("id"))
    notices = list(
        DemandNotice.objects.filter(business=business).select_related("subscription")[:20]
    )
    return DemandReport(
        chapters=chapters, unmet=unmet, trending=trending, bought=bought,
        subscriptions=subs, notices=notices,
    )  # fmt: skip


def unmet_public(*, limit: int = 10) -> list[QueryStat]:
    """Top searches on the China storefront that found nothing, shown only when at least
    ``K_ANONYMITY`` distinct sessions made them."""
    qs = SearchLog.objects.filter(market="cn_export", created_at__gte=_since(), result_count=0)
    return _stats(qs, min_sessions=K_ANONYMITY, limit=limit)


def unread_notices(*, business) -> int:
    return DemandNotice.objects.filter(business=business, read=False).count()
