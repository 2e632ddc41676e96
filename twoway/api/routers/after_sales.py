"""After-sales API: cancel (refund when paid), returns, refunds and an order's money view.

Mounted at ``/api/v1/after-sales``. Errors answer ``{message, errors: [{field, rule, message}]}``
like every endpoint; a buyer sees only their own orders, a seller only their business's returns.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Router, Schema

from twoway.api.seller_auth import seller_auth, seller_business, seller_object_check
from twoway.checkout.models import Order, ReturnRequest
from twoway.core.errors import NotFound
from twoway.identity.auth import api_auth
from twoway.integrations.scopes import ORDERS_READ
from twoway.payments import selectors, services

router = Router(tags=["after-sales"], auth=api_auth)


class RefundOut(Schema):
    number: str
    kind: str
    amount: Decimal
    currency: str
    status: str
    requested_at: dt.datetime
    succeeded_at: dt.datetime | None


class MoneyOut(Schema):
    order: str
    currency: str
    paid: Decimal
    refunded: Decimal
    refund_pending: Decimal
    kept: Decimal
    refunds: list[RefundOut]


class ReturnLineIn(Schema):
    line_id: int
    quantity: int = Field(..., ge=1, le=100_000)


class ReturnIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)
    lines: list[ReturnLineIn] | None = Field(
        None, description="Which lines and how many units; omitted = everything not yet returned."
    )


class ReturnLineOut(Schema):
    line_id: int = Field(..., alias="order_line_id")
    quantity: int
    goods_amount: Decimal
    tax_amount: Decimal
    refund_amount: Decimal


class ReturnOut(Schema):
    number: str
    order: str = Field(..., alias="order.number")
    status: str
    reason: str
    window_ends_at: dt.datetime
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    decision_note: str
    received_at: dt.datetime | None
    lines: list[ReturnLineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())


class CancelIn(Schema):
    reason: str = Field("", max_length=500)


class DecisionIn(Schema):
    note: str = Field("", max_length=500)


class CancelOut(Schema):
    order: str
    status: str
    money: MoneyOut


def _own_order(request, number: str) -> Order:
    order = Order.objects.filter(number=number).select_related("purchase", "business").first()
    if order is None or (order.buyer_id != request.auth.pk and not request.auth.is_operator):
        raise NotFound("Order")
    return order


def _money(order: Order) -> dict:
    view = selectors.order_money(order)
    return {
        "order": order.number,
        "currency": order.currency,
        "paid": view.paid,
        "refunded": view.refunded,
        "refund_pending": view.refund_pending,
        "kept": view.kept,
        "refunds": list(order.refunds.all()),
    }


@router.get(
    "/orders/{number}/money",
    response=MoneyOut,
    summary="What was paid, refunded and is on its way back for one order",
)
def order_money(request, number: str):
    return _money(_own_order(request, number))


@router.post(
    "/orders/{number}/cancel",
    response=CancelOut,
    summary="Cancel an order (refunded in full when already paid)",
)
def order_cancel(request, number: str, payload: CancelIn):
    order = _own_order(request, number)
    order = services.order_cancel(order=order, by=request.auth, reason=payload.reason)
    return {"order": order.number, "status": order.status, "money": _money(order)}


@router.post(
    "/orders/{number}/returns",
    response={201: ReturnOut},
    summary="Ask to return some or all of a delivered order, within the return window",
)
def return_create(request, number: str, payload: ReturnIn):
    from twoway.checkout import services as checkout

    order = _own_order(request, number)
    lines = None if payload.lines is None else {ln.line_id: ln.quantity for ln in payload.lines}
    created = checkout.return_request_create(
        order=order, by=request.auth, reason=payload.reason, lines=lines
    )
    return 201, created


def _seller_return(request, number: str) -> ReturnRequest:
    ret = ReturnRequest.objects.filter(number=number).select_related("order__business").first()
    if ret is None:
        raise NotFound("Return")
    seller_object_check(request, ret.order.business, "fulfilment", "Return")
    return ret


@router.get(
    "/seller/returns",
    response=list[ReturnOut],
    auth=seller_auth(ORDERS_READ),
    summary="Returns of my business's orders, newest first (scope orders:read; role fulfilment)",
)
def seller_returns(request, status: str | None = None, business_id: int | None = None):
    business = seller_business(request, "fulfilment", business_id)
    rows = ReturnRequest.objects.filter(order__business=business).select_related("order")
    if status:
        rows = rows.filter(status=status)
    return list(rows.prefetch_related("lines")[:200])


@router.post(
    "/returns/{number}/approve",
    response=ReturnOut,
    auth=seller_auth(None),
    summary="Approve a return (signed-in staff with the fulfilment role; no API key)",
)
def return_approve(request, number: str, payload: DecisionIn):
    from twoway.checkout import services as checkout

    return checkout.return_decide(
        return_request=_seller_return(request, number),
        by=request.auth,
        approve=True,
        note=payload.note,
    )


@router.post(
    "/returns/{number}/reject",
    response=ReturnOut,
    auth=seller_auth(None),
    summary="Reject a return, saying why (signed-in staff with the fulfilment role)",
)
def return_reject(request, number: str, payload: DecisionIn):
    from twoway.checkout import services as checkout

    return checkout.return_decide(
        return_request=_seller_return(request, number),
        by=request.auth,
        approve=False,
        note=payload.note,
    )


@router.post(
    "/returns/{number}/receive",
    response=ReturnOut,
    auth=seller_auth(None),
    summary="The goods are back: restock, reverse the ledger, refund the buyer "
    "(signed-in staff with the fulfilment role)",
)
def return_receive(request, number: str):
    return services.return_receive_and_refund(
        return_request=_seller_return(request, number), by=request.auth
    )
