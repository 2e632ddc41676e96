"""Import purchases: placed in USD with duties and no quota, paid once by the sandbox card
(notification replayed), blocked listings refused, shipping posts a US-import ledger entry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from twoway.checkout import services
from twoway.checkout.channels import IMPORT
from twoway.checkout.models import Order, OrderEvent, Purchase, QuotaUsage, TaxChannel
from twoway.core.errors import DomainError
from twoway.ledger.models import TradeFlowEntry
from twoway.payments.models import NotificationOutcome, Payment, PaymentNotification
from twoway.payments.providers import get_provider
from twoway.payments.providers.card import CardPaymentRequest, SandboxCardProcessor, card_secret
from twoway.payments.services import notification_receive, payment_start

from .import_factories import cn_seller, shirt, staff_of, us_consumer

pytestmark = pytest.mark.django_db

JUNE_2025 = dt.datetime(2025, 6, 1, 15, 0, tzinfo=dt.UTC)
CONSIGNEE = services.Consignee(
    name="Ada Lovelace", phone="608-555-0100", address="1 State St, Madison 53703"
)


def _place(buyer, items, **kw):
    return services.purchase_place(
        channel=IMPORT,
        buyer=buyer,
        items=items,
        consignee_state="WI",
        consignee=CONSIGNEE,
        now=JUNE_2025,
        **kw,
    )


def test_import_purchase_is_in_usd_with_each_duty_and_no_quota(reference_data):
    product = shirt(cn_seller(), stock=10)
    buyer = us_consumer()
    purchase = _place(buyer, {product.pk: 2}, idempotency_key="k1")

    assert purchase.currency == "USD"
    assert purchase.direction == "us_import"
    (order,) = purchase.orders.all()
    assert order.tax_channel == TaxChannel.US_IMPORT
    assert order.consignee_state == "WI"
    assert order.goods_value == Decimal("80.00")
    # 2025-06-01, $80: MFN 19.7% 15.76 + IEEPA fentanyl 20% 16.00 + reciprocal 10% 8.00.
    assert order.tax_total == Decimal("39.76")
    assert order.freight == Decimal("10.80")  # $9 + $3/kg × 0.6 kg
    assert order.total_payable == Decimal("130.56")
    assert purchase.total_payable == Decimal("130.56")
    assert order.customs_value_usd == Decimal("80.00")
    assert order.quota_year is None
    assert order.quota_amount == 0
    (line,) = order.lines.all()
    assert (line.national_line, line.origin_province, line.tariff) == (
        "6205200020",
        "44",
        Decimal("39.76"),
    )
    assert line.tax_category == "MFN IEEPA-FENT-2 IEEPA-RECIP-CN-10"
    assert QuotaUsage.objects.count() == 0
    product.refresh_from_db()
    assert product.stock_on_hand == 8
    # Same key, same request: the same purchase, nothing new written.
    assert _place(buyer, {product.pk: 2}, idempotency_key="k1").pk == purchase.pk
    assert Purchase.objects.count() == 1


def test_a_blocked_listing_cannot_be_bought(reference_data):
    product = shirt(cn_seller(), stock=10, status="blocked")
    buyer = us_consumer()
    with pytest.raises(DomainError) as exc:
        _place(buyer, {product.pk: 1})
    assert exc.value.status == 409
    assert [p.rule for p in exc.value.problems] == ["blocked_listing"]
    assert Purchase.objects.count() == 0
    assert Order.objects.count() == 0
    product.refresh_from_db()
    assert product.stock_on_hand == 10
    with pytest.raises(DomainError):
        services.cart_line_set(channel=IMPORT, buyer=buyer, product=product, quantity=1)


def test_a_product_not_listed_for_import_is_refused(reference_data, make_seller, make_product):
    us_product = make_product(make_seller())
    with pytest.raises(DomainError) as exc:
        _place(us_consumer(), {us_product.pk: 1})
    assert [p.rule for p in exc.value.problems] == ["wrong_market"]
    assert Purchase.objects.count() == 0


def _pay_notification(purchase, *, transaction_id="ch_test_1", event_id="evt_test_1"):
    processor = SandboxCardProcessor(app_id=get_provider("card").app_id, secret=card_secret())
    request = CardPaymentRequest(
        out_trade_no=purchase.number,
        amount=purchase.total_payable,
        currency="USD",
        subject="Twoway",
        notify_url="/payments/notify/card/",
        return_url="/",
    )
    return processor.notification(request, transaction_id=transaction_id, event_id=event_id)


def test_card_payment_marks_the_purchase_paid_exactly_once(reference_data):
    product = shirt(cn_seller(), stock=10)
    buyer = us_consumer()
    purchase = services.purchase_place(
        channel=IMPORT,
        buyer=buyer,
        items={product.pk: 1},
        consignee_state="WI",
        consignee=CONSIGNEE,
    )
    redirect = payment_start(purchase=purchase, buyer=buyer, provider_name="card")
    assert redirect.url == "/payments/sandbox/card/pay/"
    assert redirect.fields["amount"] == f"{purchase.total_payable:.2f}"
    assert redirect.fields["currency"] == "USD"

    body, headers = _pay_notification(purchase)
    first = notification_receive(provider_name="card", raw_body=body, headers=headers)
    again = notification_receive(provider_name="card", raw_body=body, headers=headers)
    assert (first.status_code, again.status_code) == (200, 200)
    assert Payment.objects.count() == 1
    payment = Payment.objects.get()
    assert (payment.amount, payment.currency, payment.provider) == (
        purchase.total_payable,
        "USD",
        "card",
    )
    outcomes = list(PaymentNotification.objects.order_by("pk").values_list("outcome", flat=True))
    assert outcomes == [NotificationOutcome.PROCESSED, NotificationOutcome.DUPLICATE]
    order = purchase.orders.get()
    assert order.status == "paid"  # not sent to China customs: imports skip the CEB steps
    assert OrderEvent.objects.filter(order=order, to_status="paid").count() == 1


def test_card_notification_with_a_bad_signature_or_old_timestamp_is_refused(reference_data):
    product = shirt(cn_seller(), stock=10)
    buyer = us_consumer()
    purchase = services.purchase_place(
        channel=IMPORT,
        buyer=buyer,
        items={product.pk: 1},
        consignee_state="WI",
        consignee=CONSIGNEE,
    )
    body, headers = _pay_notification(purchase)
    tampered = body.replace(b'"amount":"', b'"amount":"1')
    assert (
        notification_receive(provider_name="card", raw_body=tampered, headers=headers).status_code
        == 400
    )
    stale_processor = SandboxCardProcessor(
        app_id=get_provider("card").app_id,
        secret=card_secret(),
        clock=lambda: timezone.now() - dt.timedelta(minutes=10),
    )
    stale_body, stale_headers = stale_processor.notification(
        CardPaymentRequest(
            out_trade_no=purchase.number,
            amount=purchase.total_payable,
            currency="USD",
            subject="x",
            notify_url="/",
            return_url="/",
        ),
    )
    assert (
        notification_receive(
            provider_name="card", raw_body=stale_body, headers=stale_headers
        ).status_code
        == 400
    )
    assert Payment.objects.count() == 0
    assert purchase.orders.get().status == "created"


def test_seller_ships_a_paid_import_order_and_the_ledger_posts_a_us_import(reference_data, client):
    seller = cn_seller()
    product = shirt(seller, stock=10)
    buyer = us_consumer()
    purchase = services.purchase_place(
        channel=IMPORT,
        buyer=buyer,
        items={product.pk: 2},
        consignee_state="WI",
        consignee=CONSIGNEE,
    )
    body, headers = _pay_notification(purchase)
    notification_receive(provider_name="card", raw_body=body, headers=headers)
    order = purchase.orders.get()

    client.force_login(staff_of(seller))
    response = client.post(
        f"/api/v1/seller/orders/{order.number}/ship",
        {"tracking_number": "SF1234567890"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    order.refresh_from_db()
    assert order.status == "shipped"
    assert order.tracking_number == "SF1234567890"
    (entry,) = TradeFlowEntry.objects.filter(order_id=order.pk)
    assert entry.direction == "us_import"
    assert (entry.us_state, entry.cn_province, entry.hs_code) == ("WI", "44", "620520")
    assert entry.customs_value_usd == Decimal("80.00")
    assert entry.quantity == 2
    assert entry.business_country == "CN"
