"""The one set of checkout step pages, walked in both channels and both languages: a buyer in
China (/cn/, CNY, CBEC tax, real name) and a consumer in the US (/us/, USD, US duties) go
cart → checkout → pay; the total on each step is the same. Screenshots:
var/screenshots/channel-steps-cn/ and var/screenshots/channel-steps-us/."""

from __future__ import annotations

import re

import pytest

from . import journey_state as state
from .journey import Journey, money

pytestmark = [pytest.mark.browser, pytest.mark.journey, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def goods(market):
    farm = state.us_seller("Badger State Honey LLC", "獾州蜂蜜", "WI", "39-1234567")
    honey = state.export_product(
        farm,
        sku="HONEY-500",
        title_en="Wisconsin wildflower honey, 500 g",
        title_zh="威斯康星野花蜂蜜 500克",
        line=state.listed_line("0409"),
        price="20.00",
    )
    _cn, shirt = state.silk_road_shirt()
    return {"honey": honey, "shirt": shirt}


def _walk(j: Journey, *, prefix: str, product_path: str, add: str, fill) -> str:
    """Product → cart → checkout → pay, each step shot in both languages; the totals shown."""
    page = j.page
    j.goto(product_path)
    page.get_by_role("button", name=add).click()
    page.wait_for_url(f"{j.base}/{prefix}/cart/")
    cart_total = money(page.locator("[data-testid=cart-total]").inner_text())
    j.shot_both("cart")
    j.goto(f"/{prefix}/checkout/")
    j.shot_both("checkout")
    fill(page)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(rf"/{prefix}/purchases/TP[0-9A-F]+/pay/$"))
    j.shot_both("pay")
    assert cart_total in money(page.locator("body").inner_text()), cart_total
    return cart_total


def test_both_channels_walk_the_same_steps_in_both_languages(live_server, browser, goods):
    buyer = state.person("lina@example.cn", "consumer_cn", "en")
    state.identity_for(buyer, "张三", "11010519491231002X")
    cn = Journey(browser, live_server.url, "channel-steps-cn")
    cn.log_in("lina@example.cn", "/cn/")

    def fill_cn(page):
        page.get_by_label("Recipient").fill("李娜")
        page.get_by_label("Mobile phone").fill("13900139000")
        page.get_by_label("Delivery address").fill("上海市黄浦区南京东路100号")

    total_cn = _walk(
        cn,
        prefix="cn",
        product_path=f"/products/{goods['honey'].pk}/",
        add="Add to cart",
        fill=fill_cn,
    )
    assert total_cn.startswith("¥"), total_cn
    cn.finish()

    state.person("maria@example.com", "consumer_us", "en")
    us = Journey(browser, live_server.url, "channel-steps-us")
    us.log_in("maria@example.com", "/us/imports/")

    def fill_us(page):
        page.get_by_label("Full name").fill("Maria Lopez")
        page.get_by_label("Phone").fill("608-555-0100")
        page.get_by_label("Street address, city and ZIP code").fill("1 State St, Madison, WI 53703")
        page.get_by_label("State").select_option("WI")

    total_us = _walk(
        us,
        prefix="us",
        product_path=f"/us/products/{goods['shirt'].pk}/",
        add="Add to cart",
        fill=fill_us,
    )
    assert total_us.startswith("$"), total_us
    us.finish()
