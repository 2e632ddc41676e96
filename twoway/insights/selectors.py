"""A seller's insights over a window of days: revenue by market (the China share), buyers by
Chinese province (counts only, from the consignee's address code — no names), top products,
conversion from product views, and what buyers search for in the seller's HS chapters.

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
from twoway.checkout.models import Direction, Order, OrderLine
from twoway.reference.models import ChinaProvince

from .models import ProductViewDay

GONE = ("created", "cancelled", "refunded")
WINDOWS = (30, 90, 365)


@dataclass(frozen=True)
class MarketRevenue:
    direction: str
    orders: int
    revenue_usd: Decimal


@dataclass(frozen=True)
class ProvinceRow:
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
    markets: list[MarketRevenue]
    revenue_usd: Decimal
    china_share: Decimal | None
    provinces: list[ProvinceRow]
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
    china = sum(
        (m.revenue_usd for m in markets if m.direction == Direction.US_EXPORT), Decimal("0")
    )
    share = (china / total).quantize(Decimal("0.0001")) if total else None
    names = {
        c: (en, zh) for c, en, zh in ChinaProvince.objects.values_list("code", "name_en", "name_zh")
    }

    def province_names(code: str) -> tuple[str, str]:
        return names.get(code, (code, code))

    provinces = [
        ProvinceRow(
            r["province"],
            *province_names(r["province"]),
            buyers=r["buyers"],
            orders=r["n"],
            revenue_usd=r["usd"] or Decimal("0"),
        )
        for r in orders.filter(direction=Direction.US_EXPORT)
        .exclude(consignee_district="")
        .annotate(province=Substr("consignee_district", 1, 2))
        .values("province")
        .annotate(
            buyers=Count("buyer_id", distinct=True), n=Count("id"), usd=Sum("customs_value_usd")
        )
        .order_by("-usd", "province")
    ]
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
    demand, unmet = _demand(business)
    return Insights(
        days,
        since.date(),
        markets,
        total,
        share,
        provinces,
        products,
        sum(view_rows.values()),
        demand,
        unmet,
    )


def _demand(business: Business) -> tuple[list[ChapterDemand], list]:
    """Searches on the China storefront in the seller's HS chapters (the search context's log,
    last 90 days), and the top searches there that found few or no products."""
    from twoway.search.models import SearchLog
    from twoway.search.selectors import FEW_RESULTS, _since, demand_report, seller_chapters

    chapters = seller_chapters(business)
    rows = (
        SearchLog.objects.filter(
            market="cn_export", created_at__gte=_since(), hs_chapter__in=chapters
        )
        .values("hs_chapter")
        .annotate(n=Count("id"))
        .order_by("hs_chapter")
    )
    few = dict(
        SearchLog.objects.filter(
            market="cn_export",
            created_at__gte=_since(),
            hs_chapter__in=chapters,
            result_count__lte=FEW_RESULTS,
        )
        .values("hs_chapter")
        .annotate(n=Count("id"))
        .values_list("hs_chapter", "n")
    )
    demand = [ChapterDemand(r["hs_chapter"], r["n"], few.get(r["hs_chapter"], 0)) for r in rows]
    return demand, demand_report(business=business, limit=5).unmet
