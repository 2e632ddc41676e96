"""A year of demo trade placed through the same checkout, payment and customs services a buyer's
click goes through, with the clock of the day each order was placed.

``trade_year_run(seed=..., days=365, orders_per_day=...)`` (called by ``twoway seed`` after the
sellers, products and consumers exist) places export purchases (US sellers → buyers in China, each
with the buyer's real-name identity, a consignee and an address in the buyer's province) with
``purchase_place`` in the export channel (CBEC tax, the ¥5,000 / ¥26,000 limits, the buyer's quota,
stock), pays them (a ``Payment`` row and ``purchase_mark_paid``), declares them to customs with
``order_declare`` (CEB311/411/511 messages, three-document match, the reply), ships and delivers
them with ``order_transition``; a few are refunded before shipping, a few come back. Import
purchases (Chinese sellers → US consumers) go through ``purchase_place`` in the import channel the
same way.
Only products that can be sold are offered: China lines on the positive list (``cbec_eligibility``)
and import listings that are not blocked (``import_problems``).

The most recent orders are still on their way: paid and cleared orders wait for their sellers to
ship (``seller@demo.twoway`` has a few), parcels are in transit. ``consumer-cn@demo.twoway`` has
a short history of their own this year (delivered, in transit, waiting). Deterministic for
``seed`` apart from order numbers and GUIDs; ``twoway ledger check`` passes on the result and
``demo_orders_check`` finds every product eligible when it was sold.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from twoway.catalog.models import Product, ProductStatus
from twoway.checkout.channels import EXPORT, IMPORT, Consignee
from twoway.checkout.models import Order, OrderStatus, Purchase
from twoway.checkout.services import (
    order_transition,
    purchase_mark_paid,
    purchase_place,
)
from twoway.core.errors import DomainError
from twoway.identity.models import RealNameIdentity, Role, User
from twoway.payments.models import Payment, PaymentStatus

from . import places

FALLBACK_RATE = Decimal("7.10")
DEMO_SELLER = "seller@demo.twoway"
DEMO_BUYER_CN = "consumer-cn@demo.twoway"
# A single order stays under this many yuan before tax (the per-transaction limit is ¥5,000).
ORDER_TARGET_CNY = Decimal("3800")

# Street names common to most Chinese cities, and US ones; house numbers vary.
CN_STREETS = ("人民路", "中山路", "解放路", "建设路", "和平路", "新华路", "长江路", "文化路",
              "花园路", "滨江路", "青年路", "光明街")  # fmt: skip
US_STREETS = ("Main St", "Oak Ave", "Maple Dr", "Elm St", "Washington Ave", "Lincoln Ave",
              "Park Rd", "Lake St", "Cedar Ln", "Prairie View Dr")  # fmt: skip
_MUNICIPALITIES = {"11": "市", "12": "市", "31": "市", "50": "市"}
_AUTONOMOUS = {"15": "内蒙古自治区", "45": "广西壮族自治区", "54": "西藏自治区",
               "64": "宁夏回族自治区", "65": "新疆维吾尔自治区"}  # fmt: skip


@dataclass
class TradeYearSummary:
    orders: int = 0
    shipped: int = 0
    returned: int = 0
    refunded_before_shipping: int = 0
    export_value_usd: Decimal = Decimal(0)
    import_value_usd: Decimal = Decimal(0)
    waiting_to_ship: int = 0
    in_transit: int = 0
    held: int = 0
    refused: int = 0  # purchases the services refused (quota, limits, stock): not written

    def line(self) -> str:
        return (
            f"Demo trade: {self.orders:,} orders, {self.shipped:,} shipped, {self.returned:,} "
            f"returned, {self.refunded_before_shipping:,} refunded before shipping, "
            f"{self.waiting_to_ship:,} waiting to ship, {self.in_transit:,} in transit, "
            f"{self.held:,} held by screening; exports ${self.export_value_usd:,.2f}, imports "
            f"${self.import_value_usd:,.2f} (placed, paid, declared and shipped through checkout, "
            f"payments and customs; {self.refused:,} purchases refused by their rules)."
        )


@dataclass
class _CnBuyer:
    user: User
    identity: RealNameIdentity
    family: list[str] = field(default_factory=list)  # names of people they send parcels to
    address: tuple[str, str, str] = ("", "", "")  # (address, district code, phone)


@dataclass
class _UsBuyer:
    user: User
    state: str
    address: str


def _cn_address(rng: random.Random, province: str) -> tuple[str, str]:
    county, county_name, _first, _last = rng.choice(places.CN_ID_COUNTIES[province])
    name_zh = places.CN_PROVINCE_NAMES[province][1]
    region = _AUTONOMOUS.get(province) or name_zh + _MUNICIPALITIES.get(province, "省")
    street = rng.choice(CN_STREETS)
    address = (
        f"{region}{county_name}{street}{rng.randint(1, 399)}号"
        f"{rng.randint(1, 30)}栋{rng.randint(1, 6)}单元{rng.randint(1, 28)}0{rng.randint(1, 4)}室"
    )
    return address, county


def _cn_phone(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"


def _us_address(rng: random.Random, state: str) -> str:
    town = rng.choice(places.US_STATES[state].towns)
    return (
        f"{rng.randint(100, 9899)} {rng.choice(US_STREETS)}, {town.city}, {state} "
        f"{town.zip3}{rng.randrange(1, 100):02d}"
    )


class _Clock:
    """Times of one order's life, each after the last; None once past the end of the demo."""

    def __init__(self, start: dt.datetime, end: dt.datetime) -> None:
        self.at, self.end = start, end

    def after(self, delta: dt.timedelta) -> dt.datetime | None:
        moment = self.at + delta
        if moment >= self.end:
            return None
        self.at = moment
        return moment


class _Trade:
    def __init__(self, *, seed: int, end: dt.datetime, import_share: float) -> None:
        self.rng = random.Random(f"twoway-demo-trade-{seed}")
        self.end = end
        self.import_share = import_share
        self.summary = TradeYearSummary()
        self.created: dict[int, dt.datetime] = {}  # purchase id → placed at
        self.touched: dict[int, dt.datetime] = {}  # order id → last change
        self.first_order: dict[int, dt.datetime] = {}  # user id → first purchase
        self._pools()
        self._buyers(seed)

    # --- what can be sold, and to whom --------------------------------------------------
    def _pools(self) -> None:
        from twoway.checkout.channels.us_import import import_problems
        from twoway.compliance.eligibility import cbec_eligibility_many

        exports = list(
            Product.objects.filter(
                status=ProductStatus.ACTIVE, market_cn_export=True, origin_country="US",
                stock_on_hand__gt=20,
            ).order_by("pk")
        )  # fmt: skip
        eligible = cbec_eligibility_many(products=exports)
        self.exports: dict[int, list[Product]] = defaultdict(list)
        for product in exports:
            if eligible[product.pk].eligible:
                self.exports[product.business_id].append(product)
        imports = Product.objects.filter(
            status=ProductStatus.ACTIVE, market_us_import=True, stock_on_hand__gt=20
        ).order_by("pk")
        self.imports: dict[int, list[Product]] = defaultdict(list)
        for product in imports:
            if not import_problems(product, 1):
                self.imports[product.business_id].append(product)
        self.demo_seller = (
            User.objects.filter(username=DEMO_SELLER)
            .values_list("memberships__business_id", flat=True)
            .first()
        )
        sellers = sorted(self.exports)
        # The story's seller sells more than most (so its queue and history are full).
        self.export_sellers = sellers
        self.export_weights = [6 if b == self.demo_seller else 1 for b in sellers]
        self.import_sellers = sorted(self.imports)

    def _buyers(self, seed: int) -> None:
        rng = self.rng
        identities = list(
            RealNameIdentity.objects.filter(user__role=Role.CONSUMER_CN, user__is_active=True)
            .exclude(user__username=DEMO_BUYER_CN)
            .select_related("user")
            .order_by("pk")
        )
        if not identities:  # a bare database (tests): a few buyers of the demo's own
            from twoway.identity.services import real_name_identity_register

            from .generate import iter_cn_consumers

            for consumer in iter_cn_consumers(seed, 12):
                user = User.objects.create(
                    username=consumer.username, email=consumer.username, role=Role.CONSUMER_CN,
                    first_name=consumer.given_name, last_name=consumer.surname,
                )  # fmt: skip
                identities.append(
                    real_name_identity_register(
                        user=user, full_name=consumer.full_name, id_number=consumer.id_number
                    )
                )
        self.cn_buyers = [self._cn_buyer(identity) for identity in identities]
        us_users = list(User.objects.filter(role=Role.CONSUMER_US, is_active=True).order_by("pk"))
        if not us_users:
            us_users = [
                User.objects.create(
                    username=f"buyer-us-{i:05d}@demo.twoway",
                    role=Role.CONSUMER_US,
                    first_name=first,
                    last_name=last,
                )  # fmt: skip
                for i, (first, last) in enumerate((("Mary", "Olson"), ("James", "Becker")), 1)
            ]
        states = list(places.US_STATES)
        self.us_buyers = []
        for user in us_users:
            state = rng.choice(states)
            self.us_buyers.append(_UsBuyer(user, state, _us_address(rng, state)))

    def _cn_buyer(self, identity: RealNameIdentity) -> _CnBuyer:
        rng = self.rng
        surname = identity.full_name[:1]
        family = [
            surname + "".join(rng.choice(places.CN_GIVEN_CHARS) for _ in range(rng.choice((1, 2))))
            for _ in range(rng.choice((0, 1, 1, 2)))
        ]
        province = identity.province_code
        if province not in places.CN_ID_COUNTIES:
            province = "11"
        address, district = _cn_address(rng, province)
        return _CnBuyer(identity.user, identity, family, (address, district, _cn_phone(rng)))

    # --- one order's life ----------------------------------------------------------------
    def _items(
        self, products: list[Product], rate: Decimal, budget: Decimal, fill: bool = False
    ) -> dict[int, int]:
        """1-3 products of one seller, a few of each, within ``budget`` yuan (``fill``: buy more
        until about half the budget is spent, as a family stocking up does)."""
        rng = self.rng
        chosen = rng.sample(products, min(len(products), rng.choices((1, 2, 3), (60, 28, 12))[0]))
        items: dict[int, int] = {}
        spent = Decimal(0)
        for product in sorted(chosen, key=lambda p: p.pk):
            qty = rng.choices((1, 2, 3, 4), (62, 24, 9, 5))[0]
            while qty and spent + product.unit_price * rate * qty > budget:
                qty -= 1
            if qty:
                items[product.pk] = qty
                spent += product.unit_price * rate * qty
        if not items:  # even one is over the budget: the cheapest alone (a single dear item)
            cheapest = min(chosen, key=lambda p: p.unit_price)
            items[cheapest.pk] = 1
        by_pk = {p.pk: p for p in chosen}
        while fill and spent < budget / 2:
            pk = min(items, key=lambda k: items[k])
            price = by_pk[pk].unit_price * rate
            if items[pk] >= 8 or spent + price > budget:
                break
            items[pk] += 1
            spent += price
        return items

    def _pay(self, purchase: Purchase, at: dt.datetime, provider: str) -> None:
        # Shaped like each provider's transaction ids: Alipay date + digits, WeChat Pay 4200…,
        # a card processor's ch_….
        digits = f"{self.rng.getrandbits(48):015d}"
        txn = {"alipay": f"{at:%Y%m%d}22001{digits}", "wechat": f"4200{digits}{at:%Y%m%d}",
               "card": f"ch_{self.rng.getrandbits(96):024x}"}[provider]  # fmt: skip
        Payment.objects.create(
            purchase=purchase, provider=provider, provider_txn_id=txn,
            app_id=f"twoway-sandbox-{provider}", amount=purchase.total_payable,
            currency=purchase.currency, status=PaymentStatus.PAID, paid_at=at,
            payer_account_masked=(
                f"{self.rng.randint(130, 199)}****{self.rng.randrange(10000):04d}"
                if provider != "card" else f"**** {self.rng.randrange(10000):04d}"
            ),
        )  # fmt: skip
        purchase_mark_paid(
            purchase=purchase, now=at, actor_label=f"provider:{provider}",
            reason=f"{provider} transaction {txn}",
        )  # fmt: skip

    def _move(self, order: Order, to: str, at: dt.datetime, label: str, reason: str) -> Order:
        order = order_transition(order=order, to=to, actor_label=label, reason=reason, now=at)
        self.touched[order.pk] = at
        return order

    def _ship_and_after(self, order: Order, clock: _Clock, *, export: bool, roll: float) -> None:
        """Shipping, delivery, and now and then a return, from the order's last moment."""
        shipped_at = clock.after(dt.timedelta(hours=self.rng.randrange(8, 60)))
        if shipped_at is None:
            self.summary.waiting_to_ship += 1
            return
        tracking = (
            f"TW{self.rng.randrange(10**11):011d}US"
            if export
            else (f"YT{self.rng.randrange(10**13):013d}")
        )
        Order.objects.filter(pk=order.pk).update(tracking_number=tracking)
        order = self._move(
            order,
            OrderStatus.SHIPPED,
            shipped_at,
            "seller",
            f"Handed to the carrier, tracking {tracking}.",
        )
        self.summary.shipped += 1
        value = order.customs_value_usd
        if export:
            self.summary.export_value_usd += value
        else:
            self.summary.import_value_usd += value
        days = self.rng.randrange(4, 11) if export else self.rng.randrange(7, 17)
        delivered_at = clock.after(dt.timedelta(days=days, hours=self.rng.randrange(10)))
        if delivered_at is None:
            self.summary.in_transit += 1
            return
        order = self._move(
            order, OrderStatus.DELIVERED, delivered_at, "buyer", "The buyer confirmed receipt."
        )
        if roll > 0.975:
            returned_at = clock.after(dt.timedelta(days=self.rng.randrange(2, 12)))
            refunded_at = returned_at and clock.after(dt.timedelta(days=1, hours=3))
            if returned_at and refunded_at:
                order = self._move(
                    order,
                    OrderStatus.RETURNED,
                    returned_at,
                    "buyer",
                    "Returned by the buyer: not as described.",
                )
                self._move(
                    order,
                    OrderStatus.REFUNDED,
                    refunded_at,
                    "operator",
                    "Refunded after the return reached the seller.",
                )
                self.summary.returned += 1
                if export:
                    self.summary.export_value_usd -= value
                else:
                    self.summary.import_value_usd -= value

    def export_order(  # noqa: C901 — the demo walks one order through every state
        self,
        at: dt.datetime,
        *,
        buyer: _CnBuyer | None = None,
        seller: int | None = None,
        budget: Decimal = ORDER_TARGET_CNY,
        stop_after: str = "",
        rate: Decimal = FALLBACK_RATE,
        story: bool = False,
    ) -> Order | None:
        """Place, pay, declare and (time allowing) ship one export order placed at ``at``."""
        from twoway.customs.declaration import order_declare

        rng = self.rng
        if not self.export_sellers:
            return None
        buyer = buyer or rng.choice(self.cn_buyers)
        seller = seller or rng.choices(self.export_sellers, self.export_weights)[0]
        items = self._items(self.exports[seller], rate, budget, fill=story)
        address, district, phone = buyer.address
        name = buyer.identity.full_name
        if buyer.family and rng.random() < 0.3:
            name = rng.choice(buyer.family)  # a parcel for a parent or a child
        try:
            purchase = purchase_place(
                channel=EXPORT,
                buyer=buyer.user, items=items, identity=buyer.identity,
                consignee=Consignee(name=name, phone=phone, address=address, district=district),
                now=at,
            )  # fmt: skip
        except DomainError:
            self.summary.refused += 1
            return None
        self._placed(purchase, at, buyer.user)
        order = purchase.orders.get()
        self.touched[order.pk] = at
        clock = _Clock(at, self.end)
        paid_at = clock.after(dt.timedelta(minutes=rng.randrange(1, 25)))
        if paid_at is None:
            return order
        self._pay(purchase, paid_at, rng.choice(("alipay", "alipay", "wechat")))
        self.touched[order.pk] = paid_at
        if stop_after == OrderStatus.PAID:
            return order
        declared_at = clock.after(dt.timedelta(minutes=rng.randrange(3, 90)))
        if declared_at is None:
            return order
        order = order_declare(order_id=order.pk, now=declared_at)
        self.touched[order.pk] = declared_at
        if order.status == OrderStatus.HELD:
            self.summary.held += 1
            return order
        if order.status != OrderStatus.CLEARED:
            return order
        roll = rng.random()
        if roll < 0.02:
            refunded_at = clock.after(dt.timedelta(hours=rng.randrange(1, 6)))
            if refunded_at:
                self._move(
                    order,
                    OrderStatus.REFUNDED,
                    refunded_at,
                    "operator",
                    "Refunded at the buyer's request before shipping.",
                )
                self.summary.refunded_before_shipping += 1
            return order
        if stop_after == OrderStatus.CLEARED:
            self.summary.waiting_to_ship += 1
            return order
        if stop_after == OrderStatus.SHIPPED:
            clock.end = min(clock.end, clock.at + dt.timedelta(days=3))
        self._ship_and_after(order, clock, export=True, roll=roll)
        return order

    def import_order(self, at: dt.datetime) -> Order | None:
        rng = self.rng
        if not self.import_sellers or not self.us_buyers:
            return None
        buyer = rng.choice(self.us_buyers)
        seller = rng.choice(self.import_sellers)
        items = self._items(self.imports[seller], Decimal(1), Decimal("450"))
        user = buyer.user
        try:
            purchase = purchase_place(
                channel=IMPORT,
                buyer=user, items=items, consignee_state=buyer.state,
                consignee=Consignee(
                    name=f"{user.first_name} {user.last_name}".strip() or user.username,
                    phone=f"+1 {rng.randint(201, 989)}-555-{rng.randrange(100, 200):04d}",
                    address=buyer.address,
                ),
                now=at,
            )  # fmt: skip
        except DomainError:
            self.summary.refused += 1
            return None
        self._placed(purchase, at, user)
        order = purchase.orders.get()
        self.touched[order.pk] = at
        clock = _Clock(at, self.end)
        paid_at = clock.after(dt.timedelta(minutes=rng.randrange(1, 15)))
        if paid_at is None:
            return order
        self._pay(purchase, paid_at, "card")
        order.refresh_from_db()
        self.touched[order.pk] = paid_at
        roll = rng.random()
        if roll < 0.02:
            refunded_at = clock.after(dt.timedelta(hours=rng.randrange(1, 8)))
            if refunded_at:
                self._move(
                    order,
                    OrderStatus.REFUNDED,
                    refunded_at,
                    "operator",
                    "Refunded at the buyer's request before shipping.",
                )
                self.summary.refunded_before_shipping += 1
            return order
        self._ship_and_after(order, clock, export=False, roll=roll)
        return order

    def _placed(self, purchase: Purchase, at: dt.datetime, user: User) -> None:
        self.summary.orders += purchase.orders.count()
        self.created[purchase.pk] = at
        self.first_order.setdefault(user.pk, at)

    # --- dates as they happened ------------------------------------------------------------
    def dates_fix(self) -> None:
        """Rows' auto timestamps say when the seed ran; put back when each thing happened."""
        purchases = [
            Purchase(pk=pk, created_at=at, updated_at=at) for pk, at in self.created.items()
        ]
        Purchase.objects.bulk_update(purchases, ["created_at", "updated_at"], batch_size=500)
        placed = dict(
            Order.objects.filter(purchase_id__in=list(self.created)).values_list(
                "pk", "purchase_id"
            )
        )
        orders = [
            Order(pk=pk, created_at=self.created[purchase_id],
                  updated_at=self.touched.get(pk, self.created[purchase_id]))
            for pk, purchase_id in placed.items()
        ]  # fmt: skip
        Order.objects.bulk_update(orders, ["created_at", "updated_at"], batch_size=500)
        Payment.objects.filter(purchase_id__in=list(self.created)).update(recorded_at=F("paid_at"))
        users = [
            User(pk=pk, date_joined=at - dt.timedelta(days=3 + pk % 40))
            for pk, at in self.first_order.items()
        ]
        User.objects.bulk_update(users, ["date_joined"], batch_size=500)
        identities = list(RealNameIdentity.objects.filter(user_id__in=list(self.first_order)))
        for identity in identities:
            joined = self.first_order[identity.user_id] - dt.timedelta(
                days=3 + identity.user_id % 40
            )
            identity.created_at = identity.updated_at = joined
        RealNameIdentity.objects.bulk_update(
            identities, ["created_at", "updated_at"], batch_size=500
        )


def _screening_list_ensure() -> None:
    """Customs declarations screen against the Consolidated Screening List; without one loaded
    every order would be held. Load the sample shipped in the repo if none is (as make demo does)."""
    from pathlib import Path

    from twoway.compliance.services import csl_load
    from twoway.reference.models import ReferenceDataset

    if not ReferenceDataset.objects.filter(name="csl").exists():
        import twoway.compliance

        csl_load(path=Path(twoway.compliance.__file__).parent / "data" / "csl_sample.csv")


def _rate() -> Decimal:
    from twoway.reference.models import ExchangeRate

    return (
        ExchangeRate.objects.filter(base_currency="USD", quote_currency="CNY")
        .order_by("-effective_from")
        .values_list("rate", flat=True)
        .first()
    ) or FALLBACK_RATE


def trade_year_run(
    *,
    seed: int,
    days: int = 365,
    orders_per_day: float = 0.5,
    end: dt.datetime | None = None,
    import_share: float = 0.25,
    progress: Callable[[int], None] | None = None,
) -> TradeYearSummary:
    """Place ``days`` of orders ending at ``end`` (default now) through the services, exports
    ramping up over the year; then the stories of the demo accounts (see the module doc)."""
    end = (end or timezone.now()).replace(microsecond=0)
    _screening_list_ensure()
    trade = _Trade(seed=seed, end=end, import_share=import_share)
    rng = trade.rng
    if not trade.export_sellers and not trade.import_sellers:
        return trade.summary
    rate = _rate()
    start_day = (end - dt.timedelta(days=days - 1)).date()
    for offset in range(days):
        day = start_day + dt.timedelta(days=offset)
        ramp = 0.4 + 1.2 * offset / max(days - 1, 1)
        n = max(0, round(orders_per_day * ramp * rng.uniform(0.6, 1.4)))
        moments = sorted(
            dt.datetime.combine(day, dt.time(rng.randrange(24), rng.randrange(60)), tzinfo=dt.UTC)
            for _ in range(n)
        )
        with transaction.atomic():
            for at in moments:
                if at >= end:
                    continue
                importing = bool(trade.import_sellers) and (
                    not trade.export_sellers or rng.random() < import_share
                )
                if importing:
                    trade.import_order(at)
                else:
                    trade.export_order(at, rate=rate)
        if progress:
            progress(1)
    with transaction.atomic():
        _stories(trade, end, rate)
        trade.dates_fix()
    return trade.summary


def _stories(trade: _Trade, end: dt.datetime, rate: Decimal) -> None:
    """consumer-cn@demo.twoway's own history this year, and orders waiting for seller@demo."""
    rng = trade.rng
    if not trade.export_sellers:
        return
    identity = (
        RealNameIdentity.objects.filter(user__username=DEMO_BUYER_CN).select_related("user").first()
    )
    if identity is not None:
        buyer = trade._cn_buyer(identity)
        buyer.address = ("北京市东城区东四十条街道南新仓商务大厦A座1208室", "110101", "13910461208")
        buyer.family = ["张丽"]
        # (days before the end, budget ¥, stop): delivered ones, one in transit, one waiting.
        plan = ((160, 2400, ""), (96, 1800, ""), (41, 3100, ""), (17, 1500, ""),
                (5, 2200, OrderStatus.SHIPPED), (1, 900, OrderStatus.CLEARED))  # fmt: skip
        for days_before, budget, stop in plan:
            at = end - dt.timedelta(
                days=days_before, hours=rng.randrange(2, 10), minutes=rng.randrange(60),
                seconds=rng.randrange(60),
            )  # fmt: skip
            if days_before > 20 and at.year != end.year:
                continue  # the quota box counts this calendar year: keep the story inside it
            seller = trade.demo_seller if days_before in (41, 5) else None
            if seller not in trade.exports:
                seller = None
            trade.export_order(
                at,
                buyer=buyer,
                seller=seller,
                budget=Decimal(budget),
                rate=rate,
                stop_after=stop,
                story=True,
            )
    if trade.demo_seller in trade.exports:
        for hours_before in (30, 20, 9, 0):
            # The newest was paid minutes ago: the scheduled customs sweep of the running demo
            # declares it (within its first minute), as it would a real one.
            minutes = rng.randrange(60) if hours_before else 10 + rng.randrange(5)
            trade.export_order(
                end - dt.timedelta(hours=hours_before, minutes=minutes, seconds=rng.randrange(60)),
                seller=trade.demo_seller,
                rate=rate,
                stop_after=OrderStatus.PAID if hours_before == 0 else OrderStatus.CLEARED,
            )
