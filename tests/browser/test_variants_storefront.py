"""Listings sold in sizes and colours (issue 13), as buyers see them in chromium.

A buyer in China (Chinese) sees a Wisconsin creamery's cheddar, five SKUs in three sizes and two
colours, as ONE card on the China storefront and ONE search result, each with its photo, the
options ("3 个尺寸 · 2 种颜色") and the lowest price ("¥… 起"); on the product page they choose a
size, then a colour (the price, stock, landed cost and CBEC tax follow), and the cart gets that
SKU. A buyer in the US (English) does the same with a Zhejiang shirt maker's shirts on the import
storefront. Written through the catalogue's services (product_create, product_variant_add,
product_image_add). Screenshots: var/screenshots/variants-storefront-{cn,us}/.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.cache import cache

from twoway.catalog.models import Product
from twoway.catalog.services import product_create, product_image_add, product_variant_add
from twoway.checkout.models import CartLine
from twoway.demo.images import demo_photo
from twoway.identity.models import User
from twoway.search import services as search

from . import journey_state as state
from .journey import Journey

pytestmark = [pytest.mark.browser, pytest.mark.journey, pytest.mark.django_db(transaction=True)]

CHEDDAR = {
    "title_en": "Farmstead Cheddar",
    "title_zh": "农场切达奶酪",
    "description_en": "Cheddar aged nine months in our cellar, white or coloured with annatto.",
    "description_zh": "在自家酒窖熟成九个月的切达奶酪,有白色原味和胭脂树橙着色的橙色款。",
    "hs_code": "040690",
    "cn_tariff_line": "04069000",
    "origin_country": "US",
    "origin_us_state": "WI",
    "currency": "USD",
    "market_cn_export": True,
    "market_us_domestic": True,
    "status": "active",
}
SHIRT = {
    "title_en": "Men's Poplin Shirt",
    "title_zh": "男士府绸衬衫",
    "description_en": "Long-sleeve shirt of cotton poplin, sewn in our workshop.",
    "hs_code": "620520",
    "us_hts_line": "6205202066",
    "origin_country": "CN",
    "origin_cn_province": "33",
    "manufacturer": "Hangzhou Lakeside Garment Co., Ltd.",
    "currency": "USD",
    "market_us_import": True,
    "status": "active",
}


#: the colours in Chinese, as the sellers give them (buyers in China choose 橙色, not Orange)
COLOUR_ZH = {"White": "白色", "Orange": "橙色", "Blue": "蓝色"}


def _group(business, by: User, shared: dict, rows) -> list[Product]:
    """The first row through product_create, the others through product_variant_add (which
    makes the group); one photo on the first variant. Each colour in Chinese too."""
    (sku, size, colour, price, weight, stock), *others = rows
    first = product_create(
        business=business, by=by, **shared, sku=sku, unit_price=Decimal(price),
        weight_kg=Decimal(weight), stock_on_hand=stock, variant_size=size, variant_colour=colour,
        variant_colour_zh=COLOUR_ZH[colour],
    )  # fmt: skip
    made = [first]
    for sku, size, colour, price, weight, stock in others:
        made.append(
            product_variant_add(
                product=first,
                by=by,
                sku=sku,
                unit_price=Decimal(price),
                stock_on_hand=stock,
                variant_size=size,
                variant_colour=colour,
                variant_colour_zh=COLOUR_ZH[colour],
                weight_kg=Decimal(weight),
            )
        )
    product_image_add(
        product=first,
        by=by,
        data=demo_photo(title=shared["title_en"], hs_code=shared["hs_code"], seed=sku),
        alt_en=f"{shared['title_en']} (illustration)",
        alt_zh=f"{shared['title_zh']}(示意图)",
    )
    return made


@pytest.fixture
def shops(transactional_db, reference_data):
    cache.clear()
    creamery = state.us_seller(
        "Driftless Creamery LLC", "无漂移区乳品厂", "WI", "39-4455667", staff="cheese@example.com"
    )
    cheddar = _group(
        creamery,
        User.objects.get(username="cheese@example.com"),
        CHEDDAR,
        [
            ("CHED-227-W", "227 g", "White", "9.50", "0.260", 40),
            ("CHED-454-W", "454 g", "White", "17.00", "0.490", 30),
            ("CHED-907-W", "907 g", "White", "31.00", "0.950", 12),
            ("CHED-227-O", "227 g", "Orange", "9.50", "0.260", 35),
            ("CHED-454-O", "454 g", "Orange", "17.00", "0.490", 6),
        ],
    )
    honey = state.export_product(
        creamery, sku="HONEY-1", title_en="Clover honey", title_zh="三叶草蜂蜜",
        line=state.listed_line("0409"), price="12.00",
    )  # fmt: skip
    shirts_maker = state.cn_seller(
        "Hangzhou Lakeside Garment Co., Ltd.", "杭州湖畔服饰有限公司", "33", 41,
        staff="shirts@example.cn",
    )  # fmt: skip
    shirts = _group(
        shirts_maker,
        User.objects.get(username="shirts@example.cn"),
        SHIRT,
        [
            ("POP-S-WHT", "S", "White", "22.00", "0.280", 30),
            ("POP-M-WHT", "M", "White", "22.00", "0.290", 45),
            ("POP-L-WHT", "L", "White", "24.00", "0.300", 40),
            ("POP-S-BLU", "S", "Blue", "22.00", "0.280", 20),
            ("POP-L-BLU", "L", "Blue", "24.00", "0.300", 10),
        ],
    )
    state.person("lina@example.cn", "consumer_cn", "zh-hans")
    state.person("emily@example.com", "consumer_us", "en")
    search.index_rebuild()
    yield {"cheddar": cheddar, "honey": honey, "shirts": shirts}
    cache.clear()


def _pick(page, axis: str, label: str, product: Product) -> None:
    """Choose an option of the selector (an htmx-boosted link to that variant's page)."""
    page.locator(f"[data-testid=variant-picker] [data-axis={axis}] a", has_text=label).click()
    page.wait_for_url(re.compile(rf"/products/{product.pk}/$"))
    page.wait_for_load_state("networkidle")


def test_a_buyer_in_china_sees_one_card_picks_a_size_and_colour_and_the_cart_gets_that_sku(
    live_server, browser, shops
):
    from playwright.sync_api import expect

    cheddar = shops["cheddar"]
    by_sku = {p.sku: p for p in cheddar}
    j = Journey(browser, live_server.url, "variants-storefront-cn", locale="zh-CN")
    page = j.page
    j.log_in("lina@example.cn", "/")
    j.shot("home")

    # The storefront: the five cheddars are one card, with the group's photo, its options and
    # the lowest delivered price; the honey is a card of its own.
    j.goto("/cn/")
    cards = page.locator("[data-testid=product-card]")
    expect(cards).to_have_count(2)
    card = cards.filter(has_text="农场切达奶酪")
    expect(card).to_have_count(1)
    expect(card).to_have_attribute("data-product", str(cheddar[0].pk))
    expect(card.locator("[data-testid=card-options]")).to_have_text("3 个尺寸 · 2 种颜色")
    expect(card.locator("[data-testid=card-colours]")).to_have_text("白色 · 橙色")
    expect(card.locator("[data-testid=card-price-cny]")).to_contain_text(
        re.compile(r"^¥[\d,.]+ 起$")
    )
    expect(card.locator("[data-testid=card-image]")).to_be_visible()
    j.shot("storefront")

    # Search: one result for the group, with its thumbnail.
    j.goto("/cn/search/?q=切达奶酪")
    results = page.locator("[data-testid=result]")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("3 个尺寸 · 2 种颜色")
    expect(results.first.locator("[data-testid=result-image]")).to_be_visible()
    expect(results.first.locator("[data-testid=result-price]")).to_contain_text("起")
    expect(page.locator("[data-testid=result-count]")).to_contain_text("共 1 个结果")
    j.shot("search")

    # The product page opens on the first variant: 227 g, white.
    j.goto("/cn/")
    page.locator("[data-testid=product-card]", has_text="农场切达奶酪").get_by_role("link").click()
    page.wait_for_url(re.compile(rf"/products/{cheddar[0].pk}/$"))
    box = page.locator("[data-testid=buy-box]")
    expect(box.locator("[data-testid=chosen-size]")).to_have_text("227 g")
    expect(box.locator("[data-testid=chosen-colour]")).to_have_text("白色")
    expect(box.locator("[data-axis=colour] a")).to_have_text(["白色", "橙色"])
    expect(box.locator("[data-testid=unit-price]")).to_have_text("9.50 USD")
    small_total = box.locator("[data-testid=landed-total]").inner_text()
    small_tax = box.locator("[data-testid=tax]").inner_text()
    j.shot("product-227g-white")

    # A larger size: the price, the stock, the landed cost and the tax follow; the colour stays.
    _pick(page, "size", "454 g", by_sku["CHED-454-W"])
    j.check_page()
    expect(box.locator("[data-testid=chosen-size]")).to_have_text("454 g")
    expect(box.locator("[data-testid=chosen-colour]")).to_have_text("白色")
    expect(box.locator("[data-testid=unit-price]")).to_have_text("17.00 USD")
    expect(box.locator("[data-testid=stock]")).to_have_text("库存 30 件")
    expect(box.locator("[data-testid=landed-total]")).not_to_have_text(small_total)
    expect(box.locator("[data-testid=tax]")).not_to_have_text(small_tax)
    expect(page.locator(".facts")).to_contain_text("CHED-454-W")

    # Orange keeps the size: 454 g orange, six left. There is no orange 907 g: that option
    # says so and would change the colour too.
    _pick(page, "colour", "橙色", by_sku["CHED-454-O"])
    j.check_page()
    expect(box.locator("[data-testid=chosen-size]")).to_have_text("454 g")
    expect(box.locator("[data-testid=chosen-colour]")).to_have_text("橙色")
    expect(box.locator("[data-testid=stock]")).to_have_text("库存 6 件")
    expect(box.locator("[data-axis=size] a.variant-other")).to_have_text("907 g")
    j.shot("product-454g-orange")

    # Add to cart: the cart holds that SKU, and says which one.
    page.locator("#add-qty").fill("2")
    page.get_by_role("button", name="加入购物车").click()
    page.wait_for_url(f"{j.base}/cn/cart/")
    line = page.locator("[data-testid=cart-line]")
    expect(line).to_have_count(1)
    expect(line).to_have_attribute("data-product", str(by_sku["CHED-454-O"].pk))
    expect(line.locator("[data-testid=line-variant]")).to_have_text("454 g · 橙色")
    j.shot("cart")
    assert list(
        CartLine.objects.filter(cart__buyer__username="lina@example.cn").values_list(
            "product__sku", "quantity"
        )
    ) == [("CHED-454-O", 2)]
    # The same page and cart in English: the seller's own words.
    j.switch_language("en")
    expect(line.locator("[data-testid=line-variant]")).to_have_text("454 g · Orange")
    j.shot("cart")
    j.goto(f"/products/{by_sku['CHED-454-O'].pk}/")
    expect(box.locator("[data-testid=chosen-colour]")).to_have_text("Orange")
    expect(box.locator("[data-axis=colour] a")).to_have_text(["White", "Orange"])
    j.shot("product-454g-orange")
    j.finish()


def test_a_buyer_in_the_us_sees_one_card_picks_a_size_and_the_cart_gets_that_sku(
    live_server, browser, shops
):
    from playwright.sync_api import expect

    shirts = {p.sku: p for p in shops["shirts"]}
    j = Journey(browser, live_server.url, "variants-storefront-us")
    page = j.page
    j.log_in("emily@example.com", "/")
    j.shot("home")

    j.goto("/us/imports/")
    card = page.locator("[data-testid=product-card]", has_text="Men's Poplin Shirt")
    expect(card).to_have_count(1)
    expect(card.locator("[data-testid=card-options]")).to_have_text("3 sizes · 2 colours")
    expect(card.locator("[data-testid=card-price]")).to_have_text("from $22.00")
    expect(card.locator("[data-testid=card-image]")).to_be_visible()
    j.shot("storefront")

    j.goto("/us/imports/search/?q=poplin+shirt")
    results = page.locator("[data-testid=result]")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("3 sizes · 2 colours")
    expect(results.first.locator("[data-testid=result-image]")).to_be_visible()
    expect(results.first.locator("[data-testid=result-price]")).to_contain_text("from $")
    j.shot("search")

    results.first.get_by_role("link").click()
    page.wait_for_url(re.compile(rf"/us/products/{shirts['POP-S-WHT'].pk}/$"))
    box = page.locator("[data-testid=buy-box]")
    expect(box.locator("[data-testid=unit-price]")).to_contain_text("$22.00")
    small_total = page.locator("[data-testid=delivered-total]").inner_text()
    j.shot("product-s-white")

    page.locator("[data-testid=variant-picker] [data-axis=size] a", has_text="L").click()
    page.wait_for_url(re.compile(rf"/us/products/{shirts['POP-L-WHT'].pk}/$"))
    page.wait_for_load_state("networkidle")
    expect(box.locator("[data-testid=chosen-size]")).to_have_text("L")
    expect(box.locator("[data-testid=unit-price]")).to_contain_text("$24.00")
    expect(page.locator("[data-testid=delivered-total]")).not_to_have_text(small_total)
    page.locator("[data-testid=variant-picker] [data-axis=colour] a", has_text="Blue").click()
    page.wait_for_url(re.compile(rf"/us/products/{shirts['POP-L-BLU'].pk}/$"))
    page.wait_for_load_state("networkidle")
    expect(box.locator("[data-testid=chosen-colour]")).to_have_text("Blue")
    j.shot("product-l-blue")

    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_url(f"{j.base}/us/cart/")
    expect(page.locator("[data-testid=line-variant]")).to_have_text("L · Blue")
    j.shot("cart")
    assert list(
        CartLine.objects.filter(cart__buyer__username="emily@example.com").values_list(
            "product__sku", "quantity"
        )
    ) == [("POP-L-BLU", 1)]
    j.finish()
