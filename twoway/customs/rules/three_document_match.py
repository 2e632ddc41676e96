"""Three-document match (三单对碰): the order, the payment voucher and the waybill must agree.

Customs compares the data three parties transmit (customs/xsd/ceb_messages.md §5). The checks,
each reported with the field and rule at fault so every mismatch is listed, not only the first:

- ``order_no``: the payment's and the waybill's order number equal the order's;
- ``ebp_code``: the payment names the same platform as the order;
- ``payment_reference``: a payment enterprise/serial number given in the order equals the voucher's;
- ``payer_is_buyer``: the payer's name, ID type and ID number equal the buyer's (订购人 = 支付人);
- ``amount_paid``: the voucher's amount equals the order's ``acturalPaid``;
- ``actural_paid_formula``: acturalPaid = goodsValue + freight + taxTotal − discount;
- ``goods_value_lines`` / ``line_total``: goodsValue = Σ totalPrice, totalPrice = price × qty;
- ``freight``: the waybill's freight equals the order's;
- ``consignee``: the waybill's consignee, telephone and address equal the order's;
- ``currency``: every document and line is in the order's currency;
- ``per_order_limit`` (only when a limit is passed): acturalPaid ≤ the single-order limit.

The doc's rule 6 grants a 5% tolerance on computed tax; tax is not recomputed here (the tax rule
owns that), so amounts are compared exactly, to the cent. ID numbers are masked in mismatches.
Pure: no Django imports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from twoway.customs.ceb import CebLogistics, CebOrder, CebPayment

_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Mismatch:
    field: str  # "<document>.<element>", e.g. "payment.payerName"
    rule: str
    expected: str
    actual: str

    def __str__(self) -> str:
        return f"{self.field} ({self.rule}): expected {self.expected}, got {self.actual}"


@dataclass(frozen=True)
class MatchResult:
    mismatches: list[Mismatch] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches

    @property
    def rules_broken(self) -> list[str]:
        return sorted({m.rule for m in self.mismatches})

    def summary(self) -> str:
        return "; ".join(str(m) for m in self.mismatches)


def _text(value: object) -> str:
    return " ".join(str(value or "").split())


def _id(value: str) -> str:
    return "".join((value or "").split()).upper()


def _mask(value: str) -> str:
    n = _id(value)
    return "*" * len(n) if len(n) <= 8 else n[:4] + "*" * (len(n) - 8) + n[-4:]


def _money(value: Decimal) -> str:
    return f"{Decimal(value).quantize(_CENT, rounding=ROUND_HALF_UP):f}"


def three_document_match(
    order: CebOrder,
    payment: CebPayment,
    logistics: CebLogistics,
    *,
    per_order_limit: Decimal | None = None,
) -> MatchResult:
    out: list[Mismatch] = []

    def same_text(where: str, rule: str, expected: object, actual: object) -> None:
        if _text(expected) != _text(actual):
            out.append(Mismatch(where, rule, _text(expected), _text(actual)))

    def same_amount(where: str, rule: str, expected: Decimal, actual: Decimal) -> None:
        if Decimal(expected) != Decimal(actual):
            out.append(Mismatch(where, rule, _money(expected), _money(actual)))

    # Order numbers and parties
    same_text("payment.orderNo", "order_no", order.order_no, payment.order_no)
    same_text("logistics.orderNo", "order_no", order.order_no, logistics.order_no)
    same_text("payment.ebpCode", "ebp_code", order.ebp_code, payment.ebp_code)
    if _text(order.pay_code):
        same_text("payment.payCode", "payment_reference", order.pay_code, payment.pay_code)
    if _text(order.pay_transaction_id):
        same_text(
            "payment.payTransactionId",
            "payment_reference",
            order.pay_transaction_id,
            payment.pay_transaction_id,
        )

    # Real-name rule: the payer is the buyer
    same_text("payment.payerName", "payer_is_buyer", order.buyer_name, payment.payer_name)
    same_text("payment.payerIdType", "payer_is_buyer", order.buyer_id_type, payment.payer_id_type)
    if _id(order.buyer_id_number) != _id(payment.payer_id_number):
        out.append(
            Mismatch(
                "payment.payerIdNumber",
                "payer_is_buyer",
                _mask(order.buyer_id_number),
                _mask(payment.payer_id_number),
            )
        )

    # Amounts
    same_amount("payment.amountPaid", "amount_paid", order.actural_paid, payment.amount_paid)
    computed = order.goods_value + order.freight + order.tax_total - order.discount
    same_amount("order.acturalPaid", "actural_paid_formula", computed, order.actural_paid)
    lines_total = sum((item.total_price for item in order.items), Decimal("0"))
    same_amount("order.goodsValue", "goods_value_lines", lines_total, order.goods_value)
    for item in order.items:
        expected = (item.price * item.qty).quantize(_CENT, rounding=ROUND_HALF_UP)
        same_amount(
            f"order.OrderList[{item.gnum}].totalPrice", "line_total", expected, item.total_price
        )
    same_amount("logistics.freight", "freight", order.freight, logistics.freight)
    if per_order_limit is not None and order.actural_paid > per_order_limit:
        out.append(
            Mismatch(
                "order.acturalPaid",
                "per_order_limit",
                f"≤ {_money(per_order_limit)}",
                _money(order.actural_paid),
            )
        )

    # Consignee on the waybill
    same_text("logistics.consignee", "consignee", order.consignee, logistics.consignee)
    same_text(
        "logistics.consigneeTelephone",
        "consignee",
        order.consignee_telephone,
        logistics.consignee_telephone,
    )
    same_text(
        "logistics.consigneeAddress",
        "consignee",
        order.consignee_address,
        logistics.consignee_address,
    )

    # Currency
    same_text("payment.currency", "currency", order.currency, payment.currency)
    same_text("logistics.currency", "currency", order.currency, logistics.currency)
    for item in order.items:
        same_text(
            f"order.OrderList[{item.gnum}].currency", "currency", order.currency, item.currency
        )

    return MatchResult(out)
