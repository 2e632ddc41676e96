"""Who may call a seller endpoint: a business API key with the endpoint's scope, or a signed-in
member of the business whose role holds the endpoint's permission (issue 13, items 7 and 8).

    @router.get("/orders", auth=seller_auth(ORDERS_READ))
    def seller_queue(request):
        business = seller_business(request, "fulfilment")

- A key (``twk_…``) without the scope → 403 ``{field: "authorization", rule: "scope"}``; a
  personal key (``tw_…``) → 403 (seller endpoints take business keys); ``scope=None`` → the
  endpoint takes no key at all (sessions only, e.g. return decisions, which move money).
- Objects of another business → 404 for keys and people alike (``seller_object_check``).
- A member whose role lacks the permission → 403 ``{field: "role", rule: "permission"}``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer

from twoway.businesses import selectors as business_selectors
from twoway.businesses.permissions import SellerNotMember, require_seller_permission
from twoway.core.errors import DomainError, NotFound
from twoway.identity.auth import BrowserSessionAuth, user_for_key


class SellerKeyAuth(HttpBearer):
    def __init__(self, scope: str | None) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request, token: str):
        from twoway.identity.throttle import (
            api_key_blocked,
            api_key_failed,
            api_key_throttled_message,
        )
        from twoway.integrations.services import api_key_authenticate

        if api_key_blocked(request):
            raise HttpError(429, api_key_throttled_message())
        key = api_key_authenticate(token)
        if key is None:
            if user_for_key(token) is not None:
                raise DomainError.one(
                    "authorization",
                    "business_key_required",
                    _(
                        "Seller endpoints take a business API key (from the seller center, "
                        "Integrations), not a personal key."
                    ),
                    status=403,
                )
            api_key_failed(request)
            return None
        if self.scope is None or self.scope not in key.scopes:
            message = (
                _("This API key lacks the scope %(scope)s.") % {"scope": self.scope}
                if self.scope
                else _("This endpoint is not open to API keys.")
            )
            raise DomainError.one("authorization", "scope", message, status=403)
        request.business_key = key
        request.user = key.created_by
        return key.created_by


def seller_auth(scope: str | None) -> list:
    return [SellerKeyAuth(scope), BrowserSessionAuth()]


def _key(request):
    return getattr(request, "business_key", None)


def seller_object_check(request, business, permission: str, what: str = "Object") -> None:
    """The object belongs to ``business``: the caller must act for it (else 404) with the
    permission (else 403)."""
    key = _key(request)
    if key is not None:
        if business is None or business.pk != key.business_id:
            raise NotFound(what)
        return
    try:
        require_seller_permission(request.auth, business, permission)
    except SellerNotMember:
        raise NotFound(what) from None


def seller_business(request, permission: str, business_id: int | None = None):
    """The business a list or create call works in: the key's, or the person's (``business_id``,
    else the business chosen in the seller center, else their first membership)."""
    key = _key(request)
    if key is not None:
        if business_id is not None and business_id != key.business_id:
            raise NotFound("Business")
        return key.business
    if business_id is not None:
        business = business_selectors.business_get(business_id=business_id)
        if business is None:
            raise NotFound("Business")
    else:
        session = getattr(request, "session", None)
        chosen = session.get(business_selectors.CHOSEN_BUSINESS_SESSION_KEY) if session else None
        membership = business_selectors.membership_current(user=request.auth, business_id=chosen)
        if membership is None:
            raise DomainError.one(
                "business_id", "no_business", _("Register a business first."), status=403
            )
        business = membership.business
    seller_object_check(request, business, permission, "Business")
    return business
