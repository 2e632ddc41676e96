"""Catalogue reads."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import CombinedExpression

from twoway.reference import hs
from twoway.reference.glossary import glossary_rows, variant_word_rows

from .models import ImportJob, Product, ProductImage, ProductStatus
from .rules.hs_search import HsHit, Nomen, hs_search
from .rules.zh_draft import Memory, Term, draft_variant_zh, terms_from_rows

MARKET_FILTERS = {
    "cn_export": {"market_cn_export": True},
    "us_domestic": {"market_us_domestic": True},
    "us_import": {"market_us_import": True},
}


#: What a storefront card and a product page show of a product besides its own columns.
CARD_RELATED = ("business", "origin_us_state", "origin_cn_province", "group")


def product_browse(
    *, chapter: str | None = None, state: str | None = None, market: str | None = None
) -> QuerySet[Product]:
    qs = Product.objects.filter(status=ProductStatus.ACTIVE).select_related(*CARD_RELATED)
    if chapter:
        qs = qs.filter(hs_chapter=chapter)
    if state:
        qs = qs.filter(origin_us_state_id=state.upper())
    if market in MARKET_FILTERS:
        qs = qs.filter(**MARKET_FILTERS[market])
    return qs.order_by("-id")


def product_get(*, product_id: int) -> Product | None:
    return Product.objects.select_related(*CARD_RELATED).filter(pk=product_id).first()


def import_jobs_of(*, business_id: int) -> QuerySet[ImportJob]:
    """A business's catalogue imports, newest first (the error list is not loaded)."""
    return (
        ImportJob.objects.filter(business_id=business_id).defer("errors", "preview").order_by("-id")
    )


def import_job_get(*, business_id: int, job_id: int) -> ImportJob | None:
    """One import of ``business_id`` (None for another business's job: a 404 for the caller)."""
    return ImportJob.objects.filter(business_id=business_id, pk=job_id).first()


def import_job_by_id(*, job_id: int) -> ImportJob | None:
    """One import, whoever's (the caller checks it is theirs)."""
    return ImportJob.objects.select_related("business").filter(pk=job_id).first()


# --- the listing editor (issue 13) ---------------------------------------------------------------


@lru_cache(maxsize=1)
def glossary_terms() -> tuple[Term, ...]:
    """The catalogue glossary (``reference.glossary``) as the listing editor's terms."""
    return tuple(terms_from_rows(glossary_rows()))


@lru_cache(maxsize=1)
def variant_terms() -> tuple[Term, ...]:
    """Colour and size words (``reference.glossary.variant_word_rows``) before the glossary: the
    terms a variant's Chinese size and colour are drafted from."""
    return tuple(terms_from_rows([*variant_word_rows(), *glossary_rows()]))


def variant_zh_draft(text: str) -> str:
    """A size or colour in Chinese, drafted ("Orange" → 橙色); "" when no word of it is known
    (the seller writes it: a copy of the English is no Chinese name)."""
    if not (text or "").strip():
        return ""
    draft = draft_variant_zh(text, terms=variant_terms())
    return draft.title if draft.terms_used or draft.title != text.strip() else ""


@lru_cache(maxsize=1)
def nomenclature() -> tuple[Nomen, ...]:
    return tuple(Nomen(e.code, e.description, e.level) for e in hs.entries())


@lru_cache(maxsize=1)
def _zh_tokenizer():
    import jieba

    tokenizer = jieba.Tokenizer()
    for term in glossary_terms():
        tokenizer.add_word(term.zh, freq=50_000)
    return tokenizer


def segment_zh(text: str) -> list[str]:
    """Chinese text cut into words (jieba, with the glossary's terms kept whole)."""
    return [w for w in _zh_tokenizer().lcut(text or "") if w.strip()]


def hs_find(query: str, *, limit: int = 10) -> list[HsHit]:
    return hs_search(
        query[:100],
        entries=nomenclature(),
        terms=glossary_terms(),
        limit=limit,
    )


def lines_in_use(*, hs6: str, field: str) -> list[tuple[str, int]]:
    """National lines (``cn_tariff_line`` or ``us_hts_line``) listings under ``hs6`` use."""
    rows = (
        Product.objects.filter(hs_code=hs6)
        .exclude(**{field: ""})
        .values_list(field)
        .annotate(n=Count("id"))
        .order_by("-n")[:20]
    )
    return [(line, n) for line, n in rows]


def seller_memory(*, business_id: int, exclude_id: int | None = None) -> list[Memory]:
    """The seller's listings whose Chinese text they confirmed (translation memory)."""
    qs = (
        Product.objects.filter(business_id=business_id, zh_is_draft=False)
        .exclude(title_zh="")
        .order_by("-id")
    )
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    return [
        Memory(sku, en, zh) for sku, en, zh in qs.values_list("sku", "title_en", "title_zh")[:500]
    ]


def images_for(*, product_ids: list[int]) -> dict[int, list[ProductImage]]:
    out: dict[int, list[ProductImage]] = {}
    for image in ProductImage.objects.filter(product_id__in=product_ids).order_by("position", "id"):
        out.setdefault(image.product_id, []).append(image)
    return out


def variants_of(
    *, product: Product, active_only: bool = True, market: str | None = None
) -> list[Product]:
    """The product's group's variants (itself included), by id; [] when it has no group.
    ``market`` keeps those offered on that storefront (``MARKET_FILTERS``)."""
    if not product.group_id:
        return []
    qs = Product.objects.filter(group_id=product.group_id)
    if active_only:
        qs = qs.filter(status=ProductStatus.ACTIVE)
    if market in MARKET_FILTERS:
        qs = qs.filter(**MARKET_FILTERS[market])
    return list(qs.order_by("id"))


def group_ids_of(*, product_ids: list[int]) -> dict[int, int]:
    """Product id → its variant group's id, for those of ``product_ids`` in a group; one query."""
    return dict(
        Product.objects.filter(pk__in=product_ids, group__isnull=False)
        .order_by()
        .values_list("pk", "group_id")
    )


def first_images(*, product_ids: list[int]) -> dict[int, ProductImage]:
    """Each product's first image (the storefront card's), one query."""
    out: dict[int, ProductImage] = {}
    rows = ProductImage.objects.filter(product_id__in=product_ids).order_by(
        "product_id", "position", "id"
    )
    for image in rows:
        out.setdefault(image.product_id, image)
    return out


def images_for_display(*, product: Product) -> list[ProductImage]:
    """The product's photos; a variant without its own shows its group's, those of a variant of
    the same colour first (the navy sock's page shows navy socks)."""
    own = list(product.images.all())
    if own or not product.group_id:
        return own
    rows = ProductImage.objects.filter(product__group_id=product.group_id)
    if product.variant_colour:
        rows = rows.annotate(
            other_colour=Case(
                When(product__variant_colour=product.variant_colour, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        ).order_by("other_colour", "product_id", "position", "id")
    else:
        rows = rows.order_by("product_id", "position", "id")
    return list(rows[:8])


# --- variant groups on the storefront and the product page (issue 13) ---------------------------


def one_per_group(qs: QuerySet[Product]) -> QuerySet[Product]:
    """``qs`` with one row per variant group: each product without a group, and of each group
    only its first variant (lowest id) among the rows ``qs`` selects, so the caller's filters
    (status, market, chapter, state, risk) decide which variant stands for the group. A
    correlated subquery on the group's index: the same SQL on SQLite and PostgreSQL."""
    first = qs.filter(group_id=OuterRef("group_id")).order_by("id").values("id")[:1]
    return qs.filter(Q(group__isnull=True) | Q(pk=Subquery(first)))


def card_count() -> CombinedExpression:
    """Counts storefront cards, not SKUs: products without a group, plus one per group."""
    return Count("id", filter=Q(group__isnull=True)) + Count("group_id", distinct=True)


@dataclass(frozen=True)
class Title:
    """A bilingual name (what the ``l10n_title`` template filter reads)."""

    title_en: str
    title_zh: str


def _distinct(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


@dataclass(frozen=True)
class ProductCard:
    """One storefront card: a product alone, or a variant group shown once (its shared name, the
    lowest price, how many sizes and colours), linking to ``product``, the group's first variant
    on sale there."""

    product: Product
    #: the group's variants on sale where the card is shown, by id (two or more), else ()
    variants: tuple[Product, ...] = ()
    image: ProductImage | None = None

    @property
    def is_group(self) -> bool:
        return len(self.variants) > 1

    @property
    def options(self) -> tuple[Product, ...]:
        return self.variants if self.is_group else (self.product,)

    @property
    def name(self) -> Title:
        product, group = self.product, self.product.group if self.is_group else None
        if group is None:
            return Title(product.title_en, product.title_zh)
        return Title(group.title_en or product.title_en, group.title_zh or product.title_zh)

    @property
    def sizes(self) -> list[str]:
        return _distinct(v.variant_size for v in self.options)

    @property
    def colours(self) -> list[str]:
        return _distinct(v.variant_colour for v in self.options)

    @property
    def lowest_price(self) -> Decimal:
        """The lowest unit price among the options in the card's currency (the product's)."""
        currency = self.product.currency
        return min(v.unit_price for v in self.options if v.currency == currency)

    @property
    def price_varies(self) -> bool:
        return len({(v.currency, v.unit_price) for v in self.options}) > 1

    @property
    def in_stock(self) -> bool:
        return any(v.stock_on_hand > 0 for v in self.options)


def product_cards(
    *, products: list[Product], among: QuerySet[Product] | None = None
) -> list[ProductCard]:
    """The cards of a page of products (rows of ``one_per_group``): each grouped product with its
    group's variants among ``among`` (what the page may show: on sale, in its market, its
    filters; default: every active product), and each card's first image, the group's first
    photo when the product has none. At most two queries whatever the page holds (one when no
    product on it belongs to a group)."""
    group_ids = {p.group_id for p in products if p.group_id}
    by_group: dict[int, list[Product]] = {}
    if group_ids:
        base = among if among is not None else Product.objects.filter(status=ProductStatus.ACTIVE)
        variants = base.filter(group_id__in=group_ids).select_related(*CARD_RELATED).order_by("id")
        for variant in variants:
            by_group.setdefault(variant.group_id, []).append(variant)  # type: ignore[arg-type]
    ids = {p.pk for p in products} | {v.pk for vs in by_group.values() for v in vs}
    images = first_images(product_ids=sorted(ids)) if ids else {}
    cards = []
    for product in products:
        variants_here = by_group.get(product.group_id, []) if product.group_id else []
        if variants_here and product.pk not in {v.pk for v in variants_here}:
            variants_here = sorted([product, *variants_here], key=lambda v: v.pk)
        image = images.get(product.pk) or next(
            (images[v.pk] for v in variants_here if v.pk in images), None
        )
        cards.append(
            ProductCard(
                product=product,
                variants=tuple(variants_here) if len(variants_here) > 1 else (),
                image=image,
            )
        )
    return cards


@dataclass(frozen=True)
class VariantOption:
    label: str
    #: the variant choosing this option leads to (the other choice kept when that exists)
    product: Product
    current: bool
    #: this option exists with the buyer's other choice (else choosing it changes that too)
    exact: bool
    #: the label in Chinese ("" when the seller gave none: the label is shown)
    label_zh: str = ""


@dataclass(frozen=True)
class VariantChoice:
    """What the product page's selector offers: a row of sizes and a row of colours, or, when
    those do not tell the variants apart, one row of variants."""

    product: Product
    variants: list[Product]
    sizes: list[VariantOption]
    colours: list[VariantOption]
    others: list[VariantOption]

    @property
    def shown(self) -> bool:
        return len(self.variants) > 1


def variant_choice(*, product: Product, variants: list[Product]) -> VariantChoice:
    """The selector for ``product`` among ``variants`` (its group's on sale, as ``variants_of``
    returns them; the product itself is added when it is not among them, e.g. a seller's preview
    of a draft). No query."""
    if product.pk not in {v.pk for v in variants}:
        variants = sorted([*variants, product], key=lambda v: v.pk)
    if len(variants) < 2:
        return VariantChoice(product, variants, [], [], [])
    use_size = any(v.variant_size for v in variants)
    use_colour = any(v.variant_colour for v in variants)
    pairs = [(v.variant_size, v.variant_colour) for v in variants]
    axes_tell_apart = (
        len(set(pairs)) == len(pairs)
        and (not use_size or all(v.variant_size for v in variants))
        and (not use_colour or all(v.variant_colour for v in variants))
    )
    if not axes_tell_apart:
        others = [
            VariantOption(v.variant_label or v.sku, v, v.pk == product.pk, True, v.variant_label_zh)
            for v in variants
        ]
        return VariantChoice(product, variants, [], [], others)
    by_pair = {(v.variant_size, v.variant_colour): v for v in variants}

    def options(axis: str) -> list[VariantOption]:
        out = []
        for value in _distinct(getattr(v, axis) for v in variants):
            wanted = (
                (value, product.variant_colour)
                if axis == "variant_size"
                else (product.variant_size, value)
            )
            exact = by_pair.get(wanted)
            target = exact or next(v for v in variants if getattr(v, axis) == value)
            label_zh = next(
                (getattr(v, f"{axis}_zh") for v in variants
                 if getattr(v, axis) == value and getattr(v, f"{axis}_zh")),
                "",
            )  # fmt: skip
            out.append(
                VariantOption(value, target, value == getattr(product, axis), bool(exact), label_zh)
            )
        return out

    return VariantChoice(
        product,
        variants,
        options("variant_size") if use_size else [],
        options("variant_colour") if use_colour else [],
        [],
    )
