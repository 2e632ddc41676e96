"""Payout statements: issued once per seller and closed month by the scheduled job, append-only,
and always adding up to the orders and refunds behind them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection, transaction

from twoway.checkout import services as checkout
from twoway.checkout.channels import EXPORT
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
