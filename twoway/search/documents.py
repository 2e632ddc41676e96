"""Index documents from the catalogue: one per active product offered on a storefront.

Text indexed: both titles, the English description, and the glossary and HS terms they lead to
(Chinese descriptions are not segmented: jieba over a million descriptions would triple the
rebuild time for words the titles already carry). What a document carries besides its text: the markets, HS code and chapter, origin (US state or
Chinese province, and whether the state is in the Midwest), prices in each viewer's currency (CNY
with the estimated CBEC tax for buyers in China, USD landed with duties for buyers in the US, at
the rate and measures in force when the document was written), stock, CBEC eligibility, labor-risk
level, whether a US-made alternative exists, units sold, age, and a ranking weight (stock and
sales). Blocked products and import listings assessed as blocked get no document at all; ineligible
ones get one marked not buyable (shown with their badge, never with a buy button).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path

from django.db.models import Sum
from django.utils import timezone

from twoway.catalog.models import Product, ProductStatus
from twoway.reference.glossary import glossary_rows
from twoway.reference.models import CensusRegion

from .rules.analyze import Analyzer, DocText
from .rules.glossary import glossary_from, rows_from_csv, rows_from_records

logger = logging.getLogger(__name__)

#: Search's own additions to the catalogue glossary (``reference.glossary``), sourced in
#: ``data/SOURCES.md``.
GLOSSARY_EXTRA_FILE = Path(__file__).resolve().parent / "data" / "glossary_extra_en_zh.csv"
FEN = Decimal("0.01")
EMPTY_TEXT = DocText("", "", "", "", "", "", "", "", "", "", ())
WORDS_FILE = Path(__file__).resolve().parent / "data" / "catalogue_words_zh.txt"
SOLD_STATUSES = ("paid", "declared", "cleared", "shipped", "delivered")
BUYABLE_RISK = ("none", "elevated", "high")
PRODUCT_FIELDS = (
    "id", "title_en", "title_zh", "description_en", "description_zh", "hs_code", "hs_chapter",
    "cn_tariff_line", "us_hts_line", "origin_country", "origin_us_state_id",
    "origin_cn_province_id", "unit_price", "currency", "stock_on_hand", "market_cn_export",
    "market_us_import", "status", "created_at",
)  # fmt: skip


@dataclass(frozen=True)
class SearchDoc:
    product_id: int
    markets: tuple[str, ...]
    text: DocText
    hs_code: str
    chapter: str
    origin: str  # "US-WI" or "CN-44"
    midwest: bool
    price_usd: float
    price_cny: float  # goods + estimated CBEC tax for one unit, CNY (0 when not sold to China)
    price_cny_goods: float  # the goods alone at the rate in force, CNY
    price_usd_landed: float  # price + duties and fees for one unit, USD (imports)
    in_stock: bool
    cbec_eligible: bool
    buyable: bool
    risk: str  # labor-risk level of an import ("" for exports, "unassessed" when not yet)
    us_alt: bool
    sales: int
    created: int  # epoch seconds
    weight: float  # ranking weight: in stock, sales


@lru_cache(maxsize=1)
def analyzer() -> Analyzer:
    words = [
        line.strip()
        for line in WORDS_FILE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    glossary = glossary_from(rows_from_records(glossary_rows()), rows_from_csv(GLOSSARY_EXTRA_FILE))
    return Analyzer(glossary, words)


def ranking_weight(*, in_stock: bool, sales: int, buyable: bool) -> float:
    """Text relevance first; stock and sales lift a product among equals (tantivy multiplies the
    score by log2(2 + weight))."""
    weight = (0.6 if in_stock else 0.0) + (0.4 if buyable else 0.0)
    return weight + 0.25 * math.log10(1 + max(sales, 0))


class _Context:
    """Reference rows read once per batch (rate, CBEC categories and limits, import measures)."""

    def __init__(self, day: dt.date) -> None:
        from twoway.reference import selectors as reference

        self.day = day
        self.rate = None
        self.categories = []
        self.factor = Decimal("0.7")
        try:
            self.rate = reference.rate_on(day).rate
            self.categories = reference.cbec_categories_in_force(day)
            self.factor = reference.limits_on(day).within_limit_factor
        except Exception:  # noqa: BLE001 - no rate loaded yet: prices in CNY left at 0
            logger.info("search: no exchange rate or CBEC limits in force on %s", day)
        self._in_force = None
        from twoway.reference.models import UsState
        from twoway.reference.selectors import _cached

        # Cached with the reference rows (cleared by every reference load, 60 s at most).
        self.midwest = _cached(
            ("search:midwest",),
            lambda: frozenset(
                UsState.objects.filter(region=CensusRegion.MIDWEST).values_list("code", flat=True)
            ),
        )

    def in_force(self):
        if self._in_force is None:
            from twoway.checkout.channels.us_import import tariff_measures_in_force
            from twoway.reference.selectors import _cached

            self._in_force = _cached(
                ("search:measures", self.day), lambda: tariff_measures_in_force(self.day)
            )
        return self._in_force

    def goods_cny(self, price_usd: Decimal) -> Decimal:
        """As ``checkout.rules.landed_price.cny_from_usd`` (exact product, half up to the fen),
        in plain Decimal arithmetic: a rebuild converts a million prices."""
        if self.rate is None:
            return Decimal("0")
        return (price_usd * self.rate).quantize(FEN, rounding=ROUND_HALF_UP)

    def price_cny(self, price_usd: Decimal, tariff_line: str) -> Decimal:
        from twoway.reference.selectors import cbec_category_for

        if self.rate is None:
            return Decimal("0")
        goods = self.goods_cny(price_usd)
        try:
            category = cbec_category_for(
                tariff_line=tariff_line or "", day=self.day, categories=self.categories
            )
        except Exception:  # noqa: BLE001 - no category in force: goods price alone
            return goods
        vat, ct = category.vat_rate, category.consumption_tax_rate
        rate = (vat + ct) / (1 - ct) * self.factor
        return goods * (1 + rate)


def _sales(ids: list[int]) -> dict[int, int]:
    from twoway.checkout.models import OrderLine

    rows = (
        OrderLine.objects.filter(product_id__in=ids, order__status__in=SOLD_STATUSES)
        .values("product_id")
        .annotate(n=Sum("quantity"))
        .order_by()
    )
    return {r["product_id"]: int(r["n"] or 0) for r in rows}


# Which HS headings have US-made alternatives: answered by the alternatives context, a higher
# floor, which registers itself here at start-up (search never imports it).
ALTERNATIVE_HEADINGS_PROVIDERS: list[Callable[[set[str]], set[str]]] = []


def _alt_headings(headings: set[str]) -> set[str]:
    if not headings:
        return set()
    found: set[str] = set()
    for provider in ALTERNATIVE_HEADINGS_PROVIDERS:
        found |= provider(headings)
    return found


def _risks(ids: list[int]) -> dict[int, str]:
    from twoway.compliance.models import LaborRiskAssessment

    return dict(
        LaborRiskAssessment.objects.filter(product_id__in=ids).values_list("product_id", "level")
    )


def _eligible(rows: list[Product]) -> dict[int, bool]:
    from twoway.compliance.eligibility import cbec_eligibility_many

    exports = [p for p in rows if p.market_cn_export]
    if not exports:
        return {}
    return {pid: e.eligible for pid, e in cbec_eligibility_many(products=exports).items()}


def documents_for(
    products: list[Product], *, day: dt.date | None = None, with_text: bool = True
) -> list[SearchDoc]:
    """Documents of the given products (those that belong in the index; the rest are left out,
    and the caller deletes their ids)."""
    from twoway.checkout.channels.us_import import landed_cost_of

    day = day or timezone.now().date()
    ctx = _Context(day)
    rows = [
        p for p in products
        if p.status == ProductStatus.ACTIVE and (p.market_cn_export or p.market_us_import)
    ]  # fmt: skip
    ids = [p.pk for p in rows]
    # Shown on a results page (``with_text=False``): sales and alternatives only rank, skip them.
    sales = _sales(ids) if with_text else {}
    risks = _risks([p.pk for p in rows if p.market_us_import])
    eligible = _eligible(rows)
    alt = _alt_headings({p.hs_code[:4] for p in rows if p.market_us_import}) if with_text else set()
    text = analyzer() if with_text else None
    docs = []
    for p in rows:
        markets = []
        if p.market_cn_export:
            markets.append("cn_export")
        risk = ""
        if p.market_us_import:
            risk = risks.get(p.pk, "unassessed")
            if risk != "blocked":
                markets.append("us_import")
        if not markets:
            continue
        price = p.unit_price
        if p.currency != "USD" and ctx.rate:
            price = (p.unit_price / ctx.rate).quantize(Decimal("0.01"))
        cny = ctx.price_cny(price, p.cn_tariff_line) if p.market_cn_export else Decimal("0")
        landed = Decimal("0")
        if "us_import" in markets:
            try:
                landed = landed_cost_of(
                    product=p, quantity=1, day=day, in_force=ctx.in_force()
                ).total_landed
            except Exception:  # noqa: BLE001 - no measures loaded: the price alone
                landed = price
        cbec_ok = bool(eligible.get(p.pk, False))
        buyable = (cbec_ok if p.market_cn_export else False) or (
            "us_import" in markets and risk in BUYABLE_RISK
        )
        in_stock = p.stock_on_hand > 0
        n_sold = sales.get(p.pk, 0)
        origin = (
            f"US-{p.origin_us_state_id}" if p.origin_us_state_id
            else f"CN-{p.origin_cn_province_id}" if p.origin_cn_province_id else ""
        )  # fmt: skip
        docs.append(
            SearchDoc(
                product_id=p.pk,
                markets=tuple(markets),
                text=text.document(
                    title_en=p.title_en,
                    title_zh=p.title_zh,
                    desc_en=p.description_en,
                    hs_code=p.hs_code,
                )
                if text is not None
                else EMPTY_TEXT,
                hs_code=p.hs_code,
                chapter=p.hs_chapter or p.hs_code[:2],
                origin=origin,
                midwest=(p.origin_us_state_id or "") in ctx.midwest,
                price_usd=float(price),
                price_cny=float(cny),
                price_cny_goods=float(ctx.goods_cny(price)) if p.market_cn_export else 0.0,
                price_usd_landed=float(landed),
                in_stock=in_stock,
                cbec_eligible=cbec_ok,
                buyable=buyable,
                risk=risk,
                us_alt=p.hs_code[:4] in alt,
                sales=n_sold,
                created=int(p.created_at.timestamp()) if p.created_at else 0,
                weight=ranking_weight(in_stock=in_stock, sales=n_sold, buyable=buyable),
            )  # fmt: skip
        )
    return docs


def products_by_id(ids: Iterable[int]) -> list[Product]:
    return list(Product.objects.filter(pk__in=list(ids)).only(*PRODUCT_FIELDS))


def all_documents(*, batch: int = 2000) -> Iterator[list[SearchDoc]]:
    """Every document, in batches of product ids (keyset paging: no OFFSET)."""
    last = 0
    base = Product.objects.filter(status=ProductStatus.ACTIVE).only(*PRODUCT_FIELDS).order_by("pk")
    while True:
        rows = list(base.filter(pk__gt=last)[:batch])
        if not rows:
            return
        last = rows[-1].pk
        yield documents_for(rows)


def active_count() -> int:
    return Product.objects.filter(status=ProductStatus.ACTIVE).count()
