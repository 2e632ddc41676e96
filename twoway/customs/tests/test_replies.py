"""Customs receipts are parsed into replies; the sandbox answers declared messages."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from twoway.customs.ceb import MessageType, build_ceb311
from twoway.customs.gateways.simulator import sandbox_declare, sandbox_receipt
from twoway.customs.replies import (
    RETURN_STATUS,
    CustomsReplyInvalid,
    ReplyStatus,
    parse_replies,
    parse_reply,
)

from .factories import make_logistics, make_order, make_payment

RECEIVED = datetime(2025, 1, 2, 0, 5, tzinfo=UTC)

CEB312_REJECTED = """<?xml version="1.0" encoding="UTF-8"?>
<ceb:CEB312Message guid="0B5C8AB3-6F1C-4C5E-9B1E-6A0F5C2D9E11" version="1.0"
    xmlns:ceb="http://www.chinaport.gov.cn/ceb">
  <ceb:OrderReturn>
    <ceb:guid>4CDE1CFD-EDED-46B1-946C-B8022E42FC94</ceb:guid>
    <ceb:ebpCode>3301960TWO</ceb:ebpCode>
    <ceb:ebcCode>3301960SEL</ceb:ebcCode>
    <ceb:orderNo>TW20250102000001</ceb:orderNo>
    <ceb:returnStatus>100</ceb:returnStatus>
    <ceb:returnTime>20250102080000123</ceb:returnTime>
    <ceb:returnInfo>订购人身份信息校验未通过</ceb:returnInfo>
  </ceb:OrderReturn>
</ceb:CEB312Message>""".encode()


def receipt(kind: str, element: str, status: str, extra: str = "") -> bytes:
    return (
        f'<CEB{kind}Message xmlns="http://www.chinaport.gov.cn/ceb" guid="G" version="1.0">'
        f"<{element}><guid>DECLARED-GUID</guid>{extra}<returnStatus>{status}</returnStatus>"
        f"<returnTime>20250102103000</returnTime><returnInfo>ok</returnInfo></{element}>"
        f"</CEB{kind}Message>"
    ).encode()


def test_order_receipt_is_parsed():
    reply = parse_reply(CEB312_REJECTED, received_at=RECEIVED)

    assert reply.message_type == "CEB312"
    assert reply.answers == "CEB311"
    assert reply.guid == "4CDE1CFD-EDED-46B1-946C-B8022E42FC94"
    assert reply.order_no == "TW20250102000001"
    assert reply.reference == "TW20250102000001"
    assert reply.status is ReplyStatus.REJECTED
    assert reply.is_final_rejection
    assert reply.code == "100"
    assert reply.meaning == "customs rejected (退单)"
    assert reply.info == "订购人身份信息校验未通过"
    assert reply.returned_at == datetime(2025, 1, 2, 0, 0, 0, 123000, tzinfo=UTC)
    assert reply.received_at == RECEIVED


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("1", ReplyStatus.PENDING),
        ("2", ReplyStatus.PENDING),
        ("3", ReplyStatus.PENDING),
        ("4", ReplyStatus.SEND_FAILED),
        ("100", ReplyStatus.REJECTED),
        ("120", ReplyStatus.ACCEPTED),
        ("300", ReplyStatus.MANUAL_REVIEW),
        ("399", ReplyStatus.CONCLUDED),
        ("500", ReplyStatus.INSPECTION),
        ("501", ReplyStatus.DETAINED),
        ("599", ReplyStatus.DETAINED),
        ("700", ReplyStatus.RETURNED),
        ("800", ReplyStatus.RELEASED),
        ("899", ReplyStatus.CLOSED),
        ("-301010", ReplyStatus.UNKNOWN),
    ],
)
def test_return_status_codes(code, status):
    reply = parse_reply(receipt("312", "OrderReturn", code, "<orderNo>N1</orderNo>"))
    assert reply.status is status
    assert reply.code == code


def test_status_table_has_all_documented_codes():
    assert sorted(RETURN_STATUS, key=int) == [
        "1", "2", "3", "4", "100", "120", "300", "399", "500", "501", "502", "503", "599",
        "700", "800", "899",
    ]  # fmt: skip


def test_payment_and_waybill_receipts_name_their_reference():
    payment = parse_reply(
        receipt(
            "412",
            "PaymentReturn",
            "120",
            "<payCode>P</payCode><payTransactionId>PAY1</payTransactionId>",
        )
    )
    waybill = parse_reply(
        receipt("512", "LogisticsReturn", "120", "<logisticsNo>WB1</logisticsNo>")
    )

    assert (payment.answers, payment.reference, payment.order_no, payment.status) == (
        "CEB411", "PAY1", None, ReplyStatus.ACCEPTED,
    )  # fmt: skip
    assert (waybill.answers, waybill.reference, waybill.guid) == ("CEB511", "WB1", "DECLARED-GUID")
    assert waybill.returned_at == datetime(2025, 1, 2, 2, 30, tzinfo=UTC)


def test_receipt_with_two_returns():
    xml = CEB312_REJECTED.replace(
        b"</ceb:CEB312Message>",
        b"<ceb:OrderReturn><ceb:guid>X</ceb:guid><ceb:orderNo>N2</ceb:orderNo>"
        b"<ceb:returnStatus>120</ceb:returnStatus></ceb:OrderReturn></ceb:CEB312Message>",
    )
    assert [(r.order_no, r.status) for r in parse_replies(xml)] == [
        ("TW20250102000001", ReplyStatus.REJECTED),
        ("N2", ReplyStatus.ACCEPTED),
    ]
    with pytest.raises(CustomsReplyInvalid, match="Expected one return in the receipt, found 2"):
        parse_reply(xml)


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        (b"<nope", "not well-formed"),
        (b"<CEB311Message/>", "Unknown receipt 'CEB311Message'"),
        (b"<CEB312Message/>", "CEB312Message has no OrderReturn element"),
        (
            b"<CEB312Message><OrderReturn><guid>G</guid></OrderReturn></CEB312Message>",
            "no returnStatus",
        ),
    ],
)
def test_bad_receipts_are_refused(xml, message):
    with pytest.raises(CustomsReplyInvalid, match=message):
        parse_reply(xml)


# --- sandbox ----------------------------------------------------------------------------------


def test_sandbox_accepts_valid_matching_documents():
    order, payment, logistics = make_order(), make_payment(), make_logistics()
    result = sandbox_declare(order=order, payment=payment, logistics=logistics, now=RECEIVED)

    assert result.accepted is True
    assert result.reasons == []
    assert set(result.messages) == {MessageType.ORDER, MessageType.PAYMENT, MessageType.LOGISTICS}
    order_reply = result.replies[MessageType.ORDER]
    assert (order_reply.message_type, order_reply.guid, order_reply.order_no) == (
        "CEB312", order.guid, "TW20250102000001",
    )  # fmt: skip
    assert order_reply.status is ReplyStatus.ACCEPTED
    assert order_reply.code == "120"
    assert order_reply.returned_at == RECEIVED
    assert result.replies[MessageType.PAYMENT].reference == "PAY2025010200001"
    assert result.replies[MessageType.PAYMENT].guid == payment.guid
    assert result.replies[MessageType.LOGISTICS].reference == "WB1234567890CN"


def test_sandbox_rejects_mismatched_documents_with_the_reason():
    result = sandbox_declare(
        order=make_order(),
        payment=make_payment(amount_paid=Decimal("434.64")),
        logistics=make_logistics(),
        now=RECEIVED,
    )

    assert result.accepted is False
    assert {r.status for r in result.replies.values()} == {ReplyStatus.REJECTED}
    assert result.replies[MessageType.PAYMENT].info == (
        "sandbox: rejected (退单): payment.amountPaid (amount_paid): expected 434.65, got 434.64"
    )


def test_sandbox_rejects_an_invalid_message_and_accepts_nothing_unbuilt():
    result = sandbox_declare(
        order=make_order(buyer_telephone=""),
        payment=make_payment(),
        logistics=make_logistics(),
        now=RECEIVED,
    )

    assert MessageType.ORDER not in result.messages
    order_reply = result.replies[MessageType.ORDER]
    assert order_reply.status is ReplyStatus.REJECTED
    assert order_reply.info.startswith(
        "sandbox: rejected (退单): OrderHead/buyerTelephone: required, but empty"
    )
    assert result.replies[MessageType.PAYMENT].status is ReplyStatus.ACCEPTED
    assert result.accepted is False


def test_sandbox_receipt_for_one_message():
    xml = build_ceb311(make_order())
    accepted = parse_reply(sandbox_receipt(xml, now=RECEIVED))
    tampered = parse_reply(sandbox_receipt(xml.replace(b">142<", b">USD<", 1), now=RECEIVED))

    assert (accepted.status, accepted.order_no) == (ReplyStatus.ACCEPTED, "TW20250102000001")
    assert tampered.status is ReplyStatus.REJECTED
    assert "OrderHead/currency" in tampered.info
