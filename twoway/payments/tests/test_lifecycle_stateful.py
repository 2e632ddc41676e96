"""The order lifecycle as a random walk: hypothesis places, pays, expires, cancels, blocks,
releases, ships, delivers, returns and refunds in any order, and after every step the
cross-context invariants hold (the same checks ``twoway reconcile`` runs, plus the money view of
every order). Each example runs in a savepoint that is rolled back, so examples start alike."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import transaction
from django.db.models import Sum
from django.test import TestCase
from django.utils import timezone
from hypothesis import HealthCheck, seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from twoway.businesses.models import Membership
from twoway.catalog.models import Product, ProductStatus
from twoway.catalog.services import listings_status_set
from twoway.checkout import services as checkout
from twoway.checkout.channels import EXPORT
from twoway.checkout.models import Order, OrderLine, OrderStatus, Purchase, QuotaUsage, ReturnLine
from twoway.checkout.tests.fixtures import ID_NUMBERS
from twoway.core.errors import DomainError, PermissionDenied
from twoway.identity.models import User
from twoway.operations.reconcile import ledger_check
from twoway.payments import services
from twoway.payments.keys import ensure_sandbox_keys
from twoway.payments.models import Payment, PaymentStatus, Refund, RefundStatus
from twoway.payments.providers import PaymentRequest
from twoway.payments.providers.sandbox import SandboxWallet
from twoway.payments.selectors import order_money

pytestmark = pytest.mark.django_db
CONSIGNEE = checkout.Consignee("张三", "13800138000", "北京市东城区东长安街1号", "110101")
EXPECTED = (DomainError, PermissionDenied)
REACHED: set[str] = set()
# The walk is pinned: one seed draws the same 25 walks on every run (with the same hypothesis
# version), so a failure reproduces as is; ``--hypothesis-seed`` does not move it (the decorator
# wins). Before, ``derandomize`` took the seed from the test's source, so reformatting the file
# walked another path. Not every seed reaches every state in 25 walks (of seeds 1-12, 6, 8 and 12
# do, on SQLite and PostgreSQL): after changing the rules below, keep a seed the REACHED check
# passes with.
WALK_SEED = 6


def lifecycle_invariants(initial_stock: dict[int, int]) -> list[str]:
    """Every broken invariant, one line each (empty when all hold)."""
    problems: list[str] = []
    returned = defaultdict(int)
    for line_id, qty in ReturnLine.objects.filter(
        return_request__status="received", order_line__order__stock_released=False
    ).values_list("order_line__product_id", "quantity"):
        returned[line_id] += qty
    held = defaultdict(int)
    for product_id, qty in OrderLine.objects.filter(order__stock_released=False).values_list(
        "product_id", "quantity"
    ):
        held[product_id] += qty
    for product in Product.objects.filter(pk__in=list(initial_stock)):
        total = product.stock_on_hand + held[product.pk] - returned[product.pk]
        if total != initial_stock[product.pk] or product.stock_on_hand < 0:
            problems.append(
                f"stock of {product.sku}: on hand {product.stock_on_hand} + in orders "
                f"{held[product.pk]} - returned {returned[product.pk]} != "
                f"{initial_stock[product.pk]}"
            )
    owed = defaultdict(Decimal)
    for order in Order.objects.filter(quota_released=False, quota_year__isnull=False):
        owed[(order.buyer_id_hash, order.quota_year)] += order.quota_amount - order.quota_returned
    for usage in QuotaUsage.objects.all():
        if usage.used_cny != owed.get((usage.id_number_hash, usage.year), Decimal("0.00")):
            problems.append(
                f"quota {usage.year}: used {usage.used_cny} != orders "
                f"{owed.get((usage.id_number_hash, usage.year))}"
            )
    for purchase in Purchase.objects.filter(paid_at__isnull=False):
        captured = Payment.objects.filter(
            purchase=purchase, status__in=(PaymentStatus.PAID, PaymentStatus.REFUNDED)
        )
        if captured.count() != 1 or captured.get().amount != purchase.total_payable:
            problems.append(f"purchase {purchase.number}: not exactly one captured payment")
    for payment in Payment.objects.all():
        refunds = payment.refunds.exclude(status=RefundStatus.FAILED).aggregate(n=Sum("amount"))[
            "n"
        ]
        if (refunds or 0) > payment.amount:
            problems.append(f"payment {payment.pk}: refunds {refunds} > {payment.amount}")
        if payment.status == PaymentStatus.REFUND_DUE and not payment.refunds.exists():
            problems.append(f"payment {payment.pk}: refund due but none issued")
    for order in Order.objects.all():
        try:
            view = order_money(order)
        except ValueError as exc:
            problems.append(f"order {order.number}: {exc}")
            continue
        # A cancelled-after-payment order gives everything back; a returned one keeps only the
        # outbound freight (the return policy in force refunds goods and tax, not freight).
        allowed = order.freight + order.insurance if order.returns.exists() else Decimal("0.00")
        if order.status == OrderStatus.REFUNDED and view.paid and not 0 <= view.kept <= allowed:
            problems.append(f"order {order.number}: refunded but {view.kept} kept")
        if order.status == OrderStatus.HELD and not order.hold_reason:
            problems.append(f"order {order.number}: held without a reason")
    problems += [d.line() for d in ledger_check()]
    # ...and what `twoway reconcile` checks (deadlines aside: this walk runs on its own clock).
    from twoway.operations.reconcile import reconcile

    problems += [d.line() for d in reconcile(only=["stock", "quota", "payments"])]
    return problems


@seed(WALK_SEED)
class Lifecycle(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.products = list(Product.objects.filter(sku__startswith="SKU-").order_by("pk"))
        self.initial = {p.pk: p.stock_on_hand for p in self.products}
        self.buyers = [
            (u, u.real_name_identities.first())
            for u in User.objects.filter(role="consumer_cn").order_by("pk")
        ]
        self.staff = User.objects.get(username="packer")
        self.clock = timezone.now()

    def teardown(self):
        for status in Order.objects.values_list("status", flat=True):
            REACHED.add(status)
        if Refund.objects.filter(status=RefundStatus.SUCCEEDED).exists():
            REACHED.add("refund_succeeded")
        if ReturnLine.objects.filter(return_request__status="received").exists():
            REACHED.add("return_received")
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _run(self, fn):
        with TestCase.captureOnCommitCallbacks(execute=True):
            try:
                fn()
            except EXPECTED:
                pass

    def _orders(self, *statuses):
        return list(Order.objects.filter(status__in=statuses).order_by("pk"))

    @initialize(qty=st.integers(1, 2), provider=st.sampled_from(["alipay", "wechat"]))
    def a_delivered_order_exists(self, qty, provider):
        """Start from what a real shop has: one order already delivered to a buyer."""
        self.place(0, 0, qty)
        self.pay(0, provider)
        self.seller_ships(0)
        self.buyer_confirms_receipt(0)

    @rule(buyer=st.integers(0, 2), product=st.integers(0, 2), qty=st.integers(1, 3))
    def place(self, buyer, product, qty):
        user, identity = self.buyers[buyer]
        self._run(
            lambda: checkout.purchase_place(
                channel=EXPORT,
                buyer=user,
                items={self.products[product].pk: qty},
                identity=identity,
                consignee=CONSIGNEE,
                now=self.clock,
            )
        )

    @rule(pick=st.integers(0, 50), provider=st.sampled_from(["alipay", "wechat"]))
    def pay(self, pick, provider):
        purchases = list(Purchase.objects.filter(paid_at__isnull=True).order_by("pk"))
        if not purchases:
            return
        purchase = purchases[pick % len(purchases)]
        wallet = SandboxWallet(provider, ensure_sandbox_keys())
        note = wallet.notification(
            PaymentRequest(
                out_trade_no=purchase.number,
                amount=purchase.total_payable,
                currency="CNY",
                subject="x",
                buyer_name="",
                buyer_id_number_masked_or_token="",
                notify_url="/",
                return_url="/",
            ),
            "paid",
        )
        self._run(
            lambda: services.notification_receive(
                provider_name=provider, raw_body=note.body, headers=note.headers
            )
        )

    @rule(minutes=st.integers(1, 45))
    def time_passes_and_expiry_runs(self, minutes):
        self.clock += dt.timedelta(minutes=minutes)
        self._run(lambda: checkout.reservations_expire(now=self.clock))

    @rule(pick=st.integers(0, 50))
    def buyer_cancels(self, pick):
        orders = self._orders(
            OrderStatus.CREATED, OrderStatus.PAID, OrderStatus.HELD, OrderStatus.CLEARED
        )
        if orders:
            order = orders[pick % len(orders)]
            self._run(lambda: services.order_cancel(order=order, by=order.buyer))

    @rule(product=st.integers(0, 2), final=st.booleans())
    def regulator_blocks(self, product, final):
        pid = self.products[product].pk
        self._run(
            lambda: listings_status_set(
                product_ids=[pid], status=ProductStatus.BLOCKED, reason="UFLPA review", final=final
            )
        )

    @rule(product=st.integers(0, 2))
    def regulator_releases(self, product):
        pid = self.products[product].pk
        self._run(
            lambda: listings_status_set(
                product_ids=[pid], status=ProductStatus.ACTIVE, reason="approved"
            )
        )

    @rule(pick=st.integers(0, 50))
    def seller_ships(self, pick):
        orders = self._orders(OrderStatus.CLEARED)
        if orders:
            order = orders[pick % len(orders)]
            self._run(
                lambda: checkout.order_ship(
                    order=order, by=self.staff, tracking_number="SF1234567890"
                )
            )

    @rule(pick=st.integers(0, 50))
    def buyer_confirms_receipt(self, pick):
        orders = self._orders(OrderStatus.SHIPPED)
        if orders:
            order = orders[pick % len(orders)]
            self._run(lambda: checkout.order_receipt_confirm(order=order, by=order.buyer))

    @rule(pick=st.integers(0, 50), units=st.integers(1, 3), approve=st.booleans())
    def return_round_trip(self, pick, units, approve):
        orders = self._orders(OrderStatus.DELIVERED)
        if not orders:
            return
        order = orders[pick % len(orders)]
        line = order.lines.first()

        def go():
            ret = checkout.return_request_create(
                order=order,
                by=order.buyer,
                reason="broken",
                lines={line.pk: min(units, line.quantity)},
            )
            checkout.return_decide(
                return_request=ret, by=self.staff, approve=approve, note="" if approve else "opened"
            )
            if approve:
                services.return_receive_and_refund(return_request=ret, by=self.staff)

        self._run(go)

    @rule()
    def scheduled_jobs_run(self):
        from twoway.customs.declaration import declarations_sweep

        later = self.clock + dt.timedelta(minutes=5)
        self._run(lambda: services.refunds_retry(now=later))
        self._run(lambda: declarations_sweep(now=later))

    @invariant()
    def everything_adds_up(self):
        assert lifecycle_invariants(self.initial) == []


def test_lifecycle_random_walk_keeps_every_invariant(
    make_seller, make_product, make_buyer, settings_, tmp_path
):
    settings_.TWOWAY_PAYMENT_KEY_DIR = str(tmp_path)
    import twoway.compliance
    from twoway.compliance.services import csl_load

    csl_load(path=Path(twoway.compliance.__file__).parent / "data" / "csl_sample.csv")
    seller = make_seller()
    for price in ("25.00", "80.00", "400.00"):
        make_product(seller, stock=6, price=price)
    for i in range(3):
        make_buyer(ID_NUMBERS[i], name=["张三", "李四", "王五"][i])
    staff = User.objects.create(username="packer", role="seller_staff")
    Membership.objects.create(user=staff, business=seller)
    run_state_machine_as_test(
        Lifecycle,
        # 25 walks of 20 steps from WALK_SEED (12 steps once missed a block while orders were
        # open); no example database, so every run replays exactly these walks.
        settings=settings(
            max_examples=25,
            stateful_step_count=20,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    # The walk really went through the lifecycle, not only through refusals.
    assert {
        "delivered",
        "cancelled",
        "held",
        "refunded",
        "refund_succeeded",
        "return_received",
    } <= REACHED, REACHED


@pytest.fixture
def settings_(settings):
    return settings
