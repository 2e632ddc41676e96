"""A seller's insights over a window of days, about the market it sells to (``markets``): revenue
by market and that market's share (China's for a US seller, the US's for a Chinese seller), buyers
by Chinese province or US state (counts only, from the delivery address — no names), top
products, conversion from product views, and what buyers search for in the seller's HS chapters
on that market's storefront.

Revenue counts orders paid in the window that were not cancelled or refunded, at their customs
value in USD (the goods value the seller priced), so both directions add up in one currency.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from twoway.businesses.models import Business
from twoway.checkout.models import Order, OrderLine

from .markets import SellerMarket, market_of
from .models import ProductViewDay

GONE = ("created", "cancelled", "refunded")
WINDOWS = (30, 90, 365)


@dataclass(frozen=True)
class MarketRevenue:
    direction: str
    orders: int
    revenue_usd: Decimal


@dataclass(frozen=True)
class RegionRow:
    """A Chinese province or a US state of delivery."""

    code: str
    name_en: str
    name_zh: str
    buyers: int
    orders: int
    revenue_usd: Decimal


@dataclass(frozen=True)
class ProductRow:
    product_id: int
    sku: str
    title_en: str
    title_zh: str
    units: int
    orders: int
    revenue_usd: Decimal
    views: int

    @property
    def conversion(self) -> Decimal | None:
        """Orders per product-page view, as a share (None without views)."""
        if not self.views:
            return None
        return (Decimal(self.orders) / self.views).quantize(Decimal("0.0001"))


@dataclass(frozen=True)
class ChapterDemand:
    chapter: str
    searches: int
    few_results: int


@dataclass(frozen=True)
class Insights:
    days: int
    since: dt.date
    market: SellerMarket
    markets: list[MarketRevenue]
    revenue_usd: Decimal
    share: Decimal | None  # the seller's market's share of its revenue
    regions: list[RegionRow]
    products: list[ProductRow]
    views: int
    demand: list[ChapterDemand]
    top_unmet: list  # search QueryStat rows


def _orders(business: Business, since: dt.datetime):
    return Order.objects.filter(business=business, paid_at__gte=since).exclude(status__in=GONE)


def insights_for(*, business: Business, days: int = 90, limit: int = 10) -> Insights:
    now = timezone.now()
    since = now - dt.timedelta(days=days)
    orders = _orders(business, since)
    markets = [
        MarketRevenue(r["direction"], r["n"], r["usd"] or Decimal("0"))
        for r in orders.values("direction")
        .annotate(n=Count("id"), usd=Sum("customs_value_usd"))
        .order_by("direction")
    ]
    total = sum((m.revenue_usd for m in markets), Decimal("0"))
    market = market_of(business)
    direction = market.channel.direction
    own = sum((m.revenue_usd for m in markets if m.direction == direction), Decimal("0"))
    share = (own / total).quantize(Decimal("0.0001")) if total else None
    regions = _regions(orders, market)
    lines = (
        OrderLine.objects.filter(order__in=orders)
        .values("product_id", "product__sku", "product__title_en", "product__title_zh")
        .annotate(
            units=Sum("quantity"), n=Count("order_id", distinct=True), usd=Sum("customs_value_usd")
        )
        .order_by("-usd", "product_id")[:limit]
    )
    view_rows = dict(
        ProductViewDay.objects.filter(product__business=business, day__gte=since.date())
        .values("product_id")
        .annotate(v=Sum("views"))
        .values_list("product_id", "v")
    )
    products = [
        ProductRow(
            r["product_id"],
            r["product__sku"],
            r["product__title_en"],
            r["product__title_zh"],
            r["units"],
            r["n"],
            r["usd"] or Decimal("0"),
            view_rows.get(r["product_id"], 0),
        )
        for r in lines
    ]
    demand, unmet = _demand(business, market)
    return Insights(
        days,
        since.date(),
        market,
        markets,
        total,
        share,
        regions,
        products,
        sum(view_rows.values()),
        demand,
        unmet,
    )


def _regions(orders, market: SellerMarket) -> list[RegionRow]:
    """Buyers, orders and revenue per province or state of delivery, the largest first."""
    where = market.regions
    names = where.names()
    rows = (
        orders.filter(direction=market.channel.direction)
        .exclude(**{where.column: ""})
        .annotate(region=Substr(where.column, 1, where.width))
        .values("region")
        .annotate(
            buyers=Count("buyer_id", distinct=True), n=Count("id"), usd=Sum("customs_value_usd")
        )
        .order_by("-usd", "region")
    )
    result = []
    for r in rows:
        name_en, name_zh = names.get(r["region"], (r["region"], r["region"]))
        result.append(
            RegionRow(
                code=r["region"],
                name_en=name_en,
                name_zh=name_zh,
                buyers=r["buyers"],
                orders=r["n"],
                revenue_usd=r["usd"] or Decimal("0"),
            )
        )
    return result


def _demand(business: Business, market: SellerMarket) -> tuple[list[ChapterDemand], list]:
    """Searches on the market's storefront in the seller's HS chapters (the search context's log,
    last 90 days), and the top searches there that found few or no products."""
    from twoway.search.models import SearchLog
    from twoway.search.selectors import FEW_RESULTS, _since, seller_chapters, unmet_in_chapters

    chapters = seller_chapters(business)
    searches = SearchLog.objects.filter(
        market=market.search_market, created_at__gte=_since(), hs_chapter__in=chapters
    )
    rows = searches.values("hs_chapter").annotate(n=Count("id")).order_by("hs_chapter")
    few = dict(
        searches.filter(result_count__lte=FEW_RESULTS)
        .values("hs_chapter")
        .annotate(n=Count("id"))
        .values_list("hs_chapter", "n")
    )
    demand = [ChapterDemand(r["hs_chapter"], r["n"], few.get(r["hs_chapter"], 0)) for r in rows]
    unmet = unmet_in_chapters(chapters=chapters, market=market.search_market, limit=5)
    return demand, unmet
