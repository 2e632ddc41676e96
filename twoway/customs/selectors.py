"""Customs reads: an order's declaration, the recent declarations with their messages, and the
CBEC references declared for an order (the masked messages kept)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch
from lxml import etree

from .models import CustomsDeclaration, CustomsMessage


def declaration_for(*, order) -> CustomsDeclaration | None:
    """The order's declaration, or None when customs has not looked at the order yet."""
    return CustomsDeclaration.objects.filter(order_id=order.pk).first()


def declarations_recent(*, limit: int = 50) -> list[CustomsDeclaration]:
    return list(
        CustomsDeclaration.objects.select_related("order", "order__business")
        .prefetch_related(
            Prefetch(
                "order__customs_messages", queryset=CustomsMessage.objects.order_by("sent_at", "pk")
            )
        )
        .order_by("-updated_at", "-pk")[:limit]
    )


# Elements of the kept messages that papers and pages quote (never the buyer's ID number).
_FIELDS = {
    "CEB311": ("orderNo", "ebpCode", "ebpName", "ebcCode", "ebcName", "payTransactionId"),
    "CEB411": ("payCode", "payName", "payTransactionId"),
    "CEB511": ("logisticsCode", "logisticsName", "logisticsNo", "orderNo"),
}


@dataclass(frozen=True)
class DeclarationRefs:
    """CBEC references of one order: the customs order (CEB311), payment (CEB411) and waybill
    (CEB511) with their message GUIDs; empty when the order was never declared."""

    messages: dict[str, str] = field(default_factory=dict)  # message type → GUID
    values: dict[str, str] = field(default_factory=dict)  # "CEB511.logisticsNo" → value
    reply_status: str = ""

    def get(self, message_type: str, name: str) -> str:
        return self.values.get(f"{message_type}.{name}", "")

    @property
    def declared(self) -> bool:
        return bool(self.messages)


def declaration_refs(*, order_id: int) -> DeclarationRefs:
    messages: dict[str, str] = {}
    values: dict[str, str] = {}
    reply = ""
    for message in CustomsMessage.objects.filter(order_id=order_id).order_by("sent_at", "pk"):
        messages[message.message_type] = message.guid
        reply = message.reply_status or reply
        wanted = _FIELDS.get(message.message_type, ())
        try:
            root = etree.fromstring(message.xml_masked.encode("utf-8"))
        except etree.XMLSyntaxError:
            continue
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            name = etree.QName(element).localname
            if name in wanted and element.text:
                values.setdefault(f"{message.message_type}.{name}", element.text.strip())
    return DeclarationRefs(messages=messages, values=values, reply_status=reply)
