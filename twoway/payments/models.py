"""Payments recorded exactly once, and every provider notification with what became of it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from twoway.checkout.models import Purchase
from twoway.core.models import money_field


class PaymentStatus(models.TextChoices):
    PAID = "paid", _("paid")
    REFUND_DUE = "refund_due", _("paid after the reservation expired: refund due")
    REFUNDED = "refunded", _("refunded")


class Payment(models.Model):
    purchase = models.ForeignKey(Purchase, on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(max_length=16)
    provider_txn_id = models.CharField(_("provider transaction id"), max_length=64)
    app_id = models.CharField(max_length=64)
    amount = money_field(_("amount"))
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=12, choices=PaymentStatus.choices)
    paid_at = models.DateTimeField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    payer_account_masked = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_txn_id"], name="payment_once_per_provider_txn"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.provider_txn_id} ¥{self.amount}"


class NotificationOutcome(models.TextChoices):
    PROCESSED = "processed", _("processed")
    DUPLICATE = "duplicate", _("duplicate (already processed)")
    REJECTED = "rejected", _("rejected")
    IGNORED = "ignored", _("ignored (not a payment event)")


class PaymentNotification(models.Model):
    """Every notification received, verified or not (Zulip's Event idea)."""

    provider = models.CharField(max_length=16)
    event_id = models.CharField(max_length=128, blank=True)
    out_trade_no = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=12, choices=NotificationOutcome.choices)
    error_rule = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    raw_body = models.TextField(blank=True)
    received_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "event_id"],
                condition=models.Q(outcome="processed"),
                name="notification_processed_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_id} {self.outcome}"
