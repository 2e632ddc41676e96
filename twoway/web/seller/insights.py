"""Seller insights: /seller/insights/.

About the market the seller sells to (``insights.markets``: buyers in China for a US seller,
buyers in the US for a Chinese seller). Who sees what (issue 13 roles): finance staff and owners
see money (revenue, the market's share, revenue per province or state and per product); catalogue
staff see the catalogue side (units, views, conversion, demand in their HS chapters). Each needs
one of the two permissions."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from twoway.businesses.permissions import require_seller_permission
from twoway.insights.selectors import WINDOWS, insights_for
from twoway.web.auth import SellerRequest

from .access import seller_page


def _may(request: SellerRequest, business, permission: str) -> bool:
    try:
        require_seller_permission(request.user, business, permission)
    except PermissionDenied:
        return False
    return True


@seller_page("staff")
def insights(request: SellerRequest) -> HttpResponse:
    business = request.seller_business
    sees_money = _may(request, business, "finance")
    sees_catalogue = _may(request, business, "catalogue")
    if not (sees_money or sees_catalogue):
        raise PermissionDenied
    try:
        days = int(request.GET.get("days", "90"))
    except ValueError:
        days = 90
    days = days if days in WINDOWS else 90
    return render(
        request,
        "seller/insights.html",
        {
            "business": business,
            "data": insights_for(business=business, days=days),
            "windows": WINDOWS,
            "sees_money": sees_money,
            "sees_catalogue": sees_catalogue,
        },
    )
