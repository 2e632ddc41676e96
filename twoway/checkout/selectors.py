"""Checkout reads: purchases and orders for buyers and sellers, quota left."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from twoway.core.errors import NotFound
from twoway.identity.models import RealNameIdentity
from twoway.ledger.check import OrderLineFlow

from .models import Order, OrderEvent, OrderLine, Purchase, QuotaUsage, ReturnLine
from .rules import order_status


def _order_qs() -> QuerySet[Order]:
    # customs_declaration: the reverse one-to-one of the customs app, shown on order pages.
    return Order.objects.select_related(
        "business", "purchase", "customs_declaration"
    ).prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.order_by("pk")),
        Prefetch("events", queryset=OrderEvent.objects.order_by("created_at", "pk")),
    )


def purchase_get_for_buyer(*, number: str, buyer) -> Purchase:
    purchase = (
        Purchase.objects.filter(number=number, buyer=buyer)
        .prefetch_related(Prefetch("orders", queryset=_order_qs().order_by("pk")))
        .first()
    )
    if purchase is None:
        raise NotFound("Purchase")
    return purchase


def purchase_list_for_buyer(*, buyer, limit: int = 50) -> list[Purchase]:
    return list(
        Purchase.objects.filter(buyer=buyer)
        .prefetch_related(Prefetch("orders", queryset=Order.objects.select_related("business")))
        .order_by("-created_at")[:limit]
    )


def order_get(*, number: str) -> Order:
    order = _order_qs().filter(number=number).first()
    if order is None:
        raise NotFound("Order")
    return order


def order_queue_for_seller(
    *, business_id: int, status: str | None = None, limit: int = 100
) -> QuerySet[Order]:
    qs = (
        Order.objects.filter(business_id=business_id)
        .select_related("customs_declaration")
        .prefetch_related("lines")
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at")[:limit]


def identities_for(*, user) -> list[RealNameIdentity]:
    """The buyer's real-name identities, newest first (the identity context's read)."""
    from twoway.identity.selectors import real_name_identities_for

    return real_name_identities_for(user=user)


def quota_used(*, id_number_hash: str, year: int) -> Decimal:
    """What the person has used of this year's CBEC quota (CNY)."""
    row = (
        QuotaUsage.objects.filter(id_number_hash=id_number_hash, year=year).only("used_fen").first()
    )
    return row.used_cny if row else Decimal("0.00")


def shipped_order_lines() -> Iterator[OrderLineFlow]:
    """Every shipped order line as plain values for the ledger check: when it shipped, where it
    went, and what came back (received partial returns; the day the order was returned or
    refunded after shipping). What counts as shipped and reversed is ``rules.order_status``."""
    reversed_on: dict[int, dt.datetime] = {}
    for order_id, created_at in (
        OrderEvent.objects.filter(
            to_status__in=order_status.REVERSING_STATES,
            from_status__in=order_status.SHIPPED_STATES,
        )
        .order_by("created_at", "id")
        .values_list("order_id", "created_at")
    ):
        reversed_on.setdefault(order_id, created_at)
    returned: dict[int, list] = defaultdict(list)
    for line_id, received_at, quantity, value in ReturnLine.objects.filter(
        return_request__status="received"
    ).values_list("order_line_id", "return_request__received_at", "quantity", "customs_value_usd"):
        if received_at is None:
            raise ValueError(f"return line for order line {line_id} received with no date")
        returned[line_id].append((received_at.date(), quantity, value))
    rows = (
        OrderLine.objects.filter(order__shipped_at__isnull=False)
        .values_list(
            "id",
            "order_id",
            "order__number",
            "order__direction",
            "order__shipped_at",
            "origin_state",
            "origin_province",
            "order__consignee_district",
            "order__consignee_state",
            "order__business__us_state_id",
            "order__business__cn_province_id",
            "hs_code",
            "quantity",
            "customs_value_usd",
        )
        .iterator(chunk_size=5000)
    )
    for (
        line_id, order_id, number, direction, shipped_at, o_state, o_prov, district, c_state,
        b_state, b_prov, hs_code, quantity, value,
    ) in rows:  # fmt: skip
        reversed_at = reversed_on.get(order_id)
        if shipped_at is None:  # excluded by the filter
            raise ValueError(f"order {number} is shipped with no shipped_at")
        yield OrderLineFlow(
            order_number=number,
            direction=direction,
            shipped_on=shipped_at.date(),
            origin_state=o_state or "",
            origin_province=o_prov or "",
            consignee_district=district or "",
            consignee_state=c_state or "",
            business_us_state=b_state or "",
            business_cn_province=b_prov or "",
            hs_code=hs_code,
            quantity=quantity,
            customs_value_usd=value,
            returned=tuple(returned.get(line_id, ())),
            reversed_on=reversed_at.date() if reversed_at is not None else None,
        )
