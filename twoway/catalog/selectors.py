"""Catalogue reads."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import ImportJob, Product, ProductStatus

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
    return ImportJob.objects.filter(business_id=business_id).defer("errors", "preview").order_by("-id")


def import_job_get(*, business_id: int, job_id: int) -> ImportJob | None:
    """One import of ``business_id`` (None for another business's job: a 404 for the caller)."""
    return ImportJob.objects.filter(business_id=business_id, pk=job_id).first()
