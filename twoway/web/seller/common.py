"""What every seller-center page needs: the business the signed-in staff member works for."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from twoway.businesses.models import Business
from twoway.businesses.permissions import require_seller_permission

from .access import current_membership


def seller_business(request: HttpRequest, permission: str) -> Business:
    """The business the caller works in (the one chosen in the seller center, as every seller
    page reads it), after the role check; 404 without one."""
    membership = current_membership(request) if request.user.is_authenticated else None
    if membership is None:
        raise Http404
    require_seller_permission(request.user, membership.business, permission)
    return membership.business
