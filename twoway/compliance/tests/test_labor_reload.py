"""A reload of a labor list re-assesses every import listing it affects."""

from __future__ import annotations

from pathlib import Path

import pytest

from twoway.compliance.labor import labor_risk_assess, uflpa_sectors_load
from twoway.compliance.models import LaborRiskAssessment, ListingReview
from twoway.reference.services import list_load

pytestmark = pytest.mark.django_db

RESEARCH = (
    Path(__file__).resolve().parents[2]
    / "reference"
    / "data"
    / "us"
    / "labor"
    / "uflpa_entities_research.csv"
)
NEW_ENTITY = (
    '"Kashgar Fictitious Cotton Spinning Co., Ltd.",,2025-09-01,2(d)(2)(B)(i),'
    "fictitious test entity,TEST,high,fictitious test entry\n"
)


def test_uflpa_reload_with_a_new_entity_blocks_the_listing_whose_supplier_matches(
    make_import, tmp_path, django_capture_on_commit_callbacks
):
    affected = make_import(raw_material_suppliers="Kashgar Fictitious Cotton Spinning Co Ltd")
    other = make_import(raw_material_suppliers="Jiangsu Honest Yarn Co., Ltd.")
    for product in (affected, other):
        labor_risk_assess(product=product)
    # the supplier's name places it in Xinjiang (HIGH), but it is not a listed entity yet
    assert LaborRiskAssessment.objects.get(product=affected).level == "high"
    assert ListingReview.objects.count() == 0

    official = tmp_path / "uflpa_entity_list.csv"
    official.write_text(RESEARCH.read_text(encoding="utf-8") + NEW_ENTITY, encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = list_load(kind="uflpa", path=official)

    assert result.created == 1
    assert len(callbacks) == 1
    affected.refresh_from_db()
    other.refresh_from_db()
    assessment = LaborRiskAssessment.objects.get(product=affected)
    assert assessment.level == "blocked"
    match = next(r for r in assessment.reasons if r["code"] == "uflpa_entity_match")
    assert match["list_date"] == "2025-09-01"
    assert match["score"] == 100.0
    assert "Kashgar Fictitious Cotton Spinning Co., Ltd." in match["message"]
    assert affected.status == "blocked"
    assert ListingReview.objects.get().product_id == affected.pk
    assert LaborRiskAssessment.objects.get(product=other).level == "high"
    assert other.status == "active"


def test_a_bad_sectors_file_writes_nothing(make_import, tmp_path):
    labor_risk_assess(product=make_import())  # loads the shipped sectors first
    from twoway.compliance.models import UflpaSector

    before = UflpaSector.objects.count()
    bad = tmp_path / "sectors.csv"
    bad.write_text(
        "hs_prefix,sector,designated,effective_from,source_ids,confidence\n"
        "61,Apparel,2022,2022-06-21,S160,high\nX7,Steel,2025-08,2025-08-01,S133,medium\n",
        encoding="utf-8",
    )
    from twoway.core.errors import DomainError

    with pytest.raises(DomainError) as exc:
        uflpa_sectors_load(path=bad)
    assert exc.value.problems[0].field == "hs_prefix"
    assert "line 3" in exc.value.message
    assert UflpaSector.objects.count() == before == 27
