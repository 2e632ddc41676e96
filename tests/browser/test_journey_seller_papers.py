"""A US seller with a paid order prints the invoice and packing list, enters a wrong tracking
number then the right one, ships; after the month closes the scheduled job issues the statement
and the seller sees the order's money on it (and the insights page). Both languages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone

from twoway.checkout import services as checkout
from twoway.checkout.channels import EXPORT
from twoway.checkout.models import Order
from twoway.fulfilment.tests.fixtures import pay_export
from twoway.payouts.models import PayoutStatement
from twoway.payouts.services import statements_issue_due

from . import journey_state as state
from .journey import Journey

pytestmark = [pytest.mark.browser, pytest.mark.journey, pytest.mark.django_db(transaction=True)]


def test_seller_prints_papers_ships_and_sees_the_money_on_the_statement(
    live_server, browser, market
):
    from playwright.sync_api import expect

    seller = state.us_seller(
        "Driftless Maple Co.", "无垠枫糖公司", "WI", "39-1234567", staff="owner@driftless.example"
    )
    product = state.export_product(
        seller,
        sku="HONEY-1",
        title_en="Wisconsin wildflower honey, 500 g",
        title_zh="威斯康星野花蜂蜜 500克",
        line=state.listed_line("0409"),
        price="18.00",
    )
    buyer = state.person("wang@buyer.example", "consumer_cn", "zh-hans")
    identity = state.identity_for(buyer, "王芳", "110101199003070011")
    purchase = checkout.purchase_place(
        channel=EXPORT,
        buyer=buyer,
        items={product.pk: 3},
        identity=identity,
        consignee=state.CONSIGNEE,
    )
    pay_export(purchase)  # the sandbox customs declares and clears it after commit
    order = Order.objects.get(purchase=purchase)
    assert order.status == "cleared"

    j = Journey(browser, live_server.url, "seller-papers-payouts")
    page = j.page
    j.log_in("owner@driftless.example", "/seller/orders/")
    row = page.locator(f'[data-testid=queue-order][data-order="{order.number}"]')
    expect(row.locator("[data-testid=order-papers]")).to_be_visible()
    j.shot_both("order-queue-papers")
    for kind in ("invoice", "packing-list", "label"):
        href = row.locator(f"[data-testid=paper-{kind}]").get_attribute("href")
        answer = j.context.request.get(live_server.url + href)
        assert answer.status == 200
        assert answer.headers["content-type"] == "application/pdf"
        assert answer.body().startswith(b"%PDF")

    # A typo in the check digit is refused, naming the rule; the right number ships the order.
    row.locator("select[name=carrier]").select_option("china_post")
    row.locator("input[name=tracking_number]").fill("EA123456784CN")
    with j.expecting(400):
        row.get_by_role("button", name="Mark shipped").click()
        page.wait_for_load_state()
    row = page.locator(f'[data-testid=queue-order][data-order="{order.number}"]')
    expect(row.locator(".field-error")).to_contain_text("check digit should be 5")
    j.shot("tracking-refused")
    row.locator("select[name=carrier]").select_option("china_post")
    row.locator("input[name=tracking_number]").fill("EA123456785CN")
    row.get_by_role("button", name="Mark shipped").click()
    page.wait_for_url(re.compile(r"/seller/orders/\?shipped="))
    expect(page.locator(f'[data-testid=queue-order][data-order="{order.number}"]')).to_contain_text(
        "EA123456785CN"
    )
    order.refresh_from_db()
    assert (order.status, order.carrier) == ("shipped", "china_post")

    # The month closes: the scheduled job issues the statement (the clock moved to next month).
    today = timezone.now().date()
    next_month = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    with time_machine.travel(dt.datetime.combine(next_month, dt.time(0, 5), dt.UTC), tick=False):
        assert statements_issue_due() == 1
    statement = PayoutStatement.objects.get(business=seller)

    j.goto("/seller/")
    page.get_by_test_id("payouts-link").click()
    page.wait_for_url(re.compile(r"/seller/payouts/"))
    expect(
        page.locator(f'[data-testid=statement][data-number="{statement.number}"]')
    ).to_contain_text(f"${statement.amount_due:,.2f}")
    j.shot_both("payouts")
    page.locator(f'[data-testid=statement][data-number="{statement.number}"] a').first.click()
    page.wait_for_url(re.compile(rf"/seller/payouts/{statement.number}/"))
    expect(page.get_by_test_id("amount-due")).to_contain_text(f"{statement.amount_due:,.2f}")
    expect(
        page.locator(f'[data-testid=statement-line][data-reference="{order.number}"]')
    ).to_be_visible()
    j.shot_both("statement")
    csv_answer = j.context.request.get(f"{live_server.url}/seller/payouts/{statement.number}.csv")
    assert order.number in csv_answer.text()

    j.goto("/seller/insights/")
    expect(page.get_by_test_id("china-share")).to_contain_text("100%")
    j.shot_both("insights")
    j.finish()
