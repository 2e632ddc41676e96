"""Inclusion tags other pages use to show search: the box (storefronts), the public unmet-demand
table (dashboard), the link to the demand page (seller center)."""

from __future__ import annotations

from django import template
from django.urls import reverse

from twoway.search import selectors

register = template.Library()

_SEARCH_URLS = {"cn_export": "search:cn", "us_import": "search:us_import"}


@register.inclusion_tag("search/_box.html", takes_context=True)
def search_box(context, market: str = "cn_export"):
    request = context.get("request")
    query = request.GET.get("q", "") if request is not None else ""
    return {
        "market": market if market in _SEARCH_URLS else "cn_export",
        "search_url": reverse(_SEARCH_URLS.get(market, "search:cn")),
        "query": context.get("query", query),
        "request": request,
    }


@register.inclusion_tag("search/_unmet_public.html")
def unmet_searches():
    return {"rows": selectors.unmet_public(), "k": selectors.K_ANONYMITY}


@register.inclusion_tag("search/_demand_link.html", takes_context=True)
def demand_link(context):
    center = context.get("center")
    business = getattr(center, "business", None)
    if business is not None and business.country != "US":
        business = None  # the demand of buyers in China is for US exporters
    unread = selectors.unread_notices(business=business) if business else 0
    return {"business": business, "unread": unread}
