"""Sellers of both countries, their staff and their verification."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from twoway.core.models import TimeStamped, move_to_field
from twoway.reference.models import ChinaProvince, UsState

from .validators import validate_ein, validate_uscc


class Country(models.TextChoices):
    US = "US", _("United States")
    CN = "CN", _("China")


class VerificationStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    VERIFIED = "verified", _("verified")
    REJECTED = "rejected", _("rejected")
    SUSPENDED = "suspended", _("suspended")


class Business(TimeStamped):
    legal_name = models.CharField(_("legal name"), max_length=200)
    display_name_zh = models.CharField(_("name in Chinese"), max_length=120, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    us_state = models.ForeignKey(
        UsState, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("US state")
    )
    cn_province = models.ForeignKey(
        ChinaProvince,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("Chinese province"),
    )
    city = models.CharField(_("city"), max_length=100)
    postal_code = models.CharField(_("postal code"), max_length=12)
    naics_code = models.CharField(
        _("industry (NAICS)"),
        max_length=6,
        blank=True,
        validators=[RegexValidator(r"^[1-9][0-9]{1,5}$", _("NAICS codes have 2 to 6 digits."))],
    )
    industry = models.CharField(_("industry"), max_length=120, blank=True)
    employee_count = models.PositiveIntegerField(_("employees"))
    registration_number = models.CharField(
        _("registration number"),
        max_length=20,
        help_text=_("US: EIN. China: Unified Social Credit Code."),
    )
    verification_status = models.CharField(
        _("verification status"),
        max_length=12,
        choices=VerificationStatus.choices,
        default=VerificationStatus.PENDING,
        db_index=True,
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    # Made in USA ("all or virtually all", FTC 16 CFR Part 323), attested by the seller.
    made_in_usa_attested = models.BooleanField(_("Made in USA attested"), default=False)
    made_in_usa_attested_at = models.DateTimeField(null=True, blank=True)
    made_in_usa_statement = models.TextField(_("Made in USA statement"), blank=True)
    show_on_dashboard = models.BooleanField(
        _("may be shown on the public dashboard"), default=False
    )

    class Meta:
        verbose_name = _("business")
        verbose_name_plural = _("businesses")
        indexes = [
            models.Index(fields=["country", "us_state"], name="business_country_state"),
            models.Index(fields=["country", "cn_province"], name="business_country_province"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "registration_number"],
                name="business_registration_unique",
                violation_error_code="registration_taken",
                violation_error_message=_(
                    "A business with this registration number is registered."
                ),
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(country="US", us_state__isnull=False, cn_province__isnull=True)
                    | models.Q(country="CN", cn_province__isnull=False, us_state__isnull=True)
                ),
                name="business_region_matches_country",
                violation_error_code="region_matches_country",
                violation_error_message=_(
                    "A US business has a state and no province; a Chinese one the reverse."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.legal_name

    def validate_constraints(self, exclude=None) -> None:
        # The registration number's uniqueness is about that field: name it, not "__all__".
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as exc:
            raise move_to_field(exc, {"registration_taken": "registration_number"}) from None

    def clean(self) -> None:  # noqa: C901 — one check per field of the business form
        errors: dict[str, list[ValidationError]] = {}
        self.registration_number = (self.registration_number or "").strip()
        self.postal_code = (self.postal_code or "").strip()
        if self.country == Country.US:
            if not self.us_state_id:
                errors.setdefault("us_state", []).append(
                    ValidationError(_("A US business needs its state."), code="required_for_us")
                )
            if self.cn_province_id:
                errors.setdefault("cn_province", []).append(
                    ValidationError(_("A US business has no Chinese province."), code="us_only")
                )
            try:
                self.registration_number = validate_ein(self.registration_number or "")
            except ValidationError as exc:
                errors.setdefault("registration_number", []).extend(exc.error_list)
            if not re.fullmatch(r"[0-9]{5}(-[0-9]{4})?", self.postal_code):
                errors.setdefault("postal_code", []).append(
                    ValidationError(_("A US ZIP code has 5 digits."), code="zip_format")
                )
        elif self.country == Country.CN:
            if not self.cn_province_id:
                errors.setdefault("cn_province", []).append(
                    ValidationError(
                        _("A Chinese business needs its province."), code="required_for_cn"
                    )
                )
            if self.us_state_id:
                errors.setdefault("us_state", []).append(
                    ValidationError(_("A Chinese business has no US state."), code="cn_only")
                )
            if self.made_in_usa_attested:
                errors.setdefault("made_in_usa_attested", []).append(
                    ValidationError(
                        _("Only US makers can attest Made in USA."), code="made_in_usa_us_only"
                    )
                )
            try:
                self.registration_number = validate_uscc(self.registration_number or "")
            except ValidationError as exc:
                errors.setdefault("registration_number", []).extend(exc.error_list)
            if not (self.postal_code.isdigit() and len(self.postal_code) == 6):
                errors.setdefault("postal_code", []).append(
                    ValidationError(
                        _("A Chinese postal code has 6 digits."), code="postcode_format"
                    )
                )
        if self.made_in_usa_attested and not self.made_in_usa_statement.strip():
            errors.setdefault("made_in_usa_statement", []).append(
                ValidationError(
                    _("Say how the goods meet the FTC 'all or virtually all' standard."),
                    code="made_in_usa_statement_required",
                )
            )
        if errors:
            raise ValidationError(errors)

    @property
    def region_name(self) -> str:
        if self.us_state_id and self.us_state is not None:
            return self.us_state.name
        if self.cn_province_id and self.cn_province is not None:
            return self.cn_province.name_en
        return ""

    @property
    def is_verified(self) -> bool:
        return self.verification_status == VerificationStatus.VERIFIED


class MembershipRole(models.TextChoices):
    """What a member of staff does; what each role may do is ``rules.roles.ROLE_PERMISSIONS``."""

    OWNER = "owner", _("owner")
    CATALOGUE = "catalogue", _("catalogue")
    FULFILMENT = "fulfilment", _("fulfilment")
    FINANCE = "finance", _("finance")


class Membership(TimeStamped):
    """A user who works for a business (seller staff). One person may work for several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(
        _("role"),
        max_length=12,
        choices=MembershipRole.choices,
        default=MembershipRole.FULFILMENT,
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "business"], name="membership_once_per_business"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.business} ({self.role})"


class Invitation(models.Model):
    """An owner invites a person by e-mail with a role. The link carries a signed token; only the
    SHA-256 of its random part is stored. Single use (``accepted_at``), with an expiry."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=12, choices=MembershipRole.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("invited"))
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [models.Index(fields=["business", "created_at"], name="invitation_business")]

    def __str__(self) -> str:
        return f"{self.email} → {self.business} ({self.role})"

    def is_open(self, now) -> bool:
        return self.accepted_at is None and self.revoked_at is None and now < self.expires_at
