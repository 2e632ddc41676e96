"""Checkout reads: purchases and orders for buyers and sellers, quota left."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from twoway.core.errors import NotFound
from twoway.identity.models import RealNameIdentity

from .models import Order, OrderEvent, OrderLine, Purchase, QuotaUsage


def _order_qs() -> QuerySet[Order]:
    # customs_declaration: the reverse one-to-one of the customs app, shown on order pages.
    return Order.objects.select_related("business", "purchase", "customs_declaration").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.order_by("pk")),
        Prefetch("events", queryset=OrderEvent.objects.order_by("created_at", "pk")),
    )


def purchase_get_for_buyer(*, number: str, buyer) -> Purchase:
    purchase = (
        Purchase.objects.filter(number=number, buyer=buyer)
        .prefetch_related(Prefetch("orders", queryset=_order_qs().order_by("pk")))
        .first()
    )
    if purchase is None:
        raise NotFound("Purchase")
    return purchase


def purchase_list_for_buyer(*, buyer, limit: int = 50) -> list[Purchase]:
    return list(
        Purchase.objects.filter(buyer=buyer)
        .prefetch_related(Prefetch("orders", queryset=Order.objects.select_related("business")))
        .order_by("-created_at")[:limit]
    )


def order_get(*, number: str) -> Order:
    order = _order_qs().filter(number=number).first()
    if order is None:
        raise NotFound("Order")
    return order


def order_queue_for_seller(
    *, business_id: int, status: str | None = None, limit: int = 100
) -> QuerySet[Order]:
    qs = (Order.objects.filter(business_id=business_id).select_related("customs_declaration")
          .prefetch_related("lines"))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at")[:limit]


def identities_for(*, user) -> list[RealNameIdentity]:
    """The buyer's real-name identities, newest first (the identity context's read)."""
    from twoway.identity.selectors import real_name_identities_for

    return real_name_identities_for(user=user)


def quota_used(*, id_number_hash: str, year: int) -> Decimal:
    """What the person has used of this year's CBEC quota (CNY)."""
    row = QuotaUsage.objects.filter(id_number_hash=id_number_hash, year=year).only("used_fen").first()
    return row.used_cny if row else Decimal("0.00")
