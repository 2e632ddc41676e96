"""Operators read the customs messages sent for an order and the replies (ID numbers masked)."""

from __future__ import annotations

from django.contrib import admin

from twoway.core.admin import LargeTablePaginator, ReadOnlyOperatorAdmin

from .models import CustomsDeclaration, CustomsMessage


@admin.register(CustomsMessage)
class CustomsMessageAdmin(ReadOnlyOperatorAdmin, admin.ModelAdmin):
    list_display = ("order", "message_type", "reply_status", "reply_code", "sent_at", "replied_at")
    list_filter = ("message_type", "reply_status")
    search_fields = ("=order__number", "=order__purchase__number", "=guid")
    list_select_related = ("order",)
    show_full_result_count = False
    paginator = LargeTablePaginator
    ordering = ("-sent_at",)


@admin.register(CustomsDeclaration)
class CustomsDeclarationAdmin(ReadOnlyOperatorAdmin, admin.ModelAdmin):
    list_display = (
        "order",
        "status",
        "gateway",
        "reply_code",
        "attempts",
        "submitted_at",
        "replied_at",
        "eei_required",
    )
    list_filter = ("status", "gateway", "eei_required")
    search_fields = ("=order__number", "=order__purchase__number", "=guid", "=reference")
    list_select_related = ("order",)
    show_full_result_count = False
    paginator = LargeTablePaginator
    ordering = ("-updated_at",)
