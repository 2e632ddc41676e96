from django.contrib import admin

from twoway.core.admin import OperatorOnlyAdmin

from .models import BusinessApiKey, WebhookDelivery, WebhookEndpoint


@admin.register(BusinessApiKey)
class BusinessApiKeyAdmin(OperatorOnlyAdmin, admin.ModelAdmin):
    list_display = (
        "prefix",
        "name",
        "business",
        "scopes",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    readonly_fields = [f.name for f in BusinessApiKey._meta.fields]

    def has_add_permission(self, request):
        return False  # issued in the seller center, shown once


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(OperatorOnlyAdmin, admin.ModelAdmin):
    list_display = ("url", "business", "events", "active", "created_at")
    exclude = ("secret_encrypted",)
    readonly_fields = ("business", "url", "events", "created_by", "created_at")

    def has_add_permission(self, request):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(OperatorOnlyAdmin, admin.ModelAdmin):
    list_display = (
        "event",
        "event_id",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "delivered_at",
    )
    list_filter = ("status", "event")
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]

    def has_add_permission(self, request):
        return False
