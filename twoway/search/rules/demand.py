"""When demand "rises", for a seller's alert (pure, no Django imports).

A week with at least ``MIN_SEARCHES`` searches that is at least ``RISE_FACTOR`` times the week
before. Product choices of this app (not a published rule): a handful of searches is noise, and
a 50 % rise is what a small exporter can act on.
"""

from __future__ import annotations

from decimal import Decimal

MIN_SEARCHES = 5
RISE_FACTOR = Decimal("1.5")


def demand_rose(*, previous: int, current: int) -> bool:
    if current < MIN_SEARCHES:
        return False
    return Decimal(current) >= RISE_FACTOR * Decimal(max(previous, 0)) and current > previous
