"""CEB311/411/511 builders: schema-valid XML carrying exactly the documents' values."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import pytest
from lxml import etree

from twoway.core.errors import DomainError
from twoway.customs.ceb import (
    CEB_NS,
    CustomsMessageInvalid,
    build_ceb311,
    build_ceb411,
    build_ceb511,
    china_time,
    validate,
)

from .factories import TEST_ID_NUMBER, make_logistics, make_order, make_payment

NS = {"ceb": CEB_NS}


def texts(node: etree._Element) -> dict[str, str]:
    return {etree.QName(child).localname: child.text for child in node}


def tags(node: etree._Element) -> list[str]:
    return [etree.QName(child).localname for child in node]


def test_ceb311_is_valid_and_carries_every_value():
    order = make_order()
    xml = build_ceb311(order)

    assert validate(xml, "CEB311") == []
    root = etree.fromstring(xml)
    assert root.tag == f"{{{CEB_NS}}}CEB311Message"
    assert root.nsmap == {"ceb": CEB_NS}
    assert root.get("guid") == order.guid
    assert root.get("version") == "1.0"
    assert tags(root) == ["Order", "BaseTransfer"]
    head = root.find("ceb:Order/ceb:OrderHead", NS)
    assert tags(head) == [
        "guid", "appType", "appTime", "appStatus", "orderType", "orderNo", "ebpCode", "ebpName",
        "ebcCode", "ebcName", "goodsValue", "freight", "discount", "taxTotal", "acturalPaid",
        "currency", "buyerRegNo", "buyerName", "buyerTelephone", "buyerIdType", "buyerIdNumber",
        "payCode", "payName", "payTransactionId", "consignee", "consigneeTelephone",
        "consigneeAddress", "consigneeDistrict",
    ]  # fmt: skip
    assert texts(head) == {
        "guid": order.guid,
        "appType": "1",
        "appTime": "20250102000000",
        "appStatus": "2",
        "orderType": "I",
        "orderNo": "TW20250102000001",
        "ebpCode": "3301960TWO",
        "ebpName": "Twoway 测试平台",
        "ebcCode": "3301960SEL",
        "ebcName": "Prairie Roots LLC",
        "goodsValue": "388.50",
        "freight": "20.00",
        "discount": "10.00",
        "taxTotal": "36.15",
        "acturalPaid": "434.65",
        "currency": "142",
        "buyerRegNo": "buyer-42",
        "buyerName": "张三",
        "buyerTelephone": "13800138000",
        "buyerIdType": "1",
        "buyerIdNumber": TEST_ID_NUMBER,
        "payCode": "3120960PAY",
        "payName": "测试支付有限公司",
        "payTransactionId": "PAY2025010200001",
        "consignee": "张三",
        "consigneeTelephone": "13800138000",
        "consigneeAddress": "北京市海淀区测试路1号",
        "consigneeDistrict": "110108",
    }
    lines = root.findall("ceb:Order/ceb:OrderList", NS)
    assert [texts(line) for line in lines] == [
        {
            "gnum": "1",
            "itemNo": "WI-GINSENG-100",
            "itemName": "威斯康星花旗参 100克",
            "gmodel": "Prairie Roots 品牌 花旗参 整枝 100g/盒",
            "unit": "011",
            "qty": "2",
            "price": "150.00",
            "totalPrice": "300.00",
            "currency": "142",
            "country": "502",
        },
        {
            "gnum": "2",
            "itemNo": "MN-SYRUP-250",
            "itemName": "明尼苏达枫糖浆 250毫升",
            "gmodel": "North Star 品牌 枫糖浆 250ml/瓶",
            "barCode": "0012345678905",
            "unit": "011",
            "qty": "1",
            "price": "88.50",
            "totalPrice": "88.50",
            "currency": "142",
            "country": "502",
        },
    ]
    assert texts(root.find("ceb:BaseTransfer", NS)) == {
        "copCode": "3301960TWO",
        "copName": "Twoway 测试平台",
        "dxpMode": "DXP",
        "dxpId": "DXPENT0000000001",
    }


def test_ceb311_leaves_out_empty_optional_fields():
    xml = build_ceb311(
        make_order(pay_code="", pay_name="", pay_transaction_id="", consignee_district="")
    )
    head = etree.fromstring(xml).find("ceb:Order/ceb:OrderHead", NS)
    assert {"payCode", "payName", "payTransactionId", "consigneeDistrict", "note"}.isdisjoint(
        tags(head)
    )
    assert validate(xml, "CEB311Message") == []


def test_ceb411_is_valid_and_carries_every_value():
    payment = make_payment()
    xml = build_ceb411(payment)

    assert validate(xml, "CEB411") == []
    root = etree.fromstring(xml)
    assert root.tag == f"{{{CEB_NS}}}CEB411Message"
    assert texts(root.find("ceb:Payment/ceb:PaymentHead", NS)) == {
        "guid": payment.guid,
        "appType": "1",
        "appTime": "20250102000000",
        "appStatus": "2",
        "payCode": "3120960PAY",
        "payName": "测试支付有限公司",
        "payTransactionId": "PAY2025010200001",
        "orderNo": "TW20250102000001",
        "ebpCode": "3301960TWO",
        "ebpName": "Twoway 测试平台",
        "payerIdType": "1",
        "payerIdNumber": TEST_ID_NUMBER,
        "payerName": "张三",
        "amountPaid": "434.65",
        "currency": "142",
        "payTime": "20250101235830",
    }
    assert root.find("ceb:BaseTransfer/ceb:copCode", NS).text == "3120960PAY"


def test_ceb511_is_valid_and_carries_every_value():
    logistics = make_logistics()
    xml = build_ceb511(logistics)

    assert validate(xml, "CEB511") == []
    head = etree.fromstring(xml).find("ceb:Logistics/ceb:LogisticsHead", NS)
    assert texts(head) == {
        "guid": logistics.guid,
        "appType": "1",
        "appTime": "20250102000000",
        "appStatus": "2",
        "logisticsCode": "3301980LOG",
        "logisticsName": "测试物流有限公司",
        "logisticsNo": "WB1234567890CN",
        "orderNo": "TW20250102000001",
        "freight": "20.00",
        "insuredFee": "0.00",
        "currency": "142",
        "weight": "1.250",
        "packNo": "1",
        "consignee": "张三",
        "consigneeAddress": "北京市海淀区测试路1号",
        "consigneeTelephone": "13800138000",
    }


def test_empty_required_field_is_refused_with_the_element_named():
    with pytest.raises(CustomsMessageInvalid) as caught:
        build_ceb311(make_order(buyer_name=""))

    assert len(caught.value.errors) == 1
    assert caught.value.errors[0].startswith("OrderHead/buyerName: required, but empty")
    assert isinstance(caught.value, DomainError)
    assert caught.value.as_dict()["errors"][0]["field"] == "CEB311"
    assert caught.value.as_dict()["errors"][0]["rule"] == "schema"


def test_missing_required_element_is_reported_readably():
    xml = build_ceb311(make_order())
    root = etree.fromstring(xml)
    head = root.find("ceb:Order/ceb:OrderHead", NS)
    head.remove(head.find("ceb:buyerName", NS))

    assert validate(etree.tostring(root), "CEB311") == [
        "OrderHead: expected element buyerName before buyerTelephone (missing or out of order)"
    ]


def test_every_problem_is_listed_at_once():
    order = make_order(
        order_no="N" * 61,
        freight=Decimal("20.001"),
        consignee_district="1101",
        items=[replace(make_order().items[0], country="")],
    )
    with pytest.raises(CustomsMessageInvalid) as caught:
        build_ceb311(order)

    errors = caught.value.errors
    assert errors[0] == "OrderHead/freight: 20.001 has more than 2 decimals (N16,2)"
    assert len(errors) == 4
    assert any(e.startswith("OrderHead/orderNo:") and "maximum length of '60'" in e for e in errors)
    assert any(e.startswith("OrderHead/consigneeDistrict:") and "[0-9]{6}" in e for e in errors)
    assert any(e.startswith("OrderList/country: required, but empty") for e in errors)


def test_amounts_are_never_rounded_silently():
    with pytest.raises(CustomsMessageInvalid) as caught:
        build_ceb411(make_payment(amount_paid=Decimal("434.645")))
    assert caught.value.errors == [
        "PaymentHead/amountPaid: 434.645 has more than 2 decimals (N16,2)"
    ]


def test_negative_amount_and_wrong_currency_are_refused():
    with pytest.raises(CustomsMessageInvalid) as caught:
        build_ceb511(make_logistics(freight=Decimal("-1.00"), currency="502"))
    assert [e.split(":")[0] for e in caught.value.errors] == [
        "LogisticsHead/freight",
        "LogisticsHead/currency",
    ]


def test_naive_time_is_refused():
    with pytest.raises(CustomsMessageInvalid) as caught:
        build_ceb411(make_payment(pay_time=datetime(2025, 1, 1, 12, 0)))  # noqa: DTZ001
    assert caught.value.errors == [
        "PaymentHead/payTime: A customs time needs an aware datetime (UTC), got a naive one."
    ]


def test_order_without_lines_is_refused():
    with pytest.raises(CustomsMessageInvalid) as caught:
        build_ceb311(make_order(items=[]))
    assert caught.value.errors[0] == "Order: at least one OrderList line is required"


def test_china_time_is_utc_plus_8():
    assert china_time(datetime.fromisoformat("2025-06-30T16:59:59+00:00")) == "20250701005959"
    assert china_time(datetime.fromisoformat("2025-06-30T09:00:00-05:00")) == "20250630220000"


def test_validate_refuses_wrong_root_and_broken_xml():
    xml = build_ceb411(make_payment())
    assert validate(xml, "CEB311") == [
        "message: root element is CEB411Message, expected CEB311Message"
    ]
    assert validate(b"<ceb:CEB311Message", "CEB311")[0].startswith("message: not well-formed XML")
    with pytest.raises(ValueError, match="Unknown CEB message type 'CEB999'"):
        validate(xml, "CEB999")


def test_id_number_is_not_in_the_repr():
    assert TEST_ID_NUMBER not in repr(make_order())
    assert TEST_ID_NUMBER not in repr(make_payment())
