"""A business's API keys and webhook endpoints, and the log of webhook deliveries."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from twoway.businesses.models import Business


class BusinessApiKey(models.Model):
    """A key a business's own system sends as ``Authorization: Bearer twk_<prefix>_<secret>``.

    It belongs to the business (not to a person), opens only its ``scopes`` and only that
    business's objects. Only the SHA-256 of the secret is stored; the key is shown once. It works
    while its issuer may still manage integrations in the business (an owner who leaves takes
    their keys' power with them) and until it is revoked.
    """

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    secret_hash = models.CharField(_("secret (SHA-256)"), max_length=64)
    scopes = models.JSONField(_("scopes"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("business API key")
        verbose_name_plural = _("business API keys")
        indexes = [models.Index(fields=["business", "created_at"], name="apikey_business")]

    def __str__(self) -> str:
        return f"twk_{self.prefix}_… ({self.business})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class WebhookEndpoint(models.Model):
    """Where a business wants events sent. The signing secret is kept encrypted (AES-256-GCM)."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(_("URL"), max_length=500)
    secret_encrypted = models.BinaryField(_("signing secret (encrypted)"))
    events = models.JSONField(_("events"), default=list)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        indexes = [models.Index(fields=["business", "active"], name="webhook_business_active")]

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("gave up")


class WebhookDelivery(models.Model):
    """One event sent (or to be sent) to one endpoint. Rows are only appended and their
    attempt columns updated; sending again makes a new row (``replay_of``)."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="+")
    event_id = models.CharField(_("event id"), max_length=40, db_index=True)
    event = models.CharField(_("event"), max_length=40)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_status_code = models.PositiveIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"))
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    replay_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replays"
    )

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["business", "created_at"], name="delivery_business"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.event_id} → {self.endpoint_id} ({self.status})"
