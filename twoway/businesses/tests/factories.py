"""Businesses of both countries; the reference rows they need are created if missing."""

from __future__ import annotations

import factory
from stdnum.cn import uscc

from twoway.businesses.models import (
    Business,
    Country,
    Membership,
    MembershipRole,
    VerificationStatus,
)
from twoway.identity.tests.factories import SellerFactory
from twoway.reference.models import ChinaProvince, UsState

_STATES = {
    "IA": ("Iowa", "Midwest", "West North Central"),
    "IL": ("Illinois", "Midwest", "East North Central"),
    "OH": ("Ohio", "Midwest", "East North Central"),
    "WI": ("Wisconsin", "Midwest", "East North Central"),
    "TX": ("Texas", "South", "West South Central"),
    "CA": ("California", "West", "Pacific"),
    "NY": ("New York", "Northeast", "Middle Atlantic"),
}
_PROVINCES = {
    "44": ("Guangdong", "广东省", "South Central"),
    "33": ("Zhejiang", "浙江省", "East"),
    "11": ("Beijing", "北京市", "North"),
}


def us_state(code: str = "IA") -> UsState:
    name, region, division = _STATES[code]
    state, _ = UsState.objects.get_or_create(
        code=code,
        defaults={"name": name, "region": region, "division": division, "source": "tests"},
    )
    return state


def cn_province(code: str = "44") -> ChinaProvince:
    name_en, name_zh, region = _PROVINCES[code]
    province, _ = ChinaProvince.objects.get_or_create(
        code=code,
        defaults={"name_en": name_en, "name_zh": name_zh, "region": region, "source": "tests"},
    )
    return province


def ein(n: int) -> str:
    return f"41-{n % 10_000_000:07d}"


def uscc_number(n: int) -> str:
    body = f"91440300{n % 1_000_000_000:09d}"
    return body + uscc.calc_check_digit(body)


class UsBusinessFactory(factory.django.DjangoModelFactory):
    """A verified small maker in the Midwest (Iowa)."""

    class Meta:
        model = Business

    legal_name = factory.Sequence(lambda n: f"Prairie Goods {n} LLC")
    country = Country.US
    us_state = factory.LazyFunction(us_state)
    city = "Des Moines"
    postal_code = "50309"
    naics_code = "311"
    industry = "Food manufacturing"
    employee_count = 12
    registration_number = factory.Sequence(lambda n: ein(n + 1))
    verification_status = VerificationStatus.VERIFIED


class CnBusinessFactory(factory.django.DjangoModelFactory):
    """A verified seller in Guangdong."""

    class Meta:
        model = Business

    legal_name = factory.Sequence(lambda n: f"Shenzhen Maker {n} Co., Ltd.")
    display_name_zh = factory.Sequence(lambda n: f"深圳制造{n}有限公司")
    country = Country.CN
    cn_province = factory.LazyFunction(cn_province)
    city = "Shenzhen"
    postal_code = "518000"
    employee_count = 40
    registration_number = factory.Sequence(lambda n: uscc_number(n + 1))
    verification_status = VerificationStatus.VERIFIED


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(SellerFactory)
    business = factory.SubFactory(UsBusinessFactory)
    role = MembershipRole.FULFILMENT
