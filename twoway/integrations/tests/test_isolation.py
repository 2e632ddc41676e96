"""Cross-business isolation and roles on every seller endpoint and page (issue 13).

Business A's staff and keys never read or change business B's orders, products, returns, keys,
webhooks or deliveries (404); each role gets only what its permission allows (403); a key gets
only its scopes (403 with the error shape)."""

from __future__ import annotations

import pytest
from django.test import Client

from twoway.catalog.models import Product
from twoway.integrations import services
from twoway.integrations.models import BusinessApiKey, WebhookDelivery, WebhookEndpoint

ALL_SCOPES = ["orders:read", "products:write", "shipments:write"]


def key_client(shop, tag, scopes=ALL_SCOPES) -> Client:
    _key, plaintext = services.api_key_issue(
        business=shop[tag], by=shop[f"owner_{tag}"], name="erp", scopes=scopes
    )
    return Client(headers={"Authorization": f"Bearer {plaintext}"})


def session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rules(response):
    return {(e["field"], e["rule"]) for e in response.json()["errors"]}


def _api_calls(shop):
    """(method, path, body, scope, permission) of every seller endpoint, aimed at business B."""
    order_b = shop["order_b"]
    product_b = shop["product_b"]
    return [
        ("get", f"/api/v1/seller/orders/{order_b.number}", None, "orders:read", "fulfilment"),
        (
            "post",
            f"/api/v1/seller/orders/{order_b.number}/ship",
            {"tracking_number": "1Z999"},
            "shipments:write",
            "fulfilment",
        ),
        (
            "patch",
            f"/api/v1/catalog/products/{product_b.pk}",
            {"title_en": "Stolen"},
            "products:write",
            "catalogue",
        ),
        (
            "post",
            f"/api/v1/catalog/products/{product_b.pk}/stock-adjustments",
            {"delta": -1, "reason": "x"},
            "products:write",
            "catalogue",
        ),
        (
            "get",
            f"/api/v1/seller/orders?business_id={shop['b'].pk}",
            None,
            "orders:read",
            "fulfilment",
        ),
        (
            "get",
            f"/api/v1/after-sales/seller/returns?business_id={shop['b'].pk}",
            None,
            "orders:read",
            "fulfilment",
        ),
    ]


@pytest.fixture
def two_shops(shop, make_buyer, settings):
    from twoway.checkout import services as checkout
    from twoway.checkout.channels import EXPORT

    buyer, identity = make_buyer("440103199001010014", "李四")
    purchase = checkout.purchase_place(
        channel=EXPORT,
        buyer=buyer,
        items={shop["product_b"].pk: 1},
        identity=identity,
        consignee=checkout.Consignee("李四", "13800138001", "广州市越秀区中山路1号", "440104"),
    )
    return {**shop, "order_b": purchase.orders.get()}


def _call(client, method, path, body):
    if body is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, body, content_type="application/json")


def test_a_key_of_business_a_cannot_reach_business_b(two_shops):
    api = key_client(two_shops, "a")
    for method, path, body, _scope, _perm in _api_calls(two_shops):
        response = _call(api, method, path, body)
        assert response.status_code == 404, (path, response.status_code, response.content)
        assert set(response.json()) == {"message", "errors"}
    assert Product.objects.get(pk=two_shops["product_b"].pk).title_en != "Stolen"
    two_shops["order_b"].refresh_from_db()
    assert two_shops["order_b"].tracking_number == ""


def test_staff_of_business_a_cannot_reach_business_b(two_shops):
    for role in ("owner", "catalogue", "fulfilment", "finance"):
        client = session(two_shops[f"{role}_a"])
        for method, path, body, _scope, _perm in _api_calls(two_shops):
            response = _call(client, method, path, body)
            assert response.status_code == 404, (role, path, response.status_code)


def test_a_key_gets_only_its_scopes(two_shops):
    own_order = two_shops["order"]
    own_product = two_shops["product_a"]
    own = [
        ("get", "/api/v1/seller/orders", None, "orders:read"),
        ("get", f"/api/v1/seller/orders/{own_order.number}", None, "orders:read"),
        ("get", "/api/v1/after-sales/seller/returns", None, "orders:read"),
        (
            "post",
            f"/api/v1/seller/orders/{own_order.number}/ship",
            {"tracking_number": "1Z999"},
            "shipments:write",
        ),
        (
            "patch",
            f"/api/v1/catalog/products/{own_product.pk}",
            {"title_en": "Renamed honey"},
            "products:write",
        ),
    ]
    for scope in ALL_SCOPES:
        api = key_client(two_shops, "a", scopes=[scope])
        for method, path, body, needs in own:
            response = _call(api, method, path, body)
            if needs == scope:
                assert response.status_code in (200, 409), (scope, path, response.content)
            else:
                assert response.status_code == 403, (scope, path, response.status_code)
                assert rules(response) == {("authorization", "scope")}
                assert needs in response.json()["message"]


def test_return_decisions_take_no_key(two_shops):
    api = key_client(two_shops, "a")
    response = api.post(
        "/api/v1/after-sales/returns/RT0/approve", {}, content_type="application/json"
    )
    assert response.status_code == 403
    assert rules(response) == {("authorization", "scope")}


def test_each_role_gets_only_its_permission_in_the_api(two_shops):
    own_order = two_shops["order"]
    own_product = two_shops["product_a"]
    calls = [
        ("get", "/api/v1/seller/orders", None, "fulfilment"),
        ("get", f"/api/v1/seller/orders/{own_order.number}", None, "fulfilment"),
        (
            "patch",
            f"/api/v1/catalog/products/{own_product.pk}",
            {"title_en": "Renamed honey"},
            "catalogue",
        ),
        (
            "post",
            "/api/v1/catalog/products",
            {
                "sku": "NEW-1",
                "title_en": "Clover honey",
                "hs_code": own_product.hs_code,
                "origin_country": "US",
                "origin_us_state": "WI",
                "unit_price": "9.00",
                "currency": "USD",
                "weight_kg": "0.5",
            },
            "catalogue",
        ),
    ]
    for role in ("catalogue", "fulfilment", "finance"):
        client = session(two_shops[f"{role}_a"])
        for method, path, body, permission in calls:
            response = _call(client, method, path, body)
            if permission == role:
                assert response.status_code in (200, 201), (role, path, response.content)
            else:
                assert response.status_code == 403, (role, path, response.status_code)
                assert rules(response) == {("role", "permission")}


PAGES = {  # page → permission
    "/seller/orders/": "fulfilment",
    "/seller/products/new/": "catalogue",
    "/seller/staff/": "staff",
    "/seller/integrations/": "integrations",
}


def test_each_role_sees_only_its_pages(two_shops):
    from twoway.businesses.rules.roles import role_allows

    for role in ("owner", "catalogue", "fulfilment", "finance"):
        client = session(two_shops[f"{role}_a"])
        for path, permission in PAGES.items():
            response = client.get(path)
            expected = 200 if role_allows(role, permission) else 403
            assert response.status_code == expected, (role, path, response.status_code)
        center = client.get("/seller/").content.decode()
        assert ("/seller/integrations/" in center) == (role == "owner")
        assert ("/seller/orders/" in center) == (role in ("owner", "fulfilment"))


def test_owner_b_cannot_touch_business_a_keys_webhooks_or_deliveries(two_shops, receiver):
    key, _plain = services.api_key_issue(
        business=two_shops["a"], by=two_shops["owner_a"], name="erp", scopes=["orders:read"]
    )
    endpoint, _secret = services.endpoint_create(
        business=two_shops["a"], by=two_shops["owner_a"], url=receiver.url, events=["order.paid"]
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        business=two_shops["a"],
        event_id="evt_x",
        event="order.paid",
        payload={},
        created_at=key.created_at,
    )
    other = session(two_shops["owner_b"])
    for path in (
        f"/seller/integrations/keys/{key.pk}/revoke/",
        f"/seller/integrations/webhooks/{endpoint.pk}/active/",
        f"/seller/integrations/webhooks/{endpoint.pk}/delete/",
        f"/seller/integrations/deliveries/{delivery.pk}/replay/",
        f"/seller/staff/{two_shops['a'].memberships.get(role='fulfilment').pk}/role/",
        f"/seller/staff/{two_shops['a'].memberships.get(role='fulfilment').pk}/remove/",
    ):
        assert other.post(path, {"role": "owner", "active": "0"}).status_code == 404, path
    page = other.get("/seller/integrations/").content.decode()
    assert key.prefix not in page
    assert receiver.url not in page
    assert "evt_x" not in page
    assert BusinessApiKey.objects.get(pk=key.pk).revoked_at is None
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).active
    assert WebhookDelivery.objects.count() == 1
    assert two_shops["a"].memberships.filter(role="fulfilment").exists()


def test_a_key_stops_working_when_revoked_or_its_owner_leaves(two_shops):
    from twoway.businesses.services import membership_role_set

    _key, plaintext = services.api_key_issue(
        business=two_shops["a"], by=two_shops["owner_a"], name="erp", scopes=["orders:read"]
    )
    api = Client(headers={"Authorization": f"Bearer {plaintext}"})
    assert api.get("/api/v1/seller/orders").status_code == 200
    membership = two_shops["a"].memberships.get(user=two_shops["owner_a"])
    membership_role_set(
        membership=two_shops["a"].memberships.get(user=two_shops["finance_a"]),
        role="owner",
        by=two_shops["owner_a"],
    )
    membership_role_set(membership=membership, role="finance", by=two_shops["finance_a"])
    assert api.get("/api/v1/seller/orders").status_code == 401
    key = BusinessApiKey.objects.get()
    assert key.last_used_at is not None
    membership_role_set(membership=membership, role="owner", by=two_shops["finance_a"])
    assert api.get("/api/v1/seller/orders").status_code == 200
    services.api_key_revoke(api_key=key, by=two_shops["owner_a"])
    assert api.get("/api/v1/seller/orders").status_code == 401
