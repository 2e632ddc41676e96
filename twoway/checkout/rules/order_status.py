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
    CREATED: frozenset({PAID, CANCELLED, HELD}),
    # A paid order the buyer cancels (or a regulator's block ends) is refunded in full.
    PAID: frozenset({DECLARED, HELD, REFUNDED}),
    # A hold is released to the status it came from (``held_from``), or ends the order.
    HELD: frozenset({CREATED, PAID, DECLARED, CLEARED, CANCELLED, REFUNDED}),
    # A customs rejection holds the order with the reason (a person fixes and releases it).
    DECLARED: frozenset({CLEARED, PAID, HELD, REFUNDED}),
    CLEARED: frozenset({SHIPPED, HELD, REFUNDED}),
    SHIPPED: frozenset({DELIVERED, RETURNED}),
    DELIVERED: frozenset({RETURNED}),
    CANCELLED: frozenset(),
    REFUNDED: frozenset(),
    RETURNED: frozenset({REFUNDED}),
}

IMPORT_PIPELINE: Final[dict[str, frozenset[str]]] = {
    CREATED: frozenset({PAID, CANCELLED, HELD}),
    PAID: frozenset({SHIPPED, HELD, REFUNDED}),
    HELD: frozenset({CREATED, PAID, CANCELLED, REFUNDED}),
    SHIPPED: frozenset({DELIVERED, RETURNED}),
    DELIVERED: frozenset({RETURNED}),
    CANCELLED: frozenset(),
    REFUNDED: frozenset(),
    RETURNED: frozenset({REFUNDED}),
}

PIPELINES: Final = {"us_export": EXPORT_PIPELINE, "us_import": IMPORT_PIPELINE}

#: Statuses whose goods have left the seller (a refund after these posts a ledger reversal).
SHIPPED_STATES: Final = frozenset({SHIPPED, DELIVERED, RETURNED})
#: Statuses that undo a shipment: entered from a shipped status, the ledger posts a reversal.
REVERSING_STATES: Final = frozenset({RETURNED, REFUNDED})
#: Statuses that still hold stock and quota.
OPEN_STATES: Final = frozenset({CREATED, PAID, HELD, DECLARED, CLEARED})
#: Statuses a block moves to ``held`` (the goods have not left the seller).
HOLDABLE_STATES: Final = frozenset({CREATED, PAID, DECLARED, CLEARED})
#: Statuses a hold may be released back to.
RELEASABLE_TO: Final = frozenset({CREATED, PAID, DECLARED, CLEARED})
#: Where a buyer may still cancel, per direction (exports: not once declared to customs).
BUYER_CANCELLABLE: Final = {
    "us_export": frozenset({CREATED, PAID, HELD}),
    "us_import": frozenset({CREATED, PAID, HELD}),
}


def is_unpaid(status: str, held_from: str = "") -> bool:
    """Nothing was paid for an order in ``status`` (held orders: where they were held from)."""
    return status == CREATED or (status == HELD and held_from == CREATED)


def has_papers(status: str, *, shipped: bool, held_from: str = "") -> bool:
    """Whether the seller may print an order's fulfilment papers (invoice, packing list, label):
    not before it is paid, and not once it was cancelled or refunded without having shipped
    (nothing will go to the carrier). A refund after shipping (a return) keeps them."""
    if is_unpaid(status, held_from):
        return False
    return shipped or status not in (CANCELLED, REFUNDED)


#: The status in which the seller hands an order to the carrier, per direction: an export once
#: China customs has cleared it, an import (US customs clears it on arrival) once it is paid.
READY_TO_SHIP: Final = {"us_export": CLEARED, "us_import": PAID}


def is_ready_to_ship(direction: str, status: str) -> bool:
    return READY_TO_SHIP.get(direction) == status


#: Statuses from which a return may be asked for.
RETURNABLE_STATES: Final = frozenset({DELIVERED})


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
