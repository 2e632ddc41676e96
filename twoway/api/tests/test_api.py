from __future__ import annotations

import pytest
from django.test import Client

from twoway.businesses.models import Business, Membership, MembershipRole, VerificationStatus
from twoway.businesses.tests.factories import UsBusinessFactory, cn_province, us_state
from twoway.catalog.models import Product, StockAdjustment
from twoway.catalog.tests.factories import UsExportProductFactory
from twoway.identity.models import Role
from twoway.identity.services import api_key_issue
from twoway.identity.tests.factories import RegulatorFactory, SellerFactory, UserFactory

pytestmark = pytest.mark.django_db

HONEY = {
    "sku": "HONEY-500",
    "title_en": "Raw clover honey 500 g",
    "title_zh": "生三叶草蜂蜜 500克",
    "hs_code": "0409.00",
    "cn_tariff_line": "04090000",
    "origin_country": "US",
    "origin_us_state": "IA",
    "unit_price": "12.50",
    "currency": "USD",
    "weight_kg": "0.650",
    "stock_on_hand": 24,
    "market_cn_export": True,
    "status": "active",
}


@pytest.fixture
def business():
    us_state("IA")
    return UsBusinessFactory()


@pytest.fixture
def seller(business):
    user = SellerFactory()
    Membership.objects.create(user=user, business=business, role=MembershipRole.OWNER)
    return user


def key_client(user, scopes=("orders:read", "products:write", "shipments:write")) -> Client:
    """A business key (issue 13) when ``user`` owns a business, else a personal key."""
    from twoway.integrations.services import api_key_issue as business_key_issue

    owned = Membership.objects.filter(user=user, role=MembershipRole.OWNER).first()
    if owned is not None:
        _, plaintext = business_key_issue(
            business=owned.business, by=user, name="test", scopes=list(scopes)
        )
    else:
        _, plaintext = api_key_issue(user=user)
    return Client(headers={"Authorization": f"Bearer {plaintext}"})


def rules(response) -> set[tuple[str, str]]:
    return {(e["field"], e["rule"]) for e in response.json()["errors"]}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/catalog/products"),
        ("patch", "/api/v1/catalog/products/1"),
        ("post", "/api/v1/catalog/products/1/stock-adjustments"),
        ("post", "/api/v1/businesses"),
        ("get", "/api/v1/businesses/mine"),
        ("get", "/api/v1/me"),
        ("put", "/api/v1/me/language"),
    ],
)
def test_writes_and_me_need_authentication(client, method, path):
    response = getattr(client, method)(path, {}, content_type="application/json")
    assert response.status_code == 401
    assert response.json() == {"message": "Authentication required.", "errors": []}


def test_a_bad_key_is_not_authentication(client):
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer tw_abc_def"})
    assert response.status_code == 401


def test_browse_stays_public(client, business):
    UsExportProductFactory(business=business)
    response = client.get("/api/v1/catalog/products")
    assert response.status_code == 200
    assert [p["sku"] for p in response.json()] == ["HONEY-0000"] or len(response.json()) == 1


def test_seller_creates_a_product_with_an_api_key(seller, business):
    response = key_client(seller).post(
        "/api/v1/catalog/products", HONEY, content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["business_id"] == business.pk
    assert (body["hs_code"], body["hs_chapter"], body["status"]) == ("040900", "04", "active")
    assert body["unit_price"] == "12.50"
    assert body["stock_on_hand"] == 24
    assert Product.objects.get().sku == "HONEY-500"


def test_domain_errors_have_the_one_shape(seller):
    bad = {**HONEY, "hs_code": "999999", "title_zh": "", "stock_on_hand": -2}
    response = key_client(seller).post(
        "/api/v1/catalog/products", bad, content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"message", "errors"}
    assert rules(response) == {
        ("hs_code", "hs_unknown"),
        ("title_zh", "title_zh_required_for_china"),
        ("stock_on_hand", "stock_negative"),
        ("cn_tariff_line", "cn_line_format"),
    }
    assert all(e["message"] for e in body["errors"])
    assert Product.objects.count() == 0


def test_request_errors_get_a_human_message_per_field(seller):
    bad = {k: v for k, v in HONEY.items() if k != "sku"}
    bad["unit_price"] = "twelve"
    bad["stock_on_hand"] = "lots"
    response = key_client(seller).post(
        "/api/v1/catalog/products", bad, content_type="application/json"
    )
    assert response.status_code == 422
    errors = {e["field"]: (e["rule"], e["message"]) for e in response.json()["errors"]}
    assert errors == {
        "sku": ("required", "This field is required."),
        "unit_price": ("decimal_parsing", "Enter a number such as 12.50."),
        "stock_on_hand": ("int_parsing", "Enter a whole number."),
    }
    assert response.json()["message"].startswith("sku: This field is required.")
    assert Product.objects.count() == 0


def test_invalid_json_body(seller):
    response = key_client(seller).post(
        "/api/v1/catalog/products", "{not json", content_type="application/json"
    )
    assert response.status_code in (400, 422)
    assert set(response.json()) == {"message", "errors"}


def test_regulator_cannot_create_products(business):
    regulator = RegulatorFactory()
    response = key_client(regulator).post(
        "/api/v1/catalog/products",
        {**HONEY, "business_id": business.pk},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert set(response.json()) == {"message", "errors"}
    assert Product.objects.count() == 0


def test_a_personal_key_does_not_open_seller_endpoints():
    response = key_client(SellerFactory()).post(
        "/api/v1/catalog/products", HONEY, content_type="application/json"
    )
    assert response.status_code == 403
    assert rules(response) == {("authorization", "business_key_required")}


def test_without_a_business_you_are_told_to_register_one(client):
    client.force_login(SellerFactory())
    response = client.post("/api/v1/catalog/products", HONEY, content_type="application/json")
    assert response.status_code == 403
    assert rules(response) == {("business_id", "no_business")}


def test_staff_of_another_business_cannot_patch(business):
    product = UsExportProductFactory(business=business)
    other = SellerFactory()
    Membership.objects.create(user=other, business=UsBusinessFactory(), role=MembershipRole.OWNER)
    response = key_client(other).patch(
        f"/api/v1/catalog/products/{product.pk}",
        {"title_en": "Stolen"},
        content_type="application/json",
    )
    assert response.status_code == 404  # another business's product does not exist for them
    product.refresh_from_db()
    assert product.title_en == "Raw clover honey 500 g"


def test_patch_and_stock_adjustments(seller, business):
    product = UsExportProductFactory(business=business, stock_on_hand=10)
    api = key_client(seller)
    response = api.patch(
        f"/api/v1/catalog/products/{product.pk}",
        {"title_en": "Clover honey", "unit_price": "14.00"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["title_en"], response.json()["unit_price"]) == ("Clover honey", "14.00")

    response = api.patch(
        f"/api/v1/catalog/products/{product.pk}",
        {"stock_on_hand": 99},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "stock_on_hand",
            "rule": "extra_forbidden",
            "message": "This field is not accepted here.",
        }
    ]

    url = f"/api/v1/catalog/products/{product.pk}/stock-adjustments"
    response = api.post(url, {"delta": -4, "reason": "sold"}, content_type="application/json")
    assert response.status_code == 201
    assert (response.json()["delta"], response.json()["stock_after"]) == (-4, 6)

    response = api.post(url, {"delta": -7, "reason": "sold"}, content_type="application/json")
    assert response.status_code == 409
    assert rules(response) == {("stock_on_hand", "stock_not_negative")}
    assert Product.objects.get(pk=product.pk).stock_on_hand == 6
    assert StockAdjustment.objects.count() == 1

    response = api.patch("/api/v1/catalog/products/999999", {}, content_type="application/json")
    assert response.status_code == 404
    assert response.json() == {"message": "Product not found", "errors": []}


def test_register_business_and_list_mine():
    cn_province("44")
    us_state("IA")
    user = UserFactory(role=Role.CONSUMER_US)
    api = key_client(user)
    response = api.post(
        "/api/v1/businesses",
        {
            "legal_name": "Maple Ridge Candles LLC",
            "country": "US",
            "us_state": "ia",
            "city": "Ames",
            "postal_code": "50010",
            "employee_count": 4,
            "registration_number": "421234567",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["registration_number"], body["us_state_id"], body["verification_status"]) == (
        "42-1234567",
        "IA",
        "pending",
    )
    response = api.get("/api/v1/businesses/mine")
    assert response.json() == [
        {
            "id": body["id"],
            "legal_name": "Maple Ridge Candles LLC",
            "display_name_zh": "",
            "country": "US",
            "region": "Iowa",
            "registration_number": "42-1234567",
            "verification_status": "pending",
            "made_in_usa_attested": False,
            "my_role": "owner",
        }
    ]
    user.refresh_from_db()
    assert user.role == Role.SELLER_STAFF


def test_register_business_errors(seller):
    count = Business.objects.count()
    response = key_client(SellerFactory()).post(
        "/api/v1/businesses",
        {
            "legal_name": "Bad EIN Inc",
            "country": "US",
            "us_state": "IA",
            "city": "Ames",
            "postal_code": "50010",
            "employee_count": 4,
            "registration_number": "07-1234567",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert rules(response) == {("registration_number", "ein_prefix")}
    assert Business.objects.count() == count


def test_me_and_language_through_the_session(client):
    user = UserFactory(role=Role.CONSUMER_CN, username="meili")
    client.force_login(user)
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json() == {
        "id": user.pk,
        "username": "meili",
        "email": "meili@example.com",
        "role": "consumer_cn",
        "preferred_language": "",
        "language": "zh-hans",
    }
    response = client.put(
        "/api/v1/me/language", {"language": "en"}, content_type="application/json"
    )
    assert response.json() == {"preferred_language": "en", "language": "en"}
    response = client.put(
        "/api/v1/me/language", {"language": "xx"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert rules(response) == {("language", "language_unsupported")}


def test_session_writes_need_the_csrf_token():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.put(
        "/api/v1/me/language", {"language": "en"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert set(response.json()) == {"message", "errors"}
    user.refresh_from_db()
    assert user.preferred_language == ""


def test_issue_list_and_revoke_my_api_keys(client):
    user = SellerFactory()
    client.force_login(user)
    response = client.post("/api/v1/me/api-keys")
    assert response.status_code == 201
    plaintext = response.json()["key"]
    prefix = response.json()["prefix"]
    keyed = Client(headers={"Authorization": f"Bearer {plaintext}"})
    assert keyed.get("/api/v1/me").json()["username"] == user.username
    listed = client.get("/api/v1/me/api-keys").json()
    assert [k["prefix"] for k in listed] == [prefix]
    assert "key" not in listed[0]
    assert client.delete(f"/api/v1/me/api-keys/{prefix}").status_code == 204
    assert keyed.get("/api/v1/me").status_code == 401


def test_business_verified_status_gates_going_active(seller, business):
    business.verification_status = VerificationStatus.PENDING
    business.save()
    response = key_client(seller).post(
        "/api/v1/catalog/products", HONEY, content_type="application/json"
    )
    assert response.status_code == 400
    assert rules(response) == {("status", "business_not_verified")}
