"""The import API as a US consumer's app uses it: quote with each duty line, place a purchase with
an Idempotency-Key, blocked listings and consumers in China refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from twoway.catalog.models import Product
from twoway.checkout.models import Order, Purchase
from twoway.identity.models import User

from .import_factories import cn_seller, shirt, us_consumer

pytestmark = pytest.mark.django_db

JUNE_2025 = dt.datetime(2025, 6, 1, 15, 0, tzinfo=dt.UTC)
CONSIGNEE = {"name": "Ada Lovelace", "phone": "608-555-0100", "address": "1 State St, Madison"}


@pytest.fixture
def june_2025(monkeypatch):
    """Today is 2025-06-01: de minimis suspended for China, fentanyl 20% + reciprocal 10%."""
    monkeypatch.setattr(timezone, "now", lambda: JUNE_2025)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _place(client: Client, product: Product, quantity: int = 2, key: str = "k-1"):
    return client.post(
        "/api/v1/checkout/import-purchases",
        {
            "items": [{"product_id": product.pk, "quantity": quantity}],
            "consignee_state": "WI",
            "consignee": CONSIGNEE,
        },
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )


def test_import_quote_lists_each_duty_with_its_measure_and_source(reference_data, june_2025):
    product = shirt(cn_seller())
    response = _client(us_consumer()).post(
        "/api/v1/checkout/import-quote",
        {"items": [{"product_id": product.pk, "quantity": 2}]},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["currency"], body["day"], body["problems"]) == ("USD", "2025-06-01", [])
    (seller,) = body["sellers"]
    (line,) = seller["lines"]
    assert [
        (d["measure_id"], Decimal(d["rate_percent"]), Decimal(d["amount_usd"]))
        for d in line["duties"]
    ] == [
        ("MFN", Decimal("19.7"), Decimal("15.76")),
        ("IEEPA-FENT-2", Decimal("20"), Decimal("16.00")),
        ("IEEPA-RECIP-CN-10", Decimal("10"), Decimal("8.00")),
    ]
    fentanyl = line["duties"][1]
    assert fentanyl["legal_authority"] == "IEEPA"
    assert fentanyl["label"].startswith("IEEPA")
    assert "see reference/data/us/SOURCES.md" in fentanyl["source"]
    assert line["fees"] == []
    assert line["de_minimis_applied"] is False
    assert Decimal(seller["duty_total"]) == Decimal("39.76")
    assert Decimal(seller["freight"]) == Decimal("10.80")
    assert Decimal(body["total_payable"]) == Decimal("130.56")
    assert Purchase.objects.count() == 0


def test_import_purchase_retried_with_the_same_key_gives_the_same_purchase(
    reference_data, june_2025
):
    product = shirt(cn_seller(), stock=10)
    client = _client(us_consumer())

    first = _place(client, product)
    again = _place(client, product)

    assert first.status_code == 201, first.content
    assert again.status_code == 200, again.content
    assert first.json()["number"] == again.json()["number"]
    body = first.json()
    assert (body["currency"], Decimal(body["total_payable"])) == ("USD", Decimal("130.56"))
    (order,) = body["orders"]
    assert (order["consignee_state"], Decimal(order["duty_total"])) == ("WI", Decimal("39.76"))
    (line,) = order["lines"]
    assert (line["quantity"], Decimal(line["duty"])) == (2, Decimal("39.76"))
    assert Purchase.objects.count() == 1
    assert Order.objects.count() == 1
    product.refresh_from_db()
    assert product.stock_on_hand == 8  # reserved once, not twice


def test_a_blocked_listing_is_refused_with_field_and_rule(reference_data, june_2025):
    product = shirt(cn_seller(), stock=10, status="blocked")

    response = _place(_client(us_consumer()), product)

    assert response.status_code == 409
    (error,) = response.json()["errors"]
    assert (error["field"], error["rule"]) == (f"items.{product.pk}", "blocked_listing")
    assert "labor-risk review" in error["message"]
    assert Purchase.objects.count() == 0
    product.refresh_from_db()
    assert product.stock_on_hand == 10


def test_a_consumer_in_china_may_not_quote_or_buy_imports(reference_data, june_2025):
    product = shirt(cn_seller(), stock=10)
    client = _client(User.objects.create(username="li", role="consumer_cn"))

    quote = client.post(
        "/api/v1/checkout/import-quote",
        {"items": [{"product_id": product.pk, "quantity": 1}]},
        content_type="application/json",
    )
    place = _place(client, product)

    assert (quote.status_code, place.status_code) == (403, 403)
    assert "美国消费者" in place.json()["message"]  # the role named, in the user's language
    assert Purchase.objects.count() == 0
    product.refresh_from_db()
    assert product.stock_on_hand == 10
