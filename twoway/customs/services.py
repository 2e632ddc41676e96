"""Customs services: choose the reference rows in force and hand them to the pure rules."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from twoway.reference import selectors as reference

from .rules.eei import EeiDecision, EeiRules, ExportLine, eei_required


def _codes(text: str) -> frozenset[str]:
    return frozenset(code.upper() for code in (text or "").split())


def eei_rules_on(day: date) -> EeiRules:
    """The EEI rules in force on ``day`` (reference data; LookupError if none), as the pure rule's
    ``EeiRules``."""
    row = reference.eei_rules_on(day)
    return EeiRules(
        threshold_usd=row.threshold_usd,
        embargoed_destinations=_codes(row.embargoed_destinations),
        ccl_destinations=_codes(row.ccl_destinations),
        exempt_destinations=_codes(row.exempt_destinations),
        effective_from=row.effective_from,
        effective_to=row.effective_to,
        source=row.source,
    )


def eei_check(*, lines: Sequence[ExportLine], destination_country: str, day: date) -> EeiDecision:
    """``eei_required`` with the rules in force on ``day``."""
    return eei_required(lines, destination_country, eei_rules_on(day))


def on_orders_paid(*, order_ids: Iterable[int], **_kwargs: Any) -> None:
    """Checkout's ``orders_paid`` signal: declare the paid export orders after the payment's
    transaction commits (the task retries when the gateway is down; the sweep catches the rest)."""
    from django.db import transaction

    from twoway.checkout.models import Direction, Order

    export_ids = list(
        Order.objects.filter(pk__in=list(order_ids), direction=Direction.US_EXPORT).values_list(
            "pk", flat=True
        )
    )
    if export_ids:
        transaction.on_commit(lambda: _declare_later(export_ids))


def _declare_later(order_ids: list[int]) -> None:
    from .tasks import order_declare

    for order_id in order_ids:
        order_declare.delay(order_id)
