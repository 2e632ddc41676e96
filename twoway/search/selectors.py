"""Reads of the search context: a page of results for a buyer (prices in the viewer's currency,
eligibility and risk checked against the catalogue as it is now), suggestions, and the demand
reports for sellers and the public."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Max
from django.db.models.functions import TruncMonth
from django.utils import timezone

from twoway.catalog.models import Product, ProductStatus
from twoway.catalog.selectors import MARKET_FILTERS

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
    price: Decimal | None  # in the viewer's currency
    currency: str
    buyable: bool
    badge: str  # "" | "not_eligible" | "high_risk" | "unassessed" | "out_of_stock"
    log_id: int | None = None


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


def _cards(market: str, ids: list[int]) -> list[ResultCard]:
    """The hits as the catalogue has them now: a product no longer on sale in this market is
    dropped; buyability (CBEC eligibility, import risk) is decided here, not by the index."""
    rows = {
        p.pk: p
        for p in Product.objects.filter(
            pk__in=ids, status=ProductStatus.ACTIVE, **MARKET_FILTERS[market]
        ).select_related("business", "origin_us_state", "origin_cn_province")
    }
    fresh = {d.product_id: d for d in documents.documents_for(list(rows.values()), with_text=False)}
    cards = []
    for pid in ids:
        product, doc = rows.get(pid), fresh.get(pid)
        if product is None or doc is None or market not in doc.markets:
            continue
        if market == "cn_export":
            buyable = doc.cbec_eligible
            badge = "" if buyable else "not_eligible"
            # Not sold through CBEC: no CBEC tax to add, the goods price alone.
            cny = doc.price_cny if buyable else doc.price_cny_goods
            price, currency = (_money(cny) if cny else None), "CNY"
        else:
            buyable = doc.risk in documents.BUYABLE_RISK
            badge = {"high": "high_risk", "unassessed": "unassessed"}.get(doc.risk, "")
            price, currency = _money(doc.price_usd_landed or doc.price_usd), "USD"
        if buyable and not doc.in_stock:
            badge = badge or "out_of_stock"
        cards.append(
            ResultCard(
                product=product, price=price, currency=currency, buyable=buyable, badge=badge
            )
        )
    return cards


def search_page(
    *, query: str, market: str, filters: Filters, sort: str, page: int, page_size: int = PAGE_SIZE
) -> SearchPage:
    analyzer = documents.analyzer()
    plan = analyzer.query(query)
    number = max(1, min(page, MAX_PAGE))
    bands = PRICE_BANDS[market]
    response: SearchResponse = get_backend().search(
        SearchRequest(
            plan=plan,
            market=market,
            filters=filters,
            sort=sort,
            offset=(number - 1) * page_size,
            limit=page_size,
            bands=bands,
        )  # fmt: skip
    )
    hit_ids = [h.product_id for h in response.hits]
    cards = _cards(market, hit_ids)
    shown = {c.product.pk for c in cards}
    chapter = filters.chapter or (cards[0].product.hs_chapter if cards else "")
    if not chapter:
        chapter = _glossary_chapter(analyzer, plan.text)
    return SearchPage(
        query=query,
        market=market,
        cards=cards,
        total=response.total,
        relaxed=response.relaxed,
        facets=response.facets,
        page=number,
        has_next=(number * page_size < response.total) and number < MAX_PAGE,
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


def demand_report(*, business, limit: int = 20) -> DemandReport:
    """What buyers in China look for in the seller's HS chapters, last 90 days."""
    from twoway.reference.models import ChinaProvince

    chapters = seller_chapters(business)
    base = SearchLog.objects.filter(
        market="cn_export", created_at__gte=_since(), hs_chapter__in=chapters
    )
    unmet = _stats(
        base.filter(result_count__lte=FEW_RESULTS), min_sessions=SELLER_MIN_SESSIONS, limit=limit
    )
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
