"""Issuing payout statements: once per (business, calendar month), append-only.

``statements_issue_due`` is what the scheduler runs (``payouts.statements_issue``): for each of the
last ``TWOWAY_PAYOUT_CATCH_UP_MONTHS`` closed months, a statement for every seller with money in
it that has none yet. Issuing again is a no-op returning the statement already issued (also when
two workers race: the unique (business, period) constraint decides, the loser reads the winner's).
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from twoway.businesses.models import Business
from twoway.checkout.models import Order
from twoway.core.errors import DomainError
from twoway.payments.models import Refund, RefundStatus

from .models import PayoutLine, PayoutStatement
from .selectors import bounds, statement_draft

logger = logging.getLogger(__name__)


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, 1), dt.date(year, month, last)


def closed_months(today: dt.date, count: int) -> list[tuple[int, int]]:
    """The ``count`` calendar months before the one ``today`` is in, oldest first."""
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        months.append((year, month))
    return months[::-1]


def statement_number(business: Business, start: dt.date) -> str:
    return f"PS{start:%Y%m}-{business.pk:06d}"


def statement_issue(
    *, business: Business, year: int, month: int, now: dt.datetime | None = None
) -> PayoutStatement:
    """The statement of ``business`` for a closed calendar month (issued now if it was not)."""
    now = now or timezone.now()
    start, end = month_bounds(year, month)
    existing = PayoutStatement.objects.filter(
        business=business, period_start=start, period_end=end
    ).first()
    if existing is not None:
        return existing
    if bounds(start, end)[1] > now:
        raise DomainError.one(
            "period",
            "period_closed",
            f"{start:%Y-%m} has not ended yet; statements cover closed months.",
        )
    draft = statement_draft(business=business, start=start, end=end)
    totals, cur, rate = draft.totals, draft.currencies, draft.rate
    rate_from = rate.effective_from
    if rate_from is None:
        raise ValueError(f"the exchange rate {rate} has no date it is in force from")
    try:
        with transaction.atomic():
            statement = PayoutStatement.objects.create(
                number=statement_number(business, start),
                business=business,
                period_start=start,
                period_end=end,
                collected_currency=cur.collected,
                payout_currency=cur.payout,
                orders_count=totals.orders,
                refunds_count=totals.refunds,
                collected=totals.collected,
                refunded=totals.refunded,
                tax=totals.tax,
                fee=totals.fee,
                net=totals.net,
                amount_due=totals.amount_due,
                exchange_rate=rate.rate,
                exchange_rate_from=rate_from,
                exchange_rate_source=rate.source,
                fee_source="; ".join(
                    sorted({f"{f.rate:.2%} of {f.basis}: {f.source}" for f in draft.fees})
                ),
                issued_at=now,
            )
            PayoutLine.objects.bulk_create(
                [
                    PayoutLine(
                        statement=statement,
                        kind=x.kind,
                        order_id=x.order_id,
                        refund_id=x.refund_id,
                        reference=x.reference,
                        occurred_at=x.occurred_at,
                        collected=x.collected,
                        tax=x.tax,
                        fee=x.fee,
                        net=x.net,
                    )
                    for x in draft.lines
                ]
            )
    except IntegrityError:
        # Another worker issued it first (or an order already sits on another statement).
        existing = PayoutStatement.objects.filter(
            business=business, period_start=start, period_end=end
        ).first()
        if existing is None:
            raise
        return existing
    logger.info(
        "payout statement %s issued: %s %s",
        statement.number,
        statement.payout_currency,
        statement.amount_due,
    )
    return statement


def statements_issue_due(*, now: dt.datetime | None = None) -> int:
    """Issue the statements of closed months that are missing; the number issued."""
    now = now or timezone.now()
    months = closed_months(now.date(), getattr(settings, "TWOWAY_PAYOUT_CATCH_UP_MONTHS", 3))
    issued = 0
    for year, month in months:
        start, end = month_bounds(year, month)
        low, high = bounds(start, end)
        with_money = set(
            Order.objects.filter(paid_at__gte=low, paid_at__lt=high).values_list(
                "business_id", flat=True
            )
        ) | set(
            Refund.objects.filter(
                status=RefundStatus.SUCCEEDED,
                succeeded_at__gte=low,
                succeeded_at__lt=high,
                order__isnull=False,
            ).values_list("order__business_id", flat=True)
        )
        done = set(
            PayoutStatement.objects.filter(period_start=start, period_end=end).values_list(
                "business_id", flat=True
            )
        )
        for business in Business.objects.filter(pk__in=with_money - done).order_by("pk"):
            statement_issue(business=business, year=year, month=month, now=now)
            issued += 1
    return issued
