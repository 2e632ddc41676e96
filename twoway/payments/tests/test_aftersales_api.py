"""The after-sales API as a buyer's app and a seller's system use it."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from twoway.businesses.models import Membership
from twoway.checkout import services as checkout
from twoway.checkout.channels import EXPORT
from twoway.identity.models import User
from twoway.payments.tests.test_lifecycle import CONSIGNEE, pay

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("keys_and_csl")]


def api(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client, path, body=None):
    return client.post(
        f"/api/v1{path}", data=json.dumps(body or {}), content_type="application/json"
    )


def test_cancel_money_and_return_through_the_api(
    make_seller, make_product, make_buyer, django_capture_on_commit_callbacks
):
    seller = make_seller()
    product = make_product(seller, stock=5, price="25.00")
    buyer, identity = make_buyer()
    staff = User.objects.create(username="packer", role="seller_staff")
    Membership.objects.create(user=staff, business=seller)
    client = api(buyer)

    first = checkout.purchase_place(
        channel=EXPORT, buyer=buyer, items={product.pk: 1}, identity=identity, consignee=CONSIGNEE
    )
    with django_capture_on_commit_callbacks(execute=False):
        pay(first)
    order = first.orders.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, f"/after-sales/orders/{order.number}/cancel", {"reason": "oops"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "refunded"
    paid = body["money"]["paid"]
    assert body["money"]["refunds"][0]["amount"] == paid  # everything goes back
    money = client.get(f"/api/v1/after-sales/orders/{order.number}/money").json()
    assert (money["refunded"], money["refund_pending"], money["kept"]) == (paid, "0.00", "0.00")
    assert money["refunds"][0]["status"] == "succeeded"

    # Someone else's order is not found; a bad line is refused naming the field.
    stranger = api(User.objects.create(username="nosy", role="consumer_cn"))
    assert stranger.get(f"/api/v1/after-sales/orders/{order.number}/money").status_code == 404

    second = checkout.purchase_place(
        channel=EXPORT, buyer=buyer, items={product.pk: 2}, identity=identity, consignee=CONSIGNEE
    )
    with django_capture_on_commit_callbacks(execute=True):
        pay(second)
    order2 = second.orders.get()
    checkout.order_ship(order=order2, by=staff, tracking_number="SF1234567890")
    checkout.order_receipt_confirm(order=order2, by=buyer)
    bad = post(
        client,
        f"/after-sales/orders/{order2.number}/returns",
        {"reason": "broken", "lines": [{"line_id": 999999, "quantity": 1}]},
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"].startswith("lines")
    created = post(client, f"/after-sales/orders/{order2.number}/returns", {"reason": "broken"})
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    seller_api = api(staff)
    assert [r["number"] for r in seller_api.get("/api/v1/after-sales/seller/returns").json()] == [
        number
    ]
    assert post(seller_api, f"/after-sales/returns/{number}/approve").json()["status"] == "approved"
    with django_capture_on_commit_callbacks(execute=True):
        received = post(seller_api, f"/after-sales/returns/{number}/receive")
    assert received.json()["status"] == "received"
    money = client.get(f"/api/v1/after-sales/orders/{order2.number}/money").json()
    line = order2.lines.get()
    assert money["refunded"] == str(line.goods_value + line.tax_total)
    assert money["refund_pending"] == "0.00"
