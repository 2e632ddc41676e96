"""The invariants of DESIGN.md, checked after a random mix of purchases, expiries, cancellations
and refunds: stock on hand + units held by orders = units received; quota used per person = the
sum of their unreleased orders, never above the limit; a paid purchase's amount = its payment's."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from twoway.checkout import services
from twoway.checkout.channels import EXPORT
from twoway.checkout.models import Order, OrderLine, OrderStatus, QuotaUsage
from twoway.core.errors import DomainError

from .fixtures import ID_NUMBERS

pytestmark = pytest.mark.django_db
CONSIGNEE = services.Consignee("张三", "13800138000", "北京市东城区东长安街1号", "110101")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_invariants_hold_after_a_random_day_of_trade(seed, make_seller, make_product, make_buyer):
    rng = random.Random(seed)
    sellers = [make_seller(f"Seller {i} LLC", state) for i, state in enumerate(["WI", "IA", "MI"])]
    products = [
        make_product(
            rng.choice(sellers), stock=rng.randint(0, 12), price=f"{rng.randint(5, 900)}.00"
        )
        for _ in range(8)
    ]
    received = {p.pk: p.stock_on_hand for p in products}
    buyers = [make_buyer(ID_NUMBERS[i % 4]) for i in range(6)]
    start = timezone.now() - dt.timedelta(hours=3)
    refused = 0
    for step in range(40):
        now = start + dt.timedelta(minutes=step * 4)
        user, identity = rng.choice(buyers)
        action = rng.random()
        if action < 0.6:
            items = {p.pk: rng.randint(1, 3) for p in rng.sample(products, rng.randint(1, 3))}
            try:
                services.purchase_place(
                    channel=EXPORT,
                    buyer=user,
                    items=items,
                    identity=identity,
                    consignee=CONSIGNEE,
                    now=now,
                )
            except DomainError:
                refused += 1
        elif action < 0.75:
            services.reservations_expire(now=now)
        else:
            open_orders = list(Order.objects.filter(status=OrderStatus.CREATED))
            if open_orders:
                order = rng.choice(open_orders)
                if rng.random() < 0.5:
                    services.order_transition(
                        order=order, to=OrderStatus.PAID, actor_label="test", now=now
                    )
                    services.order_refund(order=order, by=None, reason="buyer changed their mind")
                else:
                    services.order_cancel(order=order, by=order.buyer)

    # Stock on hand + units held by orders that still hold stock = units received.
    held = defaultdict(int)
    for line in OrderLine.objects.filter(order__stock_released=False):
        held[line.product_id] += line.quantity
    for product in products:
        product.refresh_from_db()
        assert product.stock_on_hand >= 0
        assert product.stock_on_hand + held[product.pk] == received[product.pk]

    # Quota used per person per year = sum of their orders that still hold quota; ≤ the limit.
    by_person = defaultdict(Decimal)
    for order in Order.objects.filter(quota_released=False):
        by_person[(order.buyer_id_hash, order.quota_year)] += order.quota_amount
    for usage in QuotaUsage.objects.all():
        assert usage.used_cny == by_person.get((usage.id_number_hash, usage.year), Decimal("0.00"))
        assert usage.used_cny <= Decimal("26000.00")

    # Released orders are exactly the cancelled and refunded ones.
    assert set(Order.objects.filter(stock_released=True).values_list("status", flat=True)) <= {
        OrderStatus.CANCELLED,
        OrderStatus.REFUNDED,
    }
    assert Order.objects.aggregate(n=Sum("quota_amount"))["n"] is not None or refused
