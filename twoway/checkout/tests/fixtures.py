"""Fixtures for checkout: a Midwest seller with a positive-list product, a buyer in China with a
verified real-name identity."""

from __future__ import annotations

from decimal import Decimal

import pytest

from twoway.businesses.models import Business
from twoway.catalog.models import Product, StockAdjustment
from twoway.identity.models import User
from twoway.identity.services import real_name_identity_register
from twoway.reference.models import PositiveListEntry

ID_NUMBERS = [
    "11010519491231002X",
    "440103199001010014",
    "110101199003070011",
    "310104199001010011",
]


@pytest.fixture
def listed_line(reference_data) -> str:
    entry = PositiveListEntry.objects.filter(status="listed", hs_code_cn__startswith="0409").first()
    entry = (
        entry or PositiveListEntry.objects.filter(status="listed").order_by("hs_code_cn").first()
    )
    return entry.hs_code_cn[:8]


@pytest.fixture
def make_seller(reference_data):
    counter = iter(range(10, 99))

    def make(name: str = "Badger State Honey LLC", state: str = "WI") -> Business:
        return Business.objects.create(
            legal_name=name,
            country="US",
            us_state_id=state,
            city="Madison",
            postal_code="53703",
            employee_count=6,
            registration_number=f"04-12345{next(counter)}",
        )

    return make


@pytest.fixture
def make_product(listed_line):
    counter = iter(range(1, 10_000))

    def make(
        business: Business,
        *,
        price: str = "20.00",
        stock: int = 10,
        weight: str = "0.500",
        line: str | None = None,
        **extra,
    ) -> Product:
        n = next(counter)
        tariff_line = line or listed_line
        fields = {
            "business": business,
            "sku": f"SKU-{n}",
            "title_en": f"Wisconsin honey {n}",
            "title_zh": f"威斯康星蜂蜜{n}",
            "hs_code": tariff_line[:6],
            "cn_tariff_line": tariff_line,
            "origin_country": "US",
            "origin_us_state_id": business.us_state_id,
            "unit_price": Decimal(price),
            "currency": "USD",
            "weight_kg": Decimal(weight),
            "stock_on_hand": stock,
            "market_cn_export": True,
            "status": "active",
        }
        fields.update(extra)
        product = Product.objects.create(**fields)
        if product.stock_on_hand:  # recorded as product_create does (twoway reconcile reads it)
            StockAdjustment.objects.create(
                product=product,
                delta=product.stock_on_hand,
                reason="initial stock",
                stock_after=product.stock_on_hand,
            )
        return product

    return make


@pytest.fixture
def make_buyer(reference_data):
    counter = iter(range(1, 10_000))

    def make(id_number: str = ID_NUMBERS[0], name: str = "张三"):
        user = User.objects.create(username=f"buyer{next(counter)}", role="consumer_cn")
        identity = real_name_identity_register(user=user, full_name=name, id_number=id_number)
        return user, identity

    return make
