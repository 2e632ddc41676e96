"""The checkout API as a buyer's app and a seller's system use it."""

from __future__ import annotations

import pytest
from django.test import Client

from twoway.checkout.models import Purchase

pytestmark = pytest.mark.django_db

CONSIGNEE = {
    "name": "张三",
    "phone": "13800138000",
    "address": "北京市东城区东长安街1号",
    "district": "110101",
}


@pytest.fixture
def buyer_client(make_buyer):
    user, identity = make_buyer()
    client = Client()
    client.force_login(user)
    return client, user, identity


def test_quote_shows_each_charge_and_the_quota(buyer_client, make_seller, make_product):
    client, _, identity = buyer_client
    product = make_product(make_seller(), price="30.00")
    response = client.post(
        "/api/v1/checkout/quote",
        {"items": [{"product_id": product.pk, "quantity": 2}], "identity_id": identity.pk},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["currency"] == "CNY"
    seller = body["sellers"][0]
    assert seller["channel"] == "within_limits"
    line = seller["lines"][0]
    assert {"goods_value", "freight_share", "vat", "consumption_tax", "tariff"} <= set(line)
    assert float(body["quota_remaining_before"]) == 26000.0


def test_place_with_idempotency_key_twice_gives_one_purchase(
    buyer_client, make_seller, make_product
):
    client, _, identity = buyer_client
    product = make_product(make_seller(), stock=5)
    payload = {
        "items": [{"product_id": product.pk, "quantity": 1}],
        "identity_id": identity.pk,
        "consignee": CONSIGNEE,
    }
    first = client.post(
        "/api/v1/checkout/purchases",
        payload,
        content_type="application/json",
        headers={"Idempotency-Key": "k-1"},
    )
    again = client.post(
        "/api/v1/checkout/purchases",
        payload,
        content_type="application/json",
        headers={"Idempotency-Key": "k-1"},
    )
    assert first.status_code == 201, first.content
    assert again.status_code == 200
    assert first.json()["number"] == again.json()["number"]
    assert Purchase.objects.count() == 1
    order = first.json()["orders"][0]
    assert order["buyer_id_masked"] == "1101**********002X"
    assert "11010519491231002X" not in first.content.decode()


def test_bad_input_names_the_field_and_rule(buyer_client, make_seller, make_product):
    client, _, identity = buyer_client
    product = make_product(make_seller(), stock=1)
    response = client.post(
        "/api/v1/checkout/purchases",
        {
            "items": [{"product_id": product.pk, "quantity": 3}],
            "identity_id": identity.pk,
            "consignee": CONSIGNEE,
        },
        content_type="application/json",
    )
    assert response.status_code == 409
    error = response.json()["errors"][0]
    assert error == {
        "field": f"items.{product.pk}",
        "rule": "out_of_stock",
        "message": error["message"],
    }
    response = client.post(
        "/api/v1/checkout/identities",
        {"full_name": "李四", "id_number": "110105194912310021"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["rule"] == "gb11643_checksum"
    assert response.json()["errors"][0]["field"] == "id_number"


def test_anonymous_and_other_buyers_cannot_see_an_order(
    buyer_client, make_buyer, make_seller, make_product
):
    client, _, identity = buyer_client
    product = make_product(make_seller(), stock=5)
    placed = client.post(
        "/api/v1/checkout/purchases",
        {
            "items": [{"product_id": product.pk, "quantity": 1}],
            "identity_id": identity.pk,
            "consignee": CONSIGNEE,
        },
        content_type="application/json",
    ).json()
    number = placed["orders"][0]["number"]
    assert Client().get(f"/api/v1/checkout/orders/{number}").status_code == 401
    other, _ = make_buyer("440103199001010014", "王五")
    other_client = Client()
    other_client.force_login(other)
    assert other_client.get(f"/api/v1/checkout/orders/{number}").status_code == 404
