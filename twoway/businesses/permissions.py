"""May this person do this kind of work for this business? (issue 13 staff roles)

Placeholder until the roles branch lands: every member of the business may do everything; the
coordinator keeps the roles helper's version at merge. The signature is the contract.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

PERMISSIONS = ("catalogue", "fulfilment", "finance", "staff")


def require_seller_permission(user, business, permission: str) -> None:
    """None if ``user`` may do ``permission`` work for ``business``; else PermissionDenied."""
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown seller permission {permission!r}")
    if business is None or not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    if not user.memberships.filter(business=business).exists():
        raise PermissionDenied
