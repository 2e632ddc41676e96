"""Customs receipts (回执) for the declared messages: CEB312 order, CEB412 payment, CEB512 waybill.

A receipt names the declared message by its ``guid`` and carries ``returnStatus`` (a code,
table in xsd/ceb_messages.md §4 from [C1] ``CustomsResultStatus.kt``), ``returnTime`` (China
time, 14 or 17 digits with milliseconds) and ``returnInfo`` (free text). ``parse_reply`` maps the code to a
``ReplyStatus`` the order state machine can act on; unknown codes map to ``unknown`` and need a
person. Parsing is namespace-agnostic and lenient (no official receipt schema is kept). No Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from lxml import etree

from .ceb import CHINA_TZ


class ReplyStatus(StrEnum):
    PENDING = "pending"  # 1, 2, 3: at China E-Port, on its way to customs
    SEND_FAILED = "send_failed"  # 4: E-Port could not send it; resend
    REJECTED = "rejected"  # 100: customs rejected (退单); returnInfo says why
    ACCEPTED = "accepted"  # 120: accepted into storage (入库)
    MANUAL_REVIEW = "manual_review"  # 300
    CONCLUDED = "concluded"  # 399: examination concluded (审结)
    INSPECTION = "inspection"  # 500 (查验)
    DETAINED = "detained"  # 501, 502, 503, 599
    RETURNED = "returned"  # 700: returned shipment (退运)
    RELEASED = "released"  # 800 (放行)
    CLOSED = "closed"  # 899 (结关)
    UNKNOWN = "unknown"


RETURN_STATUS: dict[str, tuple[ReplyStatus, str]] = {
    "1": (ReplyStatus.PENDING, "E-Port stored as draft"),
    "2": (ReplyStatus.PENDING, "E-Port declaring"),
    "3": (ReplyStatus.PENDING, "sent to customs"),
    "4": (ReplyStatus.SEND_FAILED, "send failed"),
    "100": (ReplyStatus.REJECTED, "customs rejected (退单)"),
    "120": (ReplyStatus.ACCEPTED, "customs accepted into storage (入库)"),
    "300": (ReplyStatus.MANUAL_REVIEW, "manual review"),
    "399": (ReplyStatus.CONCLUDED, "customs examination concluded (审结)"),
    "500": (ReplyStatus.INSPECTION, "inspection (查验)"),
    "501": (ReplyStatus.DETAINED, "detained, transferred to clearance"),
    "502": (ReplyStatus.DETAINED, "detained, transferred to anti-smuggling"),
    "503": (ReplyStatus.DETAINED, "detained, transferred to the legal department"),
    "599": (ReplyStatus.DETAINED, "detained, other"),
    "700": (ReplyStatus.RETURNED, "returned shipment (退运)"),
    "800": (ReplyStatus.RELEASED, "released (放行)"),
    "899": (ReplyStatus.CLOSED, "closed (结关)"),
}

# receipt type → (declared message, business element, its reference field)
RECEIPT_TYPES: dict[str, tuple[str, str, str]] = {
    "CEB312": ("CEB311", "OrderReturn", "orderNo"),
    "CEB412": ("CEB411", "PaymentReturn", "payTransactionId"),
    "CEB512": ("CEB511", "LogisticsReturn", "logisticsNo"),
}


class CustomsReplyInvalid(ValueError):
    """The bytes are not a receipt this module understands."""


@dataclass(frozen=True)
class CustomsReply:
    message_type: str  # the receipt: "CEB312", "CEB412", "CEB512"
    answers: str  # the declared message: "CEB311", …
    guid: str  # guid of the declared message
    order_no: str | None  # present in CEB312 (and in others when customs includes it)
    reference: str  # orderNo / payTransactionId / logisticsNo
    status: ReplyStatus
    code: str  # returnStatus as sent
    meaning: str  # the code's meaning from the table
    info: str  # returnInfo as sent
    returned_at: datetime | None  # returnTime, aware UTC
    received_at: datetime  # when we read it, aware UTC

    @property
    def is_final_rejection(self) -> bool:
        return self.status is ReplyStatus.REJECTED


def status_for(code: str) -> tuple[ReplyStatus, str]:
    return RETURN_STATUS.get(code.strip(), (ReplyStatus.UNKNOWN, f"unknown status code {code!r}"))


def parse_return_time(text: str) -> datetime | None:
    """``yyyyMMddHHmmss[SSS]`` in China time → aware UTC; None when empty or malformed."""
    digits = (text or "").strip()
    if not digits.isdigit() or len(digits) not in (14, 17):
        return None
    try:
        local = datetime.strptime(digits[:14], "%Y%m%d%H%M%S").replace(tzinfo=CHINA_TZ)
    except ValueError:
        return None
    millis = int(digits[14:] or 0)
    return local.replace(microsecond=millis * 1000).astimezone(UTC)


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child_text(node: etree._Element, name: str) -> str:
    for child in node:
        if _local(child.tag) == name:
            return (child.text or "").strip()
    return ""


def parse_replies(xml: bytes, *, received_at: datetime | None = None) -> list[CustomsReply]:
    """Every return element of one receipt message (usually one)."""
    try:
        root = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False))
    except etree.XMLSyntaxError as exc:
        raise CustomsReplyInvalid(f"Receipt is not well-formed XML: {exc}") from None
    message_type = _local(root.tag).removesuffix("Message")
    if message_type not in RECEIPT_TYPES:
        known = ", ".join(f"{t}Message" for t in RECEIPT_TYPES)
        raise CustomsReplyInvalid(f"Unknown receipt {_local(root.tag)!r}; known: {known}.")
    answers, element, reference_field = RECEIPT_TYPES[message_type]
    returns = [node for node in root if _local(node.tag) == element]
    if not returns:
        raise CustomsReplyInvalid(f"{message_type}Message has no {element} element.")
    received = received_at or datetime.now(UTC)
    replies = []
    for node in returns:
        code = _child_text(node, "returnStatus")
        if not code:
            raise CustomsReplyInvalid(f"{element} has no returnStatus.")
        status, meaning = status_for(code)
        order_no = _child_text(node, "orderNo") or None
        replies.append(
            CustomsReply(
                message_type=message_type,
                answers=answers,
                guid=_child_text(node, "guid"),
                order_no=order_no,
                reference=_child_text(node, reference_field),
                status=status,
                code=code,
                meaning=meaning,
                info=_child_text(node, "returnInfo"),
                returned_at=parse_return_time(_child_text(node, "returnTime")),
                received_at=received,
            )
        )
    return replies


def parse_reply(xml: bytes, *, received_at: datetime | None = None) -> CustomsReply:
    """The single return of a receipt; raises ``CustomsReplyInvalid`` otherwise."""
    replies = parse_replies(xml, received_at=received_at)
    if len(replies) != 1:
        raise CustomsReplyInvalid(f"Expected one return in the receipt, found {len(replies)}.")
    return replies[0]
