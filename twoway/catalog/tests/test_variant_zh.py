"""A variant's size and colour in Chinese: required for a variant sold to China when they have
Latin words (one rule for the editor, the API and the import), drafted from the colour and size
words and the glossary when the seller leaves them out (a draft, like a generated title)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from twoway.businesses.models import Membership
from twoway.businesses.tests.factories import UsBusinessFactory
from twoway.catalog.rules.listing import (
    RowDefaults,
    RowReference,
    needs_chinese,
    row_validate,
)
from twoway.catalog.selectors import variant_zh_draft
from twoway.catalog.services import product_create, product_update, product_variant_add
from twoway.core.errors import DomainError
from twoway.identity.models import User

pytestmark = pytest.mark.django_db

FIELDS = {
    "sku": "CHEDDAR-454-W",
    "title_en": "Farmstead Cheddar",
    "title_zh": "农场切达奶酪",
    "hs_code": "040690",
    "cn_tariff_line": "04069000",
    "origin_country": "US",
    "origin_us_state": "WI",
    "unit_price": Decimal("17.00"),
    "currency": "USD",
    "weight_kg": Decimal("0.5"),
    "market_cn_export": True,
    "status": "active",
    "variant_size": "454 g",
}


def _staff(business):
    user = User.objects.create(username=f"staff-{business.pk}", role="seller_staff")
    Membership.objects.create(user=user, business=business, role="catalogue")
    return user


@pytest.mark.parametrize(
    ("text", "needs"),
    [("454 g", False), ("XL", False), ("38", False), ("1 kg", False), ("", False),
     ("Orange", True), ("8 oz", True), ("Family size", True), ("橙色", False)],
)  # fmt: skip
def test_only_latin_words_need_a_chinese_name(text, needs):
    assert needs_chinese(text) is needs


def test_the_draft_reads_colour_words_before_the_glossary(reference_data):
    assert variant_zh_draft("Orange") == "橙色"  # the colour, not the fruit
    assert variant_zh_draft("Navy Blue") == "藏青色"
    assert variant_zh_draft("8 oz") == "227克"
    assert variant_zh_draft("Slate") == ""  # nothing known: the seller writes it


def test_a_variant_sold_to_china_with_a_latin_colour_needs_it_in_chinese(reference_data):
    business = UsBusinessFactory(us_state_id="WI")
    user = _staff(business)
    with pytest.raises(DomainError) as exc:
        product_create(business=business, by=user, **FIELDS, variant_colour="Orange")
    (problem,) = exc.value.problems
    assert (problem.field, problem.rule) == ("variant_colour_zh", "variant_zh_required_for_china")
    assert "Orange" in problem.message
    product = product_create(
        business=business, by=user, **FIELDS, variant_colour="Orange", variant_colour_zh="橙色"
    )
    assert (product.variant_label, product.variant_label_zh) == ("454 g · Orange", "454 g · 橙色")
    assert product.status == "active"
    # Sold in the US only, no Chinese is needed.
    us_only = product_create(
        business=business, by=user, **{**FIELDS, "sku": "C-2", "market_cn_export": False,
        "market_us_domestic": True}, variant_colour="Orange",
    )  # fmt: skip
    assert us_only.variant_label_zh == "454 g · Orange"  # the seller's own words
    # The API's route: turning China on for it asks for the Chinese colour.
    with pytest.raises(DomainError) as exc:
        product_update(product=us_only, by=user, market_cn_export=True)
    assert exc.value.problems[0].field == "variant_colour_zh"


def test_a_new_variant_without_chinese_gets_a_draft_and_stays_a_draft(reference_data):
    business = UsBusinessFactory(us_state_id="WI")
    user = _staff(business)
    base = product_create(
        business=business, by=user, **FIELDS, variant_colour="White", variant_colour_zh="白色"
    )
    orange = product_variant_add(
        product=base, by=user, sku="CHEDDAR-454-O", unit_price=Decimal("17.00"),
        variant_size="454 g", variant_colour="Orange",
    )  # fmt: skip
    assert (orange.variant_colour_zh, orange.zh_is_draft, orange.status) == ("橙色", True, "draft")
    typed = product_variant_add(
        product=base, by=user, sku="CHEDDAR-227-O", unit_price=Decimal("9.50"),
        variant_size="227 g", variant_colour="Orange", variant_colour_zh="橘色",
    )  # fmt: skip
    assert (typed.variant_colour_zh, typed.zh_is_draft, typed.status) == ("橘色", False, "active")
    with pytest.raises(DomainError) as exc:  # nothing to draft from: the seller is asked
        product_variant_add(
            product=base, by=user, sku="CHEDDAR-227-S", unit_price=Decimal("9.50"),
            variant_colour="Slate",
        )  # fmt: skip
    assert exc.value.problems[0].field == "variant_colour_zh"


def _row(**cells):
    base = {
        "sku": "CHEDDAR-1", "title_en": "Farmstead Cheddar", "title_zh": "农场切达奶酪",
        "hs_code": "040690", "cn_tariff_line": "04069000", "unit_price": "17",
        "weight_kg": "0.5", "markets": "cn_export", "status": "active",
    }  # fmt: skip
    return row_validate(
        {**base, **cells},
        defaults=RowDefaults(origin_country="US", currency="USD", region="WI"),
        reference=RowReference(
            hs_subheadings={"040690"},
            us_states={"WI"},
            cn_provinces=set(),
            business_verified=True,
        ),  # fmt: skip
        variant_draft=variant_zh_draft,
    )


def test_the_import_row_runs_the_same_rule_and_drafts_the_chinese(reference_data):
    drafted = _row(variant_size="454 g", variant_colour="Orange")
    assert not drafted.problems
    assert drafted.values["variant_colour_zh"] == "橙色"
    assert (drafted.values["zh_is_draft"], drafted.values["status"]) == (True, "draft")
    given = _row(variant_colour="Orange", variant_colour_zh="橙色")
    assert (given.values["zh_is_draft"], given.values["status"]) == (False, "active")
    unknown = _row(variant_colour="Slate")
    assert [(p.field, p.code) for p in unknown.problems] == [
        ("variant_colour_zh", "variant_zh_required_for_china")
    ]
    assert not _row(variant_size="454 g").problems  # metric: read as it is
