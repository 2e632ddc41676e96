"""Journeys of buyers in China, in headless chromium, each from a realistic starting point:
a returning buyer with a saved real-name identity and earlier orders, a first-time buyer who
signs up, and a buyer whose annual CBEC quota is nearly used. Each fails on any HTTP answer
>= 400, any console error and any untranslated English on a Chinese page (tests/browser/journey.py);
screenshots of the key pages in both languages land in var/screenshots/<journey>/."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from twoway.checkout.models import Order, OrderStatus, QuotaUsage
from twoway.identity.models import RealNameIdentity, User

from . import journey_state as state
from .journey import PASSWORD, Journey, fill_consignee_cn, pay_with_alipay_cn

pytestmark = [pytest.mark.browser, pytest.mark.journey, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop(market):
    """A Wisconsin honey farm and a Wisconsin ginseng-and-gifts maker, on the positive list."""
    honey_farm = state.us_seller(
        "Badger State Honey LLC", "獾州蜂蜜", "WI", "39-1234567", staff="honey@badger.example"
    )
    honey_line = state.listed_line("0409")
    honey = state.export_product(
        honey_farm,
        sku="HONEY-500",
        title_en="Wisconsin wildflower honey, 500 g",
        title_zh="威斯康星野花蜂蜜 500克",
        line=honey_line,
        price="20.00",
        weight="0.500",
    )
    jewels = state.export_product(
        honey_farm,
        sku="HONEY-GIFT",
        title_en="Honey gift crate, 12 jars",
        title_zh="蜂蜜礼盒 12罐",
        line=honey_line,
        price="560.00",
        weight="1.000",
        stock=30,
    )
    return {"honey": honey, "gift": jewels, "seller": honey_farm}


def _history_start(hours_needed: int) -> dt.datetime:
    """Earlier orders happen this calendar year (the quota is per year), as early as allowed."""
    now = timezone.now()
    year_start = now.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    return max(year_start + dt.timedelta(hours=1), now - dt.timedelta(hours=hours_needed))


def _cny(amount: Decimal) -> str:
    return f"¥{amount:,.2f}"


def _fill_consignee(page) -> None:
    fill_consignee_cn(page, "张三", "13800138000", "北京市东城区东长安街1号", "110101")


def test_returning_buyer_with_a_saved_identity_checks_out_with_it(live_server, browser, shop):
    from playwright.sync_api import expect

    honey = shop["honey"]
    buyer = state.person("lina@example.cn", "consumer_cn", "zh-hans")
    identity = state.identity_for(buyer, "张三", "11010519491231002X")
    start = _history_start(24 * 40)
    first = state.past_export_order(
        buyer=buyer, identity=identity, items={honey.pk: 2}, placed=start
    )
    second = state.past_export_order(
        buyer=buyer,
        identity=identity,
        items={honey.pk: 1},
        placed=min(start + dt.timedelta(days=20), timezone.now() - dt.timedelta(days=4)),
    )
    used = QuotaUsage.objects.get(id_number_hash=identity.id_number_hash).used_cny

    j = Journey(browser, live_server.url, "cn-returning-buyer", locale="zh-CN")
    j.log_in("lina@example.cn", "/cn/")
    page = j.page
    expect(page.locator("h1")).to_have_text("中国商城")
    card = page.locator(f'[data-testid=product-card][data-product="{honey.pk}"]')
    expect(card.locator("[data-testid=card-price-cny]")).to_have_text("¥268.60")
    expect(card).to_contain_text("含税费和运费")
    j.shot_both("storefront")

    # Earlier orders are there, delivered.
    j.goto("/cn/purchases/")
    expect(page.locator("body")).to_contain_text(first.number)
    expect(page.locator("body")).to_contain_text(second.number)
    j.shot_both("my-orders")

    j.goto(f"/products/{honey.pk}/")
    page.get_by_role("button", name="加入购物车").click()
    page.wait_for_url(f"{j.base}/cn/cart/")
    expect(page.locator("[data-testid=cart-total]")).to_have_text("¥268.60")
    j.shot_both("cart")

    # Checkout: the saved identity is a radio button, chosen; the quota counts earlier orders.
    page.get_by_role("link", name="去结算").click()
    page.wait_for_url(f"{j.base}/cn/checkout/")
    saved = page.get_by_role("radio", name=re.compile(r"张三 1101\*+002X"))
    expect(saved).to_be_checked()
    expect(page.get_by_role("radio", name="其他人 / 新的身份证")).not_to_be_checked()
    expect(page.locator("[data-testid=quota-used]")).to_have_text(_cny(used))
    expect(page.locator("[data-testid=quota-before]")).to_have_text(
        _cny(Decimal("26000.00") - used)
    )
    j.shot_both("checkout")
    _fill_consignee(page)
    page.get_by_role("button", name="提交订单").click()
    number = pay_with_alipay_cn(j, "¥268.60")

    j.wait_for_order_status("cleared")
    card = page.locator("[data-testid=order]")
    expect(card.locator("[data-testid=order-status]")).to_have_text("已清关")
    expect(card.locator("[data-testid=masked-id]")).to_have_text("1101**********002X")
    expect(page.locator("body")).not_to_contain_text("11010519491231002X")
    j.shot_both("tracking")
    # The purchase used the saved identity; no second identity was stored.
    assert RealNameIdentity.objects.filter(user=buyer).count() == 1
    assert Order.objects.get(purchase__number=number).identity_id == identity.pk
    j.finish()


def test_first_time_buyer_signs_up_and_registers_an_identity(live_server, browser, shop):
    from playwright.sync_api import expect

    honey = shop["honey"]
    j = Journey(browser, live_server.url, "cn-first-time-buyer", locale="zh-CN")
    page = j.page
    j.goto("/")
    j.switch_language("zh-hans")
    j.goto("/signup/")
    j.shot_both("signup-choose")
    page.locator("[data-testid=signup-consumer-cn]").click()
    page.wait_for_url(f"{j.base}/signup/consumer-cn/")
    j.check_page()
    j.shot_both("signup-form")
    page.get_by_label("电子邮箱").fill("wangfang@example.cn")
    page.get_by_label("密码", exact=True).fill("password")
    page.get_by_label("再次输入密码").fill("password")
    with j.expecting(400):
        page.get_by_role("button", name="创建账户").click()
    # Django's password validators speak: too common.
    expect(page.locator("#error-password")).to_be_visible()
    j.check_page()
    j.shot("signup-weak-password")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("再次输入密码").fill(PASSWORD)
    page.get_by_role("button", name="创建账户").click()
    page.wait_for_url(f"{j.base}/cn/")
    user = User.objects.get(username="wangfang@example.cn")
    assert user.role == "consumer_cn"
    assert user.check_password(PASSWORD)
    expect(page.locator(".who")).to_have_text("wangfang@example.cn")

    j.goto(f"/products/{honey.pk}/")
    page.get_by_role("button", name="加入购物车").click()
    page.wait_for_url(f"{j.base}/cn/cart/")
    page.get_by_role("link", name="去结算").click()
    page.wait_for_url(f"{j.base}/cn/checkout/")
    # No saved identity yet: name and ID number are asked for.
    expect(page.get_by_role("radio")).to_have_count(0)
    expect(page.locator("[data-testid=quota-before]")).to_have_text("¥26,000.00")
    j.shot_both("checkout-new-identity")
    page.get_by_label("身份证上的姓名").fill("王芳")
    page.get_by_label("居民身份证号码").fill("440103199001010014")
    _fill_consignee(page)
    page.get_by_role("button", name="提交订单").click()
    pay_with_alipay_cn(j, "¥268.60")
    j.wait_for_order_status("cleared")
    expect(page.locator("[data-testid=masked-id]")).to_have_text("4401**********0014")
    j.shot_both("tracking")
    identity = RealNameIdentity.objects.get(user=user)
    assert identity.full_name == "王芳"
    assert identity.id_number_masked == "4401**********0014"
    j.finish()


def test_buyer_near_the_annual_quota_sees_what_is_left_and_a_clear_refusal(
    live_server, browser, shop
):
    from playwright.sync_api import expect

    gift, honey = shop["gift"], shop["honey"]
    buyer = state.person("chenjie@example.cn", "consumer_cn", "zh-hans")
    identity = state.identity_for(buyer, "陈杰", "110101199003070011")
    start = _history_start(24 * 60)
    for n in range(6):  # six gift crates this year, one order each (each under ¥5,000)
        state.past_export_order(
            buyer=buyer,
            identity=identity,
            items={gift.pk: 1},
            placed=start + dt.timedelta(hours=n * 6),
            until=OrderStatus.SHIPPED,
            tracking=f"SF20000000{n}",
        )
    used = QuotaUsage.objects.get(id_number_hash=identity.id_number_hash).used_cny
    left = Decimal("26000.00") - used
    assert Decimal("0") < left < Decimal("5000"), left

    j = Journey(browser, live_server.url, "cn-quota-nearly-used", locale="zh-CN")
    j.log_in("chenjie@example.cn", "/cn/")
    page = j.page
    j.goto(f"/products/{gift.pk}/")
    page.get_by_role("button", name="加入购物车").click()
    page.wait_for_url(f"{j.base}/cn/cart/")
    # The refusal says how much is left of the year's quota and what this purchase needs.
    refusal = page.locator("[role=alert]").filter(has_text="跨境电商年度限额")
    expect(refusal).to_contain_text(_cny(left))
    expect(refusal).to_contain_text("¥26,000.00")
    expect(page.get_by_role("link", name="去结算")).to_have_count(0)
    j.shot_both("cart-refused")

    # Something smaller fits: the crate goes, a jar of honey comes, checkout shows what is left.
    page.get_by_role("button", name="删除").click()
    page.wait_for_url(f"{j.base}/cn/cart/")
    j.goto(f"/products/{honey.pk}/")
    page.get_by_role("button", name="加入购物车").click()
    page.wait_for_url(f"{j.base}/cn/cart/")
    page.get_by_role("link", name="去结算").click()
    page.wait_for_url(f"{j.base}/cn/checkout/")
    expect(page.locator("[data-testid=quota-before]")).to_have_text(_cny(left))
    expect(page.locator("[data-testid=quota-after]")).to_have_text(_cny(left - Decimal("246.20")))
    j.shot_both("checkout-quota-left")
    j.finish()
