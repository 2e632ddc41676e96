"""Seller order queue: the papers to print, whether an order is ready to ship, the carrier choice
for the tracking number and where an import goes."""

from __future__ import annotations

from django import template
from django.utils import timezone, translation

from twoway.checkout.rules.order_status import is_ready_to_ship
from twoway.fulfilment.documents import papers_available
from twoway.reference import labels
from twoway.reference.models import UsState
from twoway.reference.selectors import carrier_formats_on

register = template.Library()


@register.inclusion_tag("seller/_order_papers.html")
def order_papers(order):
    """Links to the order's invoice, packing list and label (not for unpaid orders, nor for one
    cancelled or refunded before it shipped)."""
    return {"order": order, "printable": papers_available(order)}


@register.simple_tag
def carrier_choices():
    """(code, name) of every carrier with a tracking format in force, in the page's language."""
    chinese = (translation.get_language() or "").startswith("zh")
    seen: dict[str, str] = {}
    for row in carrier_formats_on(timezone.now().date()):
        seen.setdefault(row.carrier, row.carrier_name_zh if chinese else row.carrier_name_en)
    return sorted(seen.items(), key=lambda item: item[1])


@register.filter
def ready_to_ship(order) -> bool:
    """The seller may hand this order to the carrier now (an export cleared by China customs,
    an import paid)."""
    return is_ready_to_ship(order.direction, order.status)


@register.filter
def us_state_name(code: str) -> str:
    """A US state's name in the page's language, from its two-letter code."""
    row = UsState.objects.filter(code=code).only("code", "name").first()
    return labels.state_name(code, row.name if row else code)
