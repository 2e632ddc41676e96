"""The after-sales pages as the buyer and the seller use them: cancel a paid order from the
purchase page (Chinese), ask for a return, the seller approves and receives, the buyer sees the
refund; another seller cannot touch the return."""

from __future__ import annotations

import pytest
from django.test import Client

from twoway.businesses.models import Membership
from twoway.checkout import services as checkout
from twoway.checkout.channels import EXPORT
from twoway.checkout.models import OrderStatus, ReturnRequest
from twoway.identity.models import User
from twoway.payments.models import Refund
from twoway.payments.tests.test_lifecycle import CONSIGNEE, pay

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("keys_and_csl")]


def login(user, lang="zh-hans") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    client.force_login(user)
    return client


@pytest.fixture
def shop(make_seller, make_product, make_buyer):
    seller = make_seller()
    product = make_product(seller, stock=5, price="25.00")
    buyer, identity = make_buyer()
    staff = User.objects.create(username="packer", role="seller_staff")
    Membership.objects.create(user=staff, business=seller)
    return product, buyer, identity, staff


def test_buyer_cancels_a_paid_order_on_the_chinese_purchase_page(
    shop, django_capture_on_commit_callbacks
):
    product, buyer, identity, _ = shop
    purchase = checkout.purchase_place(
        channel=EXPORT, buyer=buyer, items={product.pk: 1}, identity=identity, consignee=CONSIGNEE
    )
    with django_capture_on_commit_callbacks(execute=False):
        pay(purchase)
    client = login(buyer)
    page = client.get(f"/cn/purchases/{purchase.number}/").content.decode()
    assert 'data-testid="cancel-order"' in page
    assert "取消并全额退款" in page
    order = purchase.orders.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/payments/orders/{order.number}/cancel/", follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "已退款" in page  # status badge / refunded line
    assert f"¥{order.total_payable:,.2f}" in page
    assert Refund.objects.get().status == "succeeded"


def test_return_journey_through_the_pages(shop, django_capture_on_commit_callbacks):
    product, buyer, identity, staff = shop
    purchase = checkout.purchase_place(
        channel=EXPORT, buyer=buyer, items={product.pk: 2}, identity=identity, consignee=CONSIGNEE
    )
    with django_capture_on_commit_callbacks(execute=True):
        pay(purchase)
    order = purchase.orders.get()
    checkout.order_ship(order=order, by=staff, tracking_number="SF1234567890")
    buyer_client = login(buyer)
    buyer_client.post(f"/cn/orders/{order.number}/receipt/")
    line = order.lines.get()
    response = buyer_client.post(
        f"/payments/orders/{order.number}/return/",
        {f"qty_{line.pk}": "1", "reason": "罐子碎了"},
        follow=True,
    )
    assert response.status_code == 200
    ret = ReturnRequest.objects.get()
    assert ret.lines.get().quantity == 1

    stranger = User.objects.create(username="other", role="seller_staff")
    assert login(stranger, "en").post(f"/payments/returns/{ret.number}/approve/").status_code == 404

    seller_client = login(staff, "en")
    queue = seller_client.get("/seller/orders/?status=delivered").content.decode()
    assert 'data-testid="approve-return"' in queue
    seller_client.post(f"/payments/returns/{ret.number}/approve/")
    with django_capture_on_commit_callbacks(execute=True):
        seller_client.post(f"/payments/returns/{ret.number}/receive/")
    page = buyer_client.get(f"/cn/purchases/{purchase.number}/").content.decode()
    refund = Refund.objects.get()
    assert refund.status == "succeeded"
    assert f"¥{refund.amount:,.2f}" in page
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED  # one of two came back
