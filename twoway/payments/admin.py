"""Operators look up payments and every provider notification received (append-only records)."""

from __future__ import annotations

from django.contrib import admin

from twoway.core.admin import LargeTablePaginator, ReadOnlyOperatorAdmin

from .models import Payment, PaymentNotification, Refund


@admin.register(Payment)
class PaymentAdmin(ReadOnlyOperatorAdmin, admin.ModelAdmin):
    list_display = (
        "purchase",
        "provider",
        "provider_txn_id",
        "amount",
        "currency",
        "status",
        "paid_at",
    )
    list_filter = ("provider", "status")
    search_fields = ("=purchase__number", "=purchase__orders__number", "=provider_txn_id")
    list_select_related = ("purchase",)
    show_full_result_count = False
    paginator = LargeTablePaginator
    ordering = ("-id",)


@admin.register(PaymentNotification)
class PaymentNotificationAdmin(ReadOnlyOperatorAdmin, admin.ModelAdmin):
    list_display = ("received_at", "provider", "event_id", "out_trade_no", "outcome", "error_rule")
    list_filter = ("provider", "outcome")
    search_fields = ("=out_trade_no", "=event_id")
    show_full_result_count = False
    paginator = LargeTablePaginator
    ordering = ("-received_at",)


@admin.register(Refund)
class RefundAdmin(ReadOnlyOperatorAdmin, admin.ModelAdmin):
    """Refunds and where they stand; a failed one (the provider never took it) needs a person."""

    list_display = (
        "number",
        "purchase",
        "order",
        "kind",
        "amount",
        "currency",
        "provider",
        "status",
        "attempts",
        "last_error",
        "requested_at",
        "succeeded_at",
    )
    list_filter = ("status", "kind", "provider")
    search_fields = ("=number", "=purchase__number", "=order__number", "=provider_refund_id")
    list_select_related = ("purchase", "order")
    show_full_result_count = False
    paginator = LargeTablePaginator
    ordering = ("-requested_at",)
