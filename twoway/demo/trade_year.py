"""A year of demo trade: real orders shipped through the checkout state machine, so the ledger,
the rollups and the public dashboard show exactly the trade the orders made.

``trade_year_run(seed=..., days=365, orders_per_day=...)`` (called by ``twoway seed`` after the
sellers, products and consumers exist) writes export orders (US sellers → consumers in China) and
import orders (Chinese sellers → US consumers) already cleared/paid, then moves each through
``order_transition``: shipped (the ledger posts), delivered, and a few returned and refunded
(the ledger reverses) or refunded before shipping (no ledger entry). Deterministic for ``seed``;
``twoway ledger check`` passes on the result.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from twoway.catalog.models import Product
from twoway.checkout.models import (
    Direction,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    Purchase,
    TaxChannel,
)
from twoway.checkout.services import order_transition
from twoway.identity.models import Role, User
from twoway.reference.models import ChinaProvince, ExchangeRate, UsState

CENT = Decimal("0.01")
FALLBACK_RATE = Decimal("7.10")


@dataclass(frozen=True)
class TradeYearSummary:
    orders: int
    shipped: int
    returned: int
    refunded_before_shipping: int
    export_value_usd: Decimal
    import_value_usd: Decimal

    def line(self) -> str:
        return (
            f"Demo trade: {self.orders:,} orders, {self.shipped:,} shipped, {self.returned:,} "
            f"returned, {self.refunded_before_shipping:,} refunded before shipping; exports "
            f"${self.export_value_usd:,.2f}, imports ${self.import_value_usd:,.2f} (ledger posted "
            "through the order state machine)."
        )


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _buyer(role: str, username: str) -> User:
    user = User.objects.filter(role=role, is_active=True).order_by("pk").first()
    if user:
        return user
    return User.objects.create(username=username, role=role)


def trade_year_run(
    *,
    seed: int,
    days: int = 365,
    orders_per_day: int = 8,
    end: dt.datetime | None = None,
    import_share: float = 0.35,
) -> TradeYearSummary:
    """Write and ship ``days`` of orders ending at ``end`` (default now). Exports ramp up over
    the year; about 3% of shipped orders come back (returned, then refunded) and 2% are refunded
    before they ship."""
    rng = random.Random(seed)
    end = end or timezone.now()
    exports = list(
        Product.objects.filter(
            status="active", market_cn_export=True, origin_country="US", stock_on_hand__gt=5
        )
        .select_related("business")
        .order_by("pk")[:400]
    )
    imports = list(
        Product.objects.filter(status="active", market_us_import=True, stock_on_hand__gt=5)
        .select_related("business")
        .order_by("pk")[:400]
    )
    if not exports and not imports:
        return TradeYearSummary(0, 0, 0, 0, Decimal(0), Decimal(0))
    buyer_cn = _buyer(Role.CONSUMER_CN, "demo-trade-cn")
    buyer_us = _buyer(Role.CONSUMER_US, "demo-trade-us")
    provinces = list(ChinaProvince.objects.order_by("code").values_list("code", flat=True)) or [
        "11"
    ]
    # Coastal provinces buy most: weight the first-listed big markets up.
    big = {"11", "31", "44", "32", "33", "37", "51", "42"}
    province_weights = [6 if p in big else 1 for p in provinces]
    states = list(UsState.objects.order_by("code").values_list("code", flat=True)) or ["IL"]
    rate = (
        ExchangeRate.objects.filter(base_currency="USD", quote_currency="CNY")
        .order_by("-effective_from")
        .values_list("rate", flat=True)
        .first()
    ) or FALLBACK_RATE

    counts = {"orders": 0, "shipped": 0, "returned": 0, "refunded": 0}
    values = {Direction.US_EXPORT: Decimal(0), Direction.US_IMPORT: Decimal(0)}
    later: list[tuple[dt.datetime, int, str]] = []  # (when, order id, to status)
    start_day = (end - dt.timedelta(days=days - 1)).date()
    for offset in range(days):
        day = start_day + dt.timedelta(days=offset)
        ramp = 0.4 + 1.2 * offset / max(days - 1, 1)
        n = max(0, round(orders_per_day * ramp * rng.uniform(0.6, 1.4)))
        with transaction.atomic():
            for _ in range(n):
                importing = bool(imports) and (not exports or rng.random() < import_share)
                pool = imports if importing else exports
                at = dt.datetime.combine(
                    day, dt.time(rng.randrange(24), rng.randrange(60)), tzinfo=dt.UTC
                )
                if at >= end:
                    continue
                order = _order_write(
                    rng=rng,
                    pool=pool,
                    importing=importing,
                    at=at,
                    rate=rate,
                    buyer=buyer_us if importing else buyer_cn,
                    province=rng.choices(provinces, province_weights)[0],
                    state=rng.choice(states),
                )
                if order is None:
                    continue
                counts["orders"] += 1
                roll = rng.random()
                if roll < 0.02:
                    order_transition(
                        order=order,
                        to=OrderStatus.REFUNDED,
                        actor_label="system",
                        reason="Demo: refunded before shipping.",
                        now=at + dt.timedelta(hours=2),
                    )
                    counts["refunded"] += 1
                    continue
                shipped_at = at + dt.timedelta(hours=rng.randrange(6, 48))
                if shipped_at >= end:
                    continue
                later.append((shipped_at, order.pk, OrderStatus.SHIPPED))
                delivered_at = shipped_at + dt.timedelta(days=rng.randrange(3, 9))
                if delivered_at < end:
                    later.append((delivered_at, order.pk, OrderStatus.DELIVERED))
                    if roll > 0.97:
                        returned_at = delivered_at + dt.timedelta(days=rng.randrange(2, 12))
                        if returned_at + dt.timedelta(days=1) < end:
                            later.append((returned_at, order.pk, OrderStatus.RETURNED))
                            later.append(
                                (returned_at + dt.timedelta(days=1), order.pk, OrderStatus.REFUNDED)
                            )
    later.sort()
    for start in range(0, len(later), 200):
        with transaction.atomic():
            for when, order_id, to in later[start : start + 200]:
                order = Order.objects.get(pk=order_id)
                order_transition(
                    order=order, to=to, actor_label="demo", reason=f"Demo history: {to}.", now=when
                )
                if to == OrderStatus.SHIPPED:
                    counts["shipped"] += 1
                    values[order.direction] += order.customs_value_usd
                elif to == OrderStatus.RETURNED:
                    counts["returned"] += 1
                    values[order.direction] -= order.customs_value_usd
    return TradeYearSummary(
        orders=counts["orders"],
        shipped=counts["shipped"],
        returned=counts["returned"],
        refunded_before_shipping=counts["refunded"],
        export_value_usd=values[Direction.US_EXPORT],
        import_value_usd=values[Direction.US_IMPORT],
    )


def _order_write(
    *,
    rng: random.Random,
    pool: list[Product],
    importing: bool,
    at: dt.datetime,
    rate: Decimal,
    buyer: User,
    province: str,
    state: str,
) -> Order | None:
    """One single-seller order of 1-3 lines, already paid (import) or cleared by customs
    (export), with its stock taken."""
    first = rng.choice(pool)
    same_seller = [p for p in pool if p.business_id == first.business_id]
    chosen = {p.pk: p for p in rng.sample(same_seller, min(len(same_seller), rng.randint(1, 3)))}
    items: list[tuple[Product, int]] = []
    for product in sorted(chosen.values(), key=lambda p: p.pk):
        qty = rng.choices((1, 2, 3, 6), (60, 25, 10, 5))[0]
        taken = Product.objects.filter(pk=product.pk, stock_on_hand__gte=qty).update(
            stock_on_hand=F("stock_on_hand") - qty
        )
        if taken:
            items.append((product, qty))
    if not items:
        return None
    direction = Direction.US_IMPORT if importing else Direction.US_EXPORT
    currency = "USD" if importing else "CNY"
    fx = Decimal(1) if importing else rate
    lines = []
    for product, qty in items:
        usd = product.unit_price if product.currency == "USD" else _money(product.unit_price / rate)
        lines.append((product, qty, usd, _money(usd * fx)))
    goods = sum((_money(price * qty) for _p, qty, _u, price in lines), Decimal(0))
    customs_usd = sum((usd * qty for _p, qty, usd, _x in lines), Decimal(0))
    freight = _money(Decimal("8.00") * fx)
    number = f"TW{at:%y%m%d}{rng.getrandbits(40):010X}"
    purchase = Purchase.objects.create(
        number="TP" + number[2:],
        buyer=buyer,
        direction=direction,
        currency=currency,
        total_payable=goods + freight,
        paid_at=at,
        created_at=at,
    )
    status = OrderStatus.PAID if importing else OrderStatus.CLEARED
    order = Order.objects.create(
        number=number,
        purchase=purchase,
        buyer=buyer,
        business_id=items[0][0].business_id,
        direction=direction,
        status=status,
        currency=currency,
        exchange_rate=None if importing else rate,
        goods_value=goods,
        freight=freight,
        tax_total=Decimal(0),
        total_payable=goods + freight,
        customs_value_usd=customs_usd,
        tax_channel=TaxChannel.US_IMPORT if importing else TaxChannel.CBEC_WITHIN_LIMITS,
        consignee_name="Demo consignee",
        consignee_district="" if importing else f"{province}0101",
        consignee_state=state if importing else "",
        paid_at=at,
        created_at=at,
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            product=product,
            sku=product.sku,
            title=product.title_en[:200],
            title_zh=product.title_zh[:120],
            hs_code=product.hs_code,
            origin_state=product.origin_us_state_id or "",
            origin_province=product.origin_cn_province_id or "",
            quantity=qty,
            unit_price_usd=usd,
            unit_price=price,
            goods_value=_money(price * qty),
            customs_value_usd=_money(usd * qty),
        )
        for product, qty, usd, price in lines
    )
    OrderEvent.objects.create(
        order=order,
        from_status="",
        to_status=status,
        actor_label="demo",
        reason="Demo history: placed and paid" + ("" if importing else ", cleared by customs"),
        created_at=at,
    )
    return order
