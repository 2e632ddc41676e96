"""The only place row-locking querysets are built. Locks are always taken in primary-key order."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Order, Purchase


def purchase_for_update(purchase_id: int) -> QuerySet[Purchase]:
    return Purchase.objects.select_for_update().filter(pk=purchase_id)


def orders_for_update(purchase_id: int) -> QuerySet[Order]:
    return Order.objects.select_for_update().filter(purchase_id=purchase_id).order_by("pk")


def order_for_update(order_id: int) -> QuerySet[Order]:
    return Order.objects.select_for_update().filter(pk=order_id)
