"""Fixtures: sellers in both countries, products, and orders ready to ship (written directly in
status cleared/paid, then moved by checkout's state machine as in production)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from twoway.businesses.models import Business
from twoway.catalog.models import Product
from twoway.checkout import services as checkout
from twoway.checkout.models import Order, OrderEvent, OrderLine, Purchase
from twoway.identity.models import User

T0 = dt.datetime(2025, 3, 14, 10, 0, tzinfo=dt.UTC)
_n = itertools.count(1)


@pytest.fixture
def us_seller(reference_data) -> Business:
    return Business.objects.create(
        legal_name="Badger State Honey LLC",
        country="US",
        us_state_id="WI",
        city="Madison",
        postal_code="53703",
        employee_count=6,
        registration_number="04-1234567",
        show_on_dashboard=True,
    )


@pytest.fixture
def cn_seller(reference_data) -> Business:
    return Business.objects.create(
        legal_name="Hangzhou Tea Co",
        country="CN",
        cn_province_id="33",
        city="Hangzhou",
        postal_code="310000",
        employee_count=40,
        registration_number="91330100MA2B3C4D5E",
    )


def _product(business: Business, hs_code: str) -> Product:
    n = next(_n)
    return Product.objects.create(
        business=business,
        sku=f"SKU-{n}",
        title_en=f"Thing {n}",
        hs_code=hs_code,
        origin_country=business.country,
        origin_us_state_id=business.us_state_id,
        origin_cn_province_id=business.cn_province_id,
        unit_price=Decimal("10.00"),
        currency="USD",
        weight_kg=Decimal("0.5"),
        stock_on_hand=100,
        status="active",
    )


@pytest.fixture
def make_order(reference_data):
    """make_order(business, [(hs_code, qty, customs_value_usd), ...], district=..., state=...)
    → an order in status cleared (export) or paid (import)."""

    def make(
        business: Business,
        lines,
        *,
        district: str = "310101",
        state: str = "CA",
        at: dt.datetime = T0,
    ) -> Order:
        importing = business.country == "CN"
        buyer, _ = User.objects.get_or_create(
            username="buyer-us" if importing else "buyer-cn",
            defaults={"role": "consumer_us" if importing else "consumer_cn"},
        )
        n = next(_n)
        direction = "us_import" if importing else "us_export"
        total = sum((Decimal(v) for _h, _q, v in lines), Decimal(0))
        purchase = Purchase.objects.create(
            number=f"TP{n:08d}",
            buyer=buyer,
            direction=direction,
            currency="USD",
            total_payable=total,
        )
        status = "paid" if importing else "cleared"
        order = Order.objects.create(
            number=f"TW{n:08d}",
            purchase=purchase,
            buyer=buyer,
            business=business,
            direction=direction,
            status=status,
            currency="USD",
            goods_value=total,
            freight=Decimal(0),
            tax_total=Decimal(0),
            total_payable=total,
            customs_value_usd=total,
            tax_channel="us_import" if importing else "cbec_within_limits",
            consignee_district="" if importing else district,
            consignee_state=state if importing else "",
        )
        for hs_code, qty, value in lines:
            product = _product(business, hs_code)
            OrderLine.objects.create(
                order=order,
                product=product,
                sku=product.sku,
                title=product.title_en,
                hs_code=hs_code,
                origin_state=business.us_state_id or "",
                origin_province=business.cn_province_id or "",
                quantity=qty,
                unit_price_usd=Decimal(value) / qty,
                unit_price=Decimal(value) / qty,
                goods_value=Decimal(value),
                customs_value_usd=Decimal(value),
            )
        OrderEvent.objects.create(
            order=order, from_status="", to_status=status, actor_label="test", created_at=at
        )
        return order

    return make


def move(order: Order, *statuses: str, at: dt.datetime = T0) -> Order:
    for i, status in enumerate(statuses):
        order = checkout.order_transition(
            order=order, to=status, actor_label="test", now=at + dt.timedelta(days=i)
        )
    return order
