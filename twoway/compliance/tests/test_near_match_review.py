"""Issue 9: a near match to a UFLPA-listed entity (score 81-85, or the listed name without its
region word) holds the listing for a person; a registered Chinese name of a listed entity is a
match through the alias table."""

from __future__ import annotations

import pytest

from twoway.catalog.models import ProductStatus
from twoway.compliance.labor import labor_risk_assess
from twoway.compliance.models import LaborRiskAssessment, ListingReview
from twoway.compliance.review import review_decide

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "supplier",
    [
        "Zhongtai Chemical Co., Ltd.",
        "Zhonghe Co., Ltd.",
        "中泰化学股份有限公司",
        "Daqo New Energy Co., Ltd.",
    ],
)
def test_a_near_match_holds_the_listing_until_a_person_decides(make_import, regulator, supplier):
    product = make_import(raw_material_suppliers=supplier)
    labor_risk_assess(product=product)

    assessment = LaborRiskAssessment.objects.get(product=product)
    assert assessment.level == "blocked"
    assert [r["code"] for r in assessment.reasons if r["level"] == "blocked"] == [
        "uflpa_entity_near_match"
    ]
    product.refresh_from_db()
    assert product.status == ProductStatus.BLOCKED  # not buyable: checkout sells active only
    review = ListingReview.objects.get(product=product, status="open")

    review_decide(
        review=review,
        decision="approve",
        reason="Different company: checked the business licence, registered in Guangdong.",
        by=regulator,
    )
    product.refresh_from_db()
    assert product.status == ProductStatus.ACTIVE
    labor_risk_assess(product=product)  # same evidence: stays on sale after the decision
    product.refresh_from_db()
    assert product.status == ProductStatus.ACTIVE


def test_a_chinese_registered_name_of_a_listed_entity_blocks(make_import):
    product = make_import(manufacturer="纳思达股份有限公司")
    labor_risk_assess(product=product)
    reasons = LaborRiskAssessment.objects.get(product=product).reasons
    assert any(r["code"] == "uflpa_entity_match" and "Ninestar" in r["message"] for r in reasons)
    product.refresh_from_db()
    assert product.status == ProductStatus.BLOCKED


def test_a_generic_name_is_not_held(make_import):
    product = make_import(raw_material_suppliers="Guangzhou Honest Cotton Trading Co., Ltd.")
    labor_risk_assess(product=product)
    assert LaborRiskAssessment.objects.get(product=product).level != "blocked"
    assert not ListingReview.objects.filter(product=product).exists()
