"""Identity reads."""

from __future__ import annotations

from .models import RealNameIdentity, User


def real_name_identities_for(*, user: User) -> list[RealNameIdentity]:
    """The user's real-name identities, newest first (shown masked)."""
    return list(RealNameIdentity.objects.filter(user=user).order_by("-created_at"))
