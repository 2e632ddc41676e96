"""The lifecycle's races with real concurrent transactions on PostgreSQL: one Idempotency-Key
never gives two answers (also for the last unit); an expiry and a late payment never both win; a
block and a payment never leave a paid order on a blocked listing unheld; two refunds of one
order never exceed the payment."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection

from twoway.catalog.models import Product, ProductStatus
from twoway.catalog.services import listings_status_set
from twoway.checkout import services as checkout
from twoway.checkout.channels import EXPORT
from twoway.checkout.models import Order, OrderStatus, Purchase
from twoway.checkout.tests.fixtures import ID_NUMBERS
from twoway.checkout.tests.test_concurrency import run_concurrently
from twoway.payments import services
from twoway.payments.keys import ensure_sandbox_keys
from twoway.payments.models import Payment, PaymentStatus, Refund
from twoway.payments.providers import PaymentRequest
from twoway.payments.providers.sandbox import SandboxWallet

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("keys_and_csl"),
]
CONSIGNEE = checkout.Consignee("张三", "13800138000", "北京市东城区东长安街1号", "110101")


def paid_note(purchase, provider="wechat"):
    wallet = SandboxWallet(provider, ensure_sandbox_keys())
    return wallet.notification(
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


def test_twenty_concurrent_retries_of_one_key_for_the_last_unit_all_get_the_same_purchase(
    make_seller, make_product, make_buyer
):
    assert connection.vendor == "postgresql"
    product = make_product(make_seller(), stock=1, price="10.00")
    buyer, identity = make_buyer()

    def retry(_i: int) -> str:
        purchase = checkout.purchase_place(
            channel=EXPORT,
            buyer=buyer,
            items={product.pk: 1},
            identity=identity,
            consignee=CONSIGNEE,
            idempotency_key="key-last-unit",
        )
        return f"{purchase.number}:{'201' if purchase.created else '200'}"

    outcomes = run_concurrently(20, retry, clients=20)
    numbers = {o.split(":")[0] for o in outcomes}
    assert len(numbers) == 1, outcomes  # never out_of_stock, never a second purchase
    assert Counter(o.split(":")[1] for o in outcomes.elements()) == Counter({"201": 1, "200": 19})
    assert Purchase.objects.count() == 1
    assert Product.objects.get(pk=product.pk).stock_on_hand == 0


@pytest.mark.parametrize("round_", range(3))
def test_expiry_and_a_late_payment_never_both_win(make_seller, make_product, make_buyer, round_):
    product = make_product(make_seller(), stock=3, price="10.00")
    buyer, identity = make_buyer()
    purchase = checkout.purchase_place(
        channel=EXPORT, buyer=buyer, items={product.pk: 1}, identity=identity, consignee=CONSIGNEE
    )
    note = paid_note(purchase)
    later = purchase.reserved_until.replace(year=purchase.reserved_until.year + 1)

    def act(i: int) -> str:
        if i == 0:
            return f"expired:{checkout.reservations_expire(now=later)}"
        services.notification_receive(
            provider_name="wechat", raw_body=note.body, headers=note.headers
        )
        return "notified"

    run_concurrently(2, act, clients=2)
    order = Order.objects.get(purchase=purchase)
    payment = Payment.objects.get(purchase=purchase)
    stock = Product.objects.get(pk=product.pk).stock_on_hand
    if order.status in (OrderStatus.PAID, OrderStatus.DECLARED, OrderStatus.CLEARED):
        # the payment won: stock still reserved (customs may already have cleared it), no refund
        assert (stock, payment.status) == (2, PaymentStatus.PAID)
        assert not Refund.objects.exists()
    else:  # the expiry won: stock back, the money refunded
        assert order.status == OrderStatus.CANCELLED
        assert stock == 3
        assert payment.status in (PaymentStatus.REFUND_DUE, PaymentStatus.REFUNDED)
        assert Refund.objects.filter(payment=payment, amount=payment.amount).count() == 1


def test_a_block_and_a_payment_never_leave_a_paid_order_unheld(
    make_seller, make_product, make_buyer
):
    product = make_product(make_seller(), stock=3, price="10.00")
    buyer, identity = make_buyer()
    purchase = checkout.purchase_place(
        channel=EXPORT, buyer=buyer, items={product.pk: 1}, identity=identity, consignee=CONSIGNEE
    )
    note = paid_note(purchase)

    def act(i: int) -> str:
        if i == 0:
            listings_status_set(
                product_ids=[product.pk], status=ProductStatus.BLOCKED, reason="UFLPA review"
            )
            return "blocked"
        services.notification_receive(
            provider_name="wechat", raw_body=note.body, headers=note.headers
        )
        return "paid"

    run_concurrently(2, act, clients=2)
    order = Order.objects.get(purchase=purchase)
    assert order.status == OrderStatus.HELD
    payment = Payment.objects.get(purchase=purchase)
    # Either paid then held (money kept, awaiting the decision) or held then refunded.
    assert (order.held_from, payment.status) in {
        ("paid", PaymentStatus.PAID),
        ("created", PaymentStatus.REFUND_DUE),
        ("created", PaymentStatus.REFUNDED),
    }


def test_two_concurrent_refunds_of_one_order_never_exceed_the_payment(
    make_seller, make_product, make_buyer
):
    product = make_product(make_seller(), stock=3, price="10.00")
    buyer, identity = make_buyer(ID_NUMBERS[1])
    purchase = checkout.purchase_place(
        channel=EXPORT, buyer=buyer, items={product.pk: 1}, identity=identity, consignee=CONSIGNEE
    )
    note = paid_note(purchase)
    services.notification_receive(provider_name="wechat", raw_body=note.body, headers=note.headers)
    order = Order.objects.get(purchase=purchase)
    payment = Payment.objects.get(purchase=purchase)
    amount = (order.total_payable * Decimal("0.6")).quantize(Decimal("0.01"))

    def refund(_i: int) -> str:
        services.refund_issue(
            payment=payment, order=order, amount=amount, kind="operator", reason="goodwill"
        )
        return "ok"

    outcomes = run_concurrently(2, refund, clients=2)
    assert outcomes == Counter({"ok": 1, "over_refund": 1})
    assert sum(r.amount for r in Refund.objects.all()) <= payment.amount
