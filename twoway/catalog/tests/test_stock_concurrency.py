"""No oversell with real concurrent transactions (PostgreSQL only)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from twoway.businesses.models import Membership
from twoway.catalog import services
from twoway.catalog.models import Product, StockAdjustment
from twoway.catalog.tests.factories import UsExportProductFactory
from twoway.core.errors import DomainError
from twoway.identity.tests.factories import SellerFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_removals_never_go_below_zero():
    product = UsExportProductFactory(stock_on_hand=10)
    seller = SellerFactory()
    Membership.objects.create(user=seller, business=product.business, role="catalogue")
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def remove():
        try:
            barrier.wait()
            services.stock_adjust(
                product=Product.objects.get(pk=product.pk), delta=-3, reason="sold", by=seller
            )
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(exc.problems[0].rule)
        finally:
            connection.close()

    threads = [threading.Thread(target=remove) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(outcomes) == ["ok", "ok", "ok", "stock_not_negative"]
    assert Product.objects.get(pk=product.pk).stock_on_hand == 1
    assert StockAdjustment.objects.filter(product_id=product.pk, delta=-3).count() == 3
