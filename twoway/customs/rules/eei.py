"""Is Electronic Export Information (EEI, filed in AES) required for a US export shipment?

Per reference/data/us/export_rules.md §1 (15 CFR 30.2, 30.36, 30.37(a); EAR 758.1), for the lines of
one shipment from one USPPI to one consignee on one carrier, the first rule that applies decides:

1. ``licence`` — any line needs an export licence (EAR or ITAR): required regardless of value
   (FTR 30.2(a)(1)(iv)).
2. ``embargoed_destination`` — destination in Country Group E:1/E:2: required regardless of value.
3. ``ccl_item_to_listed_destination`` — a line has an ECCN (on the Commerce Control List, i.e. not
   EAR99) and the destination is China, Russia or Venezuela: required regardless of value
   (EAR 758.1).
4. ``canada_exemption`` — destination Canada and none of the above: not required (NOEEI 30.36).
5. ``value_over_threshold`` — the values of lines with the same Schedule B number are added; any
   number whose total is *over* the threshold (USD 2,500) must be filed: required, and only those
   numbers are reported. Otherwise ``low_value_exemption``: not required (NOEEI 30.37(a)).

Schedule B numbers are compared on their digits (``8471.30.0100`` = ``8471300100``). The threshold
and country sets come from dated reference data (``EeiRules``), so an update needs no code change.
Pure: no Django imports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

_NOT_ON_CCL = {"", "EAR99", "NLR"}


@dataclass(frozen=True, kw_only=True)
class ExportLine:
    schedule_b: str
    value_usd: Decimal
    license_required: bool = False
    eccn: str = ""  # Export Control Classification Number; "" or "EAR99" = not on the CCL
    description: str = ""


@dataclass(frozen=True, kw_only=True)
class EeiRules:
    """The reference row in force: threshold per Schedule B number and the country sets."""

    threshold_usd: Decimal
    embargoed_destinations: frozenset[str] = frozenset()  # Country Group E:1/E:2, ISO alpha-2
    ccl_destinations: frozenset[str] = frozenset()  # CCL items need EEI at any value
    exempt_destinations: frozenset[str] = frozenset()  # NOEEI 30.36 (Canada)
    effective_from: date | None = None
    effective_to: date | None = None
    source: str = ""


@dataclass(frozen=True)
class ScheduleBTotal:
    schedule_b: str
    value_usd: Decimal
    line_count: int


@dataclass(frozen=True)
class EeiDecision:
    required: bool
    rule: str
    citation: str
    lines_over: list[ScheduleBTotal] = field(default_factory=list)
    triggering_lines: list[ExportLine] = field(default_factory=list)  # licence / CCL lines
    exemption_legend: str = ""  # e.g. "NOEEI 30.37(a)" for the commercial invoice when exempt

    def __str__(self) -> str:
        verdict = "EEI required" if self.required else "EEI not required"
        return f"{verdict} ({self.rule}, {self.citation})"


def normalize_schedule_b(code: str) -> str:
    return "".join(ch for ch in str(code) if ch.isdigit())


def schedule_b_totals(lines: Sequence[ExportLine]) -> list[ScheduleBTotal]:
    """Value per Schedule B number, in first-seen order."""
    totals: dict[str, tuple[Decimal, int]] = {}
    for line in lines:
        key = normalize_schedule_b(line.schedule_b)
        value, count = totals.get(key, (Decimal("0"), 0))
        totals[key] = (value + Decimal(line.value_usd), count + 1)
    return [ScheduleBTotal(code, value, count) for code, (value, count) in totals.items()]


def eei_required(
    lines: Sequence[ExportLine], destination_country: str, rules: EeiRules
) -> EeiDecision:
    destination = destination_country.strip().upper()
    totals = schedule_b_totals(lines)
    over = [t for t in totals if t.value_usd > rules.threshold_usd]

    licensed = [line for line in lines if line.license_required]
    if licensed:
        return EeiDecision(True, "licence", "15 CFR 30.2(a)(1)(iv)", over, licensed)
    if destination in rules.embargoed_destinations:
        return EeiDecision(True, "embargoed_destination", "15 CFR 30.2(a)(1)(iv)", over)
    on_ccl = [line for line in lines if line.eccn.strip().upper() not in _NOT_ON_CCL]
    if on_ccl and destination in rules.ccl_destinations:
        return EeiDecision(True, "ccl_item_to_listed_destination", "15 CFR 758.1(b)", over, on_ccl)
    if destination in rules.exempt_destinations:
        return EeiDecision(
            False, "canada_exemption", "15 CFR 30.36", exemption_legend="NOEEI 30.36"
        )
    if over:
        return EeiDecision(True, "value_over_threshold", "15 CFR 30.37(a)", over)
    return EeiDecision(
        False, "low_value_exemption", "15 CFR 30.37(a)", exemption_legend="NOEEI 30.37(a)"
    )
