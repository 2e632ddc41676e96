"""What happens to an order over time, as the buyer and the seller see it: cancelling a paid
order gets the money, the stock and the quota back; a return within the window gets the returned
goods' money back and shows in the ledger; a block holds open orders and a release returns them;
money arriving for a held or expired purchase is refunded; customs that cannot be declared holds
the order visibly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from twoway.businesses.models import Membership
from twoway.catalog.models import Product, ProductStatus
from twoway.catalog.services import listings_status_set
from twoway.checkout import services as checkout
from twoway.checkout.channels import EXPORT, IMPORT
from twoway.checkout.models import Order, OrderStatus, QuotaUsage, ReturnRequest
from twoway.checkout.tests.import_factories import cn_seller, shirt, us_consumer
from twoway.core.errors import DomainError, PermissionDenied
from twoway.identity.models import User
from twoway.ledger.models import TradeFlowEntry
from twoway.operations.reconcile import ledger_check
from twoway.payments import services
from twoway.payments.keys import ensure_sandbox_keys
from twoway.payments.models import (
    NotificationOutcome,
    Payment,
    PaymentNotification,
    PaymentStatus,
    Refund,
    RefundStatus,
)
from twoway.payments.providers import get_provider
from twoway.payments.providers.card import CardPaymentRequest, SandboxCardProcessor, card_secret
from twoway.payments.providers.sandbox import SandboxWallet

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("keys_and_csl")]
CONSIGNEE = checkout.Consignee("张三", "13800138000", "北京市东城区东长安街1号", "110101")
US_CONSIGNEE = checkout.Consignee("Ada Lovelace", "608-555-0100", "1 State St, Madison 53703")


@pytest.fixture
def shop(make_seller, make_product, make_buyer):
    seller = make_seller()
    product = make_product(seller, stock=5, price="25.00")
    buyer, identity = make_buyer()
    staff = User.objects.create(username="packer", role="seller_staff")
    Membership.objects.create(user=staff, business=seller)
    return product, buyer, identity, staff


def place(product, buyer, identity, qty=2, **kw):
    return checkout.purchase_place(
        channel=EXPORT,
        buyer=buyer,
        items={product.pk: qty},
        identity=identity,
        consignee=CONSIGNEE,
        **kw,
    )


def pay(purchase, provider="wechat"):
    """The buyer pays at the sandbox wallet; its signed notification reaches our handler."""
    redirect = services.payment_start(
        purchase=purchase, buyer=purchase.buyer, provider_name=provider
    )
    wallet = SandboxWallet(provider, ensure_sandbox_keys())
    note = wallet.notification(wallet.accept_payment(redirect), "paid")
    ack = services.notification_receive(
        provider_name=provider, raw_body=note.body, headers=note.headers
    )
    assert ack.status_code == 200
    return note


def quota_used(identity) -> Decimal:
    row = QuotaUsage.objects.filter(id_number_hash=identity.id_number_hash).first()
    return row.used_cny if row else Decimal("0.00")


def money(order) -> tuple[Decimal, Decimal, Decimal]:
    from twoway.payments.selectors import order_money

    view = order_money(order)
    return view.paid, view.refunded, view.refund_pending


# --- cancel a paid order --------------------------------------------------------------------


@pytest.mark.parametrize("provider", ["wechat", "alipay"])
def test_buyer_cancels_a_paid_order_and_gets_money_stock_and_quota_back(
    shop, provider, django_capture_on_commit_callbacks
):
    product, buyer, identity, _ = shop
    purchase = place(product, buyer, identity)
    with django_capture_on_commit_callbacks(execute=False):  # customs has not declared it yet
        pay(purchase, provider)
    order = purchase.orders.get()
    assert order.status == OrderStatus.PAID
    assert Product.objects.get(pk=product.pk).stock_on_hand == 3
    assert quota_used(identity) == order.quota_amount > 0

    with django_capture_on_commit_callbacks(execute=True):
        services.order_cancel(order=order, by=buyer, reason="changed my mind")

    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    assert Product.objects.get(pk=product.pk).stock_on_hand == 5
    assert quota_used(identity) == Decimal("0.00")
    refund = Refund.objects.get()
    assert (refund.amount, refund.currency, refund.status) == (
        order.total_payable,
        "CNY",
        RefundStatus.SUCCEEDED,
    )  # tax included: it is reversed too
    assert money(order) == (order.total_payable, order.total_payable, Decimal("0.00"))
    assert Payment.objects.get().status == PaymentStatus.REFUNDED
    # The wallet's signed refund confirmation was verified and recorded once (Alipay's refund
    # API already answered "refunded", so its later notice is a duplicate).
    outcomes = list(PaymentNotification.objects.order_by("pk").values_list("outcome", flat=True))
    expected = "processed" if provider == "wechat" else "duplicate"
    assert outcomes == [NotificationOutcome.PROCESSED, expected]
    reasons = list(order.events.values_list("reason", flat=True))
    assert any("requested" in r for r in reasons)
    assert any("completed" in r for r in reasons)


def test_wechat_refund_success_replayed_is_recorded_once(shop, django_capture_on_commit_callbacks):
    product, buyer, identity, _ = shop
    purchase = place(product, buyer, identity)
    with django_capture_on_commit_callbacks(execute=False):
        note = pay(purchase, "wechat")
    order = purchase.orders.get()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.order_cancel(order=order, by=buyer)
    # Send the refund ourselves, then replay the wallet's REFUND.SUCCESS twice.
    refund = Refund.objects.get()
    with django_capture_on_commit_callbacks(execute=False):
        services.refund_submit(refund_id=refund.pk)
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUBMITTED
    wallet = SandboxWallet("wechat", ensure_sandbox_keys())
    from twoway.payments.providers import PaymentRequest

    request = PaymentRequest(
        out_trade_no=purchase.number,
        amount=purchase.total_payable,
        currency="CNY",
        subject="x",
        buyer_name="",
        buyer_id_number_masked_or_token="",
        notify_url="/",
        return_url="/",
    )
    signed = wallet.notification(
        request,
        "refunded",
        provider_txn_id=note.provider_txn_id,
        refund_amount=refund.amount,
        out_refund_no=refund.number,
    )
    for _ in range(2):
        ack = services.notification_receive(
            provider_name="wechat", raw_body=signed.body, headers=wallet.resigned(signed).headers
        )
        assert ack.status_code == 200
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED
    outcomes = list(
        PaymentNotification.objects.filter(event_id=signed.event_id).values_list(
            "outcome", flat=True
        )
    )
    assert sorted(outcomes) == [NotificationOutcome.DUPLICATE, NotificationOutcome.PROCESSED]
    assert len(callbacks) >= 1

    # A forged amount for a refund is refused and changes nothing.
    forged = wallet.notification(
        request,
        "refunded",
        provider_txn_id=note.provider_txn_id,
        refund_amount=Decimal("1.00"),
        out_refund_no=refund.number,
    )
    ack = services.notification_receive(
        provider_name="wechat", raw_body=forged.body, headers=forged.headers
    )
    assert ack.status_code == 400


def test_a_declared_order_cannot_be_cancelled_by_the_buyer(
    shop, django_capture_on_commit_callbacks
):
    product, buyer, identity, _ = shop
    purchase = place(product, buyer, identity)
    with django_capture_on_commit_callbacks(execute=True):
        pay(purchase)
    order = purchase.orders.get()
    assert order.status == OrderStatus.CLEARED
    with pytest.raises(DomainError) as exc:
        services.order_cancel(order=order, by=buyer)
    assert exc.value.problems[0].rule == "not_cancellable"


# --- returns ----------------------------------------------------------------------------------


def _delivered(shop, capture, qty=2):
    product, buyer, identity, staff = shop
    purchase = place(product, buyer, identity, qty=qty)
    with capture(execute=True):
        pay(purchase)
    order = purchase.orders.get()
    checkout.order_ship(order=order, by=staff, tracking_number="SF1234567890")
    checkout.order_receipt_confirm(order=order, by=buyer)
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    return order


def test_partial_then_full_return_refunds_each_part_and_keeps_ledger_and_quota_exact(
    shop, django_capture_on_commit_callbacks
):
    product, buyer, identity, staff = shop
    order = _delivered(shop, django_capture_on_commit_callbacks)
    line = order.lines.get()
    quota_before = quota_used(identity)
    assert quota_before == order.quota_amount

    first = checkout.return_request_create(
        order=order, by=buyer, reason="one jar broke", lines={line.pk: 1}
    )
    assert first.lines.get().refund_amount == (line.goods_value + line.tax_total) / 2
    checkout.return_decide(return_request=first, by=staff, approve=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.return_receive_and_refund(return_request=first, by=staff)

    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED  # one jar is still with the buyer
    assert Product.objects.get(pk=product.pk).stock_on_hand == 4
    paid, refunded, pending = money(order)
    assert (paid, refunded, pending) == (order.total_payable, first.lines.get().refund_amount, 0)
    assert quota_used(identity) < quota_before
    assert TradeFlowEntry.objects.filter(order_id=order.pk, kind="reversal").get().quantity == -1
    assert ledger_check() == []

    second = checkout.return_request_create(order=order, by=buyer, reason="the other too")
    checkout.return_decide(return_request=second, by=staff, approve=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.return_receive_and_refund(return_request=second, by=staff)
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    assert Product.objects.get(pk=product.pk).stock_on_hand == 5
    assert quota_used(identity) == Decimal("0.00")  # no fen left behind by rounding
    paid, refunded, pending = money(order)
    assert refunded == line.goods_value + line.tax_total  # freight is not refunded on a return
    assert pending == 0
    assert (
        sum(TradeFlowEntry.objects.filter(order_id=order.pk).values_list("quantity", flat=True))
        == 0
    )
    assert ledger_check() == []


def test_return_window_closes_thirty_days_after_customs_release(
    shop, django_capture_on_commit_callbacks
):
    product, buyer, identity, staff = shop
    order = _delivered(shop, django_capture_on_commit_callbacks)
    with time_machine.travel(order.cleared_at + dt.timedelta(days=31), tick=False):
        with pytest.raises(DomainError) as exc:
            checkout.return_request_create(order=order, by=buyer, reason="too late")
    assert exc.value.problems[0].rule == "return_window_closed"
    with time_machine.travel(order.cleared_at + dt.timedelta(days=29), tick=False):
        assert checkout.return_request_create(order=order, by=buyer, reason="in time")


def test_only_the_seller_or_an_operator_decides_a_return(shop, django_capture_on_commit_callbacks):
    product, buyer, identity, staff = shop
    order = _delivered(shop, django_capture_on_commit_callbacks)
    request = checkout.return_request_create(order=order, by=buyer, reason="wrong size")
    stranger = User.objects.create(username="other-seller", role="seller_staff")
    with pytest.raises(PermissionDenied, match="seller"):
        checkout.return_decide(return_request=request, by=stranger, approve=True)
    with pytest.raises(DomainError):
        checkout.return_decide(return_request=request, by=staff, approve=False)  # no reason
    rejected = checkout.return_decide(
        return_request=request, by=staff, approve=False, note="Opened food cannot be returned."
    )
    assert rejected.status == "rejected"
    with pytest.raises(DomainError):
        services.return_receive_and_refund(return_request=rejected, by=staff)


def test_us_buyer_returns_an_import_and_the_card_refund_and_ledger_follow(
    reference_data, django_capture_on_commit_callbacks
):
    seller = cn_seller()
    product = shirt(seller, stock=10)
    staff = User.objects.create(username="cn-staff", role="seller_staff")
    Membership.objects.create(user=staff, business=seller)
    buyer = us_consumer()
    purchase = checkout.purchase_place(
        channel=IMPORT,
        buyer=buyer,
        items={product.pk: 2},
        consignee_state="WI",
        consignee=US_CONSIGNEE,
    )
    processor = SandboxCardProcessor(app_id=get_provider("card").app_id, secret=card_secret())
    body, headers = processor.notification(
        CardPaymentRequest(
            out_trade_no=purchase.number,
            amount=purchase.total_payable,
            currency="USD",
            subject="Twoway",
            notify_url="/",
            return_url="/",
        )
    )
    assert (
        services.notification_receive(
            provider_name="card", raw_body=body, headers=headers
        ).status_code
        == 200
    )
    order = purchase.orders.get()
    checkout.order_ship(order=order, by=staff, tracking_number="1Z999AA10123456784")
    checkout.order_receipt_confirm(order=order, by=buyer)
    imports_before = TradeFlowEntry.objects.filter(direction="us_import").count()
    assert imports_before == 1

    request = checkout.return_request_create(order=order, by=buyer, reason="does not fit")
    checkout.return_decide(return_request=request, by=staff, approve=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.return_receive_and_refund(return_request=request, by=staff)
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    refund = Refund.objects.get()
    assert (refund.provider, refund.currency, refund.status) == ("card", "USD", "succeeded")
    line = order.lines.get()
    assert refund.amount == line.goods_value + line.tax_total
    assert TradeFlowEntry.objects.filter(direction="us_import", kind="reversal").count() == 1
    assert ledger_check() == []
    assert ReturnRequest.objects.get().status == "received"


# --- a block holds --------------------------------------------------------------------------


def test_a_block_holds_open_orders_refuses_payment_and_a_release_returns_them(
    shop, make_buyer, django_capture_on_commit_callbacks
):
    from twoway.checkout.tests.fixtures import ID_NUMBERS

    product, buyer, identity, staff = shop
    paid_purchase = place(product, buyer, identity, qty=1)
    with django_capture_on_commit_callbacks(execute=False):
        pay(paid_purchase)
    other, other_identity = make_buyer(ID_NUMBERS[1], name="李四")
    unpaid = place(product, other, other_identity, qty=1)

    listings_status_set(
        product_ids=[product.pk], status=ProductStatus.BLOCKED, reason="UFLPA review opened"
    )
    held = {o.purchase_id: o for o in Order.objects.filter(status=OrderStatus.HELD)}
    assert set(held) == {paid_purchase.pk, unpaid.pk}
    assert all(o.hold_reason == "UFLPA review opened" for o in held.values())

    # Paying the held purchase is refused before any provider is asked.
    with pytest.raises(DomainError) as exc:
        services.payment_start(purchase=unpaid, buyer=other, provider_name="alipay")
    assert exc.value.problems[0].rule == "held"
    # Money that still arrives for it is recorded as refund due and refunded at once.
    wallet = SandboxWallet("alipay", ensure_sandbox_keys())
    from twoway.payments.providers import PaymentRequest

    late = wallet.notification(
        PaymentRequest(
            out_trade_no=unpaid.number,
            amount=unpaid.total_payable,
            currency="CNY",
            subject="x",
            buyer_name="",
            buyer_id_number_masked_or_token="",
            notify_url="/",
            return_url="/",
        ),
        "paid",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.notification_receive(
            provider_name="alipay", raw_body=late.body, headers=late.headers
        )
    late_payment = Payment.objects.get(purchase=unpaid)
    assert late_payment.status == PaymentStatus.REFUNDED
    assert Refund.objects.get(payment=late_payment).status == RefundStatus.SUCCEEDED
    assert unpaid.orders.get().status == OrderStatus.HELD  # never paid

    # Shipping re-checks the listing.
    with pytest.raises(DomainError):
        checkout.order_transition(order=held[paid_purchase.pk], to=OrderStatus.SHIPPED)

    listings_status_set(
        product_ids=[product.pk], status=ProductStatus.ACTIVE, reason="Regulator approved"
    )
    assert paid_purchase.orders.get().status == OrderStatus.PAID
    assert unpaid.orders.get().status == OrderStatus.CREATED


def test_a_final_block_refunds_paid_orders_and_cancels_unpaid_ones(
    shop, make_buyer, django_capture_on_commit_callbacks
):
    from twoway.checkout.tests.fixtures import ID_NUMBERS

    product, buyer, identity, _ = shop
    paid_purchase = place(product, buyer, identity, qty=1)
    with django_capture_on_commit_callbacks(execute=False):
        pay(paid_purchase)
    other, other_identity = make_buyer(ID_NUMBERS[1], name="李四")
    unpaid = place(product, other, other_identity, qty=1)
    listings_status_set(product_ids=[product.pk], status=ProductStatus.BLOCKED, reason="review")
    with django_capture_on_commit_callbacks(execute=True):
        listings_status_set(
            product_ids=[product.pk],
            status=ProductStatus.BLOCKED,
            reason="A regulator blocked the listing: forced labor",
            final=True,
        )
    assert paid_purchase.orders.get().status == OrderStatus.REFUNDED
    assert unpaid.orders.get().status == OrderStatus.CANCELLED
    assert Refund.objects.get().status == RefundStatus.SUCCEEDED
    assert Product.objects.get(pk=product.pk).stock_on_hand == 5
    assert quota_used(identity) == 0
    assert quota_used(other_identity) == 0


def test_a_new_import_listing_that_the_assessment_blocks_is_never_on_sale(reference_data):
    from twoway.catalog.services import product_create
    from twoway.compliance.models import LaborRiskAssessment

    seller = cn_seller(province="65")  # Xinjiang: rebuttable presumption
    owner = User.objects.create(username="xj-owner", role="seller_staff")
    Membership.objects.create(user=owner, business=seller, role="owner")
    seen_statuses = []

    def spy(product):
        seen_statuses.append(Product.objects.get(pk=product.pk).status)

    from twoway.catalog import services as catalog_services

    catalog_services.PRODUCT_SAVED_HOOKS.append(spy)
    try:
        product = product_create(
            business=seller,
            by=owner,
            sku="XJ-1",
            title_en="Cotton T-shirt",
            title_zh="棉T恤",
            hs_code="610910",
            us_hts_line="6109100012",
            origin_country="CN",
            origin_cn_province="65",
            unit_price=Decimal("9.00"),
            currency="USD",
            weight_kg=Decimal("0.2"),
            stock_on_hand=100,
            market_us_import=True,
            status="active",
        )
    finally:
        catalog_services.PRODUCT_SAVED_HOOKS.remove(spy)
    # Assessed inside the create's transaction: blocked before anyone else could see it.
    assert LaborRiskAssessment.objects.get(product=product).level == "blocked"
    assert product.status == ProductStatus.BLOCKED
    assert seen_statuses == [ProductStatus.BLOCKED]


# --- customs --------------------------------------------------------------------------------


def test_a_declaration_that_cannot_be_built_holds_the_order_with_the_reason(
    shop, django_capture_on_commit_callbacks
):
    from twoway.identity.models import RealNameIdentity

    product, buyer, identity, _ = shop
    purchase = place(product, buyer, identity, qty=1)
    Order.objects.filter(purchase=purchase).update(buyer_name="张\x07三")
    RealNameIdentity.objects.filter(pk=identity.pk).update(full_name="张\x07三")
    with django_capture_on_commit_callbacks(execute=True):
        pay(purchase)
    order = purchase.orders.get()
    assert order.status == OrderStatus.HELD
    assert order.hold_code == "customs"
    assert "could not be built" in order.hold_reason
    assert identity.id_number_masked not in order.hold_reason or "*" in order.hold_reason


def test_the_sweep_declares_paid_orders_whose_task_was_lost(
    shop, django_capture_on_commit_callbacks
):
    from twoway.customs.declaration import declarations_sweep

    product, buyer, identity, _ = shop
    purchase = place(product, buyer, identity, qty=1)
    with django_capture_on_commit_callbacks(execute=False):  # the customs task is lost
        pay(purchase)
    order = purchase.orders.get()
    assert order.status == OrderStatus.PAID
    assert declarations_sweep() == 0  # within the grace period
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2), tick=False):
        assert declarations_sweep() == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.CLEARED


# --- expiry ----------------------------------------------------------------------------------


def test_an_expired_reservation_gives_stock_and_quota_back_and_late_money_is_refunded(
    shop, django_capture_on_commit_callbacks, settings
):
    product, buyer, identity, _ = shop
    purchase = place(product, buyer, identity, qty=2)
    redirect = services.payment_start(purchase=purchase, buyer=buyer, provider_name="wechat")
    later = purchase.reserved_until + dt.timedelta(minutes=1)
    assert checkout.reservations_expire(now=later) == 1
    order = purchase.orders.get()
    assert order.status == OrderStatus.CANCELLED
    assert "reservation expired" in order.events.last().reason
    assert Product.objects.get(pk=product.pk).stock_on_hand == 5
    assert quota_used(identity) == 0
    wallet = SandboxWallet("wechat", ensure_sandbox_keys())
    note = wallet.notification(wallet.accept_payment(redirect), "paid")
    with django_capture_on_commit_callbacks(execute=True):
        services.notification_receive(
            provider_name="wechat", raw_body=note.body, headers=note.headers
        )
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.REFUNDED
    assert Refund.objects.get().kind == "late_payment"
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED  # never revived


def test_two_refunds_of_one_order_never_exceed_the_payment(
    shop, django_capture_on_commit_callbacks
):
    product, buyer, identity, _ = shop
    purchase = place(product, buyer, identity, qty=1)
    with django_capture_on_commit_callbacks(execute=False):
        pay(purchase)
    order = purchase.orders.get()
    payment = Payment.objects.get()
    with django_capture_on_commit_callbacks(execute=False):
        services.refund_issue(
            payment=payment,
            order=order,
            amount=order.total_payable,
            kind="operator",
            reason="goodwill",
        )
        with pytest.raises(DomainError) as exc:
            services.refund_issue(
                payment=payment,
                order=order,
                amount=Decimal("0.01"),
                kind="operator",
                reason="again",
            )
    assert exc.value.problems[0].rule == "over_refund"
