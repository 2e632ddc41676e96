"""When to try a failed webhook delivery again (pure, no Django).

Exponential: ``base * factor ** (attempt - 1)`` seconds after the ``attempt``-th failure, capped
at ``cap``, spread by up to ``±jitter`` (a share) so many endpoints failing together do not retry
in lockstep. The jitter takes a number in [0, 1) from the caller: the service derives it from the
delivery id and attempt (deterministic, reproducible in tests); pass 0.5 for no jitter. After
``max_attempts`` attempts the delivery is given up (the seller can still send it again by hand).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BackoffPolicy:
    base_seconds: float = 30.0
    factor: float = 2.0
    cap_seconds: float = 6 * 3600.0
    max_attempts: int = 10
    jitter: float = 0.1

    def __post_init__(self) -> None:
        if self.base_seconds <= 0 or self.factor < 1 or self.cap_seconds < self.base_seconds:
            raise ValueError("backoff needs base > 0, factor >= 1 and cap >= base")
        if self.max_attempts < 1 or not 0 <= self.jitter < 1:
            raise ValueError("backoff needs max_attempts >= 1 and 0 <= jitter < 1")


def retry_delay(attempts_made: int, policy: BackoffPolicy, unit: float = 0.5) -> float | None:
    """Seconds to wait after ``attempts_made`` failed attempts, or None: give up.

    ``unit`` in [0, 1) picks the jitter (0.5 = none)."""
    if attempts_made < 1:
        return 0.0
    if attempts_made >= policy.max_attempts:
        return None
    unit = min(max(unit, 0.0), 0.999999)
    raw = policy.base_seconds * policy.factor ** (attempts_made - 1)
    delay = min(raw, policy.cap_seconds)
    spread = delay * policy.jitter * (2 * unit - 1)
    return max(0.0, min(delay + spread, policy.cap_seconds))
