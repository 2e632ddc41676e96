"""Consistent CEB documents for one order, to be varied with ``dataclasses.replace``.

Buyer identity uses the fictitious test number 110108200001019992 (resident_id.md §3).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from twoway.customs.ceb import BaseTransfer, CebLogistics, CebOrder, CebOrderItem, CebPayment

TEST_ID_NUMBER = "110108200001019992"
APP_TIME = datetime(2025, 1, 1, 16, 0, 0, tzinfo=UTC)  # 2025-01-02 00:00:00 in China


def platform_transfer() -> BaseTransfer:
    return BaseTransfer(
        cop_code="3301960TWO", cop_name="Twoway 测试平台", dxp_id="DXPENT0000000001"
    )


def make_items() -> list[CebOrderItem]:
    return [
        CebOrderItem(
            gnum=1,
            item_no="WI-GINSENG-100",
            item_name="威斯康星花旗参 100克",
            g_model="Prairie Roots 品牌 花旗参 整枝 100g/盒",
            unit="011",
            qty=Decimal("2"),
            price=Decimal("150.00"),
            total_price=Decimal("300.00"),
            country="502",
        ),
        CebOrderItem(
            gnum=2,
            item_no="MN-SYRUP-250",
            item_name="明尼苏达枫糖浆 250毫升",
            g_model="North Star 品牌 枫糖浆 250ml/瓶",
            unit="011",
            qty=Decimal("1"),
            price=Decimal("88.50"),
            total_price=Decimal("88.50"),
            country="502",
            bar_code="0012345678905",
        ),
    ]


def make_order(**overrides) -> CebOrder:
    values = {
        "order_no": "TW20250102000001",
        "ebp_code": "3301960TWO",
        "ebp_name": "Twoway 测试平台",
        "ebc_code": "3301960SEL",
        "ebc_name": "Prairie Roots LLC",
        "goods_value": Decimal("388.50"),
        "freight": Decimal("20.00"),
        "discount": Decimal("10.00"),
        "tax_total": Decimal("36.15"),
        "actural_paid": Decimal("434.65"),  # 388.50 + 20.00 + 36.15 - 10.00
        "buyer_reg_no": "buyer-42",
        "buyer_name": "张三",
        "buyer_telephone": "13800138000",
        "buyer_id_number": TEST_ID_NUMBER,
        "consignee": "张三",
        "consignee_telephone": "13800138000",
        "consignee_address": "北京市海淀区测试路1号",
        "consignee_district": "110108",
        "items": make_items(),
        "app_time": APP_TIME,
        "transfer": platform_transfer(),
        "pay_code": "3120960PAY",
        "pay_name": "测试支付有限公司",
        "pay_transaction_id": "PAY2025010200001",
    }
    values.update(overrides)
    return CebOrder(**values)


def make_payment(**overrides) -> CebPayment:
    values = {
        "pay_code": "3120960PAY",
        "pay_name": "测试支付有限公司",
        "pay_transaction_id": "PAY2025010200001",
        "order_no": "TW20250102000001",
        "ebp_code": "3301960TWO",
        "ebp_name": "Twoway 测试平台",
        "payer_id_number": TEST_ID_NUMBER,
        "payer_name": "张三",
        "amount_paid": Decimal("434.65"),
        "pay_time": datetime(2025, 1, 1, 15, 58, 30, tzinfo=UTC),
        "app_time": APP_TIME,
        "transfer": BaseTransfer(
            cop_code="3120960PAY", cop_name="测试支付有限公司", dxp_id="DXPENT0000000002"
        ),
    }
    values.update(overrides)
    return CebPayment(**values)


def make_logistics(**overrides) -> CebLogistics:
    values = {
        "logistics_code": "3301980LOG",
        "logistics_name": "测试物流有限公司",
        "logistics_no": "WB1234567890CN",
        "order_no": "TW20250102000001",
        "freight": Decimal("20.00"),
        "weight": Decimal("1.25"),
        "consignee": "张三",
        "consignee_address": "北京市海淀区测试路1号",
        "consignee_telephone": "13800138000",
        "app_time": APP_TIME,
        "transfer": BaseTransfer(
            cop_code="3301980LOG", cop_name="测试物流有限公司", dxp_id="DXPENT0000000003"
        ),
    }
    values.update(overrides)
    return CebLogistics(**values)
