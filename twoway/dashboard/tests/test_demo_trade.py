"""The demo's year of trade goes through checkout, payments, customs and the order state machine:
the ledger check passes, every order obeys the product's rules, and the dashboard shows the
orders' trade."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db.models import Sum

from twoway.catalog.models import Product
from twoway.checkout.models import Order
from twoway.customs.models import CustomsMessage
from twoway.demo.checks import orders_rules_check
from twoway.demo.trade_year import trade_year_run
from twoway.ledger.models import TradeFlowCube, TradeFlowEntry
from twoway.operations.reconcile import ledger_check

pytestmark = pytest.mark.django_db


def test_demo_year_of_trade_agrees_with_the_ledger_and_the_dashboard(client, us_seller, cn_seller):
    for i, (business, markets) in enumerate(
        [
            (us_seller, {"market_cn_export": True, "cn_tariff_line": "04090000"}),
            (us_seller, {"market_cn_export": True, "cn_tariff_line": "04069000"}),
            (cn_seller, {"market_us_import": True, "us_hts_line": "0902101015"}),
        ]
    ):
        Product.objects.create(
            business=business,
            sku=f"D{i}",
            title_en=f"Demo {i}",
            hs_code=("040900", "040690", "090210")[i],
            origin_country=business.country,
            origin_us_state_id=business.us_state_id,
            origin_cn_province_id=business.cn_province_id,
            unit_price=Decimal("12.00"),
            currency="USD",
            weight_kg=Decimal("0.5"),
            stock_on_hand=10_000,
            status="active",
            **markets,
        )
    end = dt.datetime(2025, 12, 31, 23, 0, tzinfo=dt.UTC)
    summary = trade_year_run(seed=3, days=60, orders_per_day=4, end=end)
    assert summary.orders > 100
    assert summary.shipped > 90
    assert Order.objects.filter(status__in=["shipped", "delivered"]).exists()
    assert ledger_check() == []
    assert orders_rules_check() == []
    exports = Order.objects.filter(direction="us_export")
    assert not exports.filter(tax_total=0).exists()
    assert exports.filter(status="delivered").count() > 30
    assert (
        CustomsMessage.objects.filter(order__in=exports).count()
        >= 3 * exports.filter(status="delivered").count()
    )
    # Placed over the weeks, not all at the seed's moment.
    assert len({o.created_at.date() for o in Order.objects.all()}) > 40
    exports = TradeFlowEntry.objects.filter(direction="us_export").aggregate(
        v=Sum("customs_value_usd")
    )["v"]
    assert Decimal(exports).quantize(Decimal("0.01")) == summary.export_value_usd
    cube = TradeFlowCube.objects.filter(grain="m", fdim="", gdim="", direction="us_export")
    assert sum(r.value_usd for r in cube) == summary.export_value_usd
    cache.clear()
    data = client.get("/api/v1/dashboard/summary?from=2025-01&to=2025-12").json()
    assert Decimal(data["exports_usd"]) == summary.export_value_usd
    assert Decimal(data["imports_usd"]) == summary.import_value_usd
