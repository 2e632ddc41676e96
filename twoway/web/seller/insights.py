"""Seller insights: /seller/insights/.

Who sees what (issue 13 roles): finance staff and owners see money (revenue, the China share,
revenue per province and product); catalogue staff see the catalogue side (units, views,
conversion, demand in their HS chapters). Each needs one of the two permissions."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from twoway.businesses.permissions import require_seller_permission
from twoway.identity.models import Role
from twoway.identity.permissions import role_required
from twoway.insights.selectors import WINDOWS, insights_for

from .common import seller_business


def _may(request: HttpRequest, business, permission: str) -> bool:
    try:
        require_seller_permission(request.user, business, permission)
    except PermissionDenied:
        return False
    return True


@role_required(Role.SELLER_STAFF)
def insights(request: HttpRequest) -> HttpResponse:
    business = seller_business(request, "staff")
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
