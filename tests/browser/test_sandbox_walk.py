"""Issue 11: the dev-only sandbox app still lets a buyer pay, in both languages — the pay page
hands over to the sandbox wallet (now in ``twoway.sandbox``), the wallet's notification goes to
the payments notification service, customs clears the order through the sandbox customs gateway,
and the purchase page shows the cleared order with its customs state (from CustomsDeclaration).
An operator then sees the declaration on the sandbox customs page.
Screenshots: test-artifacts/screenshots/sandbox-<lang>-*.png."""

from __future__ import annotations

import pytest

from twoway.checkout import services as checkout
from twoway.checkout.channels import EXPORT
from twoway.customs.models import CustomsDeclaration
from twoway.identity.models import User

from .test_purchase_flow import PASSWORD, _log_in, _wait_for_status, shop  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "en": {
        "alipay": "Alipay (sandbox)",
        "pay": "Pay ¥268.60",
        "cleared": "Cleared customs",
        "customs": "accepted, released",
        "wallet": "Confirm payment",
    },
    "zh-hans": {
        "alipay": "支付宝（沙箱）",
        "pay": "支付 ¥268.60",
        "cleared": "已清关",
        "customs": "已通过，已放行",
        "wallet": "确认付款",
    },
}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_pay_in_the_sandbox_wallet_and_see_the_order_cleared(
    live_server,
    browser,
    shop,  # noqa: F811
    screenshots_dir,
    language,
    make_buyer,
):
    from playwright.sync_api import expect

    words, base, tag = WORDS[language], live_server.url, language.split("-")[0]
    buyer, identity = make_buyer()
    buyer.set_password(PASSWORD)
    buyer.preferred_language = language
    buyer.save()
    purchase = checkout.purchase_place(
        channel=EXPORT,
        buyer=buyer,
        items={shop["honey"].pk: 1},
        identity=identity,
        consignee=checkout.Consignee("张三", "13800138000", "北京市东城区东长安街1号", "110101"),
    )
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(60_000)
    page = context.new_page()
    _log_in(page, base, buyer.username, f"/cn/purchases/{purchase.number}/pay/")
    page.get_by_label(words["alipay"]).check()
    page.get_by_role("button", name=words["pay"]).click()
    page.wait_for_url(f"{base}/payments/sandbox/alipay/gateway.do")
    expect(page.locator("[data-testid=wallet-amount]")).to_have_text("¥268.60")
    expect(page.locator("button[name=confirm]")).to_have_text(words["wallet"])
    page.screenshot(path=str(screenshots_dir / f"sandbox-{tag}-1-wallet.png"), full_page=True)
    page.locator("button[name=confirm]").click()
    page.wait_for_url(f"{base}/cn/purchases/{purchase.number}/")
    _wait_for_status(page, "cleared")
    card = page.locator("[data-testid=order]")
    expect(card.locator("[data-testid=order-status]")).to_have_text(words["cleared"])
    expect(card.locator("[data-testid=customs-status]")).to_contain_text(words["customs"])
    page.screenshot(path=str(screenshots_dir / f"sandbox-{tag}-2-cleared.png"), full_page=True)
    context.close()
    order = purchase.orders.get()
    assert CustomsDeclaration.objects.get(order=order).status == "accepted"

    operator = User.objects.create(
        username=f"ops-{tag}", role="operator", preferred_language=language
    )
    operator.set_password(PASSWORD)
    operator.save()
    ops = browser.new_context(viewport={"width": 1280, "height": 900})
    ops.set_default_timeout(60_000)
    ops_page = ops.new_page()
    _log_in(ops_page, base, operator.username, "/sandbox/customs/")
    expect(ops_page.locator(f'[data-order="{order.number}"]')).to_contain_text("CEB311 120")
    ops_page.screenshot(path=str(screenshots_dir / f"sandbox-{tag}-3-customs.png"), full_page=True)
    ops.close()
