"""A sandbox China customs: answers declared CEB messages with receipts, so the demo moves on.

``sandbox_declare(order=, payment=, logistics=)`` builds the three messages, checks each against
its schema and the three documents against each other, and answers each with a receipt:
``120`` (accepted into storage) when every message is valid and the documents match, ``100``
(rejected) otherwise, with the reasons in ``returnInfo``. Real customs compares the documents
when the inventory list (CEB621) arrives; the sandbox does it at once, which is what the order
flow needs to see. ``sandbox_receipt(xml)`` answers one message already built.

Receipts follow xsd/ceb_messages.md §4 (``OrderReturn``: guid, ebpCode, ebcCode, orderNo,
returnStatus, returnTime, returnInfo); ``PaymentReturn``/``LogisticsReturn`` are modelled by
analogy (see xsd/README.md). No network, no database, no Django.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial

from lxml import etree

from ..ceb import (
    CEB_NS,
    CHINA_TZ,
    MESSAGE_VERSION,
    CebLogistics,
    CebOrder,
    CebPayment,
    CustomsMessageInvalid,
    MessageType,
    build_ceb311,
    build_ceb411,
    build_ceb511,
    new_guid,
    validate,
)
from ..replies import CustomsReply, parse_reply
from ..rules.three_document_match import MatchResult, three_document_match

ACCEPTED_CODE = "120"
REJECTED_CODE = "100"
RETURN_INFO_MAX = 1000

# declared message → (receipt, return element, identifying head fields in order)
_RECEIPTS: dict[MessageType, tuple[str, str, tuple[str, ...]]] = {
    MessageType.ORDER: ("CEB312", "OrderReturn", ("guid", "ebpCode", "ebcCode", "orderNo")),
    MessageType.PAYMENT: ("CEB412", "PaymentReturn", ("guid", "payCode", "payTransactionId")),
    MessageType.LOGISTICS: ("CEB512", "LogisticsReturn", ("guid", "logisticsCode", "logisticsNo")),
}


def _return_time(moment: datetime) -> str:
    local = moment.astimezone(CHINA_TZ)
    return local.strftime("%Y%m%d%H%M%S") + f"{local.microsecond // 1000:03d}"


def build_receipt(
    *,
    answers: MessageType,
    identifiers: dict[str, str],
    code: str,
    info: str,
    returned_at: datetime,
) -> bytes:
    """A receipt for a declared message: ``identifiers`` gives guid and the head fields named in
    ``_RECEIPTS`` (missing ones are written empty)."""
    receipt_type, element, fields = _RECEIPTS[MessageType(answers)]
    nsmap = {"ceb": CEB_NS}
    root = etree.Element(
        f"{{{CEB_NS}}}{receipt_type}Message",
        attrib={"guid": new_guid(), "version": MESSAGE_VERSION},
        nsmap=nsmap,
    )
    node = etree.SubElement(root, f"{{{CEB_NS}}}{element}")
    for name in fields:
        etree.SubElement(node, f"{{{CEB_NS}}}{name}").text = identifiers.get(name, "")
    etree.SubElement(node, f"{{{CEB_NS}}}returnStatus").text = code
    etree.SubElement(node, f"{{{CEB_NS}}}returnTime").text = _return_time(returned_at)
    etree.SubElement(node, f"{{{CEB_NS}}}returnInfo").text = info[:RETURN_INFO_MAX]
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _verdict(problems: list[str]) -> tuple[str, str]:
    if problems:
        return REJECTED_CODE, "sandbox: rejected (退单): " + "; ".join(problems)
    return ACCEPTED_CODE, "sandbox: accepted (入库)"


def sandbox_receipt(
    xml: bytes, *, match: MatchResult | None = None, now: datetime | None = None
) -> bytes:
    """Answer one declared message: schema problems (and a failed match, if given) reject it."""
    try:
        root = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False))
        kind = MessageType(etree.QName(root.tag).localname.removesuffix("Message"))
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise ValueError(f"Not a CEB311/411/511 message: {exc}") from None
    _, _, fields = _RECEIPTS[kind]
    identifiers = dict.fromkeys(fields, "")
    head = next(iter(root), None)
    head = next(iter(head), None) if head is not None else None
    if head is not None:
        for child in head:
            name = etree.QName(child.tag).localname
            if name in identifiers and not identifiers[name]:
                identifiers[name] = (child.text or "").strip()
    problems = validate(xml, kind)
    if match is not None:
        problems += [str(m) for m in match.mismatches]
    code, info = _verdict(problems)
    return build_receipt(
        answers=kind,
        identifiers=identifiers,
        code=code,
        info=info,
        returned_at=now or datetime.now(UTC),
    )


@dataclass
class SandboxDeclaration:
    """What the sandbox did with one order's three documents."""

    match: MatchResult
    messages: dict[MessageType, bytes] = field(default_factory=dict)  # built (valid) messages
    receipts: dict[MessageType, bytes] = field(default_factory=dict)
    replies: dict[MessageType, CustomsReply] = field(default_factory=dict)

    @property
    def accepted(self) -> bool:
        return all(reply.code == ACCEPTED_CODE for reply in self.replies.values())

    @property
    def reasons(self) -> list[str]:
        return [reply.info for reply in self.replies.values() if reply.code != ACCEPTED_CODE]


def sandbox_declare(
    *,
    order: CebOrder,
    payment: CebPayment,
    logistics: CebLogistics,
    now: datetime | None = None,
) -> SandboxDeclaration:
    """Build, check and answer the three documents of one order."""
    moment = now or datetime.now(UTC)
    match = three_document_match(order, payment, logistics)
    mismatches = [str(m) for m in match.mismatches]
    result = SandboxDeclaration(match=match)
    order_ids = {"ebpCode": order.ebp_code, "ebcCode": order.ebc_code, "orderNo": order.order_no}
    payment_ids = {"payCode": payment.pay_code, "payTransactionId": payment.pay_transaction_id}
    waybill_ids = {"logisticsCode": logistics.logistics_code, "logisticsNo": logistics.logistics_no}
    documents = (
        (MessageType.ORDER, order, partial(build_ceb311, order), order_ids),
        (MessageType.PAYMENT, payment, partial(build_ceb411, payment), payment_ids),
        (MessageType.LOGISTICS, logistics, partial(build_ceb511, logistics), waybill_ids),
    )
    for kind, document, build, identifiers in documents:
        try:
            result.messages[kind] = build()
            problems: list[str] = []
        except CustomsMessageInvalid as exc:
            problems = list(exc.errors)
        code, info = _verdict(problems + mismatches)
        receipt = build_receipt(
            answers=kind,
            identifiers={"guid": document.guid, **identifiers},
            code=code,
            info=info,
            returned_at=moment,
        )
        result.receipts[kind] = receipt
        result.replies[kind] = parse_reply(receipt, received_at=moment)
    return result
