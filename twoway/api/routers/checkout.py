"""Checkout API, both channels: quote, place a purchase (Idempotency-Key), read and cancel.

Export (a buyer in China, CNY, CBEC tax and quota) and import (a buyer in the US, USD, US
duties) quote differently; placing goes through one service with the channel policy, and both
answer with one purchase / order shape (``channel`` says which)."""

from __future__ import annotations

from django.utils import timezone
from ninja import Header, Router, Status

from twoway.api.auth_request import AuthedRequest
from twoway.api.schemas.checkout import (
    CancelIn,
    ImportPurchaseIn,
    ImportQuoteIn,
    ImportQuoteOut,
    ItemIn,
    OrderOut,
    PurchaseIn,
    PurchaseOut,
    QuoteIn,
    QuoteOut,
)
from twoway.businesses.permissions import has_seller_permission
from twoway.checkout import selectors, services
from twoway.checkout.channels import EXPORT, IMPORT, ChannelPolicy, Consignee
from twoway.checkout.errors import caps_check
from twoway.checkout.models import Order
from twoway.checkout.rules.caps import merge_lines
from twoway.core.errors import DomainError, NotFound
from twoway.identity.auth import api_auth
from twoway.identity.models import RealNameIdentity, Role
from twoway.identity.permissions import require_role

router = Router(tags=["checkout"], auth=api_auth)


def _items(payload_items: list[ItemIn]) -> dict[int, int]:
    """Lines of a request as {product_id: quantity}; a product named twice is added up, then the
    caps are checked on the merged lines (issue 9)."""
    items = merge_lines((item.product_id, item.quantity) for item in payload_items)
    caps_check(items)
    return items


def _identity(request: AuthedRequest, identity_id: int | None) -> RealNameIdentity | None:
    if identity_id is None:
        return None
    identity = RealNameIdentity.objects.filter(pk=identity_id, user=request.auth).first()
    if identity is None:
        raise DomainError.one(
            "identity_id", "own_identity", "No such real-name identity on your account."
        )
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
            {
                **s.__dict__,
                "lines": [ln.__dict__ for ln in s.lines],
                "refusal": s.refusal.as_dict() if s.refusal else None,
            }
            for s in quote.sellers
        ],
        "problems": [p.as_dict() for p in quote.problems],
    }


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
                        "variant_label": line.product.variant_label,
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


def _placed(request, channel: ChannelPolicy, items: dict[int, int], idempotency_key: str, **kwargs):
    """Place in ``channel``; 201 with what was written, or 200 with the purchase an earlier
    request with this key placed, as it is now."""
    purchase = services.purchase_place(
        channel=channel, buyer=request.auth, items=items, idempotency_key=idempotency_key, **kwargs
    )
    if not purchase.created:
        return Status(
            200, selectors.purchase_get_for_buyer(number=purchase.number, buyer=request.auth)
        )
    return Status(201, purchase)


@router.post("/quote", response=QuoteOut, summary="Price a cart: CNY, freight, CBEC tax, quota")
def quote(request, payload: QuoteIn):
    identity = _identity(request, payload.identity_id)
    result = services.cart_quote(channel=EXPORT, items=_items(payload.items), identity=identity)
    return _quote_out(result)


@router.post(
    "/purchases",
    response={201: PurchaseOut, 200: PurchaseOut},
    summary="Place a purchase (send an Idempotency-Key header; a retry returns the same purchase)",
)
def purchase_place(
    request, payload: PurchaseIn, idempotency_key: str = Header("", alias="Idempotency-Key")
):
    require_role(request.auth, Role.CONSUMER_CN)
    identity = _identity(request, payload.identity_id)
    return _placed(
        request,
        EXPORT,
        _items(payload.items),
        idempotency_key,
        identity=identity,
        consignee=Consignee(**payload.consignee.dict()),
    )


@router.get("/purchases/{number}", response=PurchaseOut, summary="One of my purchases")
def purchase_detail(request, number: str):
    return selectors.purchase_get_for_buyer(number=number, buyer=request.auth)


def _order_for(request, number: str) -> Order:
    order = selectors.order_get(number=number)
    user = request.auth
    if (
        order.buyer_id == user.pk
        or has_seller_permission(user, order.business, "fulfilment")
        or user.role in (Role.REGULATOR, Role.OPERATOR)
        or user.is_superuser
    ):
        return order
    raise NotFound("Order")


@router.get(
    "/orders/{number}",
    response=OrderOut,
    summary="An order with its events (buyer, seller staff, regulator)",
)
def order_detail(request, number: str):
    return _order_for(request, number)


@router.post(
    "/orders/{number}/cancel",
    response=OrderOut,
    summary="Cancel an order (refunded in full through the provider when already paid)",
)
def order_cancel(request, number: str, payload: CancelIn):
    from twoway.payments import services as payments

    order = _order_for(request, number)
    payments.order_cancel(order=order, by=request.auth, reason=payload.reason)
    return selectors.order_get(number=number)


@router.post(
    "/import-quote",
    response=ImportQuoteOut,
    summary="Price an import cart in USD: goods, CN-US freight, each US duty and fee in force today",
)
def import_quote(request, payload: ImportQuoteIn):
    require_role(request.auth, Role.CONSUMER_US)
    result = services.cart_quote(
        channel=IMPORT, items=_items(payload.items), day=timezone.now().date()
    )
    return _import_quote_out(result)


@router.post(
    "/import-purchases",
    response={201: PurchaseOut, 200: PurchaseOut},
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
    return _placed(
        request,
        IMPORT,
        _items(payload.items),
        idempotency_key,
        consignee_state=payload.consignee_state,
        consignee=Consignee(**payload.consignee.dict()),
    )
