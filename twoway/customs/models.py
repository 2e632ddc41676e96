"""Customs state of an export order: its declaration (one per order, kept here, never on the
order) and the messages sent for it with the replies received (ID numbers masked)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from twoway.checkout.models import Order
from twoway.core.models import TimeStamped


class DeclarationStatus(models.TextChoices):
    """Where an order's declaration stands (``order.status`` says where the order stands)."""

    PENDING = "pending", _("not declared yet")
    NOT_SUBMITTED = "not_submitted", _("waiting for the customs connection")
    BUILD_FAILED = "build_failed", _("could not be prepared")
    MATCH_FAILED = "match_failed", _("documents do not match, not sent")
    SUBMITTED = "submitted", _("sent, waiting for customs")
    SUBMIT_FAILED = "submit_failed", _("sending failed, will retry")
    ACCEPTED = "accepted", _("accepted, released")
    REJECTED = "rejected", _("rejected")


class CustomsDeclaration(TimeStamped):
    """The China customs declaration of one export order: the CEB311 order message with its
    CEB411 payment and CEB511 waybill, which gateway took it, what customs answered, how often
    it was tried. Also the US EEI decision made when the order was screened."""

    order = models.OneToOneField(
        Order, on_delete=models.PROTECT, related_name="customs_declaration"
    )
    message_type = models.CharField(max_length=8, default="CEB311")
    status = models.CharField(
        max_length=16,
        choices=DeclarationStatus.choices,
        default=DeclarationStatus.PENDING,
        db_index=True,
    )
    gateway = models.CharField(max_length=24, blank=True, help_text=_("sandbox or single_window"))
    guid = models.CharField(max_length=36, blank=True, help_text=_("guid of the CEB311 message"))
    reference = models.CharField(
        max_length=64, blank=True, help_text=_("the gateway's id of the last submission")
    )
    info = models.TextField(blank=True, help_text=_("customs' answer or why it was not sent"))
    reply_code = models.CharField(max_length=8, blank=True)
    reply_text = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    eei_required = models.BooleanField(_("EEI filing required"), default=False)
    eei_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "updated_at"], name="declaration_due")]

    def __str__(self) -> str:
        return f"{self.message_type} {self.order_id} {self.status}"


class CustomsMessage(models.Model):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="customs_messages")
    message_type = models.CharField(max_length=8)  # CEB311 / CEB411 / CEB511
    guid = models.CharField(max_length=36)
    xml_masked = models.TextField(
        help_text="The message as sent, with the buyer's ID number masked."
    )
    reply_code = models.CharField(max_length=8, blank=True)
    reply_status = models.CharField(max_length=16, blank=True)
    reply_info = models.TextField(blank=True)
    sent_at = models.DateTimeField()
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sent_at", "message_type"]

    def __str__(self) -> str:
        return f"{self.message_type} {self.guid}"
