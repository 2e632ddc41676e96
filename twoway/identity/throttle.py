"""Throttling guesses: sign-in (django-axes) and API keys (a counter per client address).

Sign-in: after ``AXES_FAILURE_LIMIT`` failed attempts for one account, or from one address, the
login (pages and /admin/) is refused for ``AXES_COOLOFF_TIME`` with a plain message in the
reader's language (``locked_out``), HTTP 429; a success resets the count. API keys: more than
``TWOWAY_API_KEY_FAILURE_LIMIT`` wrong keys from one address within
``TWOWAY_API_KEY_FAILURE_WINDOW`` seconds → 429 until the window ends, even for a right key.

Behind a proxy the client's address is the ``TWOWAY_TRUSTED_PROXY_COUNT``-th address from the
right of X-Forwarded-For (production: 1, the TLS proxy), never a value the client chose alone.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from twoway.core.errors import DomainError


def client_ip(request: HttpRequest) -> str:
    trusted = int(getattr(settings, "TWOWAY_TRUSTED_PROXY_COUNT", 0))
    if trusted > 0:
        forwarded = [
            p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()
        ]
        if len(forwarded) >= trusted:
            return forwarded[-trusted]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def cooloff_minutes() -> int:
    cooloff = getattr(settings, "AXES_COOLOFF_TIME", None)
    return max(1, int(cooloff.total_seconds() // 60)) if cooloff else 15


def lockout_message() -> str:
    return _(
        "Too many failed sign-in attempts. For your safety, signing in is paused for "
        "%(minutes)d minutes; try again later or reset your password with the operator."
    ) % {"minutes": cooloff_minutes()}


def locked_out(
    request: HttpRequest, response=None, credentials=None, *args, **kwargs
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the login page again, with the reason, HTTP 429."""
    if request.path.startswith("/api/"):
        error = DomainError.one("__all__", "locked_out", lockout_message(), status=429)
        return JsonResponse(error.as_dict(), status=error.status)
    return render(request, "web/login.html", {"locked_out": lockout_message()}, status=429)


# --- API keys -------------------------------------------------------------------------------


def _key(request: HttpRequest) -> str:
    return f"twoway:api-key-failures:{client_ip(request)}"


def api_key_blocked(request: HttpRequest) -> bool:
    limit = int(getattr(settings, "TWOWAY_API_KEY_FAILURE_LIMIT", 20))
    return int(cache.get(_key(request), 0)) >= limit


def api_key_failed(request: HttpRequest) -> None:
    window = int(getattr(settings, "TWOWAY_API_KEY_FAILURE_WINDOW", 900))
    key = _key(request)
    if cache.add(key, 1, timeout=window):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)


def api_key_throttled_message() -> str:
    return _("Too many requests with a wrong API key from this address; try again in 15 minutes.")
