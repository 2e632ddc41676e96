"""The regulators' queue (pages and API), the risk panel, and that held listings cannot be
bought: the export purchase API and the import purchase service both refuse them."""

from __future__ import annotations

import pytest
from django.test import Client

from twoway.checkout.models import Purchase
from twoway.compliance.labor import labor_risk_assess
from twoway.compliance.models import ListingReview, ReviewEvent
from twoway.compliance.review import review_decide, review_open
from twoway.compliance.selectors import risk_panel_for
from twoway.core.errors import DomainError

from .conftest import HOSHINE_VARIANT

pytestmark = pytest.mark.django_db

CONSIGNEE = {
    "name": "张三",
    "phone": "13800138000",
    "address": "北京市东城区东长安街1号",
    "district": "110101",
}


@pytest.fixture
def held(make_import):
    product = make_import(manufacturer=HOSHINE_VARIANT)
    labor_risk_assess(product=product)
    return product, ListingReview.objects.get(product=product)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_consumers_and_anonymous_visitors_cannot_open_the_queue(held, consumer):
    _, review = held
    assert Client().get("/compliance/").status_code == 302
    assert _client(consumer).get("/compliance/").status_code == 403
    assert _client(consumer).get(f"/compliance/reviews/{review.pk}/").status_code == 403
    response = _client(consumer).post(
        f"/compliance/reviews/{review.pk}/decide/", {"decision": "approve", "reason": "x"}
    )
    assert response.status_code == 403
    review.refresh_from_db()
    assert review.status == "open"


def test_queue_lists_held_listings_with_the_evidence(held, make_import, regulator):
    product, review = held
    make_import(title_en="Plain cotton shirt")  # assessed "high" elsewhere: no review, not listed
    page = _client(regulator).get("/compliance/")
    assert page.status_code == 200
    html = page.content.decode()
    link = f"/compliance/reviews/{review.pk}/"
    assert link in html
    assert "Guangzhou Pearl Trading Co., Ltd." in html
    assert "Guangdong (44)" in html
    assert HOSHINE_VARIANT in html
    assert "score 100.0" in html
    assert "UFLPA Entity List (DHS / FLETF), 2022-06-21" in html
    assert "Plain cotton shirt" not in html
    assert link not in _client(regulator).get("/compliance/?status=approved").content.decode()
    assert link in _client(regulator).get("/compliance/?level=blocked").content.decode()


def test_detail_page_decision_form_approves_and_shows_the_trail(held, regulator):
    product, review = held
    client = _client(regulator)
    url = f"/compliance/reviews/{review.pk}/"
    page = client.get(url)
    assert page.status_code == 200
    assert "system (automatic assessment)" in page.content.decode()

    refused = client.post(f"{url}decide/", {"decision": "approve", "reason": "  "})
    assert refused.status_code == 400
    review.refresh_from_db()
    assert review.status == "open"

    done = client.post(
        f"{url}decide/", {"decision": "approve", "reason": "Different company."}, follow=True
    )
    assert done.status_code == 200
    html = done.content.decode()
    assert "Decision recorded." in html
    assert html.count('class="review-event"') == 2
    assert "Different company." in html
    product.refresh_from_db()
    assert product.status == "active"


def test_api_lists_and_decides_for_regulators_only(held, regulator, consumer):
    product, review = held
    assert _client(consumer).get("/api/v1/compliance/reviews").status_code == 403
    client = _client(regulator)
    listed = client.get("/api/v1/compliance/reviews?status=open")
    assert listed.status_code == 200
    body = listed.json()
    assert [r["id"] for r in body] == [review.pk]
    assert body[0]["level"] == "blocked"
    assert body[0]["product_status"] == "blocked"
    match = next(r for r in body[0]["reasons"] if r["code"] == "uflpa_entity_match")
    assert match["score"] == 100.0

    missing = client.post(
        f"/api/v1/compliance/reviews/{review.pk}/decision",
        {"decision": "approve", "reason": ""},
        content_type="application/json",
    )
    assert missing.status_code == 422
    assert ReviewEvent.objects.count() == 1

    decided = client.post(
        f"/api/v1/compliance/reviews/{review.pk}/decision",
        {"decision": "block", "reason": "No rebuttal filed."},
        content_type="application/json",
    )
    assert decided.status_code == 200, decided.content
    out = decided.json()
    assert out["status"] == "blocked"
    assert [e["action"] for e in out["events"]] == ["opened", "blocked"]
    assert out["events"][1]["actor"] == "reg1"

    again = client.post(
        f"/api/v1/compliance/reviews/{review.pk}/decision",
        {"decision": "approve", "reason": "x"},
        content_type="application/json",
    )
    assert again.status_code == 409
    assert again.json()["errors"][0]["rule"] == "review_closed"


def test_risk_panel_cites_lists_and_says_the_uflpa_list_is_partial(held, make_import):
    product, _ = held
    panel = risk_panel_for(product=product)
    assert panel.level == "blocked"
    assert panel.label == "Blocked: presumed made with forced labor (UFLPA)"
    assert panel.under_review is True
    assert all(r.list_name and r.list_date for r in panel.reasons)
    assert any(
        n.startswith("UFLPA Entity List is partial: 26 of the 144 listed entries are loaded")
        for n in panel.notices
    )
    assert [(x.name, x.partial) for x in panel.lists] == [
        ("ilab_goods", True),
        ("uflpa_entities", True),
        ("uflpa_sectors", False),
    ]

    unassessed = risk_panel_for(product=make_import())
    assert (unassessed.level, unassessed.reasons) == ("not_assessed", [])


def test_risk_panel_include_renders(held):
    from django.template.loader import render_to_string

    product, _ = held
    html = render_to_string(
        "compliance/_risk_panel.html", {"panel": risk_panel_for(product=product)}
    )
    assert "Blocked: presumed made with forced labor (UFLPA)" in html
    assert "name match score 100.0 / 100" in html
    assert 'Cited: <span lang="en">UFLPA Entity List (DHS / FLETF)</span>, 2022-06-21.' in html
    assert 'Evidence: <span data-testid="risk-evidence">manufacturer <span lang="en">' in html


def test_a_held_export_listing_cannot_be_bought_through_the_api(
    make_seller, make_product, make_buyer, regulator
):
    product = make_product(make_seller(), stock=5)
    buyer, identity = make_buyer()
    review = review_open(product=product, reason="CSL hit on the consignor.", by=regulator)
    review_decide(review=review, decision="block", reason="Confirmed.", by=regulator)

    response = _client(buyer).post(
        "/api/v1/checkout/purchases",
        {
            "items": [{"product_id": product.pk, "quantity": 1}],
            "identity_id": identity.pk,
            "consignee": CONSIGNEE,
        },
        content_type="application/json",
        headers={"Idempotency-Key": "blocked-1"},
    )
    assert response.status_code == 409, response.content
    # the blocked listing is refused by name ("not for sale"; the message is in the buyer's
    # language)
    assert [(e["field"], e["rule"]) for e in response.json()["errors"]] == [
        (f"items.{product.pk}", "not_for_sale")
    ]
    assert Purchase.objects.count() == 0
    product.refresh_from_db()
    assert product.stock_on_hand == 5


def test_a_held_import_listing_cannot_be_bought(held, consumer):
    from twoway.checkout.channels import IMPORT
    from twoway.checkout.services import Consignee, purchase_place

    product, _ = held
    with pytest.raises(DomainError) as exc:
        purchase_place(
            channel=IMPORT,
            buyer=consumer,
            items={product.pk: 1},
            consignee_state="IA",
            consignee=Consignee(
                name="Pat Doe", phone="5155550100", address="1 Main St, Des Moines"
            ),
        )
    assert exc.value.status == 409
    assert [p.rule for p in exc.value.problems] == ["blocked_listing"]
    assert Purchase.objects.count() == 0
    product.refresh_from_db()
    assert product.stock_on_hand == 20
