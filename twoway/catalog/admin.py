"""Operators find products by status, HS chapter, origin state and market; suspend them.

Built for 10M rows: no COUNT(*) (LargeTablePaginator, show_full_result_count = False), no
SELECT DISTINCT over the table for a filter (HS chapters come from the nomenclature), the seller
as a raw id, and stock read-only (it changes through stock adjustments only).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from twoway.core.admin import LargeTablePaginator, OperatorOnlyAdmin
from twoway.reference import hs

from . import services
from .models import Product, StockAdjustment


class HsChapterFilter(admin.SimpleListFilter):
    title = _("HS chapter")
    parameter_name = "chapter"

    def lookups(self, request, model_admin):
        return [(e.code, f"{e.code} {e.description[:50]}") for e in hs.chapters()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(hs_chapter=self.value())
        return queryset


@admin.register(Product)
class ProductAdmin(OperatorOnlyAdmin, admin.ModelAdmin):
    list_display = (
        "id",
        "sku",
        "title_en",
        "title_zh",
        "business",
        "hs_code",
        "origin_country",
        "origin_us_state",
        "unit_price",
        "currency",
        "stock_on_hand",
        "status",
    )
    list_display_links = ("id", "sku")
    list_filter = (
        "status",
        HsChapterFilter,
        "origin_country",
        "origin_us_state",
        "market_cn_export",
        "market_us_domestic",
        "market_us_import",
    )
    search_fields = ("title_en", "title_zh", "=sku", "^hs_code")
    list_select_related = ("business", "origin_us_state")
    raw_id_fields = ("business",)
    readonly_fields = ("stock_on_hand", "hs_chapter", "created_at", "updated_at")
    actions = ("suspend_selected",)
    show_full_result_count = False
    paginator = LargeTablePaginator
    ordering = ("-id",)

    @admin.action(description=_("Suspend selected products"))
    def suspend_selected(self, request, queryset):
        count = services.products_suspend(
            product_ids=queryset.values_list("pk", flat=True), by=request.user
        )
        self.message_user(
            request,
            ngettext("%(n)d product suspended.", "%(n)d products suspended.", count) % {"n": count},
            messages.SUCCESS,
        )

    def save_model(self, request, obj, form, change):
        # Never write the whole row back: stock may have moved since the form was opened.
        if change:
            obj.save(
                update_fields=[f for f in form.changed_data if f != "stock_on_hand"]
                + ["updated_at"]
            )
        else:
            super().save_model(request, obj, form, change)


@admin.register(StockAdjustment)
class StockAdjustmentAdmin(OperatorOnlyAdmin, admin.ModelAdmin):
    list_display = ("id", "product", "delta", "stock_after", "reason", "by", "created_at")
    list_select_related = ("product", "by")
    raw_id_fields = ("product", "by")
    show_full_result_count = False
    paginator = LargeTablePaginator

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
