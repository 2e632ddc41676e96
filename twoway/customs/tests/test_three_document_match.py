"""Three-document match: each disagreement between order, payment and waybill is reported."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from twoway.customs.rules.three_document_match import Mismatch, three_document_match

from .factories import make_logistics, make_order, make_payment


def test_consistent_documents_match():
    result = three_document_match(make_order(), make_payment(), make_logistics())
    assert result.ok is True
    assert result.mismatches == []


def test_payer_other_than_buyer_is_reported():
    result = three_document_match(make_order(), make_payment(payer_name="李四"), make_logistics())
    assert result.ok is False
    assert result.mismatches == [Mismatch("payment.payerName", "payer_is_buyer", "张三", "李四")]


def test_payer_id_number_differs_and_is_masked():
    result = three_document_match(
        make_order(), make_payment(payer_id_number="120101199006159988"), make_logistics()
    )
    assert result.mismatches == [
        Mismatch(
            "payment.payerIdNumber", "payer_is_buyer", "1101**********9992", "1201**********9988"
        )
    ]
    assert "110108200001019992" not in result.summary()


def test_id_number_compared_without_case_or_spaces():
    order = make_order(buyer_id_number="11010519491231002X")
    payment = make_payment(payer_id_number=" 11010519491231002x ")
    assert three_document_match(order, payment, make_logistics()).ok


def test_amount_paid_off_by_one_cent_is_reported():
    result = three_document_match(
        make_order(), make_payment(amount_paid=Decimal("434.64")), make_logistics()
    )
    assert result.mismatches == [Mismatch("payment.amountPaid", "amount_paid", "434.65", "434.64")]


def test_order_number_differs_on_payment_and_waybill():
    result = three_document_match(
        make_order(),
        make_payment(order_no="TW20250102000002"),
        make_logistics(order_no="TW20250102000003"),
    )
    assert result.mismatches == [
        Mismatch("payment.orderNo", "order_no", "TW20250102000001", "TW20250102000002"),
        Mismatch("logistics.orderNo", "order_no", "TW20250102000001", "TW20250102000003"),
    ]


def test_actural_paid_must_follow_the_formula():
    # both documents agree on 434.66, but 388.50 + 20.00 + 36.15 - 10.00 = 434.65
    result = three_document_match(
        make_order(actural_paid=Decimal("434.66")),
        make_payment(amount_paid=Decimal("434.66")),
        make_logistics(),
    )
    assert result.mismatches == [
        Mismatch("order.acturalPaid", "actural_paid_formula", "434.65", "434.66")
    ]


def test_lines_must_add_up():
    order = make_order()
    first = replace(order.items[0], total_price=Decimal("299.99"))
    result = three_document_match(
        replace(order, items=[first, order.items[1]]), make_payment(), make_logistics()
    )
    assert result.mismatches == [
        Mismatch("order.goodsValue", "goods_value_lines", "388.49", "388.50"),
        Mismatch("order.OrderList[1].totalPrice", "line_total", "300.00", "299.99"),
    ]


def test_waybill_freight_and_consignee_must_equal_the_order():
    result = three_document_match(
        make_order(),
        make_payment(),
        make_logistics(
            freight=Decimal("25.00"), consignee="王五", consignee_address="上海市浦东新区测试路2号"
        ),
    )
    assert result.mismatches == [
        Mismatch("logistics.freight", "freight", "20.00", "25.00"),
        Mismatch("logistics.consignee", "consignee", "张三", "王五"),
        Mismatch(
            "logistics.consigneeAddress",
            "consignee",
            "北京市海淀区测试路1号",
            "上海市浦东新区测试路2号",
        ),
    ]


def test_payment_platform_serial_and_currency_must_agree():
    result = three_document_match(
        make_order(),
        make_payment(ebp_code="9999999XXX", pay_transaction_id="PAY-OTHER", currency="502"),
        make_logistics(),
    )
    assert result.rules_broken == ["currency", "ebp_code", "payment_reference"]
    assert len(result.mismatches) == 3


def test_per_order_limit_only_when_given():
    assert three_document_match(make_order(), make_payment(), make_logistics()).ok
    result = three_document_match(
        make_order(), make_payment(), make_logistics(), per_order_limit=Decimal("400")
    )
    assert result.mismatches == [
        Mismatch("order.acturalPaid", "per_order_limit", "≤ 400.00", "434.65")
    ]


def test_all_mismatches_are_reported_together():
    result = three_document_match(
        make_order(),
        make_payment(payer_name="李四", amount_paid=Decimal("1.00"), order_no="X"),
        make_logistics(freight=Decimal("0")),
    )
    assert [m.rule for m in result.mismatches] == [
        "order_no",
        "payer_is_buyer",
        "amount_paid",
        "freight",
    ]


cents = st.integers(min_value=0, max_value=10_000_000).map(lambda n: Decimal(n) / 100)


@given(
    lines=st.lists(
        st.tuples(st.integers(min_value=1, max_value=20), cents), min_size=1, max_size=5
    ),
    freight=cents,
    tax=cents,
    discount_share=st.integers(min_value=0, max_value=100),
    delta=st.integers(min_value=-500, max_value=500).filter(bool).map(lambda n: Decimal(n) / 100),
)
def test_consistent_amounts_match_and_any_cent_off_is_caught(
    lines, freight, tax, discount_share, delta
):
    base = make_order().items[0]
    items = [
        replace(base, gnum=i, qty=Decimal(qty), price=price, total_price=price * qty)
        for i, (qty, price) in enumerate(lines, start=1)
    ]
    goods = sum((item.total_price for item in items), Decimal("0"))
    discount = (goods * discount_share / 100).quantize(Decimal("0.01"))
    paid = goods + freight + tax - discount
    order = make_order(
        items=items,
        goods_value=goods,
        freight=freight,
        tax_total=tax,
        discount=discount,
        actural_paid=paid,
    )
    logistics = make_logistics(freight=freight)

    assert three_document_match(order, make_payment(amount_paid=paid), logistics).ok
    off = three_document_match(order, make_payment(amount_paid=paid + delta), logistics)
    assert [m.rule for m in off.mismatches] == ["amount_paid"]
