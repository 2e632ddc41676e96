"""Customs services: choose the reference rows in force and hand them to the pure rules."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from .rules.eei import EeiDecision, EeiRules, ExportLine, eei_required

EEI_RULES_CSV = Path(__file__).resolve().parent / "data" / "eei_rules.csv"


def _day(text: str) -> date | None:
    text = (text or "").strip()
    return date.fromisoformat(text) if text else None


def _codes(text: str) -> frozenset[str]:
    return frozenset(code.upper() for code in (text or "").split())


@lru_cache(maxsize=4)
def _eei_rows(path: Path) -> tuple[EeiRules, ...]:
    with path.open(newline="", encoding="utf-8") as handle:
        return tuple(
            EeiRules(
                threshold_usd=Decimal(row["threshold_usd"]),
                embargoed_destinations=_codes(row["embargoed_destinations"]),
                ccl_destinations=_codes(row["ccl_destinations"]),
                exempt_destinations=_codes(row["exempt_destinations"]),
                effective_from=_day(row["effective_from"]),
                effective_to=_day(row["effective_to"]),
                source=row["source"],
            )
            for row in csv.DictReader(handle)
        )


def eei_rules_on(day: date, *, path: Path = EEI_RULES_CSV) -> EeiRules:
    """The EEI rules row in force on ``day`` (``effective_to`` is the last day in force)."""
    in_force = [
        rules
        for rules in _eei_rows(path)
        if (rules.effective_from is None or rules.effective_from <= day)
        and (rules.effective_to is None or day <= rules.effective_to)
    ]
    if not in_force:
        raise LookupError(f"No EEI rules in force on {day.isoformat()} in {path.name}.")
    return max(in_force, key=lambda r: r.effective_from or date.min)


def eei_check(*, lines: Sequence[ExportLine], destination_country: str, day: date) -> EeiDecision:
    """``eei_required`` with the rules in force on ``day``."""
    return eei_required(lines, destination_country, eei_rules_on(day))


def on_orders_paid(*, order_ids, **_kwargs) -> None:
    """Checkout's ``orders_paid`` signal: declare the paid export orders after the payment's
    transaction commits (the task retries when the gateway is down; the sweep catches the rest)."""
    from django.db import transaction

    from twoway.checkout.models import Direction, Order

    export_ids = list(Order.objects.filter(pk__in=list(order_ids), direction=Direction.US_EXPORT)
                      .values_list("pk", flat=True))
    if export_ids:
        transaction.on_commit(lambda: _declare_later(export_ids))


def _declare_later(order_ids: list[int]) -> None:
    from .tasks import order_declare

    for order_id in order_ids:
        order_declare.delay(order_id)
