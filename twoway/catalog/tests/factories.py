"""Products: a US-made export to China and a Chinese-made import to the US."""

from __future__ import annotations

from decimal import Decimal

import factory

from twoway.businesses.tests.factories import (
    CnBusinessFactory,
    UsBusinessFactory,
    cn_province,
    us_state,
)
from twoway.catalog.models import Currency, Product, ProductStatus


class UsExportProductFactory(factory.django.DjangoModelFactory):
    """Iowa honey for the China CBEC market."""

    class Meta:
        model = Product

    business = factory.SubFactory(UsBusinessFactory)
    sku = factory.Sequence(lambda n: f"HONEY-{n:04d}")
    title_en = "Raw clover honey 500 g"
    title_zh = "生三叶草蜂蜜 500克"
    hs_code = "040900"
    cn_tariff_line = "04090000"
    origin_country = "US"
    origin_us_state = factory.LazyAttribute(lambda o: o.business.us_state or us_state())
    unit_price = Decimal("12.50")
    currency = Currency.USD
    weight_kg = Decimal("0.650")
    stock_on_hand = 100
    market_cn_export = True
    market_us_domestic = True
    status = ProductStatus.ACTIVE


class CnImportProductFactory(factory.django.DjangoModelFactory):
    """A Guangdong-made desk lamp imported to the US."""

    class Meta:
        model = Product

    business = factory.SubFactory(CnBusinessFactory)
    sku = factory.Sequence(lambda n: f"LAMP-{n:04d}")
    title_en = "LED desk lamp"
    title_zh = "LED台灯"
    hs_code = "940521"
    us_hts_line = "9405210010"
    origin_country = "CN"
    origin_cn_province = factory.LazyAttribute(lambda o: o.business.cn_province or cn_province())
    unit_price = Decimal("129.00")
    currency = Currency.CNY
    weight_kg = Decimal("1.200")
    stock_on_hand = 50
    market_us_import = True
    status = ProductStatus.ACTIVE
