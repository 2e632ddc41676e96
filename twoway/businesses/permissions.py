"""What a member of a business may do there (issue 13, seller roles).

Placeholder with the agreed signature until the roles helper's branch lands (the coordinator keeps
that version at merge): every member of the business (and an operator) is allowed.
"""

from __future__ import annotations

from twoway.core.errors import PermissionDenied
from twoway.identity.permissions import can_manage_products_of


def require_seller_permission(user, business, permission: str) -> None:
    """None when ``user`` may use ``permission`` (catalogue, fulfilment, finance, staff) for
    ``business``; PermissionDenied otherwise."""
    if not can_manage_products_of(user, business):
        raise PermissionDenied("Only staff of this business can do that.")
