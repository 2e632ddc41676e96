"""A Chinese consumer buys a Midwest product end to end in chromium, in Chinese: storefront →
product (landed price) → cart (tax) → checkout (real name, consignee) → Alipay sandbox → tracking
(cleared) → the seller ships it → delivered. Screenshots: test-artifacts/screenshots/purchase-*.png.
"""

from __future__ import annotations

import re
import time

import pytest

from twoway.businesses.models import Membership
from twoway.checkout.models import Order, OrderStatus
from twoway.identity.models import User

from .journey import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop(market, make_seller, make_product):
    seller = make_seller("Badger State Honey LLC", "WI")
    honey = make_product(
        seller,
        price="20.00",
        stock=10,
        weight="0.500",
        title_en="Wisconsin wildflower honey",
        title_zh="威斯康星野花蜂蜜",
    )
    buyer = User.objects.create(username="zhangsan", role="consumer_cn")
    buyer.set_password(PASSWORD)
    buyer.save()
    staff = User.objects.create(username="badger", role="seller_staff")
    staff.set_password(PASSWORD)
    staff.save()
    Membership.objects.create(user=staff, business=seller, role="owner")
    return {"honey": honey, "seller": seller}


def _shot(page, directory, name):
    page.screenshot(path=str(directory / f"purchase-{name}.png"), full_page=True)


def _log_in(page, base, username, next_path):
    page.goto(f"{base}/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url(base + next_path)


def _wait_for_status(page, status, timeout_s=30):
    """Reload until the order shows ``status`` (the page also polls itself with htmx)."""
    deadline = time.monotonic() + timeout_s
    locator = page.locator(f'[data-testid=order][data-status="{status}"]')
    while time.monotonic() < deadline:
        if locator.count():
            return
        page.wait_for_timeout(1000)
        page.reload()
    raise AssertionError(f"order did not reach {status} within {timeout_s}s")


def test_chinese_consumer_buys_a_midwest_product_from_browse_to_delivered(
    live_server, browser, shop, screenshots_dir
):
    from playwright.sync_api import expect

    base = live_server.url
    honey = shop["honey"]
    buyer_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    buyer_context.set_default_timeout(15_000)
    page = buyer_context.new_page()

    # Sign in; the China storefront is in Chinese for a consumer in China.
    _log_in(page, base, "zhangsan", "/cn/")
    expect(page.locator("h1")).to_have_text("中国商城")
    expect(page.locator(".product-grid")).to_contain_text("威斯康星野花蜂蜜")
    _shot(page, screenshots_dir, "01-storefront")

    # The product page: landed price in CNY with the CBEC tax, and the rate it used.
    page.get_by_role("link", name="威斯康星野花蜂蜜").first.click()
    page.wait_for_url(f"{base}/products/{honey.pk}/")
    landed = page.locator("[data-testid=landed-price]")
    expect(landed.locator("[data-testid=price-cny]")).to_have_text("¥143.77")
    expect(landed.locator("[data-testid=tax]")).to_contain_text("¥22.40")
    expect(landed.locator("[data-testid=landed-total]")).to_have_text("¥268.60")
    expect(landed.locator("[data-testid=rate]")).to_contain_text("1 美元 = 7.1884 元人民币")
    _shot(page, screenshots_dir, "02-product")

    # Add to cart: the cart shows each charge of the shipment.
    page.get_by_role("button", name="加入购物车").click()
    page.wait_for_url(f"{base}/cn/cart/")
    expect(page.locator("h1")).to_have_text("购物车")
    expect(page.locator("[data-charge=vat]")).to_have_text("¥22.40")
    expect(page.locator("[data-charge=freight]")).to_have_text("¥102.43")
    expect(page.locator("[data-testid=cart-tax]")).to_have_text("¥22.40")
    expect(page.locator("[data-testid=cart-total]")).to_have_text("¥268.60")
    _shot(page, screenshots_dir, "03-cart")

    # Checkout: real name, consignee, the quota left.
    page.get_by_role("link", name="去结算").click()
    page.wait_for_url(f"{base}/cn/checkout/")
    expect(page.locator("[data-testid=quota-before]")).to_have_text("¥26,000.00")
    expect(page.locator("[data-testid=quota-after]")).to_have_text("¥25,753.80")
    page.get_by_label("身份证上的姓名").fill("张三")
    page.get_by_label("居民身份证号码").fill("11010519491231002X")
    page.get_by_label("收件人").fill("张三")
    page.get_by_label("手机号码").fill("13800138000")
    page.get_by_label("收货地址").fill("北京市东城区东长安街1号")
    page.get_by_label("行政区划代码（6 位，可不填）").fill("110101")
    _shot(page, screenshots_dir, "04-checkout")
    page.get_by_role("button", name="提交订单").click()
    page.wait_for_url(re.compile(r"/cn/purchases/TP[0-9A-F]+/pay/$"))
    number = re.search(r"/cn/purchases/(TP[0-9A-F]+)/pay/", page.url).group(1)
    expect(page.locator("[data-testid=pay-total]")).to_have_text("¥268.60")
    expect(page.locator("[data-testid=deadline]")).to_contain_text("北京时间")
    _shot(page, screenshots_dir, "05-pay")

    # Alipay (sandbox): the pay page hands over to the wallet, which asks to confirm.
    page.get_by_label("支付宝（沙箱）").check()
    page.get_by_role("button", name="支付 ¥268.60").click()
    page.wait_for_url(f"{base}/payments/sandbox/alipay/gateway.do")
    expect(page.locator("[data-testid=wallet-amount]")).to_have_text("¥268.60")
    _shot(page, screenshots_dir, "06-wallet")
    page.locator("button[name=confirm]").click()

    # Back on Twoway: the tracking page, until customs has cleared the order.
    page.wait_for_url(f"{base}/cn/purchases/{number}/")
    _wait_for_status(page, "cleared")
    order_card = page.locator("[data-testid=order]")
    expect(order_card.locator("[data-testid=order-status]")).to_have_text("已清关")
    expect(order_card.locator("[data-testid=masked-id]")).to_have_text("1101**********002X")
    expect(order_card.locator("[data-testid=timeline] li")).to_have_count(4)
    expect(page.locator("body")).not_to_contain_text("11010519491231002X")
    _shot(page, screenshots_dir, "07-tracking-cleared")

    # The seller sees the order in the queue and ships it.
    order = Order.objects.get(purchase__number=number)
    seller_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    seller_context.set_default_timeout(15_000)
    seller_page = seller_context.new_page()
    _log_in(seller_page, base, "badger", "/seller/orders/")
    row = seller_page.locator(f'[data-testid=queue-order][data-order="{order.number}"]')
    expect(row).to_contain_text("Wisconsin wildflower honey")
    expect(row).to_contain_text("张*")
    expect(row).to_contain_text("1101**********002X")
    expect(row).to_contain_text("$20.00")
    _shot(seller_page, screenshots_dir, "08-seller-queue")
    row.locator("select[name=carrier]").select_option("sf_express")
    row.locator("input[name=tracking_number]").fill("SF1234567890123")
    row.get_by_role("button", name="Mark shipped").click()
    seller_page.wait_for_url(re.compile(r"/seller/orders/\?shipped="))
    expect(
        seller_page.locator(f'[data-testid=queue-order][data-order="{order.number}"]')
    ).to_contain_text("SF1234567890123")
    _shot(seller_page, screenshots_dir, "09-seller-shipped")
    seller_context.close()

    # The parcel arrives: the buyer confirms receipt (确认收货) on the tracking page.
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    page.reload()
    order_card.locator("[data-testid=confirm-receipt]").click()
    _wait_for_status(page, "delivered")
    expect(order_card.locator("[data-testid=order-status]")).to_have_text("已送达")
    expect(order_card.locator("[data-testid=tracking-number]")).to_have_text("SF1234567890123")
    expect(order_card.locator("[data-testid=timeline] li")).to_have_count(6)
    _shot(page, screenshots_dir, "10-delivered")
    buyer_context.close()
