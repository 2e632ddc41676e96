"""Real concurrent transactions on PostgreSQL: no oversell, no quota overrun, one purchase per
idempotency key. Skipped on SQLite (which serializes writers anyway)."""

from __future__ import annotations

import threading
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection, connections

from twoway.checkout import services
from twoway.checkout.channels import EXPORT
from twoway.checkout.models import Order, Purchase, QuotaUsage
from twoway.core.errors import DomainError

from .fixtures import ID_NUMBERS

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
CONSIGNEE = services.Consignee("张三", "13800138000", "北京市东城区东长安街1号", "110101")


def run_concurrently(n: int, fn, *, clients: int = 40) -> Counter:
    """Run fn(0..n-1) from ``clients`` threads that start at the same instant, each with its own
    database connection (like an app server's pool; PostgreSQL allows 100 connections here)."""
    clients = min(clients, n)
    barrier = threading.Barrier(clients)
    outcomes: Counter = Counter()
    lock = threading.Lock()

    def one(i: int) -> str:
        try:
            return fn(i)
        except DomainError as exc:
            return exc.problems[0].rule if exc.problems else "error"
        except Exception as exc:  # noqa: BLE001 - record any surprise as an outcome
            return f"unexpected:{type(exc).__name__}:{exc}"

    def worker(k: int) -> None:
        barrier.wait()
        try:
            results = [one(i) for i in range(k, n, clients)]
        finally:
            connections.close_all()
        with lock:
            outcomes.update(results)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_200_buyers_for_50_units_give_exactly_50_orders(make_seller, make_product, make_buyer):
    assert connection.vendor == "postgresql"
    product = make_product(make_seller(), stock=50, price="10.00")
    buyers = [make_buyer(ID_NUMBERS[i % len(ID_NUMBERS)]) for i in range(200)]

    def buy(i: int) -> str:
        user, identity = buyers[i]
        services.purchase_place(
            channel=EXPORT,
            buyer=user,
            items={product.pk: 1},
            identity=identity,
            consignee=CONSIGNEE,
        )
        return "ok"

    outcomes = run_concurrently(200, buy)
    product.refresh_from_db()
    assert outcomes == Counter({"ok": 50, "out_of_stock": 150})
    assert product.stock_on_hand == 0
    assert Order.objects.filter(lines__product=product).count() == 50


def test_multi_line_orders_in_opposite_order_do_not_deadlock(make_seller, make_product, make_buyer):
    seller = make_seller()
    a = make_product(seller, stock=40, price="5.00")
    b = make_product(seller, stock=40, price="5.00")
    buyers = [make_buyer(ID_NUMBERS[i % len(ID_NUMBERS)]) for i in range(40)]

    def buy(i: int) -> str:
        user, identity = buyers[i]
        # Half the clients list the products one way round, half the other.
        items = {a.pk: 1, b.pk: 1} if i % 2 else {b.pk: 1, a.pk: 1}
        services.purchase_place(
            channel=EXPORT, buyer=user, items=items, identity=identity, consignee=CONSIGNEE
        )
        return "ok"

    outcomes = run_concurrently(40, buy)
    assert outcomes == Counter({"ok": 40})
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.stock_on_hand, b.stock_on_hand) == (0, 0)


def test_concurrent_orders_by_one_person_never_exceed_the_annual_quota(
    make_seller, make_product, make_buyer
):
    product = make_product(make_seller(), stock=1000, price="600.00")  # ~¥4,400 dutiable each
    # Ten accounts of the same person (same ID number), each ordering at the same time.
    accounts = [make_buyer(ID_NUMBERS[1]) for _ in range(10)]
    annual = Decimal("26000.00")

    def buy(i: int) -> str:
        user, identity = accounts[i]
        services.purchase_place(
            channel=EXPORT,
            buyer=user,
            items={product.pk: 1},
            identity=identity,
            consignee=CONSIGNEE,
        )
        return "ok"

    outcomes = run_concurrently(10, buy)
    used = QuotaUsage.objects.get(id_number_hash=accounts[0][1].id_number_hash).used_cny
    placed = Order.objects.filter(buyer_id_hash=accounts[0][1].id_number_hash)
    assert used <= annual
    assert used == sum(o.quota_amount for o in placed)
    per_order = placed.first().quota_amount
    assert outcomes["ok"] == int(annual // per_order)
    assert outcomes["over_annual_quota"] == 10 - outcomes["ok"]


def test_same_idempotency_key_in_parallel_gives_one_purchase(make_seller, make_product, make_buyer):
    product = make_product(make_seller(), stock=20)
    user, identity = make_buyer()

    def buy(i: int) -> str:
        purchase = services.purchase_place(
            channel=EXPORT,
            buyer=user,
            items={product.pk: 1},
            identity=identity,
            consignee=CONSIGNEE,
            idempotency_key="retry-me",
        )
        return purchase.number

    outcomes = run_concurrently(8, buy)
    assert len(outcomes) == 1
    assert sum(outcomes.values()) == 8
    assert Purchase.objects.count() == 1
    product.refresh_from_db()
    assert product.stock_on_hand == 19
