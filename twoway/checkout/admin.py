"""Operators find purchases and orders (by number, buyer, seller, status) and read their lines
and history. Read-only: an order moves through the order state machine (services), never by
editing a field here."""

from __future__ import annotations

from django.contrib import admin

from twoway.core.admin import LargeTablePaginator, ReadOnlyOperatorAdmin

from .models import Order, OrderEvent, OrderLine, Purchase, ReturnLine, ReturnRequest


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = (
        "sku",
        "title",
        "title_zh",
        "hs_code",
        "national_line",
        "quantity",
        "unit_price",
        "goods_value",
        "tax_total",
        "customs_value_usd",
    )
    readonly_fields = fields


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fields = ("created_at", "from_status", "to_status", "actor", "actor_label", "reason")
    readonly_fields = fields
    ordering = ("created_at", "id")


class OrderInline(ReadOnlyInline):
    model = Order
    fields = ("number", "business", "status", "total_payable", "currency", "tracking_number")
    readonly_fields = fields
    show_change_link = True


@admin.register(Purchase)
class PurchaseAdmin(ReadOnlyOperatorAdmin, admin.ModelAdmin):
    list_display = (
        "number",
        "buyer",
        "direction",
        "total_payable",
        "currency",
        "paid_at",
        "created_at",
    )
    list_filter = ("direction",)
    search_fields = ("=number", "=orders__number", "buyer__username", "buyer__email")
    list_select_related = ("buyer",)
    inlines = (OrderInline,)
    exclude = ("request_fingerprint",)
    show_full_result_count = False
    paginator = LargeTablePaginator
    ordering = ("-id",)


@admin.register(Order)
class OrderAdmin(ReadOnlyOperatorAdmin, admin.ModelAdmin):
    list_display = (
        "number",
        "purchase",
        "business",
        "buyer",
        "direction",
        "status",
        "total_payable",
        "currency",
        "created_at",
    )
    list_filter = ("direction", "status")
    search_fields = (
        "=number",
        "=purchase__number",
        "=tracking_number",
        "business__legal_name",
        "buyer__username",
        "buyer__email",
    )
    list_select_related = ("purchase", "business", "buyer")
    inlines = (OrderLineInline, OrderEventInline)
    # The keyed hash of the buyer's ID number helps nobody reading the page.
    exclude = ("buyer_id_hash", "identity")
    show_full_result_count = False
    paginator = LargeTablePaginator
    ordering = ("-id",)


@admin.register(OrderEvent)
class OrderEventAdmin(ReadOnlyOperatorAdmin, admin.ModelAdmin):
    list_display = ("order", "from_status", "to_status", "actor_label", "created_at")
    list_filter = ("to_status", "actor_label")
    search_fields = ("=order__number", "=order__purchase__number")
    list_select_related = ("order",)
    show_full_result_count = False
    paginator = LargeTablePaginator
    ordering = ("-created_at", "-id")


class ReturnLineInline(ReadOnlyInline):
    model = ReturnLine
    fields = (
        "order_line",
        "quantity",
        "goods_amount",
        "tax_amount",
        "refund_amount",
        "quota_amount",
        "customs_value_usd",
    )
    readonly_fields = fields


@admin.register(ReturnRequest)
class ReturnRequestAdmin(ReadOnlyOperatorAdmin, admin.ModelAdmin):
    """Returns: requested by the buyer, decided by the seller (or an operator), received back."""

    list_display = (
        "number",
        "order",
        "status",
        "requested_at",
        "window_ends_at",
        "decided_at",
        "received_at",
    )
    list_filter = ("status",)
    search_fields = ("=number", "=order__number", "=order__purchase__number")
    list_select_related = ("order",)
    inlines = [ReturnLineInline]
    show_full_result_count = False
    paginator = LargeTablePaginator
    ordering = ("-requested_at",)
