"""Payout statements: what the platform owes each seller for a calendar month, with the orders
and refunds behind it. Append-only, like the ledger: issued once per (business, month), never
updated or deleted — the queryset and the model refuse it, and on PostgreSQL a trigger rejects
UPDATE and DELETE (migration 0002). A correction is a later statement's refund line.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from twoway.businesses.models import Business
from twoway.checkout.models import Order
from twoway.core.models import money_field
from twoway.payments.models import Refund


class AppendOnlyViolation(Exception):
    """Somebody tried to change or delete an issued statement."""


MESSAGE = "Payout statements are append-only: correct them on a later statement."


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: ARG002
        raise AppendOnlyViolation(MESSAGE)

    def delete(self):
        raise AppendOnlyViolation(MESSAGE)


class AppendOnly(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyViolation(MESSAGE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyViolation(MESSAGE)


class PayoutStatement(AppendOnly):
    number = models.CharField(_("statement number"), max_length=40, unique=True)
    business = models.ForeignKey(
        Business, on_delete=models.PROTECT, related_name="payout_statements"
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to (inclusive)"))
    collected_currency = models.CharField(max_length=3)
    payout_currency = models.CharField(max_length=3)
    orders_count = models.PositiveIntegerField(_("orders"))
    refunds_count = models.PositiveIntegerField(_("refunds"))
    collected = money_field(_("collected from buyers"))
    refunded = money_field(_("refunded to buyers"))
    tax = money_field(_("tax remitted on the buyers' behalf"))
    fee = money_field(_("platform fee"))
    net = money_field(_("net (collected currency)"))
    amount_due = money_field(_("amount due"))
    exchange_rate = models.DecimalField(
        _("exchange rate (CNY per USD)"), max_digits=12, decimal_places=6
    )
    exchange_rate_from = models.DateField(_("rate in force from"))
    exchange_rate_source = models.TextField(_("rate source"))
    fee_source = models.TextField(_("fee source"))
    issued_at = models.DateTimeField(_("issued at"))

    class Meta:
        ordering = ["-period_start", "business_id"]
        verbose_name = _("payout statement")
        constraints = [
            models.UniqueConstraint(
                fields=["business", "period_start", "period_end"],
                name="payout_statement_once_per_period",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="payout_statement_period_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.payout_currency} {self.amount_due}"


class PayoutLineKind(models.TextChoices):
    ORDER = "order", _("order paid")
    REFUND = "refund", _("refund")


class PayoutLine(AppendOnly):
    statement = models.ForeignKey(PayoutStatement, on_delete=models.PROTECT, related_name="lines")
    kind = models.CharField(max_length=8, choices=PayoutLineKind.choices)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payout_lines")
    refund = models.ForeignKey(
        Refund, on_delete=models.PROTECT, null=True, blank=True, related_name="payout_lines"
    )
    reference = models.CharField(max_length=40)
    occurred_at = models.DateTimeField()
    collected = money_field(_("collected"))
    tax = money_field(_("tax"))
    fee = money_field(_("fee"))
    net = money_field(_("net"))

    class Meta:
        ordering = ["occurred_at", "pk"]
        constraints = [
            # An order's money and a refund are each on exactly one statement, ever.
            models.UniqueConstraint(
                fields=["order"], condition=models.Q(kind="order"), name="payout_line_order_once"
            ),
            models.UniqueConstraint(
                fields=["refund"], condition=models.Q(kind="refund"), name="payout_line_refund_once"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="order", refund__isnull=True)
                | models.Q(kind="refund", refund__isnull=False),
                name="payout_line_kind_matches_refund",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference} {self.net}"
