"""After-sales on the order pages: cancel, return, refunds and the order's money, for the buyer
(Chinese first, or English) and the seller. Reads through selectors; the forms post to the
after-sales views (``twoway.web.after_sales``), which call the payments services."""

from __future__ import annotations

from django import template
from django.utils import timezone

from twoway.checkout.models import ReturnStatus
from twoway.checkout.rules import order_status as pipeline
from twoway.checkout.services import return_window_end
from twoway.payments.selectors import order_money
from twoway.web.templatetags.checkout_tags import cny, usd

register = template.Library()


@register.filter
def money(amount, currency: str = "CNY") -> str:
    """The order's own currency, formatted as the checkout pages format it."""
    return usd(amount) if currency == "USD" else cny(amount)


@register.inclusion_tag("payments/_order_aftersales.html", takes_context=True)
def order_aftersales(context, order):
    """The buyer's after-sales box under one order."""
    user = context["request"].user
    view = order_money(order)
    returns = list(order.returns.prefetch_related("lines__order_line"))
    open_return = any(r.status in (ReturnStatus.REQUESTED, ReturnStatus.APPROVED) for r in returns)
    window_end = None
    can_return = False
    if order.status in pipeline.RETURNABLE_STATES and not open_return:
        window_end = return_window_end(order)
        can_return = window_end is not None and timezone.now() <= window_end
    is_buyer = order.buyer_id == user.pk
    can_cancel = is_buyer and order.status in pipeline.BUYER_CANCELLABLE[order.direction]
    return {
        "order": order,
        "view": view,
        "refunds": list(order.refunds.all()),
        "returns": returns,
        "can_cancel": can_cancel,
        "unpaid": pipeline.is_unpaid(order.status, order.held_from),
        "can_return": is_buyer and can_return,
        "window_end": window_end,
        "csrf_token": context.get("csrf_token"),
        "LANGUAGE_CODE": context.get("LANGUAGE_CODE"),
    }


@register.inclusion_tag("payments/_seller_returns.html", takes_context=True)
def seller_returns(context, order):
    """Return requests of one order in the seller's queue, with the seller's actions."""
    returns = list(order.returns.prefetch_related("lines__order_line"))
    return {
        "order": order,
        "returns": returns,
        "refunds": list(order.refunds.all()),
        "csrf_token": context.get("csrf_token"),
    }
