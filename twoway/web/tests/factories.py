"""Small builders for the page tests (rows written straight through the ORM)."""

from __future__ import annotations

import itertools
from decimal import Decimal

from twoway.businesses.models import Business, Country, Membership, VerificationStatus
from twoway.catalog.models import Product, ProductStatus
from twoway.identity.models import Role, User
from twoway.reference.models import ChinaProvince, FreightRate, UsState
from twoway.reference.services import dataset_load

_seq = itertools.count(1)

STATES = [
    ("IA", "Iowa", "Midwest", "West North Central"),
    ("WI", "Wisconsin", "Midwest", "East North Central"),
    ("CA", "California", "West", "Pacific"),
]


def states() -> dict[str, UsState]:
    rows = {}
    for code, name, region, division in STATES:
        rows[code], _ = UsState.objects.get_or_create(
            code=code,
            defaults={"name": name, "region": region, "division": division, "source": "test"},
        )
    return rows


def province() -> ChinaProvince:
    row, _ = ChinaProvince.objects.get_or_create(
        code="33",
        defaults={"name_en": "Zhejiang", "name_zh": "浙江省", "region": "East", "source": "test"},
    )
    return row


def us_business(*, state: str = "IA", name: str | None = None, name_zh: str = "") -> Business:
    n = next(_seq)
    return Business.objects.create(
        legal_name=name or f"Prairie Goods {n} LLC",
        display_name_zh=name_zh,
        country=Country.US,
        us_state_id=state,
        city="Des Moines",
        postal_code="50309",
        employee_count=12,
        registration_number=f"12-{3000000 + n}",
        verification_status=VerificationStatus.VERIFIED,
    )


def cn_business() -> Business:
    n = next(_seq)
    return Business.objects.create(
        legal_name=f"Hangzhou Trading {n} Co., Ltd.",
        display_name_zh=f"杭州贸易{n}有限公司",
        country=Country.CN,
        cn_province=province(),
        city="Hangzhou",
        postal_code="310000",
        employee_count=40,
        registration_number=f"91330100MA{n:08d}",
        verification_status=VerificationStatus.VERIFIED,
    )


def cn_export_product(
    *,
    business: Business,
    title_en: str = "Wild blueberry jam",
    title_zh: str = "野生蓝莓果酱",
    hs_code: str = "200799",
    stock: int = 10,
    status: str = ProductStatus.ACTIVE,
) -> Product:
    n = next(_seq)
    return Product.objects.create(
        business=business,
        sku=f"SKU-{n}",
        title_en=title_en,
        title_zh=title_zh,
        description_en="Small-batch jam from the upper Midwest.",
        description_zh="来自美国中西部的小批量果酱。",
        hs_code=hs_code,
        cn_tariff_line=hs_code + "00",
        origin_country=Country.US,
        origin_us_state_id=business.us_state_id,
        unit_price=Decimal("8.50"),
        currency="USD",
        weight_kg=Decimal("0.450"),
        stock_on_hand=stock,
        market_cn_export=True,
        market_us_domestic=True,
        status=status,
    )


def freight_rates() -> None:
    """The platform's freight rate card (reference data), as `twoway loadreference` loads it."""
    if not FreightRate.objects.exists():
        dataset_load(name="freight_rates")


def us_import_product(
    *, business: Business, title_en: str = "Celadon tea cup", hs_code: str = "691200"
) -> Product:
    freight_rates()  # an import's landed cost includes the CN-US freight in force
    n = next(_seq)
    return Product.objects.create(
        business=business,
        sku=f"IMP-{n}",
        title_en=title_en,
        title_zh="青瓷茶杯",
        hs_code=hs_code,
        us_hts_line=hs_code + "0010",
        origin_country=Country.CN,
        origin_cn_province=business.cn_province,
        unit_price=Decimal("12.00"),
        currency="USD",
        weight_kg=Decimal("0.200"),
        stock_on_hand=5,
        market_us_import=True,
        status=ProductStatus.ACTIVE,
    )


def user(*, username: str, role: str = Role.CONSUMER_US, password: str = "pw-Twoway-2025") -> User:
    return User.objects.create_user(username=username, password=password, role=role)


def seller(*, username: str, business: Business) -> User:
    account = user(username=username, role=Role.SELLER_STAFF)
    Membership.objects.create(user=account, business=business, role="owner")
    return account
