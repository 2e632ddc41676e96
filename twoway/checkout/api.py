"""Checkout API: quote, place a purchase (Idempotency-Key), read and cancel; sellers' queue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Header, Router, Schema, Status

from twoway.core.errors import DomainError, NotFound, PermissionDenied
from twoway.identity.auth import api_auth
from twoway.identity.models import RealNameIdentity, Role
from twoway.identity.permissions import is_staff_of, require_role
from twoway.identity.services import real_name_identity_register

from . import selectors, services
from .models import Order

router = Router(tags=["checkout"], auth=api_auth)


class ItemIn(Schema):
    product_id: int
    quantity: int = Field(..., ge=1, le=999)


class QuoteIn(Schema):
    items: list[ItemIn] = Field(..., min_length=1)
    identity_id: int | None = None


class QuoteLineOut(Schema):
    product_id: int
    title: str
    title_zh: str
    quantity: int
    unit_price_usd: Decimal
    unit_price: Decimal
    goods_value: Decimal
    freight_share: Decimal
    tariff: Decimal
    consumption_tax: Decimal
    vat: Decimal
    tax_total: Decimal
    tax_category: str
    comprehensive_rate: Decimal


class SellerQuoteOut(Schema):
    business_id: int
    business_name: str
    channel: str
    goods_value: Decimal
    freight: Decimal
    tax_total: Decimal
    total_payable: Decimal
    dutiable_value: Decimal
    lines: list[QuoteLineOut]
    refusal: dict | None


class QuoteOut(Schema):
    currency: str = "CNY"
    exchange_rate: Decimal
    exchange_rate_source: str
    goods_value: Decimal
    freight: Decimal
    tax_total: Decimal
    total_payable: Decimal
    quota_annual: Decimal
    quota_remaining_before: Decimal
    quota_remaining_after: Decimal
    per_transaction_limit: Decimal
    sellers: list[SellerQuoteOut]
    problems: list[dict]


class IdentityIn(Schema):
    full_name: str = Field(..., min_length=1, max_length=64)
    id_number: str = Field(..., min_length=1, max_length=32)


class IdentityOut(Schema):
    id: int
    full_name: str
    id_number_masked: str
    province_code: str


class ConsigneeIn(Schema):
    name: str = Field(..., min_length=1, max_length=64)
    phone: str = Field(..., min_length=5, max_length=30)
    address: str = Field(..., min_length=4, max_length=200)
    district: str = Field("", pattern=r"^([0-9]{6})?$")


class PurchaseIn(Schema):
    items: list[ItemIn] = Field(..., min_length=1)
    identity_id: int
    consignee: ConsigneeIn


class OrderLineOut(Schema):
    product_id: int
    title: str
    title_zh: str
    quantity: int
    unit_price: Decimal
    goods_value: Decimal
    freight_share: Decimal
    tax_total: Decimal


class OrderEventOut(Schema):
    from_status: str
    to_status: str
    actor_label: str
    reason: str
    created_at: dt.datetime


class OrderOut(Schema):
    number: str
    status: str
    business_id: int
    seller: str = Field(..., alias="business.legal_name")
    currency: str
    exchange_rate: Decimal | None
    goods_value: Decimal
    freight: Decimal
    tax_total: Decimal
    total_payable: Decimal
    tax_channel: str
    buyer_name: str
    buyer_id_masked: str
    customs_status: str
    customs_info: str
    hold_reason: str
    eei_required: bool
    tracking_number: str
    lines: list[OrderLineOut]
    events: list[OrderEventOut]

    @staticmethod
    def resolve_lines(obj: Order):
        return list(obj.lines.all())

    @staticmethod
    def resolve_events(obj: Order):
        return list(obj.events.all())


class PurchaseOut(Schema):
    number: str
    currency: str
    total_payable: Decimal
    reserved_until: dt.datetime | None
    paid_at: dt.datetime | None
    orders: list[OrderOut]

    @staticmethod
    def resolve_orders(obj):
        return list(obj.orders.all())


class CancelIn(Schema):
    reason: str = ""


class ShipIn(Schema):
    tracking_number: str = Field(..., min_length=4, max_length=40)


def _identity(request: HttpRequest, identity_id: int | None) -> RealNameIdentity | None:
    if identity_id is None:
        return None
    identity = RealNameIdentity.objects.filter(pk=identity_id, user=request.auth).first()
    if identity is None:
        raise DomainError.one("identity_id", "own_identity", "No such real-name identity on your account.")
    return identity


def _quote_out(quote) -> dict:
    return {
        "exchange_rate": quote.rate,
        "exchange_rate_source": quote.rate_source,
        "goods_value": quote.goods_value,
        "freight": quote.freight,
        "tax_total": quote.tax_total,
        "total_payable": quote.total_payable,
        "quota_annual": quote.limits.annual,
        "quota_remaining_before": quote.quota_remaining_before,
        "quota_remaining_after": quote.quota_remaining_after,
        "per_transaction_limit": quote.limits.per_transaction,
        "sellers": [
            {**s.__dict__, "lines": [ln.__dict__ for ln in s.lines],
             "refusal": s.refusal.as_dict() if s.refusal else None}
            for s in quote.sellers
        ],
        "problems": [p.as_dict() for p in quote.problems],
    }


@router.post("/identities", response={201: IdentityOut}, summary="Register a real-name identity")
def identity_register(request, payload: IdentityIn):
    require_role(request.auth, Role.CONSUMER_CN)
    identity = real_name_identity_register(
        user=request.auth, full_name=payload.full_name, id_number=payload.id_number
    )
    return Status(201, identity)


@router.get("/identities", response=list[IdentityOut], summary="My real-name identities (masked)")
def identity_list(request):
    return selectors.identities_for(user=request.auth)


@router.post("/quote", response=QuoteOut, summary="Price a cart: CNY, freight, CBEC tax, quota")
def quote(request, payload: QuoteIn):
    identity = _identity(request, payload.identity_id)
    result = services.export_quote_for(
        items={i.product_id: i.quantity for i in payload.items}, identity=identity
    )
    return _quote_out(result)


@router.post(
    "/purchases",
    response={201: PurchaseOut, 200: PurchaseOut},
    summary="Place a purchase (send an Idempotency-Key header; a retry returns the same purchase)",
)
def purchase_place(request, payload: PurchaseIn, idempotency_key: str = Header("", alias="Idempotency-Key")):
    require_role(request.auth, Role.CONSUMER_CN)
    identity = _identity(request, payload.identity_id)
    items: dict[int, int] = {}
    for item in payload.items:
        items[item.product_id] = items.get(item.product_id, 0) + item.quantity
    purchase = services.purchase_place_export(
        buyer=request.auth, items=items, identity=identity,
        consignee=services.Consignee(**payload.consignee.dict()), idempotency_key=idempotency_key,
    )
    if not purchase.created:  # an earlier request with this key placed it: show it as it is now
        purchase = selectors.purchase_get_for_buyer(number=purchase.number, buyer=request.auth)
        return Status(200, purchase)
    return Status(201, purchase)


@router.get("/purchases/{number}", response=PurchaseOut, summary="One of my purchases")
def purchase_detail(request, number: str):
    return selectors.purchase_get_for_buyer(number=number, buyer=request.auth)


def _order_for(request, number: str) -> Order:
    order = selectors.order_get(number=number)
    user = request.auth
    if order.buyer_id == user.pk or is_staff_of(user, order.business) or user.role in (
        Role.REGULATOR, Role.OPERATOR
    ) or user.is_superuser:
        return order
    raise NotFound("Order")


@router.get("/orders/{number}", response=OrderOut, summary="An order with its events (buyer, seller staff, regulator)")
def order_detail(request, number: str):
    return _order_for(request, number)


@router.post("/orders/{number}/cancel", response=OrderOut, summary="Cancel an unpaid order")
def order_cancel(request, number: str, payload: CancelIn):
    order = _order_for(request, number)
    services.order_cancel(order=order, by=request.auth, reason=payload.reason)
    return selectors.order_get(number=number)


seller_router = Router(tags=["seller orders"], auth=api_auth)


def _membership_business_id(user) -> int:
    membership = user.memberships.first()
    if membership is None:
        raise PermissionDenied("Only seller staff have an order queue.")
    return membership.business_id


@seller_router.get("/orders", response=list[OrderOut], summary="My business's order queue")
def seller_queue(request, status: str | None = None):
    business_id = _membership_business_id(request.auth)
    return list(
        selectors.order_queue_for_seller(business_id=business_id, status=status)
        .select_related("business").prefetch_related("events")
    )


@seller_router.post("/orders/{number}/ship", response=OrderOut, summary="Mark a cleared order shipped")
def seller_ship(request, number: str, payload: ShipIn):
    order = selectors.order_get(number=number)
    if order.business_id != _membership_business_id(request.auth):
        raise NotFound("Order")
    services.order_ship(order=order, by=request.auth, tracking_number=payload.tracking_number)
    return selectors.order_get(number=number)
