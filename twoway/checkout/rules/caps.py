"""Caps on what one purchase may ask for (issue 9). Pure: no Django.

Checked after repeated lines are merged (ten lines of one product × 999 are one line of 9,990 and
are refused), in every checkout entry point (API quote and purchase, China and US pages). The
limits are settings documented in the README: ``TWOWAY_MAX_QUANTITY_PER_PRODUCT`` (999, the
largest quantity the pages and the API accept for a line) and ``TWOWAY_MAX_LINES_PER_ORDER``
(50 different products in one purchase).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

RULE_QUANTITY = "quantity_cap"
RULE_LINES = "too_many_lines"


@dataclass(frozen=True)
class CapProblem:
    field: str
    rule: str
    message: str


def merge_lines(lines: Iterable[tuple[int, int]]) -> dict[int, int]:
    """(product_id, quantity) pairs → {product_id: total quantity}, in first-seen order."""
    merged: dict[int, int] = {}
    for product_id, quantity in lines:
        merged[product_id] = merged.get(product_id, 0) + quantity
    return merged


def cap_problems(items: dict[int, int], *, max_quantity: int, max_lines: int) -> list[CapProblem]:
    problems: list[CapProblem] = []
    if len(items) > max_lines:
        problems.append(CapProblem(
            "items", RULE_LINES,
            f"At most {max_lines} different products in one purchase ({len(items)} asked).",
        ))  # fmt: skip
    for product_id, quantity in items.items():
        if quantity > max_quantity:
            problems.append(CapProblem(
                f"items.{product_id}", RULE_QUANTITY,
                f"At most {max_quantity} of one product in one purchase ({quantity} asked, "
                "repeated lines added up).",
            ))  # fmt: skip
    return problems
