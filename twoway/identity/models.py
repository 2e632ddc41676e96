"""People: users with roles, and the real-name identity of Chinese buyers."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from twoway.core.models import TimeStamped


class Role(models.TextChoices):
    CONSUMER_CN = "consumer_cn", _("Consumer in China")
    CONSUMER_US = "consumer_us", _("Consumer in the US")
    SELLER_STAFF = "seller_staff", _("Seller staff")
    REGULATOR = "regulator", _("Regulator")
    OPERATOR = "operator", _("Operator")


class User(AbstractUser):
    role = models.CharField(
        _("role"), max_length=16, choices=Role.choices, default=Role.CONSUMER_US
    )
    preferred_language = models.CharField(
        _("language"), max_length=8, blank=True, help_text=_("Kept per user; empty = browser's.")
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    @property
    def is_regulator(self) -> bool:
        return self.role == Role.REGULATOR

    @property
    def is_operator(self) -> bool:
        return self.role == Role.OPERATOR or self.is_superuser

    def default_language(self) -> str:
        if self.preferred_language:
            return self.preferred_language
        return "zh-hans" if self.role == Role.CONSUMER_CN else "en"


class RealNameIdentity(TimeStamped):
    """A Chinese buyer's name and resident ID number, encrypted, hashed and masked.

    ``id_number_hash`` is a keyed HMAC, so quota can be counted per person across accounts
    without decrypting; ``id_number_masked`` is what anybody sees.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="real_name_identities")
    full_name = models.CharField(_("name on the ID card"), max_length=64)
    id_number_encrypted = models.BinaryField(_("ID number (encrypted)"))
    id_number_hash = models.CharField(_("ID number (keyed hash)"), max_length=64, db_index=True)
    id_number_masked = models.CharField(_("ID number"), max_length=18)
    province_code = models.CharField(_("province (from the ID)"), max_length=2)
    verified = models.BooleanField(_("checksum verified"), default=False)

    class Meta:
        verbose_name = _("real-name identity")
        verbose_name_plural = _("real-name identities")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "id_number_hash"], name="identity_one_per_user_and_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name} {self.id_number_masked}"


class ApiKey(models.Model):
    """A key a seller's system sends as ``Authorization: Bearer tw_<prefix>_<secret>``.

    Only the SHA-256 of the secret is stored; the plaintext is shown once, when issued.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_keys")
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    secret_hash = models.CharField(_("secret (SHA-256)"), max_length=64)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"tw_{self.prefix}_… ({self.user})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
