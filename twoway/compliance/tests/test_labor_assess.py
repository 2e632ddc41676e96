"""Labor risk of import listings: levels with cited reasons, automatic holds, re-assessment."""

from __future__ import annotations

import pytest

from twoway.catalog import services as catalog_services
from twoway.compliance.labor import labor_risk_assess
from twoway.compliance.models import LaborRiskAssessment, ListingReview, ReviewEvent

from .conftest import HOSHINE_VARIANT

pytestmark = pytest.mark.django_db


def _codes(assessment):
    return [(r["code"], r["level"]) for r in assessment.reasons]


def test_cotton_shirt_from_guangdong_is_high_risk_with_cited_reasons(make_import):
    product = make_import()

    assessment = labor_risk_assess(product=product)

    assert assessment.level == "high"
    assert _codes(assessment) == [
        ("ilab_forced_labor", "high"),
        ("ilab_forced_labor", "high"),
        ("ilab_child_labor", "elevated"),
        ("uflpa_high_priority_sector", "elevated"),
    ]
    by_evidence = {r["evidence"]: r for r in assessment.reasons}
    cotton = by_evidence["good term 'cotton' matches ILAB good 'Cotton' (CN)"]
    assert cotton["list_name"] == "DOL ILAB List of Goods Produced by Child Labor or Forced Labor"
    assert cotton["list_date"] == "2022-09-28"
    assert "Garments" in "".join(r["evidence"] for r in assessment.reasons)
    sector = next(r for r in assessment.reasons if r["code"] == "uflpa_high_priority_sector")
    assert sector["list_name"] == "UFLPA Strategy high-priority sectors (FLETF)"
    assert sector["list_date"] == "2022"
    assert sector["evidence"] == "HS 6205202016 starts with 62"
    assert "Apparel" in sector["message"]
    assert all(r["list_name"] and r["list_date"] for r in assessment.reasons)
    assert assessment.evidence_fingerprint == ""
    assert set(assessment.lists_version) == {
        "day",
        "ilab_goods",
        "uflpa_entities",
        "uflpa_sectors",
    }
    assert assessment.lists_version["uflpa_entities"]["completeness"] == "partial"
    assert {"2018", "2020", "2022", "2023", "2024"} <= set(
        assessment.lists_version["ilab_goods"]["editions"]
    )
    product.refresh_from_db()
    assert product.status == "active"
    assert ListingReview.objects.count() == 0


def test_listed_manufacturer_variant_blocks_the_listing_and_opens_one_review(make_import, client):
    product = make_import(
        title_en="Polysilicon chunks",
        hs_code="280461",
        us_hts_line="2804610000",
        manufacturer=HOSHINE_VARIANT,
    )

    assessment = labor_risk_assess(product=product)

    assert assessment.level == "blocked"
    match = next(r for r in assessment.reasons if r["code"] == "uflpa_entity_match")
    assert match["score"] == 100.0
    assert match["list_name"] == "UFLPA Entity List (DHS / FLETF)"
    assert match["list_date"] == "2022-06-21"
    assert "Hoshine Silicon Industry (Shanshan) Co., Ltd and subsidiaries" in match["message"]
    assert match["evidence"].startswith(f"manufacturer {HOSHINE_VARIANT!r} ~ ")
    assert len(assessment.evidence_fingerprint) == 64
    product.refresh_from_db()
    assert product.status == "blocked"
    review = ListingReview.objects.get()
    assert (review.product_id, review.status, review.status_before) == (
        product.pk,
        "open",
        "active",
    )
    assert "UFLPA Entity List (DHS / FLETF), 2022-06-21" in review.reason_summary
    assert [(e.action, e.actor_id) for e in review.events.all()] == [("opened", None)]

    # idempotent: a second assessment keeps the one open review and writes nothing new
    labor_risk_assess(product=product)
    assert ListingReview.objects.count() == 1
    assert ReviewEvent.objects.count() == 1
    assert LaborRiskAssessment.objects.count() == 1

    # off the import storefront, and its page is gone for the public
    page = client.get("/us/imports/")
    assert page.status_code == 200
    assert "Polysilicon chunks" not in page.content.decode()
    assert client.get(f"/products/{product.pk}/").status_code == 404


def test_xinjiang_origin_is_blocked_by_the_rebuttable_presumption(make_import):
    product = make_import(origin_cn_province_id="65")

    assessment = labor_risk_assess(product=product)

    assert assessment.level == "blocked"
    presumption = assessment.reasons[0]
    assert presumption["code"] == "uflpa_xinjiang_origin"
    assert presumption["list_name"] == (
        "Uyghur Forced Labor Prevention Act, Pub. L. 117-78 (rebuttable presumption)"
    )
    assert presumption["list_date"] == "2022-06-21"
    assert presumption["evidence"] == "origin CN, province code 65"
    assert "unless the importer rebuts the presumption" in presumption["message"]
    product.refresh_from_db()
    assert product.status == "blocked"
    assert ListingReview.objects.filter(product=product, status="open").count() == 1


def test_import_product_created_or_changed_through_the_catalogue_is_assessed(
    cn_seller, django_capture_on_commit_callbacks
):
    from twoway.identity.models import User

    operator = User.objects.create(username="op1", role="operator")
    with django_capture_on_commit_callbacks(execute=True):
        product = catalog_services.product_create(
            business=cn_seller,
            by=operator,
            sku="SHIRT-1",
            title_en="Cotton shirt",
            hs_code="620520",
            us_hts_line="6205202016",
            origin_country="CN",
            origin_cn_province="44",
            unit_price="25.00",
            currency="USD",
            weight_kg="0.300",
            market_us_import=True,
            status="active",
            manufacturer="Pearl River Garment Co., Ltd.",
        )
    assert LaborRiskAssessment.objects.get(product=product).level == "high"
    assert product.status == "active"

    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.product_update(
            product=product, by=operator, raw_material_suppliers="Xinjiang Daqo New Energy Co Ltd"
        )
    product.refresh_from_db()
    assert LaborRiskAssessment.objects.get(product=product).level == "blocked"
    assert product.status == "blocked"
    assert ListingReview.objects.filter(product=product, status="open").count() == 1


def test_export_products_are_not_assessed(
    make_seller, make_product, django_capture_on_commit_callbacks
):
    from twoway.identity.models import User

    operator = User.objects.create(username="op2", role="operator")
    product = make_product(make_seller())
    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.product_update(product=product, by=operator, manufacturer=HOSHINE_VARIANT)
    assert LaborRiskAssessment.objects.count() == 0
    product.refresh_from_db()
    assert product.status == "active"
