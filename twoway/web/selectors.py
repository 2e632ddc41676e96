"""Read models for the pages: facet counts, one page of products, the home figures.

Facet counts are GROUP BY queries (``status, hs_chapter`` and ``origin_us_state, status`` are
indexed) cached for ``COUNT_CACHE_SECONDS``, so a storefront request never counts the whole
catalogue itself; product lists fetch one row more than a page instead of counting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from twoway.businesses.models import Business, Country, Membership
from twoway.catalog.models import Product, ProductStatus
from twoway.catalog.selectors import (
    MARKET_FILTERS,
    ProductCard,
    card_count,
    one_per_group,
    product_browse,
    product_cards,
)
from twoway.compliance.selectors import review_states
from twoway.identity.models import User
from twoway.reference import labels
from twoway.reference.models import CensusRegion, ReferenceDataset, UsState

COUNT_CACHE_SECONDS = 300
PAGE_SIZE = 24
MAX_PAGE = 100  # deeper than this, people are asked to narrow the filter (OFFSET stays cheap)
SELLER_CENTER_LIMIT = 200


@dataclass(frozen=True)
class ChapterCount:
    code: str
    count: int

    @property
    def title(self) -> str:
        return labels.chapter_title(self.code)


@dataclass(frozen=True)
class StateCount:
    code: str
    name_en: str
    region: str
    count: int

    @property
    def name(self) -> str:
        return labels.state_name(self.code, self.name_en)

    @property
    def is_midwest(self) -> bool:
        return self.region == CensusRegion.MIDWEST


@dataclass(frozen=True)
class ProductPage:
    """One page of storefront cards: a product alone or a variant group shown once."""

    cards: list[ProductCard]
    number: int
    has_previous: bool
    has_next: bool
    at_cap: bool

    @property
    def products(self) -> list[Product]:
        """The products the cards link to (one per card)."""
        return [card.product for card in self.cards]


@dataclass(frozen=True)
class HomeFigures:
    us_sellers: int
    midwest_sellers: int
    products_for_china: int

    @property
    def midwest_share_percent(self) -> Decimal | None:
        if not self.us_sellers:
            return None
        share = Decimal(self.midwest_sellers) * 100 / Decimal(self.us_sellers)
        return share.quantize(Decimal("1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class SellerCenter:
    business: Business | None
    products: list[Product]
    truncated: bool
    #: product id → what the seller reads as its status ("held for review", not "blocked")
    status_labels: dict[int, str] = field(default_factory=dict)


def listing_status_label(product: Product, review_state: str | None) -> str:
    """The listing's status in the seller's words: a held listing says it awaits a regulator's
    review until one decides; only a decision to block says "blocked by a regulator"."""
    if product.status == ProductStatus.BLOCKED and review_state != "blocked":
        return str(_("held for a regulator's review"))
    return str(product.get_status_display())


def _active_in_market(market: str) -> QuerySet[Product]:
    return Product.objects.filter(status=ProductStatus.ACTIVE, **MARKET_FILTERS[market])


def chapter_counts(*, market: str, state: str | None = None) -> list[ChapterCount]:
    """Storefront cards per HS chapter in one market (optionally of one origin state): active
    products, a variant group counted once."""
    key = f"web:chapters:v2:{market}:{state or '-'}"
    rows = cache.get(key)
    if rows is None:
        qs = _active_in_market(market)
        if state:
            qs = qs.filter(origin_us_state_id=state)
        rows = list(
            qs.order_by().values_list("hs_chapter").annotate(n=card_count()).order_by("hs_chapter")
        )
        cache.set(key, rows, COUNT_CACHE_SECONDS)
    return [ChapterCount(code=code, count=n) for code, n in rows]


def state_counts(*, market: str, chapter: str | None = None) -> list[StateCount]:
    """Storefront cards per US origin state (a variant group once); Midwest states first, then
    by name."""
    key = f"web:states:v2:{market}:{chapter or '-'}"
    rows = cache.get(key)
    if rows is None:
        qs = _active_in_market(market).filter(origin_us_state__isnull=False)
        if chapter:
            qs = qs.filter(hs_chapter=chapter)
        counts = dict(
            qs.order_by().values_list("origin_us_state").annotate(n=card_count()).order_by()
        )
        states = UsState.objects.filter(code__in=list(counts)).values_list("code", "name", "region")
        rows = [(code, name, region, counts[code]) for code, name, region in states]
        cache.set(key, rows, COUNT_CACHE_SECONDS)
    items = [StateCount(code=c, name_en=n, region=r, count=k) for c, n, r, k in rows]
    items.sort(key=lambda s: (not s.is_midwest, s.name_en))
    return items


def product_page(
    *, market: str, chapter: str | None, state: str | None, page: int, hide_high_risk: bool = False
) -> ProductPage:
    """One page of storefront cards, newest first: a variant group is one card (its first
    variant's place in the list), with its variants on sale under the same filters and its
    first photo. No COUNT(*): one extra row tells if more. Three queries whatever the page
    holds: the page, the variants of its groups (none without groups), the photos.
    ``hide_high_risk`` leaves out imports assessed at high (or blocked) labor risk."""
    number = max(1, min(page, MAX_PAGE))
    offset = (number - 1) * PAGE_SIZE
    qs = product_browse(chapter=chapter, state=state, market=market)
    if hide_high_risk:
        qs = qs.exclude(labor_risk__level__in=("high", "blocked"))
    rows = list(one_per_group(qs)[offset : offset + PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    return ProductPage(
        cards=product_cards(products=rows[:PAGE_SIZE], among=qs),
        number=number,
        has_previous=number > 1,
        has_next=more and number < MAX_PAGE,
        at_cap=more and number >= MAX_PAGE,
    )


def home_figures() -> HomeFigures:
    key = "web:home_figures"
    figures = cache.get(key)
    if figures is None:
        us = Business.objects.filter(country=Country.US)
        figures = HomeFigures(
            us_sellers=us.count(),
            midwest_sellers=us.filter(us_state__region=CensusRegion.MIDWEST).count(),
            products_for_china=_active_in_market("cn_export").count(),
        )
        cache.set(key, figures, COUNT_CACHE_SECONDS)
    return figures


def seller_center_for(
    *, membership: Membership | None, with_products: bool = True, zh_drafts_only: bool = False
) -> SellerCenter:
    """The business of ``membership`` (the one the seller chose, ``access.current_membership``)
    and its products, every status, newest first (products only for roles that keep the
    catalogue); ``zh_drafts_only``: only those whose Chinese text is a generated draft the
    seller has not confirmed."""
    if membership is None:
        return SellerCenter(business=None, products=[], truncated=False)
    if not with_products:
        return SellerCenter(business=membership.business, products=[], truncated=False)
    products_qs = Product.objects.filter(business=membership.business)
    if zh_drafts_only:
        products_qs = products_qs.filter(zh_is_draft=True)
    newest = products_qs.select_related("origin_us_state", "origin_cn_province").order_by("-id")
    rows = list(newest[: SELLER_CENTER_LIMIT + 1])
    products = rows[:SELLER_CENTER_LIMIT]
    held = [p.pk for p in products if p.status == ProductStatus.BLOCKED]
    states = review_states(product_ids=held) if held else {}
    return SellerCenter(
        business=membership.business,
        products=products,
        truncated=len(rows) > SELLER_CENTER_LIMIT,
        status_labels={p.pk: listing_status_label(p, states.get(p.pk)) for p in products},
    )


def zh_drafts_count(*, business: Business) -> int:
    """How many of the business's listings wait for the seller to confirm a generated Chinese
    text."""
    return Product.objects.filter(business=business, zh_is_draft=True).count()


@dataclass(frozen=True)
class SellerListing:
    product: Product
    status_label: str
    review_state: str | None


def seller_listing_get(*, business: Business, product_id: int) -> SellerListing | None:
    """One of the business's own products, any status, with its status in the seller's words."""
    product = (
        Product.objects.select_related("origin_us_state", "origin_cn_province", "business")
        .filter(business=business, pk=product_id)
        .first()
    )
    if product is None:
        return None
    state = review_states(product_ids=[product.pk]).get(product.pk)
    return SellerListing(product, listing_status_label(product, state), state)


def user_works_for(*, user: User | AnonymousUser, business_id: int) -> bool:
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(user=user, business_id=business_id).exists()


def reference_datasets() -> list[ReferenceDataset]:
    return list(ReferenceDataset.objects.order_by("title"))
