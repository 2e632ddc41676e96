"""Regulators decide held listings: approve puts them back on sale, block keeps them off."""

from __future__ import annotations

import pytest

from twoway.compliance.labor import labor_risk_assess
from twoway.compliance.models import ListingReview, ReviewEvent
from twoway.compliance.review import review_decide, review_open
from twoway.core.errors import DomainError, PermissionDenied

from .conftest import HOSHINE_VARIANT

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(make_import):
    product = make_import(manufacturer=HOSHINE_VARIANT)
    labor_risk_assess(product=product)
    product.refresh_from_db()
    assert product.status == "blocked"
    return product, ListingReview.objects.get(product=product)


def test_approve_with_reason_puts_the_listing_back_on_sale_with_a_trail_of_two(held, regulator):
    product, review = held

    review_decide(
        review=review,
        decision="approve",
        reason="Importer proved a different company (Hoshine Guangdong).",
        by=regulator,
    )

    product.refresh_from_db()
    review.refresh_from_db()
    assert product.status == "active"
    assert (review.status, review.decided_by, review.decision_reason) == (
        "approved",
        regulator,
        "Importer proved a different company (Hoshine Guangdong).",
    )
    assert [(e.action, e.actor_id) for e in review.events.all()] == [
        ("opened", None),
        ("approved", regulator.pk),
    ]

    # re-assessing on the same evidence does not hold it again
    labor_risk_assess(product=product)
    product.refresh_from_db()
    assert product.status == "active"
    assert ListingReview.objects.count() == 1
    assert ReviewEvent.objects.count() == 2

    # new evidence (a Xinjiang supplier on the list) holds it again, with a new review
    product.raw_material_suppliers = "Xinjiang Daqo New Energy Co Ltd"
    product.save(update_fields=["raw_material_suppliers"])
    labor_risk_assess(product=product)
    product.refresh_from_db()
    assert product.status == "blocked"
    assert ListingReview.objects.filter(product=product, status="open").count() == 1
    assert ListingReview.objects.count() == 2


def test_block_keeps_the_listing_off_sale_and_a_second_decision_is_refused(held, regulator):
    product, review = held
    review_decide(
        review=review, decision="block", reason="Listed entity, no rebuttal.", by=regulator
    )
    product.refresh_from_db()
    assert product.status == "blocked"
    assert [e.action for e in review.events.all()] == ["opened", "blocked"]

    with pytest.raises(DomainError) as exc:
        review_decide(review=review, decision="approve", reason="changed my mind", by=regulator)
    assert (exc.value.status, exc.value.problems[0].rule) == (409, "review_closed")
    product.refresh_from_db()
    assert product.status == "blocked"
    assert ReviewEvent.objects.count() == 2

    # re-assessment on the same evidence: still blocked, no new review
    labor_risk_assess(product=product)
    assert ListingReview.objects.count() == 1


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_decision_without_a_reason_is_refused_and_nothing_changes(held, regulator, reason):
    product, review = held
    with pytest.raises(DomainError) as exc:
        review_decide(review=review, decision="approve", reason=reason, by=regulator)
    assert exc.value.problems[0].field == "reason"
    review.refresh_from_db()
    product.refresh_from_db()
    assert (review.status, product.status, ReviewEvent.objects.count()) == ("open", "blocked", 1)


def test_only_regulators_and_operators_decide(held, consumer):
    product, review = held
    with pytest.raises(PermissionDenied):
        review_decide(review=review, decision="approve", reason="looks fine", by=consumer)
    review.refresh_from_db()
    assert review.status == "open"
    assert ReviewEvent.objects.count() == 1


def test_a_regulator_can_hold_any_listing_once(make_import, regulator):
    product = make_import(manufacturer="")
    review = review_open(
        product=product, reason="Tip-off: relabelled Xinjiang cotton.", by=regulator
    )
    product.refresh_from_db()
    assert product.status == "blocked"
    assert [(e.action, e.actor_id) for e in review.events.all()] == [("opened", regulator.pk)]
    with pytest.raises(DomainError) as exc:
        review_open(product=product, reason="again", by=regulator)
    assert exc.value.status == 409
    assert ListingReview.objects.count() == 1


def test_review_events_are_append_only(held):
    _, review = held
    event = review.events.get()
    event.reason = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
