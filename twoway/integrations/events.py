"""What the contexts below tell us, turned into webhook events for the businesses concerned.

Receivers run inside the sender's transaction and record deliveries there (an outbox: a rolled
back payment sends nothing). A failure here is logged and swallowed in a savepoint: a webhook
problem never stops an order, a refund or a block.
"""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)

ORDER_EVENTS = {
    "paid": "order.paid",
    "cleared": "order.cleared",
    "shipped": "order.shipped",
    "cancelled": "order.cancelled",
}


def _money(value) -> str:
    return format(value, "f") if value is not None else ""


def order_data(order) -> dict:
    """What an order event says: no buyer identity (the API gives it to a key with
    orders:read)."""
    return {
        "order": {
            "number": order.number,
            "status": order.status,
            "direction": order.direction,
            "currency": order.currency,
            "goods_value": _money(order.goods_value),
            "freight": _money(order.freight),
            "tax_total": _money(order.tax_total),
            "total_payable": _money(order.total_payable),
            "carrier": order.carrier or "",
            "tracking_number": order.tracking_number or "",
            "lines": [
                {
                    "product_id": line.product_id,
                    "sku": line.sku,
                    "variant_label": line.variant_label,
                    "variant_label_zh": line.variant_label_zh or line.variant_label,
                    "quantity": line.quantity,
                    "goods_value": _money(line.goods_value),
                }
                for line in order.lines.order_by("pk")
            ],
        }
    }


def _safely(what: str, emit) -> None:
    try:
        with transaction.atomic():
            emit()
    except Exception:  # noqa: BLE001 - webhooks must never undo the business event
        logger.exception("webhook event %s not recorded", what)


def on_order_status_changed(*, order, to_status, now=None, **_kwargs) -> None:
    event = ORDER_EVENTS.get(str(to_status))
    if event is None:
        return
    from .services import event_emit

    _safely(
        event,
        lambda: event_emit(
            business_id=order.business_id, event=event, data=order_data(order), now=now
        ),
    )


def on_refund_requested(*, refund, now=None, **_kwargs) -> None:
    from twoway.checkout.models import Order

    from .services import event_emit

    orders = (
        [refund.order]
        if refund.order_id
        else list(Order.objects.filter(purchase_id=refund.purchase_id).order_by("pk"))
    )
    by_business: dict[int, list[str]] = {}
    for order in orders:
        by_business.setdefault(order.business_id, []).append(order.number)
    for business_id, numbers in by_business.items():
        data = {
            "refund": {
                "number": refund.number,
                "kind": refund.kind,
                "status": refund.status,
                "amount": _money(refund.amount),
                "currency": refund.currency,
                "orders": numbers,
            }
        }
        _safely(
            "refund.requested",
            lambda b=business_id, d=data: event_emit(
                business_id=b, event="refund.requested", data=d, now=now
            ),
        )


def on_listing_status_changed(
    *, product_ids, status, reason, final=False, now=None, **_kwargs
) -> None:
    from twoway.catalog.models import Product, ProductStatus

    from .services import event_emit

    if status != ProductStatus.BLOCKED:
        return
    rows = Product.objects.filter(pk__in=list(product_ids)).values_list("pk", "sku", "business_id")
    for pk, sku, business_id in rows:
        data = {
            "listing": {
                "product_id": pk,
                "sku": sku,
                "status": status,
                "reason": reason[:500],
                "final": bool(final),
            }
        }
        _safely(
            "listing.blocked",
            lambda b=business_id, d=data: event_emit(
                business_id=b, event="listing.blocked", data=d, now=now
            ),
        )


def connect() -> None:
    from twoway.catalog.services import listing_status_changed
    from twoway.checkout.services import order_status_changed
    from twoway.payments.services import refund_requested

    order_status_changed.connect(on_order_status_changed, dispatch_uid="integrations-orders")
    refund_requested.connect(on_refund_requested, dispatch_uid="integrations-refunds")
    listing_status_changed.connect(on_listing_status_changed, dispatch_uid="integrations-listings")
