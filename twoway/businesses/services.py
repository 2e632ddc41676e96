"""Writes for businesses: registration, verification, Made-in-USA attestation, staff."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from twoway.core.errors import DomainError, PermissionDenied, from_validation_error
from twoway.core.text import clean_fields
from twoway.identity.models import Role, User
from twoway.reference.models import ChinaProvince, UsState

from .models import Business, Country, Membership, MembershipRole, VerificationStatus

if TYPE_CHECKING:
    import datetime as dt

    from .models import Invitation

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
    statement = clean_fields(
        {"made_in_usa_statement": statement}, multiline={"made_in_usa_statement"}
    )["made_in_usa_statement"]
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
    *, business: Business, user: User, by: User, role: str = MembershipRole.FULFILMENT
) -> Membership:
    """The owner (or an operator) adds a member of staff (invitations call this on acceptance)."""
    if not is_owner_of(by, business) and not by.is_operator:
        raise PermissionDenied(_("Only the business owner can add staff."))
    _check_can_join(user)
    _check_role(role)
    with transaction.atomic():
        membership, _created = Membership.objects.get_or_create(
            user=user, business=business, defaults={"role": role}
        )
        _promote_to_seller(user)
    return membership


def _check_role(role: str) -> None:
    if role not in MembershipRole.values:
        raise DomainError.one(
            "role",
            "invalid_choice",
            _("Choose a role: owner, catalogue, fulfilment or finance."),
        )


def _owners_locked(business: Business) -> int:
    """Lock the business's owner rows and count them (two owners demoting each other at once
    cannot both pass the last-owner check)."""
    return len(
        list(
            Membership.objects.select_for_update()
            .filter(business_id=business.pk, role=MembershipRole.OWNER)
            .order_by("pk")
        )
    )


def membership_role_set(*, membership: Membership, role: str, by: User) -> Membership:
    """The owner changes a member's role; the last owner stays an owner."""
    from .permissions import require_seller_permission
    from .rules.roles import may_leave_owners

    require_seller_permission(by, membership.business, "staff")
    _check_role(role)
    with transaction.atomic():
        owners = _owners_locked(membership.business)
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if not may_leave_owners(
            owners_now=owners,
            member_is_owner=locked.role == MembershipRole.OWNER,
            becomes_owner=role == MembershipRole.OWNER,
        ):
            raise DomainError.one(
                "role",
                "last_owner",
                _("A business keeps at least one owner: make someone else owner first."),
                status=409,
            )
        locked.role = role
        locked.save(update_fields=["role", "updated_at"])
    return locked


def membership_remove(*, membership: Membership, by: User) -> None:
    """The owner removes a member (never the last owner)."""
    from .permissions import require_seller_permission
    from .rules.roles import may_leave_owners

    require_seller_permission(by, membership.business, "staff")
    with transaction.atomic():
        owners = _owners_locked(membership.business)
        locked = Membership.objects.select_for_update().filter(pk=membership.pk).first()
        if locked is None:
            return
        if not may_leave_owners(
            owners_now=owners,
            member_is_owner=locked.role == MembershipRole.OWNER,
            becomes_owner=False,
        ):
            raise DomainError.one(
                "membership",
                "last_owner",
                _("A business keeps at least one owner: make someone else owner first."),
                status=409,
            )
        locked.delete()


# --- invitations ---------------------------------------------------------------------------

INVITATION_SALT = "twoway.businesses.invitation.v1"


def _invitation_days() -> int:
    from django.conf import settings

    return int(getattr(settings, "TWOWAY_INVITATION_DAYS", 7))


def _token_hash(nonce: str) -> str:
    import hashlib

    return hashlib.sha256(nonce.encode()).hexdigest()


def invitation_create(
    *, business: Business, email: str, role: str, by: User, now: dt.datetime | None = None
) -> tuple[Invitation, str]:
    """The owner invites ``email`` with ``role``. Returns (invitation, token): the token goes in
    the link (by e-mail and shown once to the owner); only its hash is kept."""
    import datetime as dt
    import secrets

    from django.core import signing
    from django.core.validators import validate_email

    from .models import Invitation
    from .permissions import require_seller_permission

    require_seller_permission(by, business, "staff")
    _check_role(role)
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError.one("email", "invalid", _("Enter a valid e-mail address.")) from None
    if Membership.objects.filter(business=business, user__email__iexact=email).exists():
        raise DomainError.one(
            "email", "already_member", _("This person already works here."), status=409
        )
    now = now or timezone.now()
    nonce = secrets.token_urlsafe(24)
    with transaction.atomic():
        # A new invitation to the same address replaces the open one.
        Invitation.objects.filter(
            business=business, email=email, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        invitation = Invitation.objects.create(
            business=business,
            email=email,
            role=role,
            token_hash=_token_hash(nonce),
            invited_by=by,
            created_at=now,
            expires_at=now + dt.timedelta(days=_invitation_days()),
        )
    token = signing.dumps({"i": invitation.pk, "n": nonce}, salt=INVITATION_SALT, compress=True)
    return invitation, token


def invitation_from_token(token: str, *, now: dt.datetime | None = None) -> Invitation:
    """The open invitation a token names, or a DomainError saying why not (404/410)."""
    from django.core import signing

    from .models import Invitation

    now = now or timezone.now()
    try:
        data = signing.loads(token, salt=INVITATION_SALT)
        invitation = Invitation.objects.select_related("business").filter(pk=int(data["i"])).first()
        nonce = str(data["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        invitation, nonce = None, ""
    import hmac

    if invitation is None or not hmac.compare_digest(invitation.token_hash, _token_hash(nonce)):
        raise DomainError.one(
            "token", "invalid", _("This invitation link is not valid."), status=404
        )
    if invitation.accepted_at is not None:
        raise DomainError.one(
            "token", "used", _("This invitation was already accepted."), status=410
        )
    if invitation.revoked_at is not None:
        raise DomainError.one("token", "withdrawn", _("This invitation was withdrawn."), status=410)
    if now >= invitation.expires_at:
        raise DomainError.one(
            "token",
            "expired",
            _("This invitation has expired; ask the owner for a new one."),
            status=410,
        )
    return invitation


def invitation_accept(*, token: str, user: User, now: dt.datetime | None = None) -> Membership:
    """The invitee (signed in with the invited e-mail address) accepts: once."""
    from .models import Invitation

    now = now or timezone.now()
    invitation = invitation_from_token(token, now=now)
    if (user.email or "").strip().lower() != invitation.email:
        raise DomainError.one(
            "email",
            "other_address",
            _("This invitation is for %(email)s; sign in with that address.")
            % {"email": invitation.email},
            status=403,
        )
    _check_can_join(user)
    with transaction.atomic():
        # Single use, even with two tabs: only the first conditional update wins.
        won = Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(accepted_at=now, accepted_by=user)
        if not won:
            raise DomainError.one(
                "token", "used", _("This invitation was already accepted."), status=410
            )
        membership, created = Membership.objects.get_or_create(
            user=user, business=invitation.business, defaults={"role": invitation.role}
        )
        if (
            not created
            and membership.role != invitation.role
            and (membership.role != MembershipRole.OWNER)
        ):
            membership.role = invitation.role
            membership.save(update_fields=["role", "updated_at"])
        _promote_to_seller(user)
    return membership


def invitation_withdraw(
    *, invitation: Invitation, by: User, now: dt.datetime | None = None
) -> None:
    from .permissions import require_seller_permission

    require_seller_permission(by, invitation.business, "staff")
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = now or timezone.now()
        invitation.save(update_fields=["revoked_at"])


def is_owner_of(user: User, business: Business) -> bool:
    return (
        user.is_authenticated
        and Membership.objects.filter(
            user_id=user.pk, business_id=business.pk, role=MembershipRole.OWNER
        ).exists()
    )
