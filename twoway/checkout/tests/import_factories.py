"""Helpers for the import-channel tests: a verified Chinese seller (valid USCC) with staff, a
cotton shirt listed for the US market, a US consumer, a verified US maker of shirts."""

from __future__ import annotations

from decimal import Decimal
from itertools import count

from django.utils import timezone

from twoway.businesses.models import Business, Membership
from twoway.catalog.models import Product, StockAdjustment
from twoway.demo.generate import uscc_for
from twoway.identity.models import User

_n = count(1)


def cn_seller(
    name: str = "Guangzhou Pearl River Garments Co., Ltd.", province: str = "44"
) -> Business:
    n = next(_n)
    return Business.objects.create(
        legal_name=name,
        country="CN",
        cn_province_id=province,
        city="Guangzhou",
        postal_code="510000",
        employee_count=40,
        registration_number=uscc_for(n, 5, f"{province}0100"),
        verification_status="verified",
        verified_at=timezone.now(),
    )


def staff_of(business: Business, username: str | None = None) -> User:
    user = User.objects.create(username=username or f"staff{next(_n)}", role="seller_staff")
    # Before roles (issue 13) staff could do everything: the owner role is that.
    Membership.objects.create(user=user, business=business, role="owner")
    return user


def shirt(
    business: Business, *, price: str = "40.00", stock: int = 50, status: str = "active", **extra
) -> Product:
    n = next(_n)
    fields = {
        "business": business,
        "sku": f"SHIRT-{n}",
        "title_en": "Men's Cotton Oxford Shirt",
        "title_zh": "男士纯棉牛津纺衬衫",
        "hs_code": "620520",
        "us_hts_line": "6205200020",
        "origin_country": "CN",
        "origin_cn_province_id": business.cn_province_id,
        "unit_price": Decimal(price),
        "currency": "USD",
        "weight_kg": Decimal("0.300"),
        "stock_on_hand": stock,
        "market_us_import": True,
        "status": status,
        "manufacturer": "Guangzhou Pearl River Garments Co., Ltd.",
        "raw_material_suppliers": "Jiangsu Lianfa Textile Co., Ltd.",
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


def us_consumer(username: str | None = None) -> User:
    return User.objects.create(username=username or f"us{next(_n)}", role="consumer_us")


def us_maker_shirt(state: str = "WI", price: str = "45.00") -> Product:
    """A Made-in-USA attested, verified US maker's cotton shirt (an alternative)."""
    n = next(_n)
    maker = Business.objects.create(
        legal_name=f"Badger Shirtworks {n} LLC",
        country="US",
        us_state_id=state,
        city="Madison",
        postal_code="53703",
        employee_count=12,
        registration_number=f"39-{1234500 + n:07d}",
        verification_status="verified",
        verified_at=timezone.now(),
        made_in_usa_attested=True,
        made_in_usa_attested_at=timezone.now(),
        made_in_usa_statement="Cut and sewn in Madison from US-grown cotton.",
    )
    return Product.objects.create(
        business=maker,
        sku=f"US-SHIRT-{n}",
        title_en="Men's Cotton Oxford Shirt, made in USA",
        title_zh="美国制造纯棉牛津纺衬衫",
        hs_code="620520",
        us_hts_line="",
        origin_country="US",
        origin_us_state_id=state,
        unit_price=Decimal(price),
        currency="USD",
        weight_kg=Decimal("0.300"),
        stock_on_hand=20,
        market_us_domestic=True,
        status="active",
    )
