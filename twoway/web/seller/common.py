"""What every seller-center page needs: the business the signed-in staff member works for."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from twoway.businesses.models import Business
from twoway.businesses.permissions import require_seller_permission


def seller_business(request: HttpRequest, permission: str) -> Business:
    """The caller's business (their first membership), after the role check; 404 without one."""
    membership = (
        request.user.memberships.select_related("business").order_by("pk").first()
        if request.user.is_authenticated
        else None
    )
    if membership is None:
        raise Http404
    require_seller_permission(request.user, membership.business, permission)
    return membership.business
