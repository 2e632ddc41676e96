"""Guarding seller pages by role (issue 13, item 8).

    @seller_page("fulfilment")
    def seller_orders(request): ... request.seller_business ...

Anonymous → the login page; an account that is not seller staff → "not for this account" (403);
seller staff without a business → the business registration page; a member whose role lacks the
permission → a 403 page naming the permission and the owner to ask. The business is the one
chosen in the session (``seller_business_id``) or the user's oldest membership. The view gets
``request.seller_membership``, ``request.seller_business`` and ``request.seller_permissions``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render

from twoway.businesses import selectors as business_selectors
from twoway.businesses.permissions import (
    SellerPermissionDenied,
    require_seller_permission,
    seller_permissions,
)
from twoway.identity.models import Role

SESSION_KEY = business_selectors.CHOSEN_BUSINESS_SESSION_KEY


def current_membership(request):
    return business_selectors.membership_current(
        user=request.user, business_id=request.session.get(SESSION_KEY)
    )


def forbidden(request, exc: SellerPermissionDenied):
    return render(
        request,
        "seller/forbidden.html",
        {"message": exc.message, "permission": exc.permission},
        status=403,
    )


def seller_page(permission: str | None) -> Callable:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if user.role != Role.SELLER_STAFF:
                return render(request, "web/seller_not_for_you.html", status=403)
            membership = current_membership(request)
            if membership is None:
                return redirect("web:seller_business")
            if permission is not None:
                try:
                    require_seller_permission(user, membership.business, permission)
                except SellerPermissionDenied as exc:
                    return forbidden(request, exc)
            request.seller_membership = membership
            request.seller_business = membership.business
            request.seller_permissions = seller_permissions(membership)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
