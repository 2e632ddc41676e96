"""Catalogue reads."""

from __future__ import annotations

from functools import lru_cache

from django.db.models import Count, QuerySet

from twoway.reference import hs
from twoway.reference.glossary import glossary_rows

from .models import ImportJob, Product, ProductImage, ProductStatus
from .rules.hs_search import HsHit, Nomen, hs_search
from .rules.zh_draft import Memory, Term, terms_from_rows

MARKET_FILTERS = {
    "cn_export": {"market_cn_export": True},
    "us_domestic": {"market_us_domestic": True},
    "us_import": {"market_us_import": True},
}


def product_browse(
    *, chapter: str | None = None, state: str | None = None, market: str | None = None
) -> QuerySet[Product]:
    qs = Product.objects.filter(status=ProductStatus.ACTIVE).select_related(
        "business", "origin_us_state", "origin_cn_province"
    )
    if chapter:
        qs = qs.filter(hs_chapter=chapter)
    if state:
        qs = qs.filter(origin_us_state_id=state.upper())
    if market in MARKET_FILTERS:
        qs = qs.filter(**MARKET_FILTERS[market])
    return qs.order_by("-id")


def product_get(*, product_id: int) -> Product | None:
    return (
        Product.objects.select_related("business", "origin_us_state", "origin_cn_province")
        .filter(pk=product_id)
        .first()
    )


def import_jobs_of(*, business_id: int) -> QuerySet[ImportJob]:
    """A business's catalogue imports, newest first (the error list is not loaded)."""
    return (
        ImportJob.objects.filter(business_id=business_id).defer("errors", "preview").order_by("-id")
    )


def import_job_get(*, business_id: int, job_id: int) -> ImportJob | None:
    """One import of ``business_id`` (None for another business's job: a 404 for the caller)."""
    return ImportJob.objects.filter(business_id=business_id, pk=job_id).first()


# --- the listing editor (issue 13) ---------------------------------------------------------------


@lru_cache(maxsize=1)
def glossary_terms() -> tuple[Term, ...]:
    """The catalogue glossary (``reference.glossary``) as the listing editor's terms."""
    return tuple(terms_from_rows(glossary_rows()))


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


def variants_of(*, product: Product, active_only: bool = True) -> list[Product]:
    """The product's group's variants (itself included), by id; [] when it has no group."""
    if not product.group_id:
        return []
    qs = Product.objects.filter(group_id=product.group_id)
    if active_only:
        qs = qs.filter(status=ProductStatus.ACTIVE)
    return list(qs.order_by("id"))


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
    """The product's photos; a variant without its own shows its group's (first that has some)."""
    own = list(product.images.all())
    if own or not product.group_id:
        return own
    return list(
        ProductImage.objects.filter(product__group_id=product.group_id).order_by(
            "product_id", "position", "id"
        )[:8]
    )
