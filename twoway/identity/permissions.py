"""Who may do what: roles, business staff, and a decorator for web views.

Services call ``require_role``/``is_staff_of`` and raise ``twoway.core.errors.PermissionDenied``
(403 in the API); web views use ``@role_required(...)``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext as _

from twoway.core.errors import PermissionDenied

from .models import Role


def has_role(user, *roles: str) -> bool:
    """True when the signed-in, active user has one of ``roles`` (a superuser counts as operator)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.role in roles:
        return True
    return Role.OPERATOR in roles and user.is_superuser


def require_role(user, *roles: str):
    """Return ``user`` or raise PermissionDenied naming the roles that may do this."""
    if not has_role(user, *roles):
        labels = ", ".join(str(Role(r).label) for r in roles)
        raise PermissionDenied(_("Only these roles may do that: %(roles)s.") % {"roles": labels})
    return user


def is_staff_of(user, business) -> bool:
    """True when ``user`` works for ``business`` (owner or staff membership).

    Goes through the reverse relation so identity does not import the businesses context.
    """
    if user is None or not user.is_authenticated or not user.is_active or business is None:
        return False
    return user.memberships.filter(business_id=business.pk).exists()


def can_manage_products_of(user, business) -> bool:
    """Staff of the owning business, or an operator."""
    return has_role(user, Role.OPERATOR) or is_staff_of(user, business)


def role_required(*roles: str) -> Callable:
    """View decorator: anonymous → login page; signed in without one of ``roles`` → 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = getattr(request, "user", None)
            if user is None or not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(user, *roles):
                raise DjangoPermissionDenied(_("Your role cannot open this page."))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
