"""``orders_rules_check`` passes on orders placed through the services and names the order and
the rule of every order that breaks one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from twoway.catalog.models import Product
from twoway.checkout.models import Order, OrderEvent, OrderLine, QuotaUsage
from twoway.compliance.models import ListingReview
from twoway.demo.checks import orders_rules_check
from twoway.demo.trade_year import _screening_list_ensure, _Trade

pytestmark = pytest.mark.django_db
END = dt.datetime(2026, 6, 30, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def delivered(make_seller, make_product, make_buyer):
    """An export order placed, paid, declared, cleared, shipped and delivered, and an import."""
    _screening_list_ensure()
    seller = make_seller()
    make_product(seller, stock=500)
    make_buyer()
    trade = _Trade(seed=1, end=END, import_share=0)
    order = trade.export_order(END - dt.timedelta(days=30))
    assert order is not None
    trade.dates_fix()  # auto timestamps said "now": put back when it happened
    order.refresh_from_db()
    assert order.status == "delivered"
    return order


def _rules(order: Order) -> set[str]:
    return {p.rule for p in orders_rules_check() if p.order == order.number}


def test_an_order_placed_through_the_services_passes(delivered):
    assert orders_rules_check() == []
    assert delivered.created_at == END - dt.timedelta(days=30)
    assert delivered.tax_total > 0
    assert "*" in delivered.buyer_id_masked
    assert delivered.customs_messages.count() == 3


def test_a_line_not_on_the_positive_list_is_reported(delivered):
    OrderLine.objects.filter(order=delivered).update(national_line="12112011")  # ginseng
    assert "not_on_positive_list" in _rules(delivered)


def test_a_listing_held_for_review_when_sold_is_reported(delivered):
    line = delivered.lines.first()
    ListingReview.objects.create(
        product_id=line.product_id, opened_at=delivered.created_at - dt.timedelta(days=1),
        reason_summary="UFLPA entity match", level="blocked",
    )  # fmt: skip
    assert "listing_held" in _rules(delivered)


def test_missing_tax_names_customs_and_dates_are_reported(delivered):
    Order.objects.filter(pk=delivered.pk).update(
        tax_total=Decimal(0), buyer_id_masked="·", consignee_name=""
    )
    delivered.customs_messages.all().delete()
    OrderEvent.objects.filter(order=delivered, to_status="cleared").delete()
    OrderEvent.objects.filter(order=delivered, to_status="delivered").update(
        created_at=delivered.created_at - dt.timedelta(days=2)
    )
    rules = _rules(delivered)
    assert {"cbec_tax", "real_name", "consignee", "customs_messages",
            "customs_before_shipping", "event_order"} <= rules  # fmt: skip


def test_a_quota_row_that_disagrees_with_the_orders_is_reported(delivered):
    QuotaUsage.objects.update(used_fen=0)
    assert any(p.rule == "quota_usage" for p in orders_rules_check())
    assert Product.objects.exists()


def test_an_order_still_dated_when_the_seed_ran_is_reported(delivered):
    Order.objects.filter(pk=delivered.pk).update(created_at=END + dt.timedelta(days=200))
    assert "event_order" in _rules(delivered)
