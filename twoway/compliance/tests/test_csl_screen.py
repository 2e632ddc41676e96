"""Screening party names against the loaded CSL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from twoway.compliance.models import CslEntry
from twoway.compliance.services import csl_load, csl_screen

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "csl_sample.csv"
DAY = date(2025, 1, 2)
pytestmark = pytest.mark.django_db


@pytest.fixture
def csl():
    csl_load(path=SAMPLE)


def test_variant_spelling_of_a_listed_entity_is_a_hit(csl):
    result = csl_screen(
        names=[("buyer", "王小明"), ("consignee", "NORTHWIND DUAL USE TRADING CO LTD")],
        countries=["CN"],
        on=DAY,
    )

    assert result.hit is True
    assert result.completeness == "partial"
    assert len(result.matches) == 1
    match = result.matches[0]
    assert (match.role, match.name) == ("consignee", "NORTHWIND DUAL USE TRADING CO LTD")
    assert match.entity_name == "Northwind Dual-Use Trading Co., Ltd."
    assert match.source_list == "Entity List (EL) - Bureau of Industry and Security"
    assert match.score == 100.0
    assert match.matched_name == "NORTHWIND DUAL USE TRADING"
    assert match.country_match is True
    assert match.entry_id == CslEntry.objects.get(csl_id="TEST-CSL-0001").pk


def test_unrelated_company_is_not_a_hit(csl):
    result = csl_screen(
        names=[("seller", "Prairie Roots Ginseng Farms LLC")], countries=["US"], on=DAY
    )
    assert result.hit is False
    assert result.matches == []
    assert result.list_loaded is True


def test_misspelling_alias_and_word_order(csl):
    result = csl_screen(
        names=[
            ("consignee", "Northwnd Dual Use Trading"),
            ("buyer", "北风两用贸易有限公司"),
            ("payer", "Carlos Ficticio Imaginario"),
        ],
        on=DAY,
    )
    assert [(m.role, m.entity_name, m.score) for m in result.matches] == [
        ("buyer", "Northwind Dual-Use Trading Co., Ltd.", 100.0),
        ("payer", "IMAGINARIO, Carlos Ficticio", 100.0),
        ("consignee", "Northwind Dual-Use Trading Co., Ltd.", 98.0),
    ]


def test_weaker_match_counts_only_when_the_country_agrees(csl):
    name = [("consignee", "Kontoso Presision Optiks")]  # 87.5 against "CONTOSO PRECISION OPTICS"
    assert csl_screen(names=name, countries=["US"], on=DAY).hit is False
    hit = csl_screen(names=name, countries=["HK"], on=DAY)
    assert [(m.entity_name, m.score, m.country_match) for m in hit.matches] == [
        ("Contoso Precision Optics Limited", 87.5, True)
    ]


def test_entry_no_longer_in_force_is_skipped(csl):
    name = [("seller", "Jonathan Q. Exampleman")]  # DPL order ended 2023-09-10
    assert csl_screen(names=name, on=date(2023, 9, 10)).hit is True
    assert csl_screen(names=name, on=date(2023, 9, 11)).hit is False


def test_no_list_loaded_is_not_a_clear_result():
    result = csl_screen(names=[("buyer", "Northwind Dual-Use Trading")], on=DAY)
    assert (result.hit, result.list_loaded, result.completeness) == (False, False, "")


def test_screening_sees_a_reloaded_list(csl, tmp_path):
    name = [("consignee", "Northwind Dual-Use Trading")]
    assert csl_screen(names=name, on=DAY).hit is True
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "without_northwind.csv"
    path.write_text(lines[0] + "".join(lines[2:]), encoding="utf-8")

    csl_load(path=path)

    assert csl_screen(names=name, on=DAY).hit is False


def test_screening_query_count(csl, django_assert_max_num_queries):
    csl_screen(names=[("buyer", "warm the cache")], on=DAY)
    with django_assert_max_num_queries(1):
        csl_screen(names=[("buyer", "Northwind"), ("seller", "Contoso")], on=DAY)
