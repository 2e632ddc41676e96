"""Reads for businesses."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Business, Membership


def memberships_of(*, user) -> QuerySet[Membership]:
    """The businesses ``user`` works for, oldest membership first."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user_id=user.pk)
        .select_related("business", "business__us_state", "business__cn_province")
        .order_by("id")
    )


def business_get(*, business_id: int) -> Business | None:
    return Business.objects.select_related("us_state", "cn_province").filter(pk=business_id).first()


#: Where a signed-in seller's choice of business is kept in their session (the seller center's
#: business switcher writes it; seller pages and the API called from the browser read it).
CHOSEN_BUSINESS_SESSION_KEY = "seller_business_id"


def membership_current(*, user, business_id: int | None = None) -> Membership | None:
    """The membership a seller page works in: the business chosen in the session
    (``business_id``) when the user works there, else their oldest membership."""
    rows = memberships_of(user=user)
    if business_id is not None:
        chosen = rows.filter(business_id=business_id).first()
        if chosen is not None:
            return chosen
    return rows.first()


def members_of(*, business: Business) -> QuerySet[Membership]:
    return Membership.objects.filter(business=business).select_related("user").order_by("id")


def invitations_open(*, business: Business, now):
    from .models import Invitation

    return Invitation.objects.filter(
        business=business, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).order_by("-created_at")
