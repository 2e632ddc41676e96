"""Payout statements: issued once per seller and closed month by the scheduled job, append-only,
and always adding up to the orders and refunds behind them."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
import time_machine
from django.db import connection, transaction

from twoway.checkout import services as checkout
from twoway.checkout.channels import EXPORT, IMPORT
from twoway.fulfilment.tests.fixtures import CONSIGNEE, pay_export
from twoway.payments import services as payments
from twoway.payouts.check import payouts_check
from twoway.payouts.models import AppendOnlyViolation, PayoutLine, PayoutStatement
from twoway.payouts.rules.statement import q
from twoway.payouts.services import statement_issue, statements_issue_due
from twoway.reference.selectors import rate_on

pytestmark = pytest.mark.django_db
UTC = dt.UTC
NOV = dt.datetime(2026, 11, 10, 9, 0, tzinfo=UTC)


def place_and_pay(export_shop, capture, qty=2, *, customs=True):
    seller, product, buyer, identity, staff = export_shop
    purchase = checkout.purchase_place(
        channel=EXPORT, buyer=buyer, items={product.pk: qty}, identity=identity, consignee=CONSIGNEE
    )
    with capture(execute=customs):
        pay_export(purchase)
    order = purchase.orders.get()
    order.refresh_from_db()
    return order


@pytest.fixture
def november(export_shop, django_capture_on_commit_callbacks):
    """Two orders paid in November 2026; the second cancelled (refunded in full) the same day."""
    with time_machine.travel(NOV, tick=False):
        kept = place_and_pay(export_shop, django_capture_on_commit_callbacks, qty=2)
        cancelled = place_and_pay(
            export_shop, django_capture_on_commit_callbacks, qty=1, customs=False
        )
        with django_capture_on_commit_callbacks(execute=True):
            payments.order_cancel(order=cancelled, by=cancelled.buyer, reason="changed my mind")
    cancelled.refresh_from_db()
    assert (kept.status, cancelled.status) == ("cleared", "refunded")
    return export_shop[0], kept, cancelled


def test_the_month_closes_and_the_statement_shows_the_money(november):
    seller, kept, cancelled = november
    with time_machine.travel(dt.datetime(2026, 11, 30, 23, 0, tzinfo=UTC), tick=False):
        assert statements_issue_due() == 0  # November is not over
    with time_machine.travel(dt.datetime(2026, 12, 1, 0, 5, tzinfo=UTC), tick=False):
        assert statements_issue_due() == 1
        assert statements_issue_due() == 0  # idempotent: the next run issues nothing
    statement = PayoutStatement.objects.get()
    assert (statement.business, statement.period_start, statement.period_end) == (
        seller,
        dt.date(2026, 11, 1),
        dt.date(2026, 11, 30),
    )
    assert statement.number == f"PS202611-{seller.pk:06d}"
    assert (statement.collected_currency, statement.payout_currency) == ("CNY", "USD")
    assert (statement.orders_count, statement.refunds_count) == (2, 1)
    assert statement.collected == kept.total_payable + cancelled.total_payable
    assert statement.refunded == cancelled.total_payable
    assert statement.tax == kept.tax_total  # the cancelled order's tax came back
    fee = q(kept.goods_value * Decimal("0.05"))
    assert statement.fee == fee  # 5% of the goods kept; the cancelled order's fee given back
    assert statement.net == kept.total_payable - kept.tax_total - fee
    rate = rate_on(dt.date(2026, 11, 30))
    assert statement.exchange_rate == rate.rate
    assert statement.exchange_rate_from == rate.effective_from
    assert "CFETS" in statement.exchange_rate_source or statement.exchange_rate_source
    assert statement.amount_due == q(statement.net / rate.rate)
    assert "[R7]" in statement.fee_source
    assert statement.lines.count() == 3
    assert payouts_check() == []


def test_issuing_again_returns_the_same_statement(november):
    seller = november[0]
    with time_machine.travel(dt.datetime(2026, 12, 5, tzinfo=UTC), tick=False):
        first = statement_issue(business=seller, year=2026, month=11)
        again = statement_issue(business=seller, year=2026, month=11)
    assert first.pk == again.pk
    assert PayoutStatement.objects.count() == 1


def test_an_open_month_is_refused(november):
    from twoway.core.errors import DomainError

    with (
        time_machine.travel(dt.datetime(2026, 11, 20, tzinfo=UTC), tick=False),
        pytest.raises(DomainError) as exc,
    ):
        statement_issue(business=november[0], year=2026, month=11)
    assert exc.value.problems[0].rule == "period_closed"


def test_statements_are_append_only(november):
    with time_machine.travel(dt.datetime(2026, 12, 2, tzinfo=UTC), tick=False):
        statements_issue_due()
    statement = PayoutStatement.objects.get()
    with pytest.raises(AppendOnlyViolation):
        PayoutStatement.objects.filter(pk=statement.pk).update(amount_due=0)
    with pytest.raises(AppendOnlyViolation):
        PayoutLine.objects.all().delete()
    statement.amount_due = Decimal("1.00")
    with pytest.raises(AppendOnlyViolation):
        statement.save()
    with pytest.raises(AppendOnlyViolation):
        statement.delete()
    assert PayoutStatement.objects.get().amount_due != Decimal("1.00")


def test_the_check_names_a_statement_that_no_longer_adds_up(november):
    seller, kept, _ = november
    with time_machine.travel(dt.datetime(2026, 12, 2, tzinfo=UTC), tick=False):
        statements_issue_due()
    # Somebody changes an order's money behind the statement's back: the check says so.
    type(kept).objects.filter(pk=kept.pk).update(total_payable=kept.total_payable + 1)
    problems = payouts_check()
    assert problems
    assert kept.number in problems[0]
    assert "collected" in problems[0]


def test_a_refund_in_a_later_month_goes_on_that_month(
    november, django_capture_on_commit_callbacks, export_shop
):
    seller, kept, _ = november
    with time_machine.travel(dt.datetime(2026, 12, 1, 1, tzinfo=UTC), tick=False):
        statements_issue_due()
    with time_machine.travel(dt.datetime(2026, 12, 3, tzinfo=UTC), tick=False):
        from twoway.identity.models import User

        operator = User.objects.create(username="ops", role="operator")
        with django_capture_on_commit_callbacks(execute=True):
            payments.order_cancel(order=kept, by=operator, reason="final block")
    with time_machine.travel(dt.datetime(2027, 1, 1, 3, tzinfo=UTC), tick=False):
        assert statements_issue_due() == 1
    december = PayoutStatement.objects.get(period_start=dt.date(2026, 12, 1))
    assert (december.orders_count, december.refunds_count) == (0, 1)
    kept.refresh_from_db()
    assert december.refunded == kept.total_payable
    assert december.net == -(
        kept.total_payable - kept.tax_total - q(kept.goods_value * Decimal("0.05"))
    )
    assert payouts_check() == []


@pytest.mark.postgres
def test_postgres_refuses_update_and_delete(november):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    from django.db.utils import IntegrityError

    with time_machine.travel(dt.datetime(2026, 12, 2, tzinfo=UTC), tick=False):
        statements_issue_due()
    for sql in (
        "UPDATE payouts_payoutstatement SET amount_due = 0",
        "DELETE FROM payouts_payoutline",
    ):
        with (
            pytest.raises(IntegrityError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)


# --- a Chinese seller: US consumers pay in USD, the seller is paid in CNY ---------------------


@pytest.fixture
def cn_november(keys_and_csl, reference_data, django_capture_on_commit_callbacks):
    """A Guangdong shirt maker's November 2026: two US consumers' orders paid by card (a customs
    processing fee in force besides the MFN duty), the second cancelled after payment."""
    from twoway.checkout.tests.import_factories import cn_seller, shirt, staff_of, us_consumer
    from twoway.fulfilment.tests.fixtures import US_CONSIGNEE, pay_import
    from twoway.reference.models import TariffMeasure
    from twoway.reference.selectors import cache_clear

    TariffMeasure.objects.create(
        measure_id="MPF-TEST",
        label="Merchandise processing fee (test row)",
        kind="fee",
        origin_country="",
        rate_percent=Decimal("0.3464"),
        min_usd=Decimal("2.62"),
        max_usd=Decimal("651.50"),
        effective_from=dt.date(2026, 1, 1),
        source="test",
    )
    cache_clear()
    seller = cn_seller()
    staff = staff_of(seller)
    product = shirt(seller, price="39.00", stock=20)
    buyer = us_consumer()
    orders = []
    with time_machine.travel(NOV, tick=False):
        for qty in (3, 1):
            purchase = checkout.purchase_place(
                channel=IMPORT,
                buyer=buyer,
                items={product.pk: qty},
                consignee_state="WI",
                consignee=US_CONSIGNEE,
            )
            pay_import(purchase)
            orders.append(purchase.orders.get())
        kept, cancelled = orders
        checkout.order_ship(
            order=kept, by=staff, tracking_number="EA123456785CN", carrier="china_post"
        )
        with django_capture_on_commit_callbacks(execute=True):
            payments.order_cancel(order=cancelled, by=buyer, reason="wrong size")
    kept.refresh_from_db()
    cancelled.refresh_from_db()
    assert (kept.status, cancelled.status) == ("shipped", "refunded")
    return seller, kept, cancelled


def test_a_chinese_seller_is_paid_in_cny_to_the_fen(cn_november):
    seller, kept, cancelled = cn_november
    # What the buyer paid on top of goods and freight is remitted to US customs: the duty and
    # the processing fee (USD 2.62 minimum) both sit in the order's tax.
    line = kept.lines.get()
    assert line.tariff == Decimal("23.05")  # 19.7% of USD 117.00, half-up
    assert kept.tax_total == line.tariff + Decimal("2.62") == line.tax_total
    assert kept.total_payable == kept.goods_value + kept.freight + kept.tax_total
    with time_machine.travel(dt.datetime(2026, 12, 1, 0, 5, tzinfo=UTC), tick=False):
        assert statements_issue_due() == 1
    statement = PayoutStatement.objects.get(business=seller)
    assert (statement.collected_currency, statement.payout_currency) == ("USD", "CNY")
    assert (statement.orders_count, statement.refunds_count) == (2, 1)
    fee = q(kept.goods_value * Decimal("0.05"))  # the us_import fee row: 5% of the goods
    assert statement.tax == kept.tax_total  # the cancelled order's duty and fee came back
    assert statement.fee == fee == Decimal("5.85")
    assert statement.net == kept.total_payable - kept.tax_total - fee
    rate = rate_on(dt.date(2026, 11, 30))
    assert (statement.exchange_rate, statement.exchange_rate_from) == (
        rate.rate,
        rate.effective_from,
    )
    # USD -> CNY multiplies by the CNY-per-USD rate once, half-up to the fen.
    assert statement.amount_due == (statement.net * rate.rate).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    assert "goods value (excluding US duties and freight)" in statement.fee_source
    refund = statement.lines.get(kind="refund")
    assert (refund.collected, refund.tax, refund.fee) == (
        -cancelled.total_payable,
        -cancelled.tax_total,
        -q(cancelled.goods_value * Decimal("0.05")),
    )
    assert payouts_check() == []
