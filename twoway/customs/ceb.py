"""China customs CBEC import messages (CEB311 order, CEB411 payment, CEB511 waybill).

The documents are plain dataclasses filled by the checkout/payments/logistics code; the builders
turn one into the XML the platform would send to China E-Port, validate it against the schemas
in ``xsd/`` (reconstructed from the field tables, see ``xsd/README.md``) and raise
``CustomsMessageInvalid`` listing every problem instead of returning a message customs would
refuse. No Django imports: the module is usable from rules and tasks alike.

Conventions (xsd/ceb_messages.md §2): namespace ``http://www.chinaport.gov.cn/ceb`` with prefix
``ceb``, UTF-8, root attributes ``guid`` and ``version="1.0"``, business element first then
``BaseTransfer``; times ``yyyyMMddHHmmss`` in China time (UTC+8) from aware datetimes; amounts
N16,2 written with exactly two decimals (a value with more decimals is refused, not rounded).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from functools import cache
from pathlib import Path

from lxml import etree

from .errors import CustomsMessageInvalid

__all__ = [
    "CEB_NS",
    "CHINA_TZ",
    "CURRENCY_CNY",
    "BaseTransfer",
    "CebLogistics",
    "CebOrder",
    "CebOrderItem",
    "CebPayment",
    "CustomsMessageInvalid",
    "MessageType",
    "build_ceb311",
    "build_ceb411",
    "build_ceb511",
    "china_time",
    "new_guid",
    "validate",
]

CEB_NS = "http://www.chinaport.gov.cn/ceb"
DSIG_NS = "http://www.w3.org/2000/09/xmldsig#"
MESSAGE_VERSION = "1.0"
CHINA_TZ = timezone(timedelta(hours=8), "China Standard Time")
CURRENCY_CNY = "142"  # customs currency code for CNY
ID_TYPE_RESIDENT_CARD = "1"
XSD_DIR = Path(__file__).resolve().parent / "xsd"

_CENT = Decimal("0.01")
_GRAM = Decimal("0.001")


class MessageType(StrEnum):
    ORDER = "CEB311"
    PAYMENT = "CEB411"
    LOGISTICS = "CEB511"


def new_guid() -> str:
    """A 36-character uppercase guid, as the messages require."""
    return str(uuid.uuid4()).upper()


@dataclass(frozen=True, kw_only=True)
class BaseTransfer:
    """The transmitting company (its customs code must match the E-Port client identity)."""

    cop_code: str
    cop_name: str
    dxp_id: str
    dxp_mode: str = "DXP"
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class CebOrderItem:
    """One ``OrderList`` line. Amounts in CNY; ``total_price`` must equal ``price × qty``."""

    gnum: int
    item_no: str
    item_name: str  # Chinese name as sold on the platform
    g_model: str  # brand, specification, model, composition (required since 2018)
    unit: str  # JGS-20 customs unit code, e.g. "011" (piece)
    qty: Decimal
    price: Decimal
    total_price: Decimal
    country: str  # JGS-20 country of origin, e.g. "502" for the USA
    currency: str = CURRENCY_CNY
    item_describe: str = ""
    bar_code: str = ""
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class CebOrder:
    """CEB311 ``OrderHead`` + lines. ``actural_paid`` keeps the official misspelling."""

    order_no: str
    ebp_code: str
    ebp_name: str
    ebc_code: str
    ebc_name: str
    goods_value: Decimal
    freight: Decimal
    discount: Decimal
    tax_total: Decimal
    actural_paid: Decimal
    buyer_reg_no: str
    buyer_name: str
    buyer_telephone: str
    buyer_id_number: str = field(repr=False)
    consignee: str
    consignee_telephone: str
    consignee_address: str
    items: Sequence[CebOrderItem]
    app_time: datetime  # aware; written in China time
    transfer: BaseTransfer
    currency: str = CURRENCY_CNY
    buyer_id_type: str = ID_TYPE_RESIDENT_CARD
    pay_code: str = ""
    pay_name: str = ""
    pay_transaction_id: str = ""
    batch_numbers: str = ""
    consignee_district: str = ""
    note: str = ""
    guid: str = field(default_factory=new_guid)
    app_type: str = "1"  # 1 new, 2 change, 3 delete
    app_status: str = "2"  # 1 draft, 2 declare
    order_type: str = "I"


@dataclass(frozen=True, kw_only=True)
class CebPayment:
    """CEB411 ``PaymentHead``: the payment enterprise's voucher for one order."""

    pay_code: str
    pay_name: str
    pay_transaction_id: str
    order_no: str
    ebp_code: str
    ebp_name: str
    payer_id_number: str = field(repr=False)
    payer_name: str
    amount_paid: Decimal
    pay_time: datetime  # aware
    app_time: datetime  # aware
    transfer: BaseTransfer
    payer_id_type: str = ID_TYPE_RESIDENT_CARD
    telephone: str = ""
    currency: str = CURRENCY_CNY
    note: str = ""
    guid: str = field(default_factory=new_guid)
    app_type: str = "1"
    app_status: str = "2"


@dataclass(frozen=True, kw_only=True)
class CebLogistics:
    """CEB511 ``LogisticsHead``: the logistics enterprise's waybill for one order."""

    logistics_code: str
    logistics_name: str
    logistics_no: str
    order_no: str
    freight: Decimal
    weight: Decimal  # gross kg
    consignee: str
    consignee_address: str
    consignee_telephone: str
    app_time: datetime  # aware
    transfer: BaseTransfer
    insured_fee: Decimal = Decimal("0")
    currency: str = CURRENCY_CNY
    pack_no: int | None = 1
    bill_no: str = ""
    goods_info: str = ""
    note: str = ""
    guid: str = field(default_factory=new_guid)
    app_type: str = "1"
    app_status: str = "2"


# --- formatting -------------------------------------------------------------------------------


def china_time(moment: datetime) -> str:
    """``yyyyMMddHHmmss`` in China time (UTC+8). Naive datetimes are refused."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("A customs time needs an aware datetime (UTC), got a naive one.")
    return moment.astimezone(CHINA_TZ).strftime("%Y%m%d%H%M%S")


class _Writer:
    """Collects the problems found while formatting values, so all are reported at once."""

    def __init__(self, message_type: str) -> None:
        self.message_type = message_type
        self.problems: list[str] = []

    def money(self, path: str, value: Decimal | None) -> str:
        amount = self._decimal(path, value)
        if amount is None:
            return ""
        if amount != amount.quantize(_CENT):
            self.problems.append(f"{path}: {amount} has more than 2 decimals (N16,2)")
            return ""
        return f"{amount.quantize(_CENT):f}"

    def quantity(self, path: str, value: Decimal | None) -> str:
        qty = self._decimal(path, value)
        if qty is None:
            return ""
        if qty == qty.to_integral_value():
            return f"{qty.to_integral_value():f}"
        if qty != qty.quantize(_CENT):
            self.problems.append(f"{path}: {qty} has more than 2 decimals (N16,2)")
            return ""
        return f"{qty.quantize(_CENT):f}"

    def weight(self, path: str, value: Decimal | None) -> str:
        kg = self._decimal(path, value)
        if kg is None:
            return ""
        return f"{kg.quantize(_GRAM, rounding=ROUND_HALF_UP):f}"

    def time(self, path: str, value: datetime | None) -> str:
        if value is None:
            return ""
        try:
            return china_time(value)
        except ValueError as exc:
            self.problems.append(f"{path}: {exc}")
            return ""

    def _decimal(self, path: str, value: Decimal | None) -> Decimal | None:
        if value is None:
            return None
        try:
            amount = Decimal(value)
        except (InvalidOperation, TypeError, ValueError):
            self.problems.append(f"{path}: {value!r} is not a number")
            return None
        if not amount.is_finite():
            self.problems.append(f"{path}: {value!r} is not a number")
            return None
        return amount


def _q(tag: str) -> str:
    return f"{{{CEB_NS}}}{tag}"


def _add(parent: etree._Element, tag: str, text: str | int | None, *, required: bool) -> None:
    """Append ``<ceb:tag>``; optional elements are left out when empty, required ones never are
    (an empty required element fails the schema with the element named)."""
    value = "" if text is None else str(text)
    if not value and not required:
        return
    etree.SubElement(parent, _q(tag)).text = value


def _root(message_type: MessageType, guid: str) -> etree._Element:
    return etree.Element(
        _q(f"{message_type}Message"),
        attrib={"guid": guid, "version": MESSAGE_VERSION},
        nsmap={"ceb": CEB_NS},
    )


def _add_common_head(head: etree._Element, w: _Writer, path: str, doc) -> None:
    _add(head, "guid", doc.guid, required=True)
    _add(head, "appType", doc.app_type, required=True)
    _add(head, "appTime", w.time(f"{path}/appTime", doc.app_time), required=True)
    _add(head, "appStatus", doc.app_status, required=True)


def _add_transfer(root: etree._Element, transfer: BaseTransfer) -> None:
    node = etree.SubElement(root, _q("BaseTransfer"))
    _add(node, "copCode", transfer.cop_code, required=True)
    _add(node, "copName", transfer.cop_name, required=True)
    _add(node, "dxpMode", transfer.dxp_mode, required=True)
    _add(node, "dxpId", transfer.dxp_id, required=True)
    _add(node, "note", transfer.note, required=False)


def _where(problem: str) -> str:
    return re.sub(r"\[\d+\]", "", problem.split(":", 1)[0])


def _finish(root: etree._Element, w: _Writer) -> bytes:
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    # A value refused while formatting was written empty; its schema error would repeat it.
    reported = {_where(problem) for problem in w.problems}
    schema_errors = [e for e in validate(xml, w.message_type) if _where(e) not in reported]
    errors = w.problems + schema_errors
    if errors:
        raise CustomsMessageInvalid(w.message_type, errors)
    return xml


# --- builders ---------------------------------------------------------------------------------


def build_ceb311(order: CebOrder) -> bytes:
    """The CEB311 order declaration, validated; raises ``CustomsMessageInvalid``."""
    w = _Writer(MessageType.ORDER)
    root = _root(MessageType.ORDER, order.guid)
    order_node = etree.SubElement(root, _q("Order"))
    head = etree.SubElement(order_node, _q("OrderHead"))
    p = "OrderHead"
    _add_common_head(head, w, p, order)
    _add(head, "orderType", order.order_type, required=True)
    _add(head, "orderNo", order.order_no, required=True)
    _add(head, "ebpCode", order.ebp_code, required=True)
    _add(head, "ebpName", order.ebp_name, required=True)
    _add(head, "ebcCode", order.ebc_code, required=True)
    _add(head, "ebcName", order.ebc_name, required=True)
    for tag, value in (
        ("goodsValue", order.goods_value),
        ("freight", order.freight),
        ("discount", order.discount),
        ("taxTotal", order.tax_total),
        ("acturalPaid", order.actural_paid),
    ):
        _add(head, tag, w.money(f"{p}/{tag}", value), required=True)
    _add(head, "currency", order.currency, required=True)
    _add(head, "buyerRegNo", order.buyer_reg_no, required=True)
    _add(head, "buyerName", order.buyer_name, required=True)
    _add(head, "buyerTelephone", order.buyer_telephone, required=True)
    _add(head, "buyerIdType", order.buyer_id_type, required=True)
    _add(head, "buyerIdNumber", order.buyer_id_number, required=True)
    _add(head, "payCode", order.pay_code, required=False)
    _add(head, "payName", order.pay_name, required=False)
    _add(head, "payTransactionId", order.pay_transaction_id, required=False)
    _add(head, "batchNumbers", order.batch_numbers, required=False)
    _add(head, "consignee", order.consignee, required=True)
    _add(head, "consigneeTelephone", order.consignee_telephone, required=True)
    _add(head, "consigneeAddress", order.consignee_address, required=True)
    _add(head, "consigneeDistrict", order.consignee_district, required=False)
    _add(head, "note", order.note, required=False)
    if not order.items:
        w.problems.append("Order: at least one OrderList line is required")
    for item in order.items:
        line = etree.SubElement(order_node, _q("OrderList"))
        lp = f"OrderList[{item.gnum}]"
        _add(line, "gnum", item.gnum, required=True)
        _add(line, "itemNo", item.item_no, required=True)
        _add(line, "itemName", item.item_name, required=True)
        _add(line, "gmodel", item.g_model, required=True)
        _add(line, "itemDescribe", item.item_describe, required=False)
        _add(line, "barCode", item.bar_code, required=False)
        _add(line, "unit", item.unit, required=True)
        _add(line, "qty", w.quantity(f"{lp}/qty", item.qty), required=True)
        _add(line, "price", w.money(f"{lp}/price", item.price), required=True)
        _add(line, "totalPrice", w.money(f"{lp}/totalPrice", item.total_price), required=True)
        _add(line, "currency", item.currency, required=True)
        _add(line, "country", item.country, required=True)
        _add(line, "note", item.note, required=False)
    _add_transfer(root, order.transfer)
    return _finish(root, w)


def build_ceb411(payment: CebPayment) -> bytes:
    """The CEB411 payment voucher, validated; raises ``CustomsMessageInvalid``."""
    w = _Writer(MessageType.PAYMENT)
    root = _root(MessageType.PAYMENT, payment.guid)
    head = etree.SubElement(etree.SubElement(root, _q("Payment")), _q("PaymentHead"))
    p = "PaymentHead"
    _add_common_head(head, w, p, payment)
    _add(head, "payCode", payment.pay_code, required=True)
    _add(head, "payName", payment.pay_name, required=True)
    _add(head, "payTransactionId", payment.pay_transaction_id, required=True)
    _add(head, "orderNo", payment.order_no, required=True)
    _add(head, "ebpCode", payment.ebp_code, required=True)
    _add(head, "ebpName", payment.ebp_name, required=True)
    _add(head, "payerIdType", payment.payer_id_type, required=True)
    _add(head, "payerIdNumber", payment.payer_id_number, required=True)
    _add(head, "payerName", payment.payer_name, required=True)
    _add(head, "telephone", payment.telephone, required=False)
    _add(head, "amountPaid", w.money(f"{p}/amountPaid", payment.amount_paid), required=True)
    _add(head, "currency", payment.currency, required=True)
    _add(head, "payTime", w.time(f"{p}/payTime", payment.pay_time), required=True)
    _add(head, "note", payment.note, required=False)
    _add_transfer(root, payment.transfer)
    return _finish(root, w)


def build_ceb511(logistics: CebLogistics) -> bytes:
    """The CEB511 logistics waybill, validated; raises ``CustomsMessageInvalid``."""
    w = _Writer(MessageType.LOGISTICS)
    root = _root(MessageType.LOGISTICS, logistics.guid)
    head = etree.SubElement(etree.SubElement(root, _q("Logistics")), _q("LogisticsHead"))
    p = "LogisticsHead"
    _add_common_head(head, w, p, logistics)
    _add(head, "logisticsCode", logistics.logistics_code, required=True)
    _add(head, "logisticsName", logistics.logistics_name, required=True)
    _add(head, "logisticsNo", logistics.logistics_no, required=True)
    _add(head, "billNo", logistics.bill_no, required=False)
    _add(head, "orderNo", logistics.order_no, required=True)
    _add(head, "freight", w.money(f"{p}/freight", logistics.freight), required=True)
    _add(head, "insuredFee", w.money(f"{p}/insuredFee", logistics.insured_fee), required=True)
    _add(head, "currency", logistics.currency, required=True)
    _add(head, "weight", w.weight(f"{p}/weight", logistics.weight), required=True)
    _add(head, "packNo", logistics.pack_no, required=False)
    _add(head, "goodsInfo", logistics.goods_info, required=False)
    _add(head, "consignee", logistics.consignee, required=True)
    _add(head, "consigneeAddress", logistics.consignee_address, required=True)
    _add(head, "consigneeTelephone", logistics.consignee_telephone, required=True)
    _add(head, "note", logistics.note, required=False)
    _add_transfer(root, logistics.transfer)
    return _finish(root, w)


# --- validation -------------------------------------------------------------------------------


def _message_type(value: str) -> MessageType:
    code = str(value).removesuffix("Message")
    try:
        return MessageType(code)
    except ValueError:
        known = ", ".join(t.value for t in MessageType)
        raise ValueError(f"Unknown CEB message type {value!r}; known: {known}.") from None


@cache
def _schema(message_type: MessageType) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD_DIR / f"{message_type}Message.xsd")))


def _short(text: str) -> str:
    return text.replace(f"{{{CEB_NS}}}", "").replace("ceb:", "")


def _readable(error: etree._LogEntry) -> str:
    path = _short(error.path or "").strip("/")
    # "/CEB311Message/Order/OrderHead/buyerName" → "OrderHead/buyerName"
    parts = [part for part in path.split("/") if part]
    where = "/".join(parts[-2:]) if len(parts) >= 2 else (parts[0] if parts else "message")
    message = _short(error.message)
    if message.startswith("Element '"):
        message = message.split("': ", 1)[-1]
    if ("[facet 'minLength']" in message and "length of '0'" in message) or (
        "The value '' is not" in message
    ):
        message = "required, but empty"
    elif "This element is not expected. Expected is" in message:
        expected = message.split("Expected is", 1)[1].strip(" ().")
        element = _short(error.message).split("'", 2)[1]
        parent = "/".join(parts[-2:-1]) or "message"
        return f"{parent}: expected element {expected} before {element} (missing or out of order)"
    elif message.startswith("Missing child element(s)"):
        expected = message.split("Expected is", 1)[1].strip(" ().")
        return f"{where}: missing required element {expected}"
    return f"{where}: {message} (line {error.line})"


def validate(xml: bytes, message_type: str) -> list[str]:
    """Readable problems of ``xml`` against the schema of ``message_type`` ("CEB311", "CEB411",
    "CEB511"; "…Message" accepted); an empty list when the message is valid."""
    kind = _message_type(message_type)
    try:
        document = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False))
    except etree.XMLSyntaxError as exc:
        return [f"message: not well-formed XML ({exc})"]
    expected_root = _q(f"{kind}Message")
    if document.tag != expected_root:
        return [f"message: root element is {_short(document.tag)}, expected {kind}Message"]
    schema = _schema(kind)
    if schema.validate(document):
        return []
    problems, seen_paths = [], set()
    for error in schema.error_log:
        if error.path in seen_paths:
            continue  # one problem per element: the first facet it breaks
        seen_paths.add(error.path)
        problems.append(_readable(error))
    return problems
