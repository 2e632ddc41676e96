"""Seller order queue: the papers to print and the carrier choice for the tracking number."""

from __future__ import annotations

from django import template
from django.utils import timezone, translation

from twoway.reference.selectors import carrier_formats_on

register = template.Library()


@register.inclusion_tag("seller/_order_papers.html")
def order_papers(order):
    """Links to the order's invoice, packing list and label (not for unpaid orders)."""
    return {"order": order, "printable": order.status not in ("created", "cancelled")}


@register.simple_tag
def carrier_choices():
    """(code, name) of every carrier with a tracking format in force, in the page's language."""
    chinese = (translation.get_language() or "").startswith("zh")
    seen: dict[str, str] = {}
    for row in carrier_formats_on(timezone.now().date()):
        seen.setdefault(row.carrier, row.carrier_name_zh if chinese else row.carrier_name_en)
    return sorted(seen.items(), key=lambda item: item[1])
