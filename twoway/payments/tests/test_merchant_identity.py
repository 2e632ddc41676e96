"""Issue 9: a validly signed notification naming another merchant (Alipay seller_id, WeChat
mchid, card merchant account) or another app is rejected, logged, and nothing is recorded as paid."""

from __future__ import annotations

import pytest
from django.test import Client

from twoway.checkout.models import OrderStatus
from twoway.payments.models import Payment, PaymentNotification

from .test_notifications import csl_loaded, placed, post, signed_paid  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("provider", "override", "rule"),
    [
        ("alipay", {"merchant_id": "2088999999999999"}, "merchant_mismatch"),
        ("alipay", {"app_id": "2021999999999999"}, "app_mismatch"),
        ("wechat", {"merchant_id": "1999999999"}, "merchant_mismatch"),
        ("wechat", {"app_id": "wx9999999999999999"}, "app_mismatch"),
    ],
)
def test_notification_for_another_merchant_or_app_is_rejected(placed, provider, override, rule):  # noqa: F811
    purchase, _, _ = placed
    _, note = signed_paid(provider, purchase, **override)
    response = post(Client(), provider, note)
    assert response.status_code == 400
    assert Payment.objects.count() == 0
    logged = PaymentNotification.objects.get()
    assert (logged.outcome, logged.error_rule) == ("rejected", rule)
    purchase.refresh_from_db()
    assert purchase.paid_at is None
    assert purchase.orders.get().status == OrderStatus.CREATED


def test_card_notification_for_another_merchant_account_is_rejected(reference_data):
    from twoway.checkout import services
    from twoway.checkout.channels import IMPORT
    from twoway.checkout.tests.import_factories import cn_seller, shirt, us_consumer
    from twoway.checkout.tests.test_import_place import CONSIGNEE
    from twoway.payments.providers import get_provider
    from twoway.payments.providers.card import (
        CardPaymentRequest,
        SandboxCardProcessor,
        card_secret,
    )
    from twoway.payments.services import notification_receive

    product = shirt(cn_seller(), stock=10)
    purchase = services.purchase_place(
        channel=IMPORT,
        buyer=us_consumer(),
        items={product.pk: 1},
        consignee_state="WI",
        consignee=CONSIGNEE,
    )
    other = SandboxCardProcessor(
        app_id=get_provider("card").app_id, secret=card_secret(), merchant_id="acct_someone_else"
    )
    request = CardPaymentRequest(
        out_trade_no=purchase.number,
        amount=purchase.total_payable,
        currency="USD",
        subject="Twoway",
        notify_url="/payments/notify/card/",
        return_url="/",
    )
    body, headers = other.notification(request)
    ack = notification_receive(provider_name="card", raw_body=body, headers=headers)
    assert ack.status_code == 400
    assert Payment.objects.count() == 0
    assert PaymentNotification.objects.get().error_rule == "merchant_mismatch"
    purchase.refresh_from_db()
    assert purchase.paid_at is None
