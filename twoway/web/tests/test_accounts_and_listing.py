"""Sign-up, the seller's business verification step, the US seller's listing form, the
product's own error pages, the operator's admin and the offline API docs, as a person sees them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import Client

from twoway.businesses.models import Business
from twoway.catalog.models import Product
from twoway.identity.models import User
from twoway.reference.models import PositiveListEntry
from twoway.web.templatetags.checkout_tags import cny, usd

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple-42"


def _signup(client: Client, kind: str, email: str, password: str = PASSWORD):
    return client.post(
        f"/signup/{kind}/",
        {"email": email, "password": password, "password_again": password},
    )


def test_consumer_sign_up_creates_the_account_and_logs_in(client):
    response = _signup(client, "consumer-cn", "Wang.Fang@Example.cn")
    assert response.status_code == 302
    assert response["Location"] == "/cn/"
    user = User.objects.get()
    assert (user.username, user.email, user.role) == (
        "wang.fang@example.cn", "wang.fang@example.cn", "consumer_cn",
    )  # fmt: skip
    assert client.get("/cn/cart/").status_code == 200  # signed in


def test_sign_up_refuses_a_common_password_and_a_taken_email_naming_the_field(client):
    weak = _signup(client, "consumer-us", "dave@example.com", password="password")
    assert weak.status_code == 400
    assert 'id="error-password"' in weak.content.decode()
    assert not User.objects.exists()
    assert _signup(client, "consumer-us", "dave@example.com").status_code == 302
    again = _signup(Client(), "seller-us", "DAVE@example.com")
    assert again.status_code == 409
    assert "already exists" in again.content.decode()
    assert User.objects.count() == 1


def test_unknown_sign_up_kind_is_404(client):
    assert client.get("/signup/regulator/").status_code == 404


def test_seller_registers_the_business_with_a_checked_uscc(reference_data, client):
    _signup(client, "seller-cn", "sales@ningbo.example")
    form = client.get("/seller/business/?country=CN")
    assert "Unified Social Credit Code" in form.content.decode()
    data = {
        "country": "CN", "legal_name": "Ningbo Harbour Housewares Co., Ltd.",
        "display_name_zh": "宁波港家居用品有限公司", "cn_province": "33", "city": "Ningbo",
        "postal_code": "315000", "employee_count": "40",
        "registration_number": "91330200MA2AAAAAA0",
    }  # fmt: skip
    bad = client.post("/seller/business/", data)
    assert bad.status_code == 400
    assert 'id="error-registration_number"' in bad.content.decode()
    assert not Business.objects.exists()
    from twoway.demo.generate import uscc_for

    good = client.post(
        "/seller/business/", {**data, "registration_number": uscc_for(3, 7, "330100")}
    )
    assert good.status_code == 302
    assert good["Location"] == "/seller/?registered=1"
    business = Business.objects.get()
    assert business.verification_status == "pending"
    assert business.country == "CN"
    assert business.memberships.get().user.username == "sales@ningbo.example"


def test_us_seller_checks_eligibility_before_saving_then_saves_a_draft(reference_data, client):
    _signup(client, "seller-us", "owner@prairie.example")
    client.post("/seller/business/", {
        "country": "US", "legal_name": "Prairie Honey LLC", "us_state": "IA", "city": "Ames",
        "postal_code": "50010", "employee_count": "5", "registration_number": "42-1234567",
        "made_in_usa_attested": "on", "made_in_usa_statement": "Iowa bees, Iowa jars.",
    })  # fmt: skip
    business = Business.objects.get()
    assert business.made_in_usa_attested
    assert business.registration_number == "42-1234567"
    line = PositiveListEntry.objects.filter(status="listed").order_by("hs_code_cn").first()
    line = line.hs_code_cn[:8]
    fields = {
        "sku": "PH-1", "title_en": "Clover honey", "title_zh": "三叶草蜂蜜",
        "hs_code": line[:6], "cn_tariff_line": line, "origin_us_state": "IA",
        "unit_price": "18.50", "weight_kg": "0.500", "stock_on_hand": "10",
        "market_cn_export": "on", "status": "draft",
    }  # fmt: skip
    check = client.post("/seller/products/new/", {**fields, "action": "check"})
    assert check.status_code == 200
    assert 'data-eligible="yes"' in check.content.decode()
    assert not Product.objects.exists()  # checking saves nothing
    refused = client.post("/seller/products/new/", {**fields, "status": "active"})
    assert refused.status_code == 400  # not verified yet: drafts only
    assert not Product.objects.exists()
    saved = client.post("/seller/products/new/", fields)
    product = Product.objects.get()
    assert saved["Location"] == f"/seller/products/{product.pk}/?created=1"
    assert (product.status, product.unit_price, product.origin_country) == (
        "draft", Decimal("18.50"), "US",
    )  # fmt: skip
    page = client.get(saved["Location"]).content.decode()
    assert "Saved. The listing's status is: draft." in page
    center = client.get("/seller/").content.decode()
    assert f'href="/seller/products/{product.pk}/"' in center  # the seller's view, not the buyer's


def test_error_pages_are_the_products_in_both_languages(client):
    english = client.get("/no-such-page/")
    assert english.status_code == 404
    assert "Page not found" in english.content.decode()
    client.cookies["django_language"] = "zh-hans"
    chinese = client.get("/no-such-page/")
    assert chinese.status_code == 404
    assert "页面未找到" in chinese.content.decode()
    server_error = render_to_string("500.html")
    assert "Something went wrong" in server_error
    assert "出错了" in server_error


def test_api_docs_load_swagger_from_our_own_static_files(client):
    html = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


def test_operator_finds_an_order_by_number_in_the_admin(reference_data, client):
    from twoway.checkout.models import Order

    operator = User.objects.create(username="ops", role="operator", is_staff=True)
    client.force_login(operator)
    assert client.get("/admin/checkout/order/").status_code == 200
    assert client.get("/admin/checkout/purchase/?q=TP000").status_code == 200
    assert client.get("/admin/payments/payment/").status_code == 200
    assert client.get("/admin/customs/customsmessage/").status_code == 200
    assert client.get("/admin/compliance/listingreview/").status_code == 200
    assert client.get("/admin/checkout/orderevent/add/").status_code == 403  # append-only
    assert Order.objects.count() == 0


def test_money_filters_use_a_real_minus_sign():
    assert usd(Decimal("-3132.82")) == "\u2212$3,132.82"
    assert usd(Decimal("1055.93")) == "$1,055.93"
    assert cny(Decimal("26000")) == "¥26,000.00"


def test_dashboard_says_which_filter_was_wrong(client):
    page = client.get("/dashboard/?from=2026-12&to=2026-01&chapter=ab").content.decode()
    assert "“From” (2026-12) is after “To” (2026-01)." in page
    assert "“ab” is not an HS chapter" in page
    assert 'action="/dashboard/"' in page  # filters never pile up on the current query string
