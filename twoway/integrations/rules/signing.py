"""Webhook signatures: HMAC-SHA256 over ``f"{timestamp}.{body}"`` (pure, no Django).

Header: ``Twoway-Signature: t=<unix seconds>,v1=<hex digest>`` (several ``v1=`` entries may be
sent while a secret is being rolled). A receiver recomputes the digest over the raw body with its
endpoint secret, compares in constant time and refuses a timestamp outside the tolerance window,
so a captured request cannot be replayed later. Same shape as Stripe's and Saleor's signatures.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

HEADER = "Twoway-Signature"
SCHEME = "v1"
DEFAULT_TOLERANCE_SECONDS = 300


def signature(secret: bytes, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``b"<timestamp>." + body`` under ``secret``."""
    message = str(int(timestamp)).encode() + b"." + body
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def header_value(secret: bytes, timestamp: int, body: bytes) -> str:
    return f"t={int(timestamp)},{SCHEME}={signature(secret, timestamp, body)}"


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reason: str = ""  # malformed, stale, mismatch


def parse_header(value: str) -> tuple[int | None, list[str]]:
    timestamp: int | None = None
    digests: list[str] = []
    for part in (value or "").split(","):
        key, _, item = part.strip().partition("=")
        if key == "t" and item.isdigit():
            timestamp = int(item)
        elif key == SCHEME and item:
            digests.append(item)
    return timestamp, digests


def verify(
    secret: bytes,
    header: str,
    body: bytes,
    *,
    now: int,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
) -> Verdict:
    """Check a ``Twoway-Signature`` header against the raw ``body`` at unix time ``now``."""
    timestamp, digests = parse_header(header)
    if timestamp is None or not digests:
        return Verdict(False, "malformed")
    if abs(int(now) - timestamp) > tolerance:
        return Verdict(False, "stale")
    expected = signature(secret, timestamp, body)
    if any(hmac.compare_digest(expected, d) for d in digests):
        return Verdict(True)
    return Verdict(False, "mismatch")
