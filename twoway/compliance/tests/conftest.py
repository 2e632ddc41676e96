"""Fixtures for the labor-risk and review tests: import listings from a Guangdong seller,
a regulator, a consumer (reference data loaded as `twoway loadreference` does)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from twoway.businesses.models import Business
from twoway.catalog.models import Product
from twoway.identity.models import User

COTTON_SHIRT = {
    "title_en": "Cotton shirt",
    "hs_code": "620520",
    "us_hts_line": "6205202016",
    "manufacturer": "Pearl River Garment Co., Ltd.",
}
HOSHINE_VARIANT = "Hoshine Silicon Industry (Shanshan) Co Ltd"


@pytest.fixture
def cn_seller(reference_data) -> Business:
    return Business.objects.create(
        legal_name="Guangzhou Pearl Trading Co., Ltd.",
        country="CN",
        cn_province_id="44",
        city="Guangzhou",
        postal_code="510000",
        employee_count=20,
        registration_number="91440101MA5CXXXX1X",
        verification_status="verified",
    )


@pytest.fixture
def make_import(cn_seller):
    counter = iter(range(1, 10_000))

    def make(**extra) -> Product:
        fields = {
            "business": cn_seller,
            "sku": f"IMP-{next(counter)}",
            "title_zh": "棉衬衫",
            "origin_country": "CN",
            "origin_cn_province_id": "44",
            "unit_price": Decimal("25.00"),
            "currency": "USD",
            "weight_kg": Decimal("0.300"),
            "stock_on_hand": 20,
            "market_us_import": True,
            "status": "active",
            **COTTON_SHIRT,
        }
        fields.update(extra)
        return Product.objects.create(**fields)

    return make


@pytest.fixture
def regulator(db) -> User:
    return User.objects.create(username="reg1", role="regulator")


@pytest.fixture
def consumer(db) -> User:
    return User.objects.create(username="shopper1", role="consumer_us")
