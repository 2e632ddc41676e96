"""Payments recorded exactly once, and every provider notification with what became of it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from twoway.checkout.models import Order, Purchase, ReturnRequest
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


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("pending: to be sent to the payment provider")
    SUBMITTED = "submitted", _("submitted: the provider is processing it")
    SUCCEEDED = "succeeded", _("refunded")
    FAILED = "failed", _("failed: an operator must act")


class RefundKind(models.TextChoices):
    CANCELLATION = "cancellation", _("order cancelled after payment")
    RETURN = "return", _("goods returned")
    HOLD = "hold", _("listing blocked by a regulator")
    LATE_PAYMENT = "late_payment", _("paid after the order could no longer be paid")
    OPERATOR = "operator", _("refund by an operator")


class Refund(models.Model):
    """Money going back to the buyer through the provider that took it: recorded once per
    provider refund id, retried with backoff until the provider confirms."""

    number = models.CharField(_("refund number (out_refund_no)"), max_length=32, unique=True)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    purchase = models.ForeignKey(Purchase, on_delete=models.PROTECT, related_name="refunds")
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, null=True, blank=True, related_name="refunds"
    )
    return_request = models.ForeignKey(
        ReturnRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="refunds"
    )
    kind = models.CharField(max_length=16, choices=RefundKind.choices)
    reason = models.TextField()
    provider = models.CharField(max_length=16)
    amount = money_field(_("amount"))
    currency = models.CharField(max_length=3)
    status = models.CharField(
        max_length=12, choices=RefundStatus.choices, default=RefundStatus.PENDING, db_index=True
    )
    provider_refund_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_refund_id"],
                condition=~models.Q(provider_refund_id=""),
                name="refund_once_per_provider_refund",
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.currency} {self.amount} {self.status}"
