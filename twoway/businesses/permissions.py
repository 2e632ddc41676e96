"""Seller-center permissions by staff role (issue 13 item 8).

Placeholder with the agreed signature until the roles branch lands: every member of the business
may do everything. The coordinator keeps the roles helper's version at merge.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from .models import Membership


def require_seller_permission(user, business, permission: str) -> None:
    """Return None when ``user`` may use ``permission`` (catalogue | fulfilment | finance | staff)
    on ``business``; raise PermissionDenied otherwise."""
    if business is None or user is None or not user.is_authenticated:
        raise PermissionDenied
    if not Membership.objects.filter(user=user, business=business).exists():
        raise PermissionDenied
