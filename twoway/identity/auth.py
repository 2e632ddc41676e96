"""API authentication: API keys for sellers' systems, the session for browser use.

A key is sent as ``Authorization: Bearer tw_<prefix>_<secret>``; only the SHA-256 of the secret
is stored, and it is compared in constant time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from .models import ApiKey

KEY_PREFIX = "tw"
_LAST_USED_GRANULARITY = dt.timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_key(token: str) -> tuple[str, str] | None:
    """``tw_<prefix>_<secret>`` → (prefix, secret), or None when it is not shaped like a key."""
    parts = (token or "").strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def user_for_key(token: str):
    """The active user a key belongs to, or None (unknown, wrong secret, revoked, inactive)."""
    parsed = parse_key(token)
    if parsed is None:
        return None
    prefix, secret = parsed
    key = ApiKey.objects.select_related("user").filter(prefix=prefix).first()
    if key is None or key.revoked_at is not None or not key.user.is_active:
        return None
    if not hmac.compare_digest(key.secret_hash, hash_secret(secret)):
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > _LAST_USED_GRANULARITY:
        # One write a minute at most per key, not one per request.
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key.user


class ApiKeyAuth(HttpBearer):
    def authenticate(self, request, token: str):
        from .throttle import api_key_blocked, api_key_failed, api_key_throttled_message

        if api_key_blocked(request):  # too many wrong keys from this address (issue 9)
            raise HttpError(429, api_key_throttled_message())
        user = user_for_key(token)
        if user is not None:
            request.user = user
        else:
            api_key_failed(request)
        return user


class BrowserSessionAuth(SessionAuth):
    """Django's session (with its CSRF check on writes), skipped when there is no session cookie.

    Without the skip, an anonymous POST would get "CSRF failed" instead of "authentication
    required".
    """

    def _get_key(self, request):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


api_auth = [ApiKeyAuth(), BrowserSessionAuth()]
