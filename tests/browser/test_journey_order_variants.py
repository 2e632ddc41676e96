"""Orders of listings sold in sizes and colours, after the purchase, in chromium, both languages.

A buyer in China bought two sizes and colours of one Wisconsin cheddar (one variant group): their
order page names each line's size and colour as the cart did ("454 g · Orange"), and so does
the creamery's order queue, where the packer picks the goods, with the packing list's own size
and colour column; once delivered the buyer asks to return the orange block and both sides see
which variant comes back. A US buyer bought a blue shirt in size L from a Zhejiang maker: the
same on the import order page and the Chinese seller's queue (read in Chinese). Written through
the catalogue's and checkout's services. Screenshots: var/screenshots/order-variants-{cn,us}/.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from twoway.catalog.services import product_create, product_variant_add
from twoway.checkout.models import Order, OrderStatus
from twoway.identity.models import User

from . import journey_state as state
from .journey import Journey

pytestmark = [pytest.mark.browser, pytest.mark.journey, pytest.mark.django_db(transaction=True)]

CHEDDAR = {
    "title_en": "Farmstead Cheddar",
    "title_zh": "农场切达奶酪",
    "hs_code": "040690",
    "cn_tariff_line": "04069000",
    "origin_country": "US",
    "origin_us_state": "WI",
    "currency": "USD",
    "market_cn_export": True,
    "status": "active",
}


#: the colours in Chinese, as the sellers give them
COLOUR_ZH = {"White": "白色", "Orange": "橙色", "Blue": "蓝色"}


def _variants(business, by: User, shared: dict, rows) -> dict[str, int]:
    """The first row through product_create, the others through product_variant_add (which
    makes the group); SKU → product id. Each colour in Chinese too."""
    (sku, size, colour, price), *others = rows
    first = product_create(
        business=business, by=by, **shared, sku=sku, unit_price=Decimal(price),
        weight_kg=Decimal("0.490"), stock_on_hand=30, variant_size=size, variant_colour=colour,
        variant_colour_zh=COLOUR_ZH[colour],
    )  # fmt: skip
    made = {sku: first.pk}
    for sku, size, colour, price in others:
        made[sku] = product_variant_add(
            product=first, by=by, sku=sku, unit_price=Decimal(price), stock_on_hand=30,
            variant_size=size, variant_colour=colour, variant_colour_zh=COLOUR_ZH[colour],
            weight_kg=Decimal("0.490"),
        ).pk  # fmt: skip
    return made


def _lines(page) -> list[str]:
    """The variant tags of the order lines on the page, in order."""
    return [t.strip() for t in page.locator("[data-testid=line-variant]").all_inner_texts()]


def test_buyer_and_creamery_see_the_size_and_colour_of_each_line(live_server, browser, market):
    from playwright.sync_api import expect

    creamery = state.us_seller(
        "Driftless Creamery LLC", "无漂移区乳品厂", "WI", "39-4455667", staff="cheese@example.com"
    )
    skus = _variants(
        creamery,
        User.objects.get(username="cheese@example.com"),
        CHEDDAR,
        [
            ("CHED-227-W", "227 g", "White", "9.50"),
            ("CHED-454-O", "454 g", "Orange", "17.00"),
            ("CHED-907-O", "907 g", "Orange", "31.00"),
        ],
    )
    buyer, identity = state.buyer_cn("li@buyer.example", "李娜", "110101199003070011")
    # One order waiting to ship, one delivered last week (the buyer returns its orange block).
    waiting = state.past_export_order(
        buyer=buyer, identity=identity, items={skus["CHED-227-W"]: 1, skus["CHED-454-O"]: 2},
        placed=timezone.now() - dt.timedelta(days=3), until=OrderStatus.CLEARED,
    )  # fmt: skip
    delivered = state.past_export_order(
        buyer=buyer, identity=identity, items={skus["CHED-454-O"]: 1, skus["CHED-907-O"]: 1},
        placed=timezone.now() - dt.timedelta(days=8), tracking="SF1000000002",
    )  # fmt: skip

    j = Journey(browser, live_server.url, "order-variants-cn", locale="zh-CN")
    page = j.page
    j.log_in("li@buyer.example", f"/cn/purchases/{waiting.number}/")
    card = page.locator("[data-testid=order]")
    expect(card).to_contain_text("农场切达奶酪 227 g · 白色 × 1")
    expect(card).to_contain_text("农场切达奶酪 454 g · 橙色 × 2")
    j.shot_both("order-page")
    # The delivered order: the return form names each line with its variant.
    j.goto(f"/cn/purchases/{delivered.number}/")
    page.locator("[data-testid=return-form-box] summary").click()
    form = page.locator("[data-testid=return-form-box]")
    expect(form.locator("label.return-line").first).to_contain_text("454 g · 橙色")
    qty = form.locator("[data-testid=return-qty]")
    qty.nth(0).fill("1")
    qty.nth(1).fill("0")
    form.locator("[data-testid=return-reason]").fill("颜色不对,想要白色的。")
    form.locator("[data-testid=request-return]").click()
    page.wait_for_load_state()
    box = page.locator("[data-testid=return]")
    expect(box).to_contain_text("农场切达奶酪 454 g · 橙色 × 1")
    j.shot_both("return-requested")
    j.finish()

    seller = Journey(browser, live_server.url, "order-variants-cn-seller")
    spage = seller.page
    seller.log_in("cheese@example.com", "/seller/orders/")
    row = spage.locator(f'[data-testid=queue-order][data-order="{waiting.orders.get().number}"]')
    expect(row).to_contain_text("Farmstead Cheddar 454 g · Orange × 2 CHED-454-O")
    expect(row).to_contain_text("Farmstead Cheddar 227 g · White × 1 CHED-227-W")
    returned = spage.locator("[data-testid=seller-return]")
    expect(returned).to_contain_text("Farmstead Cheddar 454 g · Orange × 1")
    seller.shot_both("order-queue")
    # The packing list the packer prints has a size and colour column.
    href = row.locator("[data-testid=paper-packing-list]").get_attribute("href")
    answer = seller.context.request.get(live_server.url + href)
    assert answer.status == 200
    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(answer.body())).pages[0].extract_text()
    assert "Size / colour 规格" in text
    assert "454 g · Orange" in text  # and 橙色 after it, for a packer who reads Chinese
    # Renaming: the name is the group's, edited once for every size and colour.
    seller.goto(f"/seller/products/{skus['CHED-454-O']}/edit/")
    expect(spage.locator("[data-testid=shared-name]")).to_contain_text("3 variants")
    expect(spage.get_by_label("Product name (English), all sizes and colours")).to_have_value(
        "Farmstead Cheddar"
    )
    seller.shot_both("listing-editor-shared-name")
    spage.get_by_label("Product name (English), all sizes and colours").fill(
        "Farmstead Cheddar, aged 9 months"
    )
    spage.locator("[data-testid=save-listing]").click()
    spage.wait_for_load_state()
    expect(spage.locator("[data-testid=messages]")).to_contain_text(
        "The new name is on the 2 other variants of this product too."
    )
    seller.shot("listing-renamed")
    seller.goto("/cn/?lang=en")
    card = spage.locator(f'[data-testid=product-card][data-product="{skus["CHED-227-W"]}"]')
    expect(card).to_contain_text("Farmstead Cheddar, aged 9 months")
    seller.finish()
    # What was bought keeps the name and variant it had at the purchase.
    line = waiting.orders.get().lines.get(sku="CHED-454-O")
    assert (line.title, line.variant_label, line.variant_label_zh) == (
        "Farmstead Cheddar",
        "454 g · Orange",
        "454 g · 橙色",
    )


def test_us_buyer_and_chinese_seller_see_the_shirt_size_and_colour(live_server, browser, market):
    from playwright.sync_api import expect

    maker = state.cn_seller(
        "Hangzhou Lakeside Garment Co., Ltd.", "杭州湖畔服饰有限公司", "33", 41,
        staff="shirts@example.cn",
    )  # fmt: skip
    skus = _variants(
        maker,
        User.objects.get(username="shirts@example.cn"),
        {
            "title_en": "Men's Poplin Shirt",
            "title_zh": "男士府绸衬衫",
            "hs_code": "620520",
            "us_hts_line": "6205202066",
            "origin_country": "CN",
            "origin_cn_province": "33",
            "manufacturer": "Hangzhou Lakeside Garment Co., Ltd.",
            "raw_material_suppliers": "Zhejiang Qiantang Cotton Spinning Co., Ltd.",
            "currency": "USD",
            "market_us_import": True,
            "status": "active",
        },
        [("SHIRT-M-WHT", "M", "White", "22.00"), ("SHIRT-L-BLU", "L", "Blue", "24.00")],
    )
    buyer = state.person("maria@example.com", "consumer_us", "en")
    order = state.past_import_order(
        buyer=buyer, items={skus["SHIRT-L-BLU"]: 2}, placed=timezone.now() - dt.timedelta(days=2),
        until=OrderStatus.PAID,
    )  # fmt: skip
    assert order.lines.get().variant_label == "L · Blue"

    j = Journey(browser, live_server.url, "order-variants-us")
    page = j.page
    j.log_in("maria@example.com", f"/us/purchases/{order.purchase.number}/")
    expect(page.locator("[data-testid=order] table.lines")).to_contain_text(
        "Men's Poplin Shirt L · Blue"
    )
    assert _lines(page) == ["L · Blue"]
    j.shot_both("order-page")
    j.finish()

    seller = Journey(browser, live_server.url, "order-variants-us-seller", locale="zh-CN")
    seller.log_in("shirts@example.cn", "/seller/orders/")
    row = seller.page.locator(f'[data-testid=queue-order][data-order="{order.number}"]')
    expect(row).to_contain_text("男士府绸衬衫 L · 蓝色 × 2 SHIRT-L-BLU")
    seller.shot_both("order-queue")
    seller.finish()
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID
