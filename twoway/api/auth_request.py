"""The request type of an endpoint behind ``auth=api_auth`` (for annotations only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from twoway.identity.models import User


class AuthedRequest(HttpRequest):
    """Django Ninja sets ``request.auth`` to what the authenticator returned: the user."""

    auth: User
