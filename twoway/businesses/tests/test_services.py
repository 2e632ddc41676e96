from __future__ import annotations

import pytest
from django.db import IntegrityError

from twoway.businesses import services
from twoway.businesses.models import Business, Membership, MembershipRole, VerificationStatus
from twoway.businesses.tests.factories import (
    CnBusinessFactory,
    UsBusinessFactory,
    cn_province,
    us_state,
    uscc_number,
)
from twoway.core.errors import DomainError, PermissionDenied
from twoway.identity.models import Role
from twoway.identity.tests.factories import (
    OperatorFactory,
    RegulatorFactory,
    SellerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def regions(db):
    us_state("IA")
    cn_province("33")
    cn_province("44")


def us_fields(**overrides):
    fields = {
        "legal_name": "Cedar Valley Woodworks LLC",
        "country": "US",
        "us_state": "IA",
        "city": "Cedar Rapids",
        "postal_code": "52401",
        "naics_code": "337",
        "industry": "Furniture",
        "employee_count": 9,
        "registration_number": "421234567",
    }
    fields.update(overrides)
    return fields


def cn_fields(**overrides):
    fields = {
        "legal_name": "Hangzhou Tea Garden Co., Ltd.",
        "country": "CN",
        "cn_province": "33",
        "city": "Hangzhou",
        "postal_code": "310000",
        "employee_count": 30,
        "registration_number": uscc_number(777),
    }
    fields.update(overrides)
    return fields


def rules_of(exc: DomainError) -> set[tuple[str, str]]:
    return {(p.field, p.rule) for p in exc.problems}


def assert_nothing_saved():
    assert Business.objects.count() == 0
    assert Membership.objects.count() == 0


def test_register_us_business_makes_the_caller_owner_and_seller():
    owner = UserFactory(role=Role.CONSUMER_US)
    business = services.business_register(**us_fields(), owner=owner)

    business.refresh_from_db()
    assert business.registration_number == "42-1234567"
    assert business.verification_status == VerificationStatus.PENDING
    assert business.us_state_id == "IA"
    assert business.region_name == "Iowa"
    membership = Membership.objects.get()
    assert (membership.user, membership.business, membership.role) == (
        owner,
        business,
        MembershipRole.OWNER,
    )
    owner.refresh_from_db()
    assert owner.role == Role.SELLER_STAFF


def test_register_accepts_region_codes_and_cn_business():
    business = services.business_register(**cn_fields(cn_province="33"))
    assert business.cn_province_id == "33"
    assert business.us_state_id is None
    assert Membership.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (us_fields(registration_number="07-1234567"), {("registration_number", "ein_prefix")}),
        (us_fields(registration_number="12-34"), {("registration_number", "ein_format")}),
        (
            cn_fields(registration_number=uscc_number(777)[:-1] + "0"),
            {("registration_number", "uscc_checksum")},
        ),
        (us_fields(us_state=None), {("us_state", "required_for_us")}),
        (cn_fields(cn_province=None), {("cn_province", "required_for_cn")}),
        (us_fields(postal_code="5240"), {("postal_code", "zip_format")}),
        (cn_fields(postal_code="31000"), {("postal_code", "postcode_format")}),
        (us_fields(naics_code="0x"), {("naics_code", "invalid")}),
        (us_fields(employee_count=-1), {("employee_count", "min_value")}),
        (us_fields(legal_name=""), {("legal_name", "blank")}),
        (
            cn_fields(made_in_usa_attested=True, made_in_usa_statement="all of it"),
            {("made_in_usa_attested", "made_in_usa_us_only")},
        ),
        (
            us_fields(made_in_usa_attested=True),
            {("made_in_usa_statement", "made_in_usa_statement_required")},
        ),
        (us_fields(cn_province="44"), {("cn_province", "us_only")}),
    ],
)
def test_register_refuses_bad_input_naming_field_and_rule(fields, expected):
    owner = SellerFactory()
    with pytest.raises(DomainError) as caught:
        services.business_register(**fields, owner=owner)
    assert rules_of(caught.value) == expected
    assert caught.value.status == 400
    assert all(p.message for p in caught.value.problems)
    assert_nothing_saved()


def test_register_unknown_state_code_is_named():
    with pytest.raises(DomainError) as caught:
        services.business_register(**us_fields(us_state="ZZ"))
    assert rules_of(caught.value) == {("us_state", "us_state_unknown")}
    assert_nothing_saved()


def test_register_same_registration_number_twice_is_refused():
    services.business_register(**us_fields())
    with pytest.raises(DomainError) as caught:
        services.business_register(
            **us_fields(legal_name="Copycat", registration_number="42-1234567")
        )
    assert rules_of(caught.value) == {("registration_number", "registration_taken")}
    assert Business.objects.count() == 1


@pytest.mark.parametrize("factory", [RegulatorFactory, OperatorFactory])
def test_regulators_and_operators_cannot_own_a_business(factory):
    with pytest.raises(PermissionDenied):
        services.business_register(**us_fields(), owner=factory())
    assert_nothing_saved()


def test_operator_verifies_a_business():
    business = UsBusinessFactory(verification_status=VerificationStatus.PENDING)
    services.business_verify(business=business, by=OperatorFactory())
    business.refresh_from_db()
    assert business.verification_status == VerificationStatus.VERIFIED
    assert business.verified_at is not None


@pytest.mark.parametrize("factory", [SellerFactory, RegulatorFactory])
def test_only_operators_verify(factory):
    business = UsBusinessFactory(verification_status=VerificationStatus.PENDING)
    with pytest.raises(PermissionDenied):
        services.business_verify(business=business, by=factory())
    business.refresh_from_db()
    assert business.verification_status == VerificationStatus.PENDING
    assert business.verified_at is None


def test_owner_attests_made_in_usa():
    owner = SellerFactory()
    business = services.business_register(**us_fields(), owner=owner)
    services.made_in_usa_attest(
        business=business, statement="Milled and assembled in Iowa from Iowa oak.", by=owner
    )
    business.refresh_from_db()
    assert business.made_in_usa_attested is True
    assert business.made_in_usa_statement == "Milled and assembled in Iowa from Iowa oak."
    assert business.made_in_usa_attested_at is not None


def test_made_in_usa_refusals_change_nothing():
    owner = SellerFactory()
    business = services.business_register(**us_fields(), owner=owner)
    with pytest.raises(DomainError) as caught:
        services.made_in_usa_attest(business=business, statement="  ", by=owner)
    assert rules_of(caught.value) == {("made_in_usa_statement", "made_in_usa_statement_required")}
    with pytest.raises(PermissionDenied):
        services.made_in_usa_attest(business=business, statement="ok", by=SellerFactory())
    cn = CnBusinessFactory()
    with pytest.raises(DomainError) as caught:
        services.made_in_usa_attest(business=cn, statement="ok", by=OperatorFactory())
    assert rules_of(caught.value) == {("made_in_usa_attested", "made_in_usa_us_only")}
    business.refresh_from_db()
    cn.refresh_from_db()
    assert business.made_in_usa_attested is False
    assert cn.made_in_usa_attested is False


def test_a_person_can_work_for_two_businesses_but_join_each_once():
    seller = SellerFactory()
    first, second = UsBusinessFactory(), CnBusinessFactory()
    Membership.objects.create(user=seller, business=first, role=MembershipRole.OWNER)
    services.membership_add(business=second, user=seller, by=OperatorFactory())
    assert set(seller.memberships.values_list("business_id", flat=True)) == {first.pk, second.pk}
    with pytest.raises(IntegrityError):
        Membership.objects.create(user=seller, business=first)


def test_only_the_owner_adds_staff():
    owner, staff, stranger = SellerFactory(), SellerFactory(), SellerFactory()
    business = services.business_register(**us_fields(), owner=owner)
    with pytest.raises(PermissionDenied):
        services.membership_add(business=business, user=stranger, by=staff)
    services.membership_add(business=business, user=staff, by=owner)
    assert Membership.objects.filter(business=business).count() == 2
