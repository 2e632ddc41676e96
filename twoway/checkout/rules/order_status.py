"""The order state machine (pure): which status may follow which.

created → paid → declared → cleared → shipped → delivered, with cancelled, refunded, returned
and a compliance hold. Import orders (US consumers) skip the China customs steps.
"""

from __future__ import annotations

from typing import Final

CREATED: Final = "created"
PAID: Final = "paid"
HELD: Final = "held"
DECLARED: Final = "declared"
CLEARED: Final = "cleared"
SHIPPED: Final = "shipped"
DELIVERED: Final = "delivered"
CANCELLED: Final = "cancelled"
REFUNDED: Final = "refunded"
RETURNED: Final = "returned"

EXPORT_PIPELINE: Final[dict[str, frozenset[str]]] = {
    CREATED: frozenset({PAID, CANCELLED}),
    PAID: frozenset({DECLARED, HELD, REFUNDED}),
    HELD: frozenset({PAID, REFUNDED}),
    # A customs rejection sends a declared order back to paid (with the reason) to fix and resend.
    DECLARED: frozenset({CLEARED, PAID, REFUNDED}),
    CLEARED: frozenset({SHIPPED, REFUNDED}),
    SHIPPED: frozenset({DELIVERED, RETURNED}),
    DELIVERED: frozenset({RETURNED}),
    CANCELLED: frozenset(),
    REFUNDED: frozenset(),
    RETURNED: frozenset({REFUNDED}),
}

IMPORT_PIPELINE: Final[dict[str, frozenset[str]]] = {
    CREATED: frozenset({PAID, CANCELLED}),
    PAID: frozenset({SHIPPED, HELD, REFUNDED}),
    HELD: frozenset({PAID, REFUNDED}),
    SHIPPED: frozenset({DELIVERED, RETURNED}),
    DELIVERED: frozenset({RETURNED}),
    CANCELLED: frozenset(),
    REFUNDED: frozenset(),
    RETURNED: frozenset({REFUNDED}),
}

PIPELINES: Final = {"us_export": EXPORT_PIPELINE, "us_import": IMPORT_PIPELINE}

#: Statuses whose goods have left the seller (a refund after these posts a ledger reversal).
SHIPPED_STATES: Final = frozenset({SHIPPED, DELIVERED, RETURNED})
#: Statuses that still hold stock and quota.
OPEN_STATES: Final = frozenset({CREATED, PAID, HELD, DECLARED, CLEARED})


class IllegalTransition(ValueError):
    def __init__(self, direction: str, current: str, target: str) -> None:
        allowed = sorted(PIPELINES[direction].get(current, frozenset()))
        super().__init__(
            f"An order in status '{current}' cannot become '{target}'"
            + (f" (allowed: {', '.join(allowed)})." if allowed else " (it is final).")
        )
        self.current, self.target, self.allowed = current, target, allowed


def check_transition(direction: str, current: str, target: str) -> None:
    if target not in PIPELINES[direction].get(current, frozenset()):
        raise IllegalTransition(direction, current, target)
