"""EEI (AES) filing: USD 2,500 per Schedule B number, mandatory cases, exemptions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from twoway.customs.rules.eei import EeiRules, ExportLine, ScheduleBTotal, eei_required
from twoway.customs.services import eei_check, eei_rules_on
from twoway.reference.models import EeiRuleSet

RULES = EeiRules(
    threshold_usd=Decimal("2500"),
    embargoed_destinations=frozenset({"CU", "IR", "KP", "SY"}),
    ccl_destinations=frozenset({"CN", "RU", "VE"}),
    exempt_destinations=frozenset({"CA"}),
)
GINSENG = "1211.20.1020"
SYRUP = "1702.20.2000"


def line(code: str, usd: str, **kw) -> ExportLine:
    return ExportLine(schedule_b=code, value_usd=Decimal(usd), **kw)


def test_same_schedule_b_lines_add_up_over_the_threshold():
    decision = eei_required([line(GINSENG, "2400"), line("1211201020", "200")], "CN", RULES)

    assert decision.required is True
    assert decision.rule == "value_over_threshold"
    assert decision.citation == "15 CFR 30.37(a)"
    assert decision.lines_over == [ScheduleBTotal("1211201020", Decimal("2600"), 2)]


def test_different_schedule_b_lines_under_the_threshold_each():
    decision = eei_required([line(GINSENG, "2400"), line(SYRUP, "2400")], "CN", RULES)

    assert decision.required is False
    assert decision.rule == "low_value_exemption"
    assert decision.exemption_legend == "NOEEI 30.37(a)"
    assert decision.lines_over == []


def test_exactly_the_threshold_is_not_over_it():
    assert eei_required([line(GINSENG, "2500.00")], "CN", RULES).required is False
    assert eei_required([line(GINSENG, "2500.01")], "CN", RULES).required is True


def test_only_codes_over_the_threshold_are_reported():
    decision = eei_required([line(GINSENG, "3000"), line(SYRUP, "100")], "CN", RULES)
    assert decision.lines_over == [ScheduleBTotal("1211201020", Decimal("3000"), 1)]


def test_licence_requires_eei_at_any_value():
    licensed = line(SYRUP, "10", license_required=True)
    decision = eei_required([line(GINSENG, "50"), licensed], "CN", RULES)

    assert decision.required is True
    assert decision.rule == "licence"
    assert decision.citation == "15 CFR 30.2(a)(1)(iv)"
    assert decision.triggering_lines == [licensed]


def test_ccl_item_to_china_requires_eei_but_ear99_does_not():
    assert eei_required([line("8525.89", "100", eccn="5A992")], "cn", RULES).rule == (
        "ccl_item_to_listed_destination"
    )
    assert eei_required([line("8525.89", "100", eccn="EAR99")], "CN", RULES).required is False
    assert eei_required([line("8525.89", "100", eccn="5A992")], "DE", RULES).required is False


def test_embargoed_destination_requires_eei():
    decision = eei_required([line(SYRUP, "5")], "IR", RULES)
    assert (decision.required, decision.rule) == (True, "embargoed_destination")


def test_canada_is_exempt_unless_licensed():
    exempt = eei_required([line(GINSENG, "9000")], "CA", RULES)
    assert (exempt.required, exempt.rule, exempt.exemption_legend) == (
        False, "canada_exemption", "NOEEI 30.36",
    )  # fmt: skip
    assert eei_required([line(GINSENG, "10", license_required=True)], "CA", RULES).required


@given(
    st.lists(
        st.tuples(st.sampled_from(["1", "2", "3"]), st.integers(min_value=0, max_value=3000)),
        max_size=8,
    )
)
def test_required_exactly_when_a_code_total_is_over(pairs):
    lines = [line(code, str(usd)) for code, usd in pairs]
    totals: dict[str, int] = {}
    for code, usd in pairs:
        totals[code] = totals.get(code, 0) + usd
    assert eei_required(lines, "CN", RULES).required is any(t > 2500 for t in totals.values())


def test_rules_come_from_the_dated_reference_rows(reference_data):
    rules = eei_rules_on(date(2025, 6, 1))

    assert rules.threshold_usd == Decimal("2500.00")
    assert rules.ccl_destinations == frozenset({"CN", "RU", "VE"})
    assert rules.exempt_destinations == frozenset({"CA"})
    assert rules.source == "S70;S72;S73;S75 (see reference/data/us/SOURCES.md)"
    decision = eei_check(
        lines=[line(GINSENG, "2400"), line(GINSENG, "200")],
        destination_country="CN",
        day=date(2025, 6, 1),
    )
    assert decision.required is True


@pytest.mark.django_db
def test_no_rules_in_force_is_an_error():
    EeiRuleSet.objects.create(
        effective_from=date(2030, 1, 1), threshold_usd=Decimal("3000"), source="test"
    )
    with pytest.raises(LookupError, match="No EEI rules in force on 2025-01-01"):
        eei_rules_on(date(2025, 1, 1))
    assert eei_rules_on(date(2030, 1, 1)).threshold_usd == Decimal("3000")
