"""A buyer in China reads the size and colour in Chinese wherever a variant is shown: the product
page's selector, the cart, the order page; the order line keeps both languages as they were at
placement, and the seller's papers show both."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.test import Client

from twoway.catalog.models import Product, ProductGroup
from twoway.checkout import services as checkout
from twoway.checkout.channels import EXPORT
from twoway.checkout.models import OrderLine
from twoway.customs.declaration import documents_for
from twoway.fulfilment.documents import papers_for
from twoway.fulfilment.tests.fixtures import CONSIGNEE, pay_export
from twoway.integrations.events import order_data

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture
def cheddar(keys_and_csl, make_seller, make_product, make_buyer):
    seller = make_seller("Badger Creamery LLC")
    group = ProductGroup.objects.create(
        business=seller, title_en="Farmstead Cheddar", title_zh="农场切达奶酪"
    )
    common = {"title_en": "Farmstead Cheddar", "title_zh": "农场切达奶酪", "group": group}
    white = make_product(
        seller, variant_size="454 g", variant_colour="White", variant_colour_zh="白色", **common
    )
    orange = make_product(
        seller, variant_size="454 g", variant_colour="Orange", variant_colour_zh="橙色", **common
    )
    buyer, identity = make_buyer()
    client = Client()
    client.force_login(buyer)
    return white, orange, buyer, identity, client


def test_the_chinese_product_page_offers_橙色_not_orange(cheddar):
    _white, orange, _buyer, _identity, client = cheddar
    zh = client.get(f"/products/{orange.pk}/?lang=zh-hans").content.decode()
    start = zh.index('data-testid="variant-picker"')
    picker = zh[start : zh.index("</nav>", start)]
    assert 'data-testid="chosen-colour">橙色<' in picker
    assert re.findall(r'data-testid="variant-option"[^>]*>([^<]+)<', picker)[-2:] == [
        "白色",
        "橙色",
    ]
    assert "Orange" not in _text_of(picker)
    en = client.get(f"/products/{orange.pk}/?lang=en").content.decode()
    assert 'data-testid="chosen-colour">Orange<' in en


def test_the_storefront_card_names_the_colours_in_the_readers_language(cheddar):
    client = cheddar[4]
    zh = client.get("/cn/?lang=zh-hans").content.decode()
    assert 'data-testid="card-colours">白色 · 橙色<' in zh
    en = client.get("/cn/?lang=en").content.decode()
    assert 'data-testid="card-colours">White · Orange<' in en


def _text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_cart_order_line_and_papers_show_each_language(cheddar, django_capture_on_commit_callbacks):
    _white, orange, buyer, identity, client = cheddar
    client.post("/cn/cart/add/", {"product_id": orange.pk, "quantity": 2})
    cart_zh = _text(client.get("/cn/cart/?lang=zh-hans"))
    assert "农场切达奶酪 454 g · 橙色" in cart_zh
    assert "Orange" not in cart_zh
    assert "Farmstead Cheddar 454 g · Orange" in _text(client.get("/cn/cart/?lang=en"))

    purchase = checkout.purchase_place(
        channel=EXPORT, buyer=buyer, items={orange.pk: 2}, identity=identity, consignee=CONSIGNEE
    )
    with django_capture_on_commit_callbacks(execute=True):
        pay_export(purchase)
    order = purchase.orders.get()
    line = order.lines.get()
    assert (line.variant_label, line.variant_label_zh) == ("454 g · Orange", "454 g · 橙色")
    # A later change to the listing does not rewrite what was bought, in either language.
    Product.objects.filter(pk=orange.pk).update(variant_colour_zh="橘色")
    assert OrderLine.objects.get(pk=line.pk).variant_label_zh == "454 g · 橙色"

    page = f"/cn/purchases/{purchase.number}/"
    assert "农场切达奶酪 454 g · 橙色 × 2" in _text(client.get(page + "?lang=zh-hans"))
    assert "Farmstead Cheddar 454 g · Orange × 2" in _text(client.get(page + "?lang=en"))

    papers = papers_for(order)
    (paper_line,) = papers.lines
    assert paper_line.variant_both == "454 g · Orange 橙色"  # the packer reads either
    assert order_data(order)["order"]["lines"][0]["variant_label_zh"] == "454 g · 橙色"
    # China customs reads the specification (规格型号) in Chinese
    (item,) = documents_for(order)[0].items
    assert item.g_model.endswith("454 g · 橙色")


def test_lines_from_before_the_chinese_snapshot_show_the_english(cheddar):
    _white, orange, buyer, identity, client = cheddar
    purchase = checkout.purchase_place(
        channel=EXPORT, buyer=buyer, items={orange.pk: 1}, identity=identity, consignee=CONSIGNEE
    )
    OrderLine.objects.filter(order__purchase=purchase).update(variant_label_zh="")
    page = _text(client.get(f"/cn/purchases/{purchase.number}/?lang=zh-hans"))
    assert "农场切达奶酪 454 g · Orange × 1" in page
