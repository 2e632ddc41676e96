"""The placement's database round trips: a budget, not a timing (issue 11: at most 8 for a two-line
export order split over two sellers).

PostgreSQL (the production database, and the one the bench measures): product read, BEGIN,
purchase (claims the Idempotency-Key), stock of every line, quota upsert, orders + lines + events
in one statement with data-modifying CTEs, COMMIT = 7. SQLite has no data-modifying CTEs, so
orders, lines and events are three bulk INSERTs there = 9."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from twoway.catalog.models import Product
from twoway.checkout import services
from twoway.checkout.channels import EXPORT
from twoway.checkout.models import Order, OrderEvent, OrderLine, QuotaUsage

pytestmark = pytest.mark.django_db

CONSIGNEE = services.Consignee("张三", "13800138000", "北京市东城区东长安街1号", "110101")
BUDGET = {"postgresql": 8, "sqlite": 9}


def test_two_line_export_order_within_the_query_budget(make_seller, make_product, make_buyer):
    a = make_product(make_seller("Badger Honey LLC"), stock=5)
    b = make_product(make_seller("Great Lakes Cherry Co", "MI"), stock=3)
    buyer, identity = make_buyer()
    # Warm the per-day reference caches as any earlier order of the day does.
    services.cart_quote(channel=EXPORT, items={a.pk: 1, b.pk: 1}, identity=None)
    with CaptureQueriesContext(connection) as ctx:
        purchase = services.purchase_place(
            channel=EXPORT,
            buyer=buyer,
            items={a.pk: 2, b.pk: 1},
            identity=identity,
            consignee=CONSIGNEE,
            idempotency_key="budget-1",
        )
    sql = "\n".join(q["sql"][:160] for q in ctx.captured_queries)
    assert len(ctx.captured_queries) <= BUDGET[connection.vendor], sql
    # ...and everything was written.
    orders = list(purchase.orders.all())
    assert len(orders) == 2
    assert OrderLine.objects.filter(order__purchase=purchase).count() == 2
    assert OrderEvent.objects.filter(order__purchase=purchase, to_status="created").count() == 2
    assert dict(Product.objects.filter(pk__in=[a.pk, b.pk]).values_list("pk", "stock_on_hand")) == {
        a.pk: 3,
        b.pk: 2,
    }
    assert QuotaUsage.objects.get(id_number_hash=identity.id_number_hash).used_cny == sum(
        o.quota_amount for o in Order.objects.filter(purchase=purchase)
    )


def test_short_lines_are_all_named_and_nothing_is_taken(make_seller, make_product):
    from django.db import transaction

    from twoway.core.errors import DomainError

    seller = make_seller()
    a, b, c = (make_product(seller, stock=s) for s in (1, 5, 0))
    with pytest.raises(DomainError) as caught, transaction.atomic():  # as the placement does
        services._stock_take({a.pk: 2, b.pk: 1, c.pk: 1})
    assert [(p.field, p.rule) for p in caught.value.problems] == [
        (f"items.{a.pk}", "out_of_stock"),
        (f"items.{c.pk}", "out_of_stock"),
    ]
    stock = dict(Product.objects.values_list("pk", "stock_on_hand"))
    assert (stock[a.pk], stock[b.pk], stock[c.pk]) == (1, 5, 0)  # b's decrement rolled back too
