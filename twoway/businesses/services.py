"""Writes for businesses: registration, verification, Made-in-USA attestation, staff."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from twoway.core.errors import DomainError, PermissionDenied, from_validation_error
from twoway.core.text import clean_fields
from twoway.identity.models import Role, User
from twoway.reference.models import ChinaProvince, UsState

from .models import Business, Country, Membership, MembershipRole, VerificationStatus

# Roles that may own or staff a business. Consumers become seller staff when they register one;
# regulators and operators judge sellers, so they may not be one.
_SELLER_ROLES = {Role.SELLER_STAFF, Role.CONSUMER_US, Role.CONSUMER_CN}


def _region(model: type[Any], value: Any, field_name: str, rule: str) -> Any:
    """Accept an instance, a code or None; an unknown code is a named error, not a crash."""
    if value is None or value == "" or isinstance(value, model):
        return value or None
    code = str(value).strip().upper()
    found = model.objects.filter(pk=code).first()
    if found is None:
        raise DomainError.one(field_name, rule, _("Unknown code %(code)s.") % {"code": code})
    return found


def _check_can_join(user: User) -> None:
    if user.role not in _SELLER_ROLES or user.is_superuser:
        raise PermissionDenied(_("Regulators and operators cannot own or staff a business."))


def _promote_to_seller(user: User) -> None:
    if user.role != Role.SELLER_STAFF:
        user.role = Role.SELLER_STAFF
        user.save(update_fields=["role"])


def business_register(
    *,
    legal_name: str,
    country: str,
    us_state: UsState | str | None = None,
    cn_province: ChinaProvince | str | None = None,
    city: str,
    postal_code: str,
    naics_code: str = "",
    industry: str = "",
    employee_count: int,
    registration_number: str,
    made_in_usa_attested: bool = False,
    made_in_usa_statement: str = "",
    show_on_dashboard: bool = False,
    display_name_zh: str = "",
    owner: User | None = None,
) -> Business:
    """Register a seller (pending verification); ``owner`` becomes its owner and seller staff."""
    if owner is not None:
        _check_can_join(owner)
    names = clean_fields(
        {"legal_name": legal_name, "display_name_zh": display_name_zh, "city": city,
         "industry": industry, "made_in_usa_statement": made_in_usa_statement},
        names={"legal_name", "display_name_zh", "city"}, multiline={"made_in_usa_statement"},
    )  # fmt: skip
    legal_name, display_name_zh, city = names["legal_name"], names["display_name_zh"], names["city"]
    industry, made_in_usa_statement = names["industry"], names["made_in_usa_statement"]
    business = Business(
        legal_name=legal_name,
        display_name_zh=display_name_zh,
        country=(country or "").strip().upper(),
        us_state=_region(UsState, us_state, "us_state", "us_state_unknown"),
        cn_province=_region(ChinaProvince, cn_province, "cn_province", "cn_province_unknown"),
        city=(city or "").strip(),
        postal_code=postal_code or "",
        naics_code=(naics_code or "").strip(),
        industry=(industry or "").strip(),
        employee_count=employee_count,
        registration_number=registration_number or "",
        made_in_usa_attested=made_in_usa_attested,
        made_in_usa_statement=(made_in_usa_statement or "").strip(),
        show_on_dashboard=show_on_dashboard,
    )
    if made_in_usa_attested:
        business.made_in_usa_attested_at = timezone.now()
    try:
        business.full_clean()
    except ValidationError as exc:
        raise from_validation_error(exc) from None
    try:
        with transaction.atomic():
            business.save()
            if owner is not None:
                Membership.objects.create(user=owner, business=business, role=MembershipRole.OWNER)
                _promote_to_seller(owner)
    except IntegrityError:
        # Lost a race with another registration of the same number.
        raise DomainError.one(
            "registration_number",
            "registration_taken",
            _("A business with this registration number is registered."),
        ) from None
    return business


def business_verify(*, business: Business, by: User) -> Business:
    """An operator confirms the registration (EIN/USCC checked against the register)."""
    if not by.is_operator:
        raise PermissionDenied(_("Only operators verify businesses."))
    with transaction.atomic():
        business.verification_status = VerificationStatus.VERIFIED
        business.verified_at = timezone.now()
        business.save(update_fields=["verification_status", "verified_at", "updated_at"])
    return business


def business_suspend(*, business: Business, by: User) -> Business:
    if not by.is_operator:
        raise PermissionDenied(_("Only operators suspend businesses."))
    business.verification_status = VerificationStatus.SUSPENDED
    business.save(update_fields=["verification_status", "updated_at"])
    return business


def made_in_usa_attest(*, business: Business, statement: str, by: User) -> Business:
    """The owner states how the goods meet the FTC 'all or virtually all' standard."""
    if not is_owner_of(by, business) and not by.is_operator:
        raise PermissionDenied(_("Only the business owner can attest Made in USA."))
    if business.country != Country.US:
        raise DomainError.one(
            "made_in_usa_attested",
            "made_in_usa_us_only",
            _("Only US makers can attest Made in USA."),
        )
    statement = clean_fields({"made_in_usa_statement": statement},
                             multiline={"made_in_usa_statement"})["made_in_usa_statement"]
    if not statement:
        raise DomainError.one(
            "made_in_usa_statement",
            "made_in_usa_statement_required",
            _("Say how the goods meet the FTC 'all or virtually all' standard."),
        )
    business.made_in_usa_attested = True
    business.made_in_usa_statement = statement
    business.made_in_usa_attested_at = timezone.now()
    try:
        business.full_clean()
    except ValidationError as exc:
        raise from_validation_error(exc) from None
    business.save(
        update_fields=[
            "made_in_usa_attested",
            "made_in_usa_statement",
            "made_in_usa_attested_at",
            "updated_at",
        ]
    )
    return business


def membership_add(
    *, business: Business, user: User, by: User, role: str = MembershipRole.STAFF
) -> Membership:
    """The owner (or an operator) adds a member of staff."""
    if not is_owner_of(by, business) and not by.is_operator:
        raise PermissionDenied(_("Only the business owner can add staff."))
    _check_can_join(user)
    if role not in MembershipRole.values:
        raise DomainError.one("role", "invalid_choice", _("Role is owner or staff."))
    with transaction.atomic():
        membership, _created = Membership.objects.get_or_create(
            user=user, business=business, defaults={"role": role}
        )
        _promote_to_seller(user)
    return membership


def is_owner_of(user: User, business: Business) -> bool:
    return (
        user.is_authenticated
        and Membership.objects.filter(
            user_id=user.pk, business_id=business.pk, role=MembershipRole.OWNER
        ).exists()
    )
