"""Seller permissions: may this person do this in this business? (issue 13, item 8)

``require_seller_permission(user, business, permission)`` is the one check every seller page,
endpoint and service uses. The rule (which role holds which permission) is pure data in
``rules/roles.py``; this module reads the membership. Someone who is not a member of the business
gets ``SellerNotMember`` (pages and the API answer 404: the business's objects do not exist for
them); a member whose role lacks the permission gets ``SellerPermissionDenied`` (403). Operators
pass (they run the platform). Both errors are the domain's ``PermissionDenied`` (the API's error
shape) and Django's ``PermissionDenied`` (the 403 page), so a view may let them rise.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from twoway.core.errors import FieldProblem, PermissionDenied

from .models import Membership, MembershipRole
from .rules.roles import PERMISSIONS, role_allows

PERMISSION_LABELS = {
    "catalogue": gettext_lazy("catalogue (listings and stock)"),
    "fulfilment": gettext_lazy("fulfilment (orders, shipping, returns)"),
    "finance": gettext_lazy("finance (statements and payouts)"),
    "staff": gettext_lazy("staff (inviting people and choosing their roles)"),
    "integrations": gettext_lazy("integrations (API keys and webhooks)"),
}


class SellerPermissionDenied(PermissionDenied, DjangoPermissionDenied):
    """A member of the business whose role does not hold the permission (403)."""

    def __init__(self, message: str, permission: str = "") -> None:
        super().__init__(message)
        self.permission = permission
        self.problems = [FieldProblem("role", "permission", message)]


class SellerNotMember(SellerPermissionDenied):
    """Not a member of that business at all: pages and endpoints answer 404 for its objects."""


def _is_operator(user) -> bool:
    return bool(getattr(user, "is_operator", False))


def membership_of(user, business) -> Membership | None:
    if user is None or not user.is_authenticated or not user.is_active or business is None:
        return None
    business_id = getattr(business, "pk", business)
    return Membership.objects.filter(user_id=user.pk, business_id=business_id).first()


def has_seller_permission(user, business, permission: str) -> bool:
    try:
        require_seller_permission(user, business, permission)
    except SellerPermissionDenied:
        return False
    return True


def require_seller_permission(user, business, permission: str) -> Membership | None:
    """Return the user's membership of ``business`` (None for an operator), or raise.

    ``permission`` is one of catalogue, fulfilment, finance, staff, integrations (an unknown name
    is a programming error: ValueError)."""
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown seller permission {permission!r}")
    membership = membership_of(user, business)
    if membership is None:
        if user is not None and user.is_authenticated and user.is_active and _is_operator(user):
            return None
        raise SellerNotMember(_("You do not work for this business."), permission)
    if not role_allows(membership.role, permission):
        raise SellerPermissionDenied(
            _("Your role (%(role)s) does not include %(permission)s; ask the business owner.")
            % {
                "role": MembershipRole(membership.role).label,
                "permission": PERMISSION_LABELS[permission],
            },
            permission,
        )
    return membership


def seller_permissions(membership: Membership | None) -> frozenset[str]:
    """What a membership may do (for templates: show only the links that work)."""
    from .rules.roles import permissions_of

    return permissions_of(membership.role) if membership else frozenset()
