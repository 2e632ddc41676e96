"""Writes of integrations: business API keys, webhook endpoints, deliveries and their sending."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from twoway.businesses.models import Business
from twoway.businesses.permissions import require_seller_permission
from twoway.core.errors import DomainError
from twoway.core.text import clean_fields

from . import transport
from .crypto import decrypt_secret, encrypt_secret
from .models import BusinessApiKey, DeliveryStatus, WebhookDelivery, WebhookEndpoint
from .rules.backoff import BackoffPolicy, retry_delay
from .rules.signing import HEADER, header_value
from .scopes import EVENTS, SCOPES

if TYPE_CHECKING:
    from twoway.identity.models import User

logger = logging.getLogger(__name__)

KEY_PREFIX = "twk"
MAX_ENDPOINTS_PER_BUSINESS = 10


# --- API keys ------------------------------------------------------------------------------


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_key(token: str) -> tuple[str, str] | None:
    """``twk_<prefix>_<secret>`` → (prefix, secret), or None."""
    parts = (token or "").strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def _check_scopes(scopes: Iterable[object] | None) -> list[str]:
    chosen = sorted({str(s) for s in (scopes or [])})
    unknown = [s for s in chosen if s not in SCOPES]
    if unknown or not chosen:
        raise DomainError.one(
            "scopes",
            "invalid_choice",
            _("Choose one or more scopes: %(scopes)s.") % {"scopes": ", ".join(SCOPES)},
        )
    return chosen


def api_key_issue(
    *,
    business: Business,
    by: User,
    name: str,
    scopes: Iterable[object] | None,
    now: dt.datetime | None = None,
) -> tuple[BusinessApiKey, str]:
    """Issue a key for ``business`` (an owner, or a member holding the integrations permission).
    Returns the key row and the plaintext, shown this once."""
    require_seller_permission(by, business, "integrations")
    chosen = _check_scopes(scopes)
    name = clean_fields({"name": name or ""}, names={"name"})["name"][:80]
    if not name:
        raise DomainError.one("name", "required", _("Name the key (e.g. the system using it)."))
    now = now or timezone.now()
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        prefix = secrets.token_hex(6)
        while BusinessApiKey.objects.filter(prefix=prefix).exists():
            prefix = secrets.token_hex(6)
        key = BusinessApiKey.objects.create(
            business=business,
            name=name,
            prefix=prefix,
            secret_hash=hash_secret(secret),
            scopes=chosen,
            created_by=by,
            created_at=now,
        )
    return key, f"{KEY_PREFIX}_{prefix}_{secret}"


def api_key_revoke(
    *, api_key: BusinessApiKey, by: User, now: dt.datetime | None = None
) -> BusinessApiKey:
    require_seller_permission(by, api_key.business, "integrations")
    if api_key.revoked_at is None:
        api_key.revoked_at = now or timezone.now()
        api_key.revoked_by = by
        api_key.save(update_fields=["revoked_at", "revoked_by"])
    return api_key


_LAST_USED_GRANULARITY = dt.timedelta(minutes=1)


def api_key_authenticate(token: str, *, now: dt.datetime | None = None) -> BusinessApiKey | None:
    """The live key a bearer token names (right secret, not revoked, issuer still allowed), or
    None. Marks it used (at most one write a minute)."""
    from twoway.businesses.permissions import has_seller_permission

    parsed = parse_key(token)
    if parsed is None:
        return None
    prefix, secret = parsed
    key = (
        BusinessApiKey.objects.select_related("business", "created_by")
        .filter(prefix=prefix)
        .first()
    )
    if key is None or key.revoked_at is not None:
        return None
    if not hmac.compare_digest(key.secret_hash, hash_secret(secret)):
        return None
    if not has_seller_permission(key.created_by, key.business, "integrations"):
        return None
    now = now or timezone.now()
    if key.last_used_at is None or now - key.last_used_at > _LAST_USED_GRANULARITY:
        BusinessApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key


# --- webhook endpoints ---------------------------------------------------------------------


def _check_events(events: Iterable[object] | None) -> list[str]:
    chosen = sorted({str(e) for e in (events or [])})
    if not chosen or any(e not in EVENTS for e in chosen):
        raise DomainError.one(
            "events",
            "invalid_choice",
            _("Choose one or more events: %(events)s.") % {"events": ", ".join(EVENTS)},
        )
    return chosen


def endpoint_create(
    *,
    business: Business,
    by: User,
    url: str,
    events: Iterable[object] | None,
    now: dt.datetime | None = None,
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it and its signing secret (shown this once)."""
    require_seller_permission(by, business, "integrations")
    url = (url or "").strip()
    if len(url) > 500:
        raise DomainError.one(
            "url", "max_length", _("The URL is too long (500 characters at most).")
        )
    try:
        transport.check_url_shape(url)
    except transport.UnsafeUrl as exc:
        raise DomainError.one("url", "unsafe_url", str(exc)) from None
    chosen = _check_events(events)
    if WebhookEndpoint.objects.filter(business=business).count() >= MAX_ENDPOINTS_PER_BUSINESS:
        raise DomainError.one("url", "too_many", _("A business has at most 10 webhook endpoints."))
    secret = "whsec_" + secrets.token_urlsafe(32)
    endpoint = WebhookEndpoint.objects.create(
        business=business,
        url=url,
        secret_encrypted=encrypt_secret(secret),
        events=chosen,
        active=True,
        created_by=by,
        created_at=now or timezone.now(),
    )
    return endpoint, secret


def endpoint_set_active(*, endpoint: WebhookEndpoint, active: bool, by: User) -> WebhookEndpoint:
    require_seller_permission(by, endpoint.business, "integrations")
    endpoint.active = bool(active)
    endpoint.save(update_fields=["active"])
    return endpoint


def endpoint_delete(*, endpoint: WebhookEndpoint, by: User) -> None:
    require_seller_permission(by, endpoint.business, "integrations")
    endpoint.delete()


def endpoint_secret(endpoint: WebhookEndpoint) -> str:
    return decrypt_secret(bytes(endpoint.secret_encrypted))


# --- deliveries ----------------------------------------------------------------------------


def _policy() -> BackoffPolicy:
    return BackoffPolicy(
        base_seconds=float(getattr(settings, "TWOWAY_WEBHOOK_BACKOFF_BASE_SECONDS", 30)),
        cap_seconds=float(getattr(settings, "TWOWAY_WEBHOOK_BACKOFF_CAP_SECONDS", 6 * 3600)),
        max_attempts=int(getattr(settings, "TWOWAY_WEBHOOK_MAX_ATTEMPTS", 10)),
    )


def _jitter_unit(delivery_id: int, attempt: int) -> float:
    """A number in [0, 1) from the delivery and attempt: spread, yet reproducible."""
    digest = hashlib.sha256(f"{delivery_id}:{attempt}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def event_emit(
    *, business_id: int, event: str, data: dict[str, Any], now: dt.datetime | None = None
) -> list[WebhookDelivery]:
    """Record one event for every active endpoint of the business that subscribes to it, in the
    caller's transaction (an outbox: rolled back with it), and send them once it commits."""
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    endpoints = [
        e
        for e in WebhookEndpoint.objects.filter(business_id=business_id, active=True)
        if event in e.events
    ]
    if not endpoints:
        return []
    now = now or timezone.now()
    event_id = "evt_" + secrets.token_hex(12)
    payload = {
        "id": event_id,
        "type": event,
        "created": int(now.timestamp()),
        "business_id": business_id,
        "data": data,
    }
    rows = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                endpoint=e,
                business_id=business_id,
                event_id=event_id,
                event=event,
                payload=payload,
                status=DeliveryStatus.PENDING,
                next_attempt_at=now,
                created_at=now,
            )
            for e in endpoints
        ]
    )
    if getattr(settings, "TWOWAY_WEBHOOK_SEND_ON_COMMIT", True):
        transaction.on_commit(_send_soon, robust=True)
    return rows


def _send_soon() -> None:
    from .tasks import webhooks_deliver

    try:
        webhooks_deliver.delay()
    except Exception:  # noqa: BLE001 - a broker outage must not lose it: the schedule sends it
        logger.exception("webhook send could not be queued; the scheduled job will send it")


def body_of(delivery: WebhookDelivery) -> bytes:
    return json.dumps(
        delivery.payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()


def delivery_attempt(
    *, delivery: WebhookDelivery, now: dt.datetime | None = None
) -> WebhookDelivery:
    """Send one delivery now and record what happened (no lock held while sending)."""
    now = now or timezone.now()
    endpoint = delivery.endpoint
    body = body_of(delivery)
    timestamp = int(now.timestamp())
    headers = {
        HEADER: header_value(endpoint_secret(endpoint).encode(), timestamp, body),
        "Twoway-Event": delivery.event,
        "Twoway-Event-Id": delivery.event_id,
        "Twoway-Delivery": str(delivery.pk),
    }
    answer = transport.post(endpoint.url, body, headers)
    attempts = delivery.attempts + 1
    fields: dict[str, Any] = {
        "attempts": attempts,
        "last_status_code": answer.status,
        "last_error": answer.error[:500],
    }
    if answer.ok:
        fields.update(
            status=DeliveryStatus.DELIVERED, delivered_at=timezone.now(), next_attempt_at=None
        )
    else:
        delay = retry_delay(attempts, _policy(), _jitter_unit(delivery.pk, attempts))
        if delay is None:
            fields.update(status=DeliveryStatus.FAILED, next_attempt_at=None)
        else:
            fields.update(
                status=DeliveryStatus.PENDING, next_attempt_at=now + dt.timedelta(seconds=delay)
            )
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)
    delivery.refresh_from_db()
    return delivery


#: a claimed delivery is not claimed again for this long (a crashed worker's rows come back)
CLAIM_SECONDS = 120


def deliveries_send_due(*, now: dt.datetime | None = None, limit: int = 100) -> int:
    """The scheduled job: send every delivery that is due (new ones and retries). Each row is
    claimed with a conditional update first, so two workers never send the same one at once.
    Returns how many were attempted."""
    now = now or timezone.now()
    due = list(
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", "next_attempt_at")[:limit]
    )
    sent = 0
    for pk, when in due:
        claimed = WebhookDelivery.objects.filter(
            pk=pk, status=DeliveryStatus.PENDING, next_attempt_at=when
        ).update(next_attempt_at=now + dt.timedelta(seconds=CLAIM_SECONDS))
        if not claimed:
            continue
        delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=pk)
        if not delivery.endpoint.active:
            WebhookDelivery.objects.filter(pk=pk).update(
                status=DeliveryStatus.FAILED,
                next_attempt_at=None,
                last_error="The endpoint was switched off.",
            )
            continue
        delivery_attempt(delivery=delivery, now=now)
        sent += 1
    return sent


def delivery_replay(
    *, delivery: WebhookDelivery, by: User, now: dt.datetime | None = None
) -> WebhookDelivery:
    """Send a delivery again (a new row with the same event id, so receivers can de-duplicate)."""
    require_seller_permission(by, delivery.business, "integrations")
    now = now or timezone.now()
    row = WebhookDelivery.objects.create(
        endpoint=delivery.endpoint,
        business_id=delivery.business_id,
        event_id=delivery.event_id,
        event=delivery.event,
        payload=delivery.payload,
        status=DeliveryStatus.PENDING,
        next_attempt_at=now,
        created_at=now,
        replay_of=delivery,
    )
    if getattr(settings, "TWOWAY_WEBHOOK_SEND_ON_COMMIT", True):
        transaction.on_commit(_send_soon, robust=True)
    return row
