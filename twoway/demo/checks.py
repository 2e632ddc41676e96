"""Do the orders in the database obey the product's own rules? (``orders_rules_check``)

Written for the demo (its year of orders must pass) but it reads every order, so a
``twoway reconcile`` command can run it on any database. Each problem names the order and the
rule. Checked:

* every export line's China tariff line was on the CBEC positive list (listed, in force) on the
  day the order was placed; no line of any order was of a listing held for a labor-risk review
  (or blocked) at that moment;
* an export order carries the buyer's real name, a masked ID number, a consignee with an
  address, the CBEC tax, and stays within the per-transaction limit (the within-limits channel);
* an export order that shipped was declared and cleared first, with its CEB311/411/511 messages
  and an accepted reply;
* every order's events run forward in time from its creation, and paid/shipped/delivered
  times agree with them;
* each person's quota row for a year equals what their unreleased orders of that year consumed,
  and stays within the annual limit in force.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch

from twoway.checkout.models import Direction, Order, OrderEvent, OrderStatus, QuotaUsage, TaxChannel
from twoway.compliance.models import ListingReview, ReviewStatus
from twoway.reference.models import CbecLimits, PositiveListEntry, PositiveListStatus

SHIPPED = (OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.RETURNED)
CUSTOMS_DOCUMENTS = {"CEB311", "CEB411", "CEB511"}


@dataclass(frozen=True)
class OrderProblem:
    order: str  # order number ("" for a quota row)
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.order or '-'} [{self.rule}] {self.message}"


def _in_force(row, day: dt.date) -> bool:
    return (row.effective_from is None or row.effective_from <= day) and (
        row.effective_to is None or day <= row.effective_to
    )


def _listed_on(entries: dict[str, list[PositiveListEntry]], line: str, day: dt.date) -> bool:
    digits = "".join(ch for ch in line if ch.isdigit())
    candidates = entries.get(digits, []) + (entries.get(digits[:8], []) if len(digits) > 8 else [])
    return any(e.status == PositiveListStatus.LISTED and _in_force(e, day) for e in candidates)


def _held_at(reviews: list[ListingReview], moment: dt.datetime) -> ListingReview | None:
    """The review that held the listing at ``moment``: opened before it and then still open,
    blocked, or approved only later."""
    for review in reviews:
        if review.opened_at > moment:
            continue
        if review.status in (ReviewStatus.OPEN, ReviewStatus.BLOCKED):
            return review
        if review.decided_at is None or review.decided_at > moment:
            return review
    return None


def orders_rules_check(*, orders=None) -> list[OrderProblem]:
    """Every rule above, for ``orders`` (a queryset; default every order). Empty = all pass."""
    problems: list[OrderProblem] = []
    orders = (orders if orders is not None else Order.objects.all()).order_by("pk")
    orders = orders.prefetch_related(
        "lines",
        Prefetch("events", queryset=OrderEvent.objects.order_by("created_at", "pk")),
        "customs_messages",
    )
    entries: dict[str, list[PositiveListEntry]] = defaultdict(list)
    for entry in PositiveListEntry.objects.all():
        entries[entry.hs_code_cn].append(entry)
    reviews: dict[int, list[ListingReview]] = defaultdict(list)
    for review in ListingReview.objects.order_by("opened_at"):
        reviews[review.product_id].append(review)
    limits = list(CbecLimits.objects.all())

    def limit_on(day: dt.date) -> CbecLimits | None:
        rows = [row for row in limits if _in_force(row, day)]
        return max(rows, key=lambda r: r.effective_from or dt.date.min, default=None)

    consumed: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for order in orders.iterator(chunk_size=500):

        def add(rule: str, message: str, order=order) -> None:
            problems.append(OrderProblem(order.number, rule, message))

        placed = order.created_at
        day = placed.date()
        for line in order.lines.all():
            held = _held_at(reviews.get(line.product_id, []), placed)
            if held is not None:
                add(
                    "listing_held",
                    f"line {line.sku}: listing under labor-risk review "
                    f"{held.pk} (opened {held.opened_at:%Y-%m-%d}) when sold",
                )
            if order.direction == Direction.US_EXPORT and not _listed_on(
                entries, line.national_line, day
            ):
                add(
                    "not_on_positive_list",
                    f"line {line.sku}: China tariff line "
                    f"{line.national_line or '—'} was not on the CBEC positive list on {day}",
                )
        if order.direction == Direction.US_EXPORT:
            _export_checks(order, add, limit_on(day))
            if order.quota_year and not order.quota_released:
                consumed[(order.buyer_id_hash, order.quota_year)] += order.quota_amount
        _time_checks(order, add)
    _quota_checks(consumed, limit_on, problems)
    return problems


def _export_checks(order: Order, add, limits: CbecLimits | None) -> None:
    if not order.buyer_name.strip() or "*" not in order.buyer_id_masked:
        add("real_name", "no buyer real name and masked ID number")
    if not order.consignee_name.strip() or not order.consignee_address.strip():
        add("consignee", "no consignee name and address")
    if order.tax_total <= 0:
        add("cbec_tax", "a CBEC order without tax")
    if (
        limits is not None
        and order.tax_channel == TaxChannel.CBEC_WITHIN_LIMITS
        and order.quota_amount > limits.per_transaction_cny
    ):
        add(
            "per_transaction_limit",
            f"¥{order.quota_amount} is over the ¥{limits.per_transaction_cny} per-transaction limit",
        )
    statuses = [event.to_status for event in order.events.all()]
    if order.status in SHIPPED or OrderStatus.SHIPPED in statuses:
        shipped = statuses.index(OrderStatus.SHIPPED) if OrderStatus.SHIPPED in statuses else 0
        if OrderStatus.CLEARED not in statuses[:shipped]:
            add("customs_before_shipping", "shipped before customs cleared it")
        messages = list(order.customs_messages.all())
        kinds = {m.message_type for m in messages}
        if not CUSTOMS_DOCUMENTS <= kinds:
            add(
                "customs_messages",
                f"shipped without {', '.join(sorted(CUSTOMS_DOCUMENTS - kinds))}",
            )
        if any(m.reply_status != "accepted" for m in messages):
            add("customs_reply", "a customs message without an accepted reply")


def _time_checks(order: Order, add) -> None:
    events = list(order.events.all())
    previous = order.created_at
    for event in events:
        if event.created_at < previous:
            add(
                "event_order",
                f"event '{event.to_status}' at {event.created_at:%Y-%m-%d %H:%M} "
                f"is before the one it follows ({previous:%Y-%m-%d %H:%M})",
            )
        previous = event.created_at
    first: dict[str, dt.datetime] = {}
    for event in events:
        first.setdefault(event.to_status, event.created_at)
    for status, moment in (
        (OrderStatus.PAID, order.paid_at),
        (OrderStatus.SHIPPED, order.shipped_at),
        (OrderStatus.DELIVERED, order.delivered_at),
    ):
        if (
            moment is not None
            and status in first
            and abs(moment - first[status]) > dt.timedelta(seconds=1)
        ):
            add(
                "event_times",
                f"{status} at {moment:%Y-%m-%d %H:%M} but its event says "
                f"{first[status]:%Y-%m-%d %H:%M}",
            )
        if moment is not None and moment < order.created_at:
            add("event_times", f"{status} at {moment:%Y-%m-%d %H:%M}, before the order was placed")


def _quota_checks(consumed, limit_on, problems: list[OrderProblem]) -> None:
    rows = {(row.id_number_hash, row.year): row.used_cny for row in QuotaUsage.objects.all()}
    for key in set(consumed) | set(rows):
        hash_, year = key
        used, expected = rows.get(key, Decimal(0)), consumed.get(key, Decimal(0))
        who = f"person {hash_[:8]}… in {year}"
        if used != expected:
            problems.append(
                OrderProblem(
                    "", "quota_usage", f"{who}: quota row says ¥{used}, orders consumed ¥{expected}"
                )
            )
        limits = limit_on(dt.date(year, 12, 31))
        if limits is not None and expected > limits.annual_cny:
            problems.append(
                OrderProblem(
                    "",
                    "annual_limit",
                    f"{who}: ¥{expected} over the ¥{limits.annual_cny} annual limit",
                )
            )
