"""Placing a purchase: prices, stock, quota, idempotency, refusals that write nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from twoway.checkout import services
from twoway.checkout.channels import EXPORT
from twoway.checkout.models import Order, OrderEvent, OrderLine, Purchase, QuotaUsage
from twoway.core.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


CONSIGNEE = services.Consignee("张三", "13800138000", "北京市东城区东长安街1号", "110101")


def counts():
    return (
        Purchase.objects.count(),
        Order.objects.count(),
        OrderLine.objects.count(),
        OrderEvent.objects.count(),
    )


def test_quote_prices_in_cny_with_freight_and_cbec_tax(make_seller, make_product, make_buyer):
    product = make_product(make_seller(), price="20.00", weight="0.500")
    _, identity = make_buyer()
    quote = services.cart_quote(channel=EXPORT, items={product.pk: 2}, identity=identity)
    rate = quote.rate
    goods = (Decimal("20.00") * rate).quantize(Decimal("0.01")) * 2
    freight = ((Decimal("12.00") + Decimal("4.50") * Decimal("1.000")) * rate).quantize(
        Decimal("0.01")
    )
    seller = quote.sellers[0]
    assert seller.goods_value == goods
    assert seller.freight == freight
    assert seller.channel == "within_limits"
    # The tax base includes freight; the line's category rate applies at 70%.
    line = seller.lines[0]
    assert line.freight_share == freight
    assert seller.total_payable == goods + freight + seller.tax_total
    assert quote.quota_remaining_after == quote.limits.annual - seller.dutiable_value


def test_place_splits_per_seller_and_reserves_stock_and_quota(
    make_seller, make_product, make_buyer
):
    a = make_product(make_seller("Badger Honey LLC"), stock=5)
    b = make_product(make_seller("Great Lakes Cherry Co", "MI"), stock=3)
    buyer, identity = make_buyer()
    purchase = services.purchase_place(
        channel=EXPORT,
        buyer=buyer,
        items={a.pk: 2, b.pk: 1},
        identity=identity,
        consignee=CONSIGNEE,
    )
    orders = list(purchase.orders.order_by("business_id"))
    assert len(orders) == 2
    assert {o.business_id for o in orders} == {a.business_id, b.business_id}
    assert sum(o.total_payable for o in orders) == purchase.total_payable
    assert all(o.exchange_rate is not None and o.status == "created" for o in orders)
    assert all(o.buyer_id_masked == "1101**********002X" for o in orders)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.stock_on_hand, b.stock_on_hand) == (3, 2)
    used = QuotaUsage.objects.get(id_number_hash=identity.id_number_hash).used_cny
    assert used == sum(o.quota_amount for o in orders)
    assert OrderEvent.objects.filter(order__purchase=purchase, to_status="created").count() == 2


def test_idempotency_key_returns_the_same_purchase(make_seller, make_product, make_buyer):
    product = make_product(make_seller(), stock=5)
    buyer, identity = make_buyer()
    first = services.purchase_place(
        channel=EXPORT,
        buyer=buyer,
        items={product.pk: 1},
        identity=identity,
        consignee=CONSIGNEE,
        idempotency_key="abc",
    )
    again = services.purchase_place(
        channel=EXPORT,
        buyer=buyer,
        items={product.pk: 1},
        identity=identity,
        consignee=CONSIGNEE,
        idempotency_key="abc",
    )
    assert again.pk == first.pk
    assert Purchase.objects.count() == 1
    product.refresh_from_db()
    assert product.stock_on_hand == 4
    with pytest.raises(DomainError) as exc:
        services.purchase_place(
            channel=EXPORT,
            buyer=buyer,
            items={product.pk: 2},
            identity=identity,
            consignee=CONSIGNEE,
            idempotency_key="abc",
        )
    assert exc.value.problems[0].rule == "idempotency_key_reused"


def test_out_of_stock_lists_every_short_line_and_writes_nothing(
    make_seller, make_product, make_buyer
):
    seller = make_seller()
    a = make_product(seller, stock=1)
    b = make_product(seller, stock=0)
    buyer, identity = make_buyer()
    before = counts()
    with pytest.raises(DomainError) as exc:
        services.purchase_place(
            channel=EXPORT,
            buyer=buyer,
            items={a.pk: 2, b.pk: 1},
            identity=identity,
            consignee=CONSIGNEE,
        )
    assert sorted(p.field for p in exc.value.problems) == [f"items.{a.pk}", f"items.{b.pk}"]
    assert {p.rule for p in exc.value.problems} == {"out_of_stock"}
    assert counts() == before
    assert not QuotaUsage.objects.filter(used_fen__gt=0).exists()


def test_multi_item_order_over_the_transaction_limit_is_refused(
    make_seller, make_product, make_buyer
):
    product = make_product(make_seller(), price="400.00", stock=10)
    buyer, identity = make_buyer()
    with pytest.raises(DomainError) as exc:
        services.purchase_place(
            channel=EXPORT,
            buyer=buyer,
            items={product.pk: 2},
            identity=identity,
            consignee=CONSIGNEE,
        )
    assert exc.value.problems[0].rule == "over_transaction_limit"
    assert "single item" in exc.value.problems[0].message
    assert Purchase.objects.count() == 0


def test_single_indivisible_item_over_the_limit_pays_full_tax(
    make_seller, make_product, make_buyer
):
    product = make_product(make_seller(), price="800.00", stock=2)
    buyer, identity = make_buyer()
    purchase = services.purchase_place(
        channel=EXPORT, buyer=buyer, items={product.pk: 1}, identity=identity, consignee=CONSIGNEE
    )
    order = purchase.orders.get()
    assert order.tax_channel == "cbec_full_tax_single_item"
    line = order.lines.get()
    # Full tax: no 70% reduction, so tax is at least the statutory VAT on the dutiable value.
    assert line.vat >= (
        (line.goods_value + line.freight_share + line.tariff) * Decimal("0.09")
    ).quantize(Decimal("0.01"))


def test_annual_quota_counts_per_person_across_accounts(make_seller, make_product, make_buyer):
    product = make_product(make_seller(), price="600.00", stock=100)
    first_account, identity1 = make_buyer()
    second_account, identity2 = make_buyer()  # same ID number, another account
    assert identity1.id_number_hash == identity2.id_number_hash
    QuotaUsage.objects.create(
        id_number_hash=identity1.id_number_hash,
        year=timezone.now().year,
        used_cny=Decimal("25000.00"),
    )
    with pytest.raises(DomainError) as exc:
        services.purchase_place(
            channel=EXPORT,
            buyer=second_account,
            items={product.pk: 1},
            identity=identity2,
            consignee=CONSIGNEE,
        )
    problem = exc.value.problems[0]
    assert problem.rule == "over_annual_quota"
    assert "1,000.00" in problem.message  # what is left is named
    assert Purchase.objects.count() == 0


def test_reservation_expiry_gives_stock_and_quota_back(make_seller, make_product, make_buyer):
    product = make_product(make_seller(), stock=4)
    buyer, identity = make_buyer()
    placed_at = timezone.now() - dt.timedelta(minutes=31)
    purchase = services.purchase_place(
        channel=EXPORT,
        buyer=buyer,
        items={product.pk: 3},
        identity=identity,
        consignee=CONSIGNEE,
        now=placed_at,
    )
    assert services.reservations_expire(now=placed_at + dt.timedelta(minutes=29)) == 0
    assert services.reservations_expire() == 1
    order = purchase.orders.get()
    assert order.status == "cancelled"
    product.refresh_from_db()
    assert product.stock_on_hand == 4
    assert QuotaUsage.objects.get(id_number_hash=identity.id_number_hash).used_cny == Decimal(
        "0.00"
    )
    assert list(order.events.values_list("to_status", flat=True)) == ["created", "cancelled"]


def test_illegal_transition_is_refused_and_writes_no_event(make_seller, make_product, make_buyer):
    product = make_product(make_seller(), stock=4)
    buyer, identity = make_buyer()
    purchase = services.purchase_place(
        channel=EXPORT, buyer=buyer, items={product.pk: 1}, identity=identity, consignee=CONSIGNEE
    )
    order = purchase.orders.get()
    with pytest.raises(DomainError) as exc:
        services.order_transition(order=order, to="shipped")
    assert exc.value.problems[0].rule == "illegal_transition"
    assert order.events.count() == 1


@pytest.mark.usefixtures("english")
def test_product_not_on_positive_list_cannot_be_bought(make_seller, make_product, make_buyer):
    ginseng = make_product(make_seller(), line="12112011", title_en="Wisconsin American ginseng")
    buyer, identity = make_buyer()
    with pytest.raises(DomainError) as exc:
        services.purchase_place(
            channel=EXPORT,
            buyer=buyer,
            items={ginseng.pk: 1},
            identity=identity,
            consignee=CONSIGNEE,
        )
    problem = exc.value.problems[0]
    assert problem.rule == "not_on_positive_list"
    assert "12112011" in problem.message
    assert "general trade" in problem.message
