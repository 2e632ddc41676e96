"""Operators look up listing reviews (decided in the regulators' queue, /compliance/), their
append-only events, labor-risk assessments and the screening list."""

from __future__ import annotations

from django.contrib import admin

from twoway.core.admin import LargeTablePaginator, ReadOnlyOperatorAdmin

from .models import CslEntry, LaborRiskAssessment, ListingReview, ReviewEvent


class ReviewEventInline(admin.TabularInline):
    model = ReviewEvent
    extra = 0
    can_delete = False
    fields = ("at", "action", "actor", "reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ListingReview)
class ListingReviewAdmin(ReadOnlyOperatorAdmin, admin.ModelAdmin):
    list_display = ("product", "status", "level", "opened_at", "decided_by", "decided_at")
    list_filter = ("status", "level")
    search_fields = (
        "=product__id",
        "=product__sku",
        "product__title_en",
        "product__business__legal_name",
    )
    list_select_related = ("product", "decided_by")
    inlines = (ReviewEventInline,)
    show_full_result_count = False
    paginator = LargeTablePaginator
    ordering = ("-opened_at",)


@admin.register(ReviewEvent)
class ReviewEventAdmin(ReadOnlyOperatorAdmin, admin.ModelAdmin):
    list_display = ("review", "action", "actor", "at")
    list_filter = ("action",)
    search_fields = ("=review__product__sku",)
    list_select_related = ("review", "actor")
    ordering = ("-at",)


@admin.register(LaborRiskAssessment)
class LaborRiskAssessmentAdmin(ReadOnlyOperatorAdmin, admin.ModelAdmin):
    list_display = ("product", "level", "assessed_at")
    list_filter = ("level",)
    search_fields = ("=product__id", "=product__sku", "product__title_en")
    list_select_related = ("product",)
    show_full_result_count = False
    paginator = LargeTablePaginator
    ordering = ("-assessed_at",)


@admin.register(CslEntry)
class CslEntryAdmin(ReadOnlyOperatorAdmin, admin.ModelAdmin):
    list_display = ("name", "source", "entity_number", "start_date")
    list_filter = ("source",)
    search_fields = ("name", "=entity_number")
    show_full_result_count = False
    paginator = LargeTablePaginator
