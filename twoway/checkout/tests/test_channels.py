"""The channel policies: one placement path, the policy deciding what differs; the export quote's
totals come from the tested rule ``export_landed_price``."""

from __future__ import annotations

import pytest

from twoway.checkout import services
from twoway.checkout.channels import EXPORT, IMPORT, channel_for
from twoway.checkout.models import Direction, OrderEvent
from twoway.core.errors import DomainError

from .test_place import CONSIGNEE

pytestmark = pytest.mark.django_db


def test_each_channel_is_found_by_url_prefix_and_by_direction():
    assert channel_for("cn") is EXPORT is channel_for(Direction.US_EXPORT)
    assert channel_for("us") is IMPORT is channel_for(Direction.US_IMPORT)
    assert (EXPORT.currency, IMPORT.currency) == ("CNY", "USD")


def test_the_export_quote_charges_what_the_landed_price_rule_says(
    make_seller, make_product, make_buyer
):
    a, b = make_product(make_seller(), price="20.00"), make_product(make_seller(), price="7.35")
    _, identity = make_buyer()

    quote = services.cart_quote(channel=EXPORT, items={a.pk: 2, b.pk: 3}, identity=identity)

    assert len(quote.sellers) == 2
    for seller in quote.sellers:
        landed = seller.landed
        assert seller.total_payable == landed.total_payable
        assert sum(charge.amount for charge in landed.charges) == seller.total_payable
        assert (landed.goods_value, landed.freight, landed.tax_total) == (
            seller.goods_value,
            seller.freight,
            seller.tax_total,
        )
        assert [line.name for line in landed.lines] == [q.title for q in seller.lines]


def test_one_placement_service_writes_each_channels_orders(make_seller, make_product, make_buyer):
    product = make_product(make_seller(), price="20.00")
    buyer, identity = make_buyer()

    purchase = services.purchase_place(
        channel=EXPORT, buyer=buyer, items={product.pk: 1}, identity=identity, consignee=CONSIGNEE
    )

    (order,) = purchase.orders.all()
    assert (purchase.direction, purchase.currency) == (Direction.US_EXPORT, "CNY")
    assert order.quota_amount > 0
    assert order.buyer_id_masked == identity.id_number_masked
    event = OrderEvent.objects.get(order=order)
    assert event.reason.startswith("placed; stock and quota reserved until ")


def test_the_export_channel_refuses_a_placement_without_a_real_name(
    make_seller, make_product, make_buyer
):
    product = make_product(make_seller())
    buyer, _identity = make_buyer()

    with pytest.raises(DomainError) as refused:
        services.purchase_place(
            channel=EXPORT, buyer=buyer, items={product.pk: 1}, consignee=CONSIGNEE
        )

    assert refused.value.problems[0].field == "identity"
    assert not buyer.purchases.exists()
