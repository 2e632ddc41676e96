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
