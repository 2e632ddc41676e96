"""Issue 13, items 7 and 8 in chromium: an owner invites a fulfilment clerk, who signs up, ships
and cannot see the keys; the owner creates an API key and a webhook endpoint pointing at a local
HTTP receiver; an order is paid; the scheduled job delivers; the docs' sample receiver verifies
the signature; the delivery shows in the log; "send again" works. Both languages on every page.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.test import Client
from django.utils import timezone

from twoway.checkout import services as checkout
from twoway.checkout.channels import EXPORT
from twoway.checkout.models import Order, OrderStatus
from twoway.integrations.models import WebhookDelivery

from . import journey_state as state
from .journey import PASSWORD, Journey

pytestmark = [pytest.mark.browser, pytest.mark.journey, pytest.mark.django_db(transaction=True)]


def _run_schedule_once() -> None:
    """What `twoway worker --once` does for the webhooks job (Celery beat in production)."""
    state.run_scheduled("webhooks-deliver")


def test_owner_invites_a_clerk_and_connects_a_signed_webhook(
    live_server, browser, receiver, market
):
    from playwright.sync_api import expect

    line = state.listed_line("0409")
    shop = state.us_seller(
        "Badger State Honey LLC", "獾州蜂蜜", "WI", "39-1234567", staff="owner@badgerhoney.example"
    )
    honey = state.export_product(
        shop,
        sku="BH-1",
        title_en="Wisconsin wildflower honey",
        title_zh="威斯康星野花蜂蜜",
        line=line,
        price="16.00",
    )
    buyer = state.person("wangfang@example.cn", "consumer_cn", "zh-hans")
    identity = state.identity_for(buyer, "王芳", "110101199003070011")
    cleared = state.past_export_order(
        buyer=buyer,
        identity=identity,
        items={honey.pk: 1},
        placed=timezone.now() - dt.timedelta(hours=50),
        until=OrderStatus.CLEARED,
    )
    cleared_order = Order.objects.get(purchase=cleared)

    # --- the owner invites a fulfilment clerk ------------------------------------------------
    owner = Journey(browser, live_server.url, "seller-staff-webhooks-owner")
    page = owner.page
    owner.log_in("owner@badgerhoney.example", "/seller/")
    expect(page.locator("[data-testid=nav-integrations]")).to_be_visible()
    page.locator("[data-testid=nav-staff]").click()
    page.wait_for_url(f"{owner.base}/seller/staff/")
    owner.shot_both("staff")
    page.get_by_label("E-mail address").fill("pat@badgerhoney.example")
    page.get_by_label("Role").last.select_option("fulfilment")
    page.get_by_role("button", name="Send invitation").click()
    page.wait_for_url(f"{owner.base}/seller/staff/")
    link = page.locator("[data-testid=invite-link] .mono").inner_text().strip()
    assert "/seller/join/" in link
    owner.shot("staff-invited")

    # --- the clerk signs up from the link, accepts, ships, and cannot open the keys ---------
    clerk = Journey(browser, live_server.url, "seller-staff-webhooks-clerk")
    cpage = clerk.page
    cpage.goto(link)
    clerk.check_page()
    clerk.shot_both("invitation")
    cpage.locator("[data-testid=join-signup]").click()
    cpage.get_by_label("Email").fill("pat@badgerhoney.example")
    cpage.get_by_label("Password", exact=True).fill(PASSWORD)
    cpage.get_by_label("Password again").fill(PASSWORD)
    cpage.get_by_role("button", name="Create account").click()
    cpage.wait_for_url(re.compile(r"/seller/join/"))
    cpage.locator("[data-testid=accept]").click()
    cpage.wait_for_url(f"{clerk.base}/seller/")
    expect(cpage.locator("[data-testid=my-role]")).to_contain_text("fulfilment")
    expect(cpage.locator("[data-testid=nav-integrations]")).to_have_count(0)
    expect(cpage.locator("[data-testid=nav-staff]")).to_have_count(0)
    clerk.shot_both("seller-center-clerk")
    with clerk.expecting(403):
        clerk.goto("/seller/integrations/")
        expect(cpage.locator("[data-testid=forbidden-reason]")).to_contain_text("integrations")
        assert "twk_" not in cpage.content()
        clerk.shot_both("integrations-refused")
    clerk.goto("/seller/orders/")
    row = cpage.locator(f'[data-testid=queue-order][data-order="{cleared_order.number}"]')
    row.locator("select[name=carrier]").select_option("ups")
    row.locator("input[name=tracking_number]").fill("1Z879E930346834440")
    row.get_by_role("button", name="Mark shipped").click()
    cpage.wait_for_url(re.compile(r"/seller/orders/\?shipped="))
    clerk.shot_both("order-shipped-by-clerk")
    cleared_order.refresh_from_db()
    assert cleared_order.status == OrderStatus.SHIPPED

    # --- the owner creates a key and a webhook endpoint -------------------------------------
    owner.goto("/seller/integrations/")
    owner.shot_both("integrations-empty")
    page.get_by_label("Name").fill("warehouse")
    page.locator("input[name=scopes][value='orders:read']").check()
    page.get_by_role("button", name="Create key").click()
    page.wait_for_url(f"{owner.base}/seller/integrations/")
    plaintext = page.locator("[data-testid=new-key] .mono").inner_text().strip()
    assert plaintext.startswith("twk_")
    page.get_by_label("URL").fill(receiver.url)
    page.get_by_role("button", name="Add endpoint").click()
    page.wait_for_url(f"{owner.base}/seller/integrations/")
    secret = page.locator("[data-testid=new-secret] .mono").inner_text().strip()
    assert secret.startswith("whsec_")
    owner.shot("integrations-secret-shown")
    api = Client(headers={"Authorization": f"Bearer {plaintext}"})
    assert api.get("/api/v1/seller/orders").status_code == 200
    assert (
        api.post(
            f"/api/v1/seller/orders/{cleared_order.number}/ship",
            {"tracking_number": "X1234"},
            content_type="application/json",
        ).status_code
        == 403
    )  # orders:read only

    # --- an order is paid; the scheduled job delivers; the receiver verifies ----------------
    purchase = checkout.purchase_place(
        channel=EXPORT,
        buyer=buyer,
        items={honey.pk: 2},
        identity=identity,
        consignee=state.CONSIGNEE,
    )
    checkout.purchase_mark_paid(
        purchase=purchase,
        now=timezone.now(),
        actor_label="provider:alipay",
        reason="Paid with Alipay.",
    )
    paid_order = Order.objects.get(purchase=purchase)
    _run_schedule_once()
    assert len(receiver.requests) == 1
    headers, body = receiver.requests[0]
    verify = state.sample_verify()
    assert verify(secret, headers["Twoway-Signature"], body)
    event = json.loads(body)
    assert (event["type"], event["data"]["order"]["number"]) == ("order.paid", paid_order.number)

    owner.goto("/seller/integrations/")
    delivered = page.locator("[data-testid=delivery][data-status=delivered]")
    expect(delivered).to_have_count(1)
    expect(delivered).to_contain_text(event["id"])
    owner.shot_both("delivery-log")
    delivered.locator("[data-testid=replay]").click()
    page.wait_for_url(f"{owner.base}/seller/integrations/")
    expect(page.locator("[data-testid=delivery][data-status=pending]")).to_have_count(1)
    _run_schedule_once()
    assert len(receiver.requests) == 2
    headers2, body2 = receiver.requests[1]
    assert verify(secret, headers2["Twoway-Signature"], body2)
    assert json.loads(body2)["id"] == event["id"]  # same event: receivers de-duplicate
    owner.goto("/seller/integrations/")
    expect(page.locator("[data-testid=delivery][data-status=delivered]")).to_have_count(2)
    owner.shot_both("delivery-log-replayed")
    assert WebhookDelivery.objects.filter(replay_of__isnull=False).count() == 1
    clerk.finish()
    owner.finish()
