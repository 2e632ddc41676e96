"""Read-only admin for the ledger: entries are append-only, rollups are derived."""

from __future__ import annotations

from django.contrib import admin

from .models import TradeFlowEntry, TradeFlowRollup


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TradeFlowEntry)
class TradeFlowEntryAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "entry_date",
        "kind",
        "direction",
        "order_number",
        "us_state",
        "cn_province",
        "hs_code",
        "quantity",
        "customs_value_usd",
    )
    list_filter = ("direction", "kind", "entry_date")
    search_fields = ("order_number",)
    show_full_result_count = False


@admin.register(TradeFlowRollup)
class TradeFlowRollupAdmin(ReadOnlyAdmin):
    list_display = (
        "day",
        "direction",
        "us_state",
        "cn_province",
        "hs_chapter",
        "value_usd",
        "quantity",
        "entries",
    )
    list_filter = ("direction",)
    show_full_result_count = False
