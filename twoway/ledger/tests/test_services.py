"""Posting in the shipment's transaction, reversals, rollups = ledger, rebuild, the check."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection

from twoway.checkout.models import Order
from twoway.core.errors import DomainError
from twoway.ledger import services
from twoway.ledger.models import (
    AppendOnlyViolation,
    TradeFlowBusinessMonth,
    TradeFlowCube,
    TradeFlowEntry,
    TradeFlowRollup,
)
from twoway.operations.reconcile import ledger_check

from .conftest import T0, move

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(
            TradeFlowRollup.objects.values_list(
                "day",
                "direction",
                "us_state",
                "cn_province",
                "hs_chapter",
                "value_usd",
                "quantity",
                "entries",
            )
        ),
        sorted(
            TradeFlowCube.objects.values_list(
                "grain",
                "fdim",
                "fval",
                "gdim",
                "direction",
                "period",
                "gval",
                "value_usd",
                "quantity",
                "entries",
            )
        ),
        sorted(
            TradeFlowBusinessMonth.objects.values_list(
                "month",
                "direction",
                "business_id",
                "business_country",
                "value_usd",
                "quantity",
                "entries",
            )
        ),
    )


def test_shipment_posts_one_entry_per_line_with_places_and_hs_parts(us_seller, make_order):
    order = make_order(
        us_seller, [("040900", 2, "40.00"), ("200990", 1, "12.50")], district="440103"
    )
    move(order, "shipped")
    entries = list(TradeFlowEntry.objects.order_by("id"))
    assert [
        (
            e.kind,
            e.direction,
            e.entry_date,
            e.us_state,
            e.cn_province,
            e.hs_chapter,
            e.hs_heading,
            e.hs_code,
            e.quantity,
            e.customs_value_usd,
        )
        for e in entries
    ] == [
        (
            "shipment",
            "us_export",
            dt.date(2025, 3, 14),
            "WI",
            "44",
            "04",
            "0409",
            "040900",
            2,
            Decimal("40.00"),
        ),
        (
            "shipment",
            "us_export",
            dt.date(2025, 3, 14),
            "WI",
            "44",
            "20",
            "2009",
            "200990",
            1,
            Decimal("12.50"),
        ),
    ]
    assert {(e.order_id, e.order_number, e.business_id, e.business_country) for e in entries} == {
        (order.pk, order.number, us_seller.pk, "US")
    }
    rollup = TradeFlowRollup.objects.get(hs_chapter="04")
    assert (rollup.value_usd, rollup.quantity, rollup.entries) == (Decimal("40.00"), 2, 1)
    total = TradeFlowCube.objects.get(grain="m", fdim="", gdim="", direction="us_export")
    assert (total.period, total.value_usd, total.quantity, total.entries) == (
        dt.date(2025, 3, 1),
        Decimal("52.50"),
        3,
        2,
    )


def test_import_shipment_posts_a_us_import(cn_seller, make_order):
    order = make_order(cn_seller, [("090210", 3, "30.00")], state="CA")
    move(order, "shipped")
    entry = TradeFlowEntry.objects.get()
    assert (entry.direction, entry.us_state, entry.cn_province, entry.business_country) == (
        "us_import",
        "CA",
        "33",
        "CN",
    )


def test_ledger_failure_leaves_the_order_unshipped(us_seller, make_order, monkeypatch):
    order = make_order(us_seller, [("040900", 1, "20.00")])

    def boom(**kwargs):
        raise RuntimeError("ledger down")

    monkeypatch.setattr("twoway.checkout.services.trade_flows_post", boom)
    with pytest.raises(RuntimeError):
        move(order, "shipped")
    order.refresh_from_db()
    assert order.status == "cleared"
    assert order.shipped_at is None
    assert not order.events.filter(to_status="shipped").exists()
    assert TradeFlowEntry.objects.count() == 0
    assert TradeFlowRollup.objects.count() == 0


def test_a_bad_line_refuses_the_whole_shipment(us_seller, make_order):
    order = make_order(us_seller, [("040900", 1, "20.00")])
    order.lines.update(hs_code="")
    with pytest.raises(DomainError) as exc:
        move(order, "shipped")
    assert exc.value.problems[0].rule == "hs_code"
    assert Order.objects.get(pk=order.pk).status == "cleared"
    assert TradeFlowEntry.objects.count() == 0


def test_return_then_refund_posts_one_reversal(us_seller, make_order):
    order = make_order(us_seller, [("040900", 2, "40.00")])
    move(order, "shipped", "delivered", "returned", "refunded")
    entries = list(TradeFlowEntry.objects.order_by("id"))
    assert [(e.kind, e.entry_date, e.quantity, e.customs_value_usd) for e in entries] == [
        ("shipment", dt.date(2025, 3, 14), 2, Decimal("40.00")),
        ("reversal", dt.date(2025, 3, 16), -2, Decimal("-40.00")),
    ]
    assert entries[1].reverses_id == entries[0].id
    total = TradeFlowCube.objects.get(grain="m", fdim="", gdim="", direction="us_export")
    assert (total.value_usd, total.quantity, total.entries) == (Decimal("0.00"), 0, 2)
    assert services.trade_flows_reverse(order_id=order.pk, posted_at=T0) == []
    assert ledger_check() == []


def test_refund_before_shipping_posts_nothing(us_seller, make_order):
    order = make_order(us_seller, [("040900", 1, "20.00")])
    move(order, "refunded")
    assert TradeFlowEntry.objects.count() == 0
    assert TradeFlowRollup.objects.count() == 0


def test_entries_are_append_only(us_seller, make_order):
    move(make_order(us_seller, [("040900", 1, "20.00")]), "shipped")
    entry = TradeFlowEntry.objects.get()
    with pytest.raises(AppendOnlyViolation):
        TradeFlowEntry.objects.filter(pk=entry.pk).update(quantity=5)
    with pytest.raises(AppendOnlyViolation):
        TradeFlowEntry.objects.all().delete()
    with pytest.raises(AppendOnlyViolation):
        entry.save()
    with pytest.raises(AppendOnlyViolation):
        entry.delete()
    assert TradeFlowEntry.objects.get().quantity == 1


@pytest.mark.postgres
def test_postgres_trigger_rejects_update_and_delete(us_seller, make_order):
    from django.db import DatabaseError, transaction

    move(make_order(us_seller, [("040900", 1, "20.00")]), "shipped")
    for sql in (
        "UPDATE ledger_tradeflowentry SET quantity = 9",
        "DELETE FROM ledger_tradeflowentry",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql)
    assert TradeFlowEntry.objects.get().quantity == 1


def _mix(us_seller, cn_seller, make_order):
    a = make_order(us_seller, [("040900", 2, "40.00"), ("200990", 1, "12.50")], district="110101")
    b = make_order(us_seller, [("040900", 1, "19.99")], district="440103")
    c = make_order(cn_seller, [("090210", 3, "30.00")], state="CA")
    d = make_order(cn_seller, [("610910", 5, "55.55")], state="IL")
    e = make_order(us_seller, [("220421", 6, "150.00")], district="310101")
    move(a, "shipped", "delivered")
    move(b, "shipped", "delivered", "returned", "refunded", at=T0 + dt.timedelta(days=20))
    move(c, "shipped", at=T0 + dt.timedelta(days=40))
    move(d, "shipped", "returned", at=T0 + dt.timedelta(days=1))
    move(e, "refunded")


def test_rollups_equal_ledger_after_a_mix_and_rebuild_is_identical(
    us_seller, cn_seller, make_order
):
    _mix(us_seller, cn_seller, make_order)
    assert TradeFlowEntry.objects.count() == 7  # 5 shipments, 2 reversals, none for e
    assert ledger_check() == []
    before = snapshot()
    result = services.rollups_rebuild()
    assert result.entries == 7
    assert snapshot() == before
    assert ledger_check() == []
    exports = TradeFlowCube.objects.filter(grain="m", fdim="", gdim="", direction="us_export")
    assert sum(r.value_usd for r in exports) == Decimal("52.50")


def test_ledger_check_command_passes_and_names_a_planted_difference(
    us_seller, cn_seller, make_order, capsys
):
    _mix(us_seller, cn_seller, make_order)
    call_command("ledger", "check")
    assert "Ledger check passed" in capsys.readouterr().out
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO ledger_tradeflowentry (direction, entry_date, posted_at, kind, us_state, "
            "cn_province, hs_chapter, hs_heading, hs_code, customs_value_usd, quantity, order_id, "
            "order_number, order_line_id, business_id, business_country) VALUES ('us_export', "
            "'2025-03-14', '2025-03-14 10:00:00', 'shipment', 'WI', '11', '04', '0409', '040900', "
            "7.00, 1, 999, 'TWPLANTED', 999, %s, 'US')",
            [us_seller.pk],
        )
    with pytest.raises(SystemExit) as exc:
        call_command("ledger", "check")
    assert exc.value.code == 1
    out = capsys.readouterr().out
    assert (
        "orders-vs-ledger: day=2025-03-14 direction=us_export state=WI province=11 chapter=04: "
        "orders value 40.00 qty 2, ledger value 47.00 qty 3"
    ) in out
    assert (
        "ledger-vs-rollup: day=2025-03-14 direction=us_export state=WI province=11 chapter=04: "
        "ledger value 47.00 qty 3 entries 2, rollup value 40.00 qty 2 entries 1"
    ) in out
    # Rebuilding the rollups makes them equal to the ledger; the orders difference remains.
    call_command("ledger", "rebuild-rollups")
    differences = ledger_check()
    assert [d.check for d in differences] == ["orders-vs-ledger"]
