"""The variant bought (size, colour) is kept on the order line when the order is placed, as the
cart showed it ("454 g · Orange"), and every place that shows the order's lines says it: the
buyer's order page in both channels and both languages, the seller's queue, the returns on both
sides, the order API and the webhook payload. A later change to the listing does not rewrite
what was bought. Runs on SQLite and on PostgreSQL (where one statement writes the lines)."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.test import Client

from twoway.catalog.models import Product, ProductGroup
from twoway.checkout import services as checkout
from twoway.checkout.channels import EXPORT, IMPORT
from twoway.checkout.models import OrderLine
from twoway.checkout.tests.import_factories import cn_seller, shirt, staff_of, us_consumer
from twoway.customs.declaration import documents_for
from twoway.fulfilment.tests.fixtures import CONSIGNEE, US_CONSIGNEE, pay_export, pay_import
from twoway.integrations.events import order_data

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    """The page's visible text with tags dropped and whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture
def cheddar_order(
    keys_and_csl, make_seller, make_product, make_buyer, django_capture_on_commit_callbacks
):
    """A buyer in China bought two sizes of one cheddar (a variant group); paid and cleared."""
    seller = make_seller("Badger Creamery LLC")
    group = ProductGroup.objects.create(
        business=seller, title_en="Farmstead Cheddar", title_zh="农场切达奶酪"
    )
    common = {"title_en": "Farmstead Cheddar", "title_zh": "农场切达奶酪", "group": group}
    small = make_product(seller, variant_size="227 g", variant_colour="White", **common)
    orange = make_product(seller, variant_size="454 g", variant_colour="Orange", **common)
    staff = staff_of(seller)
    buyer, identity = make_buyer()
    purchase = checkout.purchase_place(
        channel=EXPORT,
        buyer=buyer,
        items={small.pk: 1, orange.pk: 2},
        identity=identity,
        consignee=CONSIGNEE,
    )
    with django_capture_on_commit_callbacks(execute=True):
        pay_export(purchase)
    order = purchase.orders.get()
    assert order.status == "cleared"
    return order, buyer, staff, small, orange


def test_the_line_keeps_the_variant_bought_even_when_the_listing_changes_later(cheddar_order):
    order, _buyer, _staff, small, orange = cheddar_order
    lines = {ln.product_id: ln for ln in order.lines.all()}
    assert lines[small.pk].variant_label == "227 g · White"
    assert lines[orange.pk].variant_label == "454 g · Orange"
    Product.objects.filter(pk=orange.pk).update(variant_colour="Red")
    assert OrderLine.objects.get(pk=lines[orange.pk].pk).variant_label == "454 g · Orange"


def test_lines_placed_before_the_snapshot_get_their_products_variant(cheddar_order):
    """The migration's backfill: lines written before the column existed read their product's
    size and colour; a line that has its label keeps it."""
    from importlib import import_module

    from django.apps import apps

    order, _buyer, _staff, small, orange = cheddar_order
    OrderLine.objects.filter(order=order, product=small).update(variant_label="")
    OrderLine.objects.filter(order=order, product=orange).update(variant_label="454 g · Amber")
    import_module("twoway.checkout.migrations.0008_orderline_variant_label_backfill").backfill(
        apps, None
    )
    labels = dict(OrderLine.objects.filter(order=order).values_list("sku", "variant_label"))
    assert labels == {small.sku: "227 g · White", orange.sku: "454 g · Amber"}


def test_a_product_without_variants_has_an_empty_label_and_no_tag(
    keys_and_csl, make_seller, make_product, make_buyer
):
    product = make_product(make_seller())
    buyer, identity = make_buyer()
    purchase = checkout.purchase_place(
        channel=EXPORT, buyer=buyer, items={product.pk: 1}, identity=identity, consignee=CONSIGNEE
    )
    assert purchase.orders.get().lines.get().variant_label == ""
    page = client_for(buyer).get(f"/cn/purchases/{purchase.number}/?lang=en")
    assert 'data-testid="line-variant"' not in page.content.decode()


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_the_buyer_in_china_sees_which_size_and_colour_they_bought(cheddar_order, lang):
    order, buyer, _staff, _small, _orange = cheddar_order
    response = client_for(buyer).get(f"/cn/purchases/{order.purchase.number}/?lang={lang}")
    assert response.status_code == 200
    page = text(response)
    name = "Farmstead Cheddar" if lang == "en" else "农场切达奶酪"
    assert f"{name} 227 g · White × 1" in page
    assert f"{name} 454 g · Orange × 2" in page
    assert 'data-testid="line-variant" lang="en">454 g · Orange<' in response.content.decode()


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_the_seller_queue_says_which_variant_to_pick(cheddar_order, lang):
    order, _buyer, staff, small, orange = cheddar_order
    response = client_for(staff).get(f"/seller/orders/?lang={lang}")
    assert response.status_code == 200
    page = text(response)
    name = "Farmstead Cheddar" if lang == "en" else "农场切达奶酪"
    assert f"{name} 454 g · Orange × 2 {orange.sku}" in page
    assert f"{name} 227 g · White × 1 {small.sku}" in page


def test_the_order_api_and_the_webhook_name_the_variant_and_sku(cheddar_order):
    order, buyer, _staff, small, orange = cheddar_order
    body = client_for(buyer).get(f"/api/v1/checkout/orders/{order.number}").json()
    lines = {ln["sku"]: ln for ln in body["lines"]}
    assert lines[orange.sku]["variant_label"] == "454 g · Orange"
    assert lines[small.sku]["variant_label"] == "227 g · White"
    ids = set(OrderLine.objects.filter(order=order).values_list("pk", flat=True))
    assert {ln["id"] for ln in body["lines"]} == ids  # what a return request names
    payload = order_data(order)["order"]["lines"]
    assert {(ln["sku"], ln["variant_label"]) for ln in payload} == {
        (small.sku, "227 g · White"),
        (orange.sku, "454 g · Orange"),
    }


def test_the_customs_order_declares_the_variant_in_the_specification(cheddar_order):
    order, _buyer, _staff, small, orange = cheddar_order
    ceb_order, *_rest = documents_for(order)
    specs = {item.item_no: item.g_model for item in ceb_order.items}
    assert specs[orange.sku] == "Badger Creamery LLC Farmstead Cheddar 454 g · Orange"
    assert specs[small.sku] == "Badger Creamery LLC Farmstead Cheddar 227 g · White"


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_returns_say_which_variant_comes_back_on_both_sides(cheddar_order, lang):
    order, buyer, staff, _small, orange = cheddar_order
    checkout.order_ship(order=order, by=staff, tracking_number="SF1234567890")
    checkout.order_receipt_confirm(order=order, by=buyer)
    buyer_page = text(client_for(buyer).get(f"/cn/purchases/{order.purchase.number}/?lang={lang}"))
    name = "Farmstead Cheddar" if lang == "en" else "农场切达奶酪"
    # the return form names each line with its variant before anything is sent back
    assert f"{name} 454 g · Orange / 2" in buyer_page
    line = order.lines.get(product=orange)
    ret = checkout.return_request_create(
        order=order, by=buyer, reason="wrong colour", lines={line.pk: 1}
    )
    buyer_page = text(client_for(buyer).get(f"/cn/purchases/{order.purchase.number}/?lang={lang}"))
    assert f"{name} 454 g · Orange × 1" in buyer_page
    seller_page = client_for(staff).get(f"/seller/orders/?lang={lang}")
    returns = text(seller_page)
    assert ret.number in returns
    assert f"{name} 454 g · Orange × 1" in returns


@pytest.fixture
def shirt_order(keys_and_csl, reference_data):
    """A US consumer bought a blue shirt in size L from a Chinese maker (import), paid."""
    seller = cn_seller()
    group = ProductGroup.objects.create(
        business=seller, title_en="Men's Cotton Oxford Shirt", title_zh="男士纯棉牛津纺衬衫"
    )
    blue = shirt(seller, group=group, variant_size="L", variant_colour="Blue")
    shirt(seller, group=group, variant_size="M", variant_colour="Blue")
    staff = staff_of(seller)
    buyer = us_consumer()
    purchase = checkout.purchase_place(
        channel=IMPORT,
        buyer=buyer,
        items={blue.pk: 2},
        consignee_state="WI",
        consignee=US_CONSIGNEE,
    )
    pay_import(purchase)
    order = purchase.orders.get()
    assert order.status == "paid"
    return order, buyer, staff, blue


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_the_us_buyer_and_the_chinese_seller_see_the_size_and_colour(shirt_order, lang):
    order, buyer, staff, blue = shirt_order
    assert order.lines.get().variant_label == "L · Blue"
    page = text(client_for(buyer).get(f"/us/purchases/{order.purchase.number}/?lang={lang}"))
    name = "Men's Cotton Oxford Shirt" if lang == "en" else "男士纯棉牛津纺衬衫"
    assert f"{name} L · Blue 2" in page
    queue = text(client_for(staff).get(f"/seller/orders/?lang={lang}"))
    assert f"{name} L · Blue × 2 {blue.sku}" in queue
    api = client_for(buyer).get(f"/api/v1/checkout/orders/{order.number}").json()
    assert [(ln["sku"], ln["variant_label"]) for ln in api["lines"]] == [(blue.sku, "L · Blue")]
