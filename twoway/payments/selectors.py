"""Payment reads: an order's money view (paid, refunded, on its way back), refunds to show."""

from __future__ import annotations

from decimal import Decimal

from twoway.checkout.models import Order
from twoway.checkout.rules.refunds import MoneyView, money_view

from .models import Payment, PaymentStatus, Refund


def order_money(order: Order) -> MoneyView:
    """What the buyer paid for this order, what came back and what is on its way back.

    A purchase is paid once for all its orders; each order's share is its own total."""
    paid_purchase = Payment.objects.filter(
        purchase_id=order.purchase_id, status__in=(PaymentStatus.PAID, PaymentStatus.REFUNDED)
    ).exists()
    paid = order.total_payable if paid_purchase else Decimal("0.00")
    refunds = [(r.status, r.amount) for r in Refund.objects.filter(order_id=order.pk)]
    return money_view(paid=paid, refunds=refunds)


def refunds_for_orders(order_ids) -> dict[int, list[Refund]]:
    rows: dict[int, list[Refund]] = {}
    for refund in Refund.objects.filter(order_id__in=list(order_ids)).order_by("requested_at"):
        if refund.order_id is None:  # excluded by the filter
            raise ValueError(f"refund {refund.pk} has no order")
        rows.setdefault(refund.order_id, []).append(refund)
    return rows
