"""Issue 9: control characters are refused at entry naming the field; names are normalised."""

from __future__ import annotations

import pytest
from django.test import Client

from twoway.core.errors import DomainError
from twoway.core.text import clean_name, clean_text

HOSTILE = ["a\u0007b", "a\x00b", "evil\u202egnp.exe", "a\u0085b", "a\x1bb", "a\u2066b"]


@pytest.mark.parametrize("value", HOSTILE)
def test_control_characters_are_refused_naming_the_field(value):
    with pytest.raises(DomainError) as caught:
        clean_name(value, "full_name")
    [problem] = caught.value.problems
    assert (problem.field, problem.rule) == ("full_name", "control_character")
    assert "U+" in problem.message


def test_names_are_nfkc_normalised_and_trimmed():
    assert clean_name("  张三  ", "full_name") == "张三"
    assert clean_name("ＡＢＣ　Ｃｏ．", "legal_name") == "ABC Co."  # full-width → ASCII
    assert clean_text("line one\nline two", "description_en", multiline=True) == (
        "line one\nline two"
    )
    with pytest.raises(DomainError):
        clean_text("title\nwith a newline", "title_en")


@pytest.mark.django_db
def test_api_identity_with_a_bel_in_the_name_is_refused(make_buyer):
    from twoway.identity.models import RealNameIdentity
    from twoway.identity.services import api_key_issue

    buyer, _identity = make_buyer()
    _key, secret = api_key_issue(user=buyer)
    before = RealNameIdentity.objects.count()
    response = Client().post(
        "/api/v1/checkout/identities",
        data={"full_name": "a\u0007b", "id_number": "11010519491231002X"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["errors"][0]["field"] == "full_name"
    assert body["errors"][0]["rule"] == "control_character"
    assert RealNameIdentity.objects.count() == before


@pytest.mark.django_db
def test_business_and_product_names_and_consignee_are_checked(make_seller, make_product):
    from twoway.businesses.services import business_register
    from twoway.catalog.services import product_update
    from twoway.checkout.services import Consignee

    with pytest.raises(DomainError) as caught:
        business_register(
            legal_name="Acme\u202e Inc",
            country="US",
            us_state="WI",
            city="Madison",
            postal_code="53703",
            employee_count=3,
            registration_number="12-3456789",
        )
    assert caught.value.problems[0].field == "legal_name"

    from twoway.identity.services import user_create

    business = make_seller()
    product = make_product(business)
    owner = user_create(
        username="ops",
        email="ops@example.com",
        password="a long operator passphrase",
        role="operator",
    )
    with pytest.raises(DomainError) as caught:
        product_update(product=product, by=owner, title_en="Cheese\x00", title_zh="奶酪\u202e")
    assert {p.field for p in caught.value.problems} == {"title_en", "title_zh"}

    with pytest.raises(DomainError) as caught:
        Consignee(name="张三\u0007", phone="13800138000", address="北京")
    assert caught.value.problems[0].field == "consignee.name"
    assert Consignee(name=" 张三 ", phone="138", address="北京").name == "张三"
