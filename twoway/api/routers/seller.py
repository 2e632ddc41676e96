"""Seller API: my business's order queue, one order, and marking an order shipped (an export
once China customs cleared it, an import once it is paid).

A business API key with the scope named on each endpoint, or a signed-in member whose role has
the permission; another business's order is 404."""

from __future__ import annotations

from ninja import Router

from twoway.api.schemas.checkout import OrderOut, ShipIn
from twoway.api.seller_auth import seller_auth, seller_business, seller_object_check
from twoway.checkout import selectors, services
from twoway.checkout.models import Order
from twoway.core.errors import NotFound
from twoway.integrations.scopes import ORDERS_READ, SHIPMENTS_WRITE

router = Router(tags=["seller orders"])


@router.get(
    "/orders",
    response=list[OrderOut],
    auth=seller_auth(ORDERS_READ),
    summary="My business's order queue (scope orders:read; role fulfilment)",
)
def seller_queue(request, status: str | None = None, business_id: int | None = None):
    business = seller_business(request, "fulfilment", business_id)
    return list(
        selectors.order_queue_for_seller(business_id=business.pk, status=status)
        .select_related("business")
        .prefetch_related("events")
    )


def _seller_order(request, number: str, permission: str) -> Order:
    order = Order.objects.filter(number=number).select_related("business").first()
    if order is None:
        raise NotFound("Order")
    seller_object_check(request, order.business, permission, "Order")
    return order


@router.get(
    "/orders/{number}",
    response=OrderOut,
    auth=seller_auth(ORDERS_READ),
    summary="One order of my business (scope orders:read; role fulfilment)",
)
def seller_order(request, number: str):
    _seller_order(request, number, "fulfilment")
    return selectors.order_get(number=number)


@router.post(
    "/orders/{number}/ship",
    response=OrderOut,
    auth=seller_auth(SHIPMENTS_WRITE),
    summary="Mark an order shipped: an export once cleared, an import once paid "
    "(scope shipments:write; role fulfilment)",
)
def seller_ship(request, number: str, payload: ShipIn):
    order = _seller_order(request, number, "fulfilment")
    services.order_ship(
        order=order,
        by=request.auth,
        tracking_number=payload.tracking_number,
        carrier=payload.carrier,
    )
    return selectors.order_get(number=number)
