"""Typing help for views: the signed-in user, and the request a seller page gets.

``signed_in_user`` narrows ``request.user`` (``User | AnonymousUser`` to the type checker) in
views whose decorator already sent anonymous visitors away; should one slip through it is a 403,
never a service called with an anonymous user. ``SellerRequest`` only annotates the attributes
``seller_page`` sets on the request; it is never instantiated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

if TYPE_CHECKING:
    from twoway.businesses.models import Business, Membership
    from twoway.identity.models import User


def signed_in_user(request: HttpRequest) -> User:
    """``request.user``, or PermissionDenied (403) when nobody is signed in."""
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    return user


class SellerRequest(HttpRequest):
    """A request past ``@seller_page(...)`` (twoway.web.seller.access); annotation only."""

    seller_membership: Membership
    seller_business: Business
    seller_permissions: frozenset[str]
