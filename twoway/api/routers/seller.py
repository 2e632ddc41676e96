"""Seller API: my business's order queue and marking a cleared order shipped."""

from __future__ import annotations

from ninja import Router

from twoway.api.schemas.checkout import OrderOut, ShipIn
from twoway.checkout import selectors, services
from twoway.core.errors import NotFound, PermissionDenied
from twoway.identity.auth import api_auth

router = Router(tags=["seller orders"], auth=api_auth)


def _membership_business_id(user) -> int:
    membership = user.memberships.first()
    if membership is None:
        raise PermissionDenied("Only seller staff have an order queue.")
    return membership.business_id


@router.get("/orders", response=list[OrderOut], summary="My business's order queue")
def seller_queue(request, status: str | None = None):
    business_id = _membership_business_id(request.auth)
    return list(
        selectors.order_queue_for_seller(business_id=business_id, status=status)
        .select_related("business").prefetch_related("events")
    )


@router.post("/orders/{number}/ship", response=OrderOut, summary="Mark a cleared order shipped")
def seller_ship(request, number: str, payload: ShipIn):
    order = selectors.order_get(number=number)
    if order.business_id != _membership_business_id(request.auth):
        raise NotFound("Order")
    services.order_ship(order=order, by=request.auth, tracking_number=payload.tracking_number)
    return selectors.order_get(number=number)
