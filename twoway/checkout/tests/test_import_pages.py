"""The US consumer's pages: product page (duty stack, risk panel, alternatives, trade impact),
cart, checkout, sandbox card payment, tracking; the Chinese seller's listing form."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from twoway.alternatives.services import candidates_refresh
from twoway.catalog.models import Product
from twoway.checkout.models import Purchase
from twoway.payments.models import Payment

from .import_factories import cn_seller, shirt, staff_of, us_consumer, us_maker_shirt

pytestmark = pytest.mark.django_db


def _wallet_fields(html: str) -> dict[str, str]:
    """The hidden fields of the auto-submitting form that takes the buyer to the card page."""
    form = html.split('id="wallet-form"', 1)[1].split("</form>", 1)[0]
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form))
    fields.pop("csrfmiddlewaretoken", None)
    return fields


def test_product_page_shows_the_duty_stack_risk_alternatives_and_trade_impact(
    reference_data, client
):
    product = shirt(cn_seller())
    us_maker_shirt("WI", "45.00")
    us_maker_shirt("OH", "38.00")
    candidates_refresh()
    response = client.get(f"/us/products/{product.pk}/?state=WI")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="duty-stack"' in html
    assert 'data-measure="MFN"' in html
    assert "Most-favored-nation" in html
    assert 'data-testid="total-landed"' in html
    assert 'data-testid="risk-panel"' in html or "risk" in html.lower()
    assert html.count('class="alternative"') == 2
    assert "Made in Wisconsin" in html
    assert "to the US–China goods deficit" in html
    assert "stays in" in html
    assert "Estimate" in html


def test_the_product_page_reads_in_chinese(reference_data, client):
    """A US buyer who reads Chinese: the duty notes, the origin province and the alternative's
    state are in Chinese; names and measure codes stay as written."""
    product = shirt(cn_seller())
    us_maker_shirt("WI", "45.00")
    candidates_refresh()
    english = client.get(f"/us/products/{product.pk}/?state=WI&lang=en").content.decode()
    assert "De minimis not available on" in english
    assert "made in Guangdong, China" in english
    html = client.get(f"/us/products/{product.pk}/?state=WI&lang=zh-hans").content.decode()
    notes = html.split('data-testid="duty-notes"', 1)[1].split("</ul>", 1)[0]
    assert "不适用小额豁免：已被 DM-ALL" in notes
    assert "De minimis" not in html
    assert "产自中国广东省" in html
    assert "威斯康星州" in html
    assert "Made in Wisconsin" not in html


def test_blocked_product_page_says_it_cannot_be_bought(reference_data, client):
    product = shirt(cn_seller(), status="blocked")
    html = client.get(f"/us/products/{product.pk}/").content.decode()
    assert 'data-testid="blocked"' in html
    assert "Add to cart" not in html


def test_storefront_links_import_products_to_the_import_page(reference_data, client):
    product = shirt(cn_seller())
    html = client.get("/us/imports/").content.decode()
    assert f"/us/products/{product.pk}/" in html


def test_us_consumer_buys_pays_by_card_and_tracks_the_order(reference_data, client):
    product = shirt(cn_seller(), stock=5)
    buyer = us_consumer()
    client.force_login(buyer)

    assert (
        client.post("/us/cart/add/", {"product_id": product.pk, "quantity": 2}).status_code == 302
    )
    cart = client.get("/us/cart/")
    assert cart.status_code == 200
    assert 'data-measure="MFN"' in cart.content.decode()

    page = client.get("/us/checkout/")
    assert page.status_code == 200
    assert '<option value="WI">Wisconsin</option>' in page.content.decode()
    bad = client.post(
        "/us/checkout/",
        {
            "consignee_name": "Ada",
            "consignee_phone": "608-555-0100",
            "consignee_address": "1 State St",
            "consignee_state": "",
            "idempotency_key": "k-page",
        },
    )
    assert bad.status_code == 400
    assert 'data-field="consignee_state"' in bad.content.decode()
    assert Purchase.objects.count() == 0

    placed = client.post(
        "/us/checkout/",
        {
            "consignee_name": "Ada Lovelace",
            "consignee_phone": "608-555-0100",
            "consignee_address": "1 State St, Madison 53703",
            "consignee_state": "WI",
            "idempotency_key": "k-page",
        },
    )
    assert placed.status_code == 302
    purchase = Purchase.objects.get()
    assert placed["Location"] == f"/us/purchases/{purchase.number}/pay/"
    assert purchase.currency == "USD"

    redirect = client.post(f"/us/purchases/{purchase.number}/pay/", {"provider": "card"})
    assert redirect.status_code == 200
    fields = _wallet_fields(redirect.content.decode())
    assert fields["amount"] == f"{purchase.total_payable:.2f}"
    card_page = client.post("/payments/sandbox/card/pay/", fields)
    assert card_page.status_code == 200
    assert f"${purchase.total_payable}" in card_page.content.decode()
    paid = client.post(
        "/payments/sandbox/card/pay/",
        {**fields, "card_number": "4242 4242 4242 4242", "confirm": "pay"},
    )
    assert paid.status_code == 302
    assert paid["Location"] == f"/us/purchases/{purchase.number}/"
    assert Payment.objects.get().amount == purchase.total_payable

    tracking = client.get(f"/us/purchases/{purchase.number}/")
    assert tracking.status_code == 200
    html = tracking.content.decode()
    assert 'data-status="paid"' in html
    assert '<span class="badge status-paid">Paid</span>' in html
    assert 'data-testid="timeline"' in html
    assert "Payment received." in html
    # Cancelling an import: until the seller ships it (no customs declaration, no CBEC quota).
    assert "Possible until the seller ships the order." in html
    assert "annual cross-border quota" not in html
    assert client.get("/us/cart/").content.decode().count("cart-line") == 0


def test_tampered_amount_is_refused_by_the_card_page(reference_data, client):
    product = shirt(cn_seller(), stock=5)
    buyer = us_consumer()
    client.force_login(buyer)
    client.post("/us/cart/add/", {"product_id": product.pk, "quantity": 1})
    client.post(
        "/us/checkout/",
        {
            "consignee_name": "Ada Lovelace",
            "consignee_phone": "6085550100",
            "consignee_address": "1 State St, Madison",
            "consignee_state": "WI",
            "idempotency_key": "k2",
        },
    )
    purchase = Purchase.objects.get()
    redirect = client.post(f"/us/purchases/{purchase.number}/pay/", {"provider": "card"})
    fields = _wallet_fields(redirect.content.decode())
    fields["amount"] = "0.01"
    response = client.post("/payments/sandbox/card/pay/", {**fields, "confirm": "pay"})
    assert response.status_code == 400
    assert Payment.objects.count() == 0


def test_chinese_seller_lists_an_import_product_with_suppliers(reference_data, client):
    seller = cn_seller()
    client.force_login(staff_of(seller))
    form = client.get("/seller/products/new/")
    assert form.status_code == 200
    assert seller.registration_number in form.content.decode()
    data = {
        "sku": "OX-1",
        "title_en": "Oxford shirt",
        "title_zh": "牛津纺衬衫",
        "hs_code": "620520",
        "us_hts_line": "6205.20.2066",
        "origin_cn_province": "44",
        "unit_price": "39.00",
        "weight_kg": "0.300",
        "stock_on_hand": "12",
        "status": "active",
        "manufacturer": "Guangzhou Pearl River Garments Co., Ltd.",
        "raw_material_suppliers": "Jiangsu Lianfa Textile Co., Ltd.\nZhejiang Hengyi Cotton Yarn Co., Ltd.",
    }
    bad = client.post("/seller/products/new/", {**data, "us_hts_line": "6109100012"})
    assert bad.status_code == 400
    assert 'id="error-us_hts_line"' in bad.content.decode()
    assert not Product.objects.filter(sku="OX-1").exists()

    created = client.post("/seller/products/new/", data)
    product = Product.objects.get(sku="OX-1")
    assert created.status_code == 302
    assert created["Location"] == f"/seller/products/{product.pk}/?created=1"
    confirmation = client.get(created["Location"]).content.decode()
    assert "Saved. The listing's status is: active." in confirmation
    assert (product.origin_country, product.origin_cn_province_id, product.us_hts_line) == (
        "CN",
        "44",
        "6205202066",
    )
    assert product.market_us_import is True
    assert product.currency == "USD"
    assert product.unit_price == Decimal("39.00")
    assert product.supplier_names == [
        "Jiangsu Lianfa Textile Co., Ltd.",
        "Zhejiang Hengyi Cotton Yarn Co., Ltd.",
    ]


def test_us_seller_gets_the_us_listing_form_not_the_import_one(reference_data, client, make_seller):
    client.force_login(staff_of(make_seller()))
    page = client.get("/seller/products/new/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="cn_tariff_line"' in body
    assert 'name="manufacturer"' not in body


def test_storefront_filters_hide_high_labor_risk_and_prefer_us_made(reference_data, client):
    from django.utils import timezone

    from twoway.compliance.models import LaborRiskAssessment

    seller = cn_seller()
    risky, clean = shirt(seller), shirt(seller)
    LaborRiskAssessment.objects.create(
        product=risky, level="high", reasons=[], assessed_at=timezone.now()
    )
    maker = us_maker_shirt("WI")
    candidates_refresh()
    both = client.get("/us/imports/").content.decode()
    assert f"/us/products/{risky.pk}/" in both
    assert f"/us/products/{clean.pk}/" in both
    filtered = client.get("/us/imports/?low_risk=1&us_made=1").content.decode()
    assert f"/us/products/{risky.pk}/" not in filtered
    assert f"/us/products/{clean.pk}/" in filtered
    assert 'data-testid="us-made-picks"' in filtered
    assert f"/products/{maker.pk}/" in filtered
