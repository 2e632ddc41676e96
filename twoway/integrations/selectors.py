"""Reads of integrations: a business's keys, endpoints and delivery log."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import BusinessApiKey, WebhookDelivery, WebhookEndpoint

DELIVERY_LOG_LIMIT = 100


def api_keys_of(*, business_id: int) -> QuerySet[BusinessApiKey]:
    return (
        BusinessApiKey.objects.filter(business_id=business_id)
        .select_related("created_by")
        .order_by("-created_at", "-pk")
    )


def endpoints_of(*, business_id: int) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(business_id=business_id).order_by("pk")


def deliveries_of(*, business_id: int, limit: int = DELIVERY_LOG_LIMIT) -> list[WebhookDelivery]:
    return list(
        WebhookDelivery.objects.filter(business_id=business_id)
        .select_related("endpoint")
        .order_by("-created_at", "-pk")[:limit]
    )


def api_key_get(*, business_id: int, key_id: int) -> BusinessApiKey | None:
    return BusinessApiKey.objects.filter(business_id=business_id, pk=key_id).first()


def endpoint_get(*, business_id: int, endpoint_id: int) -> WebhookEndpoint | None:
    return WebhookEndpoint.objects.filter(business_id=business_id, pk=endpoint_id).first()


def delivery_get(*, business_id: int, delivery_id: int) -> WebhookDelivery | None:
    return (
        WebhookDelivery.objects.filter(business_id=business_id, pk=delivery_id)
        .select_related("endpoint", "business")
        .first()
    )
