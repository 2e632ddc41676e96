"""Checkout API: quote, place a purchase (Idempotency-Key), read and cancel; sellers' queue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Header, Router, Schema, Status

from twoway.core.errors import DomainError, NotFound, PermissionDenied
from twoway.core.schemas import Id
from twoway.identity.auth import api_auth
from twoway.identity.models import RealNameIdentity, Role
from twoway.identity.permissions import is_staff_of, require_role
from twoway.identity.services import real_name_identity_register

from . import selectors, services
from .errors import caps_check
from .import_pricing import import_quote_for
from .models import Order
from .rules.caps import merge_lines

router = Router(tags=["checkout"], auth=api_auth)


class ItemIn(Schema):
    product_id: Id
    quantity: int = Field(..., ge=1, le=999)


class QuoteIn(Schema):
    items: list[ItemIn] = Field(..., min_length=1)
    identity_id: Id | None = None


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
    identity_id: Id
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
    carrier: str | None = Field(
        None, max_length=24,
        description="ups, usps, fedex, dhl, china_post or sf_express: the tracking number must "
                    "then have that carrier's form and check digit (reference carrier formats).",
    )


def _items(payload_items: list[ItemIn]) -> dict[int, int]:
    """Lines of a request as {product_id: quantity}; a product named twice is added up, then the
    caps are checked on the merged lines (issue 9)."""
    items = merge_lines((item.product_id, item.quantity) for item in payload_items)
    caps_check(items)
    return items


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
        items=_items(payload.items), identity=identity
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
    purchase = services.purchase_place_export(
        buyer=request.auth, items=_items(payload.items), identity=identity,
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


@router.post("/orders/{number}/cancel", response=OrderOut,
             summary="Cancel an order (refunded in full through the provider when already paid)")
def order_cancel(request, number: str, payload: CancelIn):
    from twoway.payments import services as payments

    order = _order_for(request, number)
    payments.order_cancel(order=order, by=request.auth, reason=payload.reason)
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
    services.order_ship(order=order, by=request.auth, tracking_number=payload.tracking_number,
                        carrier=payload.carrier)
    return selectors.order_get(number=number)


# --- import channel: a consumer in the US buys from Chinese sellers (USD, US duties) ---------


class ImportQuoteIn(Schema):
    items: list[ItemIn] = Field(..., min_length=1)


class ProblemOut(Schema):
    field: str
    rule: str
    message: str


class DutyLineOut(Schema):
    """One duty or fee: the measure it comes from, its rate and amount, and where it is stated."""

    measure_id: str
    label: str
    kind: str
    what: str
    rate_percent: Decimal | None
    amount_usd: Decimal
    legal_authority: str
    source: str
    confidence: str
    effective_from: dt.date | None
    effective_to: dt.date | None


class ImportQuoteLineOut(Schema):
    product_id: int
    title: str
    quantity: int
    unit_price_usd: Decimal
    goods_value: Decimal
    freight_share: Decimal
    duties: list[DutyLineOut]
    fees: list[DutyLineOut]
    duty_total: Decimal
    fees_total: Decimal
    de_minimis_applied: bool
    de_minimis_text: str
    notes: list[str]


class ImportSellerQuoteOut(Schema):
    business_id: int
    business_name: str
    goods_value: Decimal
    freight: Decimal
    duty_total: Decimal
    fees_total: Decimal
    total_payable: Decimal
    customs_value_usd: Decimal
    de_minimis_applied: bool
    lines: list[ImportQuoteLineOut]


class ImportQuoteOut(Schema):
    currency: str
    day: dt.date
    freight_source: str
    goods_value: Decimal
    freight: Decimal
    duty_total: Decimal
    fees_total: Decimal
    total_payable: Decimal
    sellers: list[ImportSellerQuoteOut]
    problems: list[ProblemOut]


class ImportConsigneeIn(Schema):
    name: str = Field(..., min_length=1, max_length=64)
    phone: str = Field(..., min_length=5, max_length=30)
    address: str = Field(..., min_length=4, max_length=200)


class ImportPurchaseIn(Schema):
    items: list[ItemIn] = Field(..., min_length=1)
    consignee_state: str = Field(..., pattern=r"^[A-Za-z]{2}$")
    consignee: ImportConsigneeIn


class ImportOrderLineOut(Schema):
    product_id: int
    title: str
    quantity: int
    unit_price_usd: Decimal
    goods_value: Decimal
    freight_share: Decimal
    duty: Decimal = Field(..., alias="tariff")
    duty_and_fees: Decimal = Field(..., alias="tax_total")


class ImportOrderOut(Schema):
    number: str
    status: str
    business_id: int
    seller: str = Field(..., alias="business.legal_name")
    currency: str
    goods_value: Decimal
    freight: Decimal
    duty_total: Decimal = Field(..., alias="tax_total")
    total_payable: Decimal
    customs_value_usd: Decimal | None
    consignee_name: str
    consignee_state: str
    lines: list[ImportOrderLineOut]

    @staticmethod
    def resolve_lines(obj: Order):
        return list(obj.lines.all())


class ImportPurchaseOut(Schema):
    number: str
    currency: str
    total_payable: Decimal
    reserved_until: dt.datetime | None
    paid_at: dt.datetime | None
    orders: list[ImportOrderOut]

    @staticmethod
    def resolve_orders(obj):
        return list(obj.orders.all())


def _duty_out(line) -> dict:
    return {
        "measure_id": line.measure_id,
        "label": line.label,
        "kind": line.kind,
        "what": line.what,
        "rate_percent": line.rate_percent,
        "amount_usd": line.amount_usd,
        "legal_authority": line.legal_authority,
        "source": line.source,
        "confidence": line.confidence,
        "effective_from": line.effective_from,
        "effective_to": line.effective_to,
    }


def _import_quote_out(quote) -> dict:
    return {
        "currency": quote.currency,
        "day": quote.day,
        "freight_source": quote.freight_source,
        "goods_value": quote.goods_value,
        "freight": quote.freight,
        "duty_total": quote.duty_total,
        "fees_total": quote.fees_total,
        "total_payable": quote.total_payable,
        "sellers": [
            {
                "business_id": s.business_id,
                "business_name": s.business_name,
                "goods_value": s.goods_value,
                "freight": s.freight,
                "duty_total": s.duty_total,
                "fees_total": s.fees_total,
                "total_payable": s.total_payable,
                "customs_value_usd": s.customs_value_usd,
                "de_minimis_applied": s.de_minimis_applied,
                "lines": [
                    {
                        "product_id": line.product.pk,
                        "title": line.product.title_en,
                        "quantity": line.quantity,
                        "unit_price_usd": line.unit_price_usd,
                        "goods_value": line.goods_value,
                        "freight_share": line.freight_share,
                        "duties": [_duty_out(d) for d in line.cost.duties],
                        "fees": [_duty_out(f) for f in line.cost.fees],
                        "duty_total": line.duty,
                        "fees_total": line.fees,
                        "de_minimis_applied": line.cost.de_minimis_applied,
                        "de_minimis_text": line.cost.de_minimis_text,
                        "notes": list(line.cost.notes),
                    }
                    for line in s.lines
                ],
            }
            for s in quote.sellers
        ],
        "problems": [p.as_dict() for p in quote.problems],
    }


@router.post(
    "/import-quote",
    response=ImportQuoteOut,
    summary="Price an import cart in USD: goods, CN-US freight, each US duty and fee in force today",
)
def import_quote(request, payload: ImportQuoteIn):
    require_role(request.auth, Role.CONSUMER_US)
    result = import_quote_for(items=_items(payload.items), day=timezone.now().date())
    return _import_quote_out(result)


@router.post(
    "/import-purchases",
    response={201: ImportPurchaseOut, 200: ImportPurchaseOut},
    summary=(
        "Place an import purchase from Chinese sellers (send an Idempotency-Key header; "
        "a retry returns the same purchase)"
    ),
)
def import_purchase_place(
    request,
    payload: ImportPurchaseIn,
    idempotency_key: str = Header("", alias="Idempotency-Key"),
):
    require_role(request.auth, Role.CONSUMER_US)
    placed = services.purchase_place_import(
        buyer=request.auth,
        items=_items(payload.items),
        consignee_state=payload.consignee_state,
        consignee=services.Consignee(**payload.consignee.dict()),
        idempotency_key=idempotency_key,
    )
    purchase = selectors.purchase_get_for_buyer(number=placed.number, buyer=request.auth)
    return Status(201 if placed.created else 200, purchase)
