"""Customs messages sent for an order and the replies received (ID numbers masked)."""

from __future__ import annotations

from django.db import models

from twoway.checkout.models import Order


class CustomsMessage(models.Model):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="customs_messages")
    message_type = models.CharField(max_length=8)  # CEB311 / CEB411 / CEB511
    guid = models.CharField(max_length=36)
    xml_masked = models.TextField(help_text="The message as sent, with the buyer's ID number masked.")
    reply_code = models.CharField(max_length=8, blank=True)
    reply_status = models.CharField(max_length=16, blank=True)
    reply_info = models.TextField(blank=True)
    sent_at = models.DateTimeField()
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sent_at", "message_type"]

    def __str__(self) -> str:
        return f"{self.message_type} {self.guid}"
