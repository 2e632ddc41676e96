"""`twoway reconcile`: 0 after random trade driven by the schedule, 1 naming each planted
difference, and on the seeded demo."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from io import StringIO
from types import SimpleNamespace

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from twoway.catalog.models import Product
from twoway.catalog.services import stock_adjust
from twoway.checkout import services as checkout
from twoway.checkout.channels import EXPORT, IMPORT
from twoway.checkout.models import Order, OrderStatus, Purchase, QuotaUsage
from twoway.checkout.tests.fixtures import ID_NUMBERS
from twoway.checkout.tests.import_factories import cn_seller, shirt, us_consumer
from twoway.core.errors import DomainError
from twoway.identity.models import User
from twoway.ledger.models import TradeFlowEntry
from twoway.operations import reconcile
from twoway.operations.scheduler import Scheduler
from twoway.payments.models import Payment, PaymentStatus
from twoway.payments.services import payment_record

pytestmark = pytest.mark.django_db
CONSIGNEE = checkout.Consignee("张三", "13800138000", "北京市东城区东长安街1号", "110101")
US_CONSIGNEE = checkout.Consignee("Ada Lovelace", "608-555-0100", "1 State St, Madison 53703")


@pytest.fixture(autouse=True)
def csl_loaded(db):
    """The screening list is loaded (without it every paid export is held for review)."""
    from pathlib import Path

    import twoway.compliance
    from twoway.compliance.services import csl_load

    csl_load(path=Path(twoway.compliance.__file__).parent / "data" / "csl_sample.csv")


def run_reconcile(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("reconcile", *args, stdout=out)
    except CommandError as failed:
        return failed.returncode, out.getvalue() + str(failed)
    return 0, out.getvalue()


class Trade:
    """Buyers and sellers acting through the services, with the clock and the schedule."""

    def __init__(self, on_commit) -> None:
        self.on_commit = on_commit
        self.operator = User.objects.create(username="ops", role="operator")
        self.txn = 0

    def place(self, buyer, identity, items) -> Purchase | None:
        try:
            return checkout.purchase_place(
                channel=EXPORT, buyer=buyer, items=items, identity=identity, consignee=CONSIGNEE
            )
        except DomainError:
            return None

    def place_import(self, buyer, items) -> Purchase | None:
        try:
            return checkout.purchase_place(
                channel=IMPORT,
                buyer=buyer,
                items=items,
                consignee_state="WI",
                consignee=US_CONSIGNEE,
            )
        except DomainError:
            return None

    def pay(self, purchase: Purchase) -> None:
        """The provider's notification, recorded as the notify endpoint does; customs runs on
        commit (sandbox customs clears it)."""
        self.txn += 1
        note = SimpleNamespace(
            provider_txn_id=f"2026TXN{self.txn:06d}", app_id="sandbox",  # alipay or card alike
            amount=purchase.total_payable, currency=purchase.currency, paid_at=timezone.now(),
            payer_account_masked="",
        )  # fmt: skip
        with self.on_commit(execute=True), transaction.atomic():
            purchase = Purchase.objects.get(pk=purchase.pk)
            provider = "card" if purchase.direction == "us_import" else "alipay"
            payment_record(purchase=purchase, provider_name=provider, notification=note)

    def ship(self, order: Order) -> None:
        checkout.order_ship(order=order, by=self.operator, tracking_number=f"SF{order.pk:08d}")


def _orders(status: str) -> list[Order]:
    return list(Order.objects.filter(status=status).order_by("pk"))


def _shippable() -> list[Order]:
    """Exports cleared by customs, imports paid."""
    return list(
        Order.objects.filter(
            Q(status=OrderStatus.CLEARED) | Q(status=OrderStatus.PAID, direction="us_import")
        ).order_by("pk")
    )


@pytest.mark.parametrize("seed", [1, 2])
def test_reconcile_passes_after_random_trade_run_by_the_schedule(
    seed, make_seller, make_product, make_buyer, django_capture_on_commit_callbacks
):
    rng = random.Random(seed)
    with time_machine.travel(dt.datetime.now(dt.UTC).replace(microsecond=0), tick=False) as clock:
        sellers = [make_seller(f"Seller {i} LLC", state) for i, state in enumerate(["WI", "IA"])]
        products = [
            make_product(
                rng.choice(sellers), stock=rng.randint(0, 12), price=f"{rng.randint(5, 400)}.00"
            )
            for _ in range(6)
        ]
        buyers = [make_buyer(ID_NUMBERS[i % 4]) for i in range(5)]
        importer = cn_seller()
        shirts = [
            shirt(importer, stock=rng.randint(1, 8), price=f"{rng.randint(10, 90)}.00")
            for _ in range(2)
        ]
        us_buyer = us_consumer()
        trade = Trade(django_capture_on_commit_callbacks)
        scheduler = Scheduler()
        done = {"paid": 0, "shipped": 0, "returned": 0, "expired": 0, "refunded": 0, "imports": 0}
        for _step in range(45):
            clock.shift(dt.timedelta(minutes=rng.choice([1, 4, 9, 20])))
            action = rng.random()
            if action < 0.3:
                buyer, identity = rng.choice(buyers)
                items = {p.pk: rng.randint(1, 3) for p in rng.sample(products, rng.randint(1, 2))}
                trade.place(buyer, identity, items)
            elif action < 0.4:
                done["imports"] += bool(trade.place_import(us_buyer, {rng.choice(shirts).pk: 1}))
            elif action < 0.6 and _orders(OrderStatus.CREATED):
                trade.pay(rng.choice(_orders(OrderStatus.CREATED)).purchase)
                done["paid"] += 1
            elif action < 0.67 and _orders(OrderStatus.CREATED):
                order = rng.choice(_orders(OrderStatus.CREATED))
                checkout.order_cancel(order=order, by=order.buyer)
            elif action < 0.8 and _shippable():
                trade.ship(rng.choice(_shippable()))
                done["shipped"] += 1
            elif action < 0.86 and _orders(OrderStatus.SHIPPED):
                order = rng.choice(_orders(OrderStatus.SHIPPED))
                checkout.order_receipt_confirm(order=order, by=order.buyer)
            elif action < 0.9 and _orders(OrderStatus.DELIVERED):
                order = rng.choice(_orders(OrderStatus.DELIVERED))
                checkout.order_transition(
                    order=order, to=OrderStatus.RETURNED, actor_label="operator", reason="came back"
                )
                checkout.order_refund(order=order, by=trade.operator, reason="returned")
                done["returned"] += 1
            elif action < 0.94 and _orders(OrderStatus.CLEARED):
                checkout.order_refund(
                    order=rng.choice(_orders(OrderStatus.CLEARED)),
                    by=trade.operator,
                    reason="buyer asked",
                )
                done["refunded"] += 1
            else:
                product = rng.choice(products)
                stock_adjust(
                    product=product, delta=rng.randint(1, 5), reason="delivery", by=trade.operator
                )
            runs = {r.name: r for r in scheduler.tick()}
            if "reservations-expire" in runs:
                assert runs["reservations-expire"].outcome == "ok"
                done["expired"] += int(runs["reservations-expire"].result or 0)
        # Whatever is still unpaid and past its reservation is expired by the schedule.
        clock.shift(dt.timedelta(minutes=61))
        scheduler.tick()
        code, output = run_reconcile()
    for step in ("paid", "shipped", "expired", "imports"):
        assert done[step], done
    assert code == 0, output
    assert output.startswith("Reconcile: all agree (stock, quota, payments, ledger, deadlines).")
    assert reconcile.reconcile() == []


@pytest.fixture
def world(make_seller, make_product, make_buyer, django_capture_on_commit_callbacks):
    """One seller with two products; one purchase paid and shipped, one paid and cleared, one
    placed and not yet paid. Reconciles clean."""
    seller = make_seller()
    honey, cheese = make_product(seller, stock=10), make_product(seller, stock=6, price="45.00")
    buyer, identity = make_buyer()
    trade = Trade(django_capture_on_commit_callbacks)
    shipped = trade.place(buyer, identity, {honey.pk: 2})
    trade.pay(shipped)
    trade.ship(shipped.orders.get())
    cleared = trade.place(buyer, identity, {cheese.pk: 1, honey.pk: 1})
    trade.pay(cleared)
    unpaid = trade.place(buyer, identity, {cheese.pk: 2})
    assert run_reconcile() == (
        0,
        "Reconcile: all agree (stock, quota, payments, ledger, deadlines).\n",
    )
    return SimpleNamespace(
        honey=honey,
        cheese=cheese,
        buyer=buyer,
        identity=identity,
        shipped=shipped,
        cleared=cleared,
        unpaid=unpaid,
        trade=trade,
    )


def test_a_unit_more_on_hand_names_the_product(world):
    Product.objects.filter(pk=world.cheese.pk).update(stock_on_hand=F("stock_on_hand") + 1)
    code, output = run_reconcile()
    assert code == 1
    # 6 received: 4 on hand after placing 1 + 2, +1 planted; 3 reserved; none sold.
    assert (
        f"stock: product {world.cheese.pk} ({world.cheese.sku}): on hand 4 + reserved 3 + sold 0 "
        "− returned 0 = 7, received 6"
    ) in output.splitlines()
    assert "1 difference(s) (stock)" in output


def test_quota_used_that_no_order_holds_names_the_person_masked(world):
    QuotaUsage.objects.filter(id_number_hash=world.identity.id_number_hash).update(
        used_fen=F("used_fen") + 100
    )
    code, output = run_reconcile()
    assert code == 1
    (line,) = [ln for ln in output.splitlines() if ln.startswith("quota:")]
    assert f"person {world.identity.id_number_masked} year" in line
    assert "11010519491231002X" not in output
    assert "held by 3 live order(s)" in line


def test_a_paid_purchase_without_its_payment_is_named(world):
    Payment.objects.filter(purchase=world.cleared).delete()
    code, output = run_reconcile("--only", "payments")
    assert code == 1
    assert (
        f"payment: purchase {world.cleared.number}: paid, owes "
        f"{world.cleared.total_payable:,} CNY, 0 captured payment(s)"
    ) in output.splitlines()


def test_a_payment_of_another_amount_is_named(world):
    Payment.objects.filter(purchase=world.shipped).update(amount=F("amount") - Decimal("0.01"))
    code, output = run_reconcile()
    assert code == 1
    assert f"payment: purchase {world.shipped.number}: owes" in output


def test_money_due_for_refund_without_a_refund_is_named(world):
    Payment.objects.create(
        purchase=world.unpaid, provider="wechat", provider_txn_id="4200LATE", app_id="sandbox",
        amount=world.unpaid.total_payable, currency="CNY", status=PaymentStatus.REFUND_DUE,
        paid_at=timezone.now(),
    )  # fmt: skip
    code, output = run_reconcile()
    assert code == 1
    assert (
        f"refund: payment wechat 4200LATE (purchase {world.unpaid.number}): "
        f"{world.unpaid.total_payable:,} CNY due for refund, no refund recorded"
    ) in output.splitlines()


def test_a_ledger_entry_without_a_shipment_is_named(world):
    # The ledger says shipped; the order no longer does.
    Order.objects.filter(purchase=world.shipped).update(status=OrderStatus.CLEARED, shipped_at=None)
    assert TradeFlowEntry.objects.count() == 1
    code, output = run_reconcile("--only", "ledger")
    assert code == 1
    assert any(ln.startswith("ledger: orders-vs-ledger: ") for ln in output.splitlines())


def test_an_unpaid_order_past_its_reservation_is_named_as_stuck(world):
    Purchase.objects.filter(pk=world.unpaid.pk).update(
        reserved_until=timezone.now() - dt.timedelta(minutes=6)
    )
    order = world.unpaid.orders.get()
    code, output = run_reconcile()
    assert code == 1
    (line,) = [ln for ln in output.splitlines() if ln.startswith("stuck:")]
    assert line.startswith(f"stuck: order {order.number} (purchase {world.unpaid.number}): unpaid")
    # Within the grace the scheduler still has time: not a difference.
    Purchase.objects.filter(pk=world.unpaid.pk).update(
        reserved_until=timezone.now() - dt.timedelta(minutes=4)
    )
    assert run_reconcile()[0] == 0


def test_a_paid_export_without_customs_and_a_hold_without_reason_are_named(world):
    order = world.cleared.orders.get()
    paid_at = timezone.now() - dt.timedelta(minutes=31)
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.PAID, paid_at=paid_at)
    order.customs_messages.all().delete()
    held = world.shipped.orders.get()
    Order.objects.filter(pk=held.pk).update(status=OrderStatus.HELD, hold_reason=" ")
    assert [d.line() for d in reconcile.stuck_differences()] == [
        f"stuck: order {order.number}: paid {paid_at:%Y-%m-%d %H:%M} UTC, no customs declaration "
        "and no hold after 30 min",
        f"stuck: order {held.number}: held without a reason",
    ]
    assert run_reconcile()[0] == 1


def test_reconcile_passes_on_the_seeded_demo():
    call_command(
        "seed", "--us-sellers", "8", "--cn-sellers", "4", "--products-per-seller", "3",
        "--consumers", "10", "--us-consumers", "3", "--trade-days", "20", stdout=StringIO(),
    )  # fmt: skip
    code, output = run_reconcile("--limit", "20")
    assert code == 0, output
