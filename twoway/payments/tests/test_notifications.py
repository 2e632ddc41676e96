"""Paying through the sandbox wallets end to end: signed notifications, replays, tampering."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from twoway.checkout import services as checkout
from twoway.checkout.channels import EXPORT
from twoway.checkout.models import OrderStatus
from twoway.customs.models import CustomsMessage
from twoway.payments import services
from twoway.payments.keys import ensure_sandbox_keys
from twoway.payments.models import Payment, PaymentNotification
from twoway.payments.providers.sandbox import SandboxWallet

pytestmark = pytest.mark.django_db
CONSIGNEE = checkout.Consignee("张三", "13800138000", "北京市东城区东长安街1号", "110101")


@pytest.fixture
def csl_loaded(db):
    from pathlib import Path

    import twoway.compliance
    from twoway.compliance.services import csl_load

    csl_load(path=Path(twoway.compliance.__file__).parent / "data" / "csl_sample.csv")


@pytest.fixture
def placed(make_seller, make_product, make_buyer, csl_loaded, settings, tmp_path):
    settings.TWOWAY_PAYMENT_KEY_DIR = str(tmp_path)
    product = make_product(make_seller(), stock=5, price="25.00")
    buyer, identity = make_buyer()
    purchase = checkout.purchase_place(
        channel=EXPORT, buyer=buyer, items={product.pk: 2}, identity=identity, consignee=CONSIGNEE
    )
    return purchase, buyer, product


def signed_paid(provider: str, purchase, **kw):
    redirect = services.payment_start(
        purchase=purchase, buyer=purchase.buyer, provider_name=provider
    )
    wallet = SandboxWallet(provider, ensure_sandbox_keys())
    request = wallet.accept_payment(redirect)
    return wallet, wallet.notification(request, "paid", **kw)


def post(client: Client, provider: str, note):
    headers = {k: v for k, v in note.headers.items() if k.lower() != "content-type"}
    content_type = note.headers.get("Content-Type", "application/x-www-form-urlencoded")
    return client.post(
        f"/payments/notify/{provider}/", data=note.body, content_type=content_type, headers=headers
    )


@pytest.mark.parametrize("provider", ["alipay", "wechat"])
def test_payment_is_recorded_once_however_often_replayed(
    placed, provider, django_capture_on_commit_callbacks
):
    purchase, _, _ = placed
    _, note = signed_paid(provider, purchase)
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        responses = [post(client, provider, note) for _ in range(5)]
    assert all(r.status_code == 200 for r in responses)
    if provider == "alipay":
        assert all(r.content == b"success" for r in responses)
    assert Payment.objects.count() == 1
    payment = Payment.objects.get()
    assert payment.amount == purchase.total_payable
    assert PaymentNotification.objects.filter(outcome="processed").count() == 1
    assert PaymentNotification.objects.filter(outcome="duplicate").count() == 4
    order = purchase.orders.get()
    # Paid → three documents matched → declared → customs accepted → cleared.
    assert order.status == OrderStatus.CLEARED
    assert [e.to_status for e in order.events.all()] == ["created", "paid", "declared", "cleared"]
    messages = CustomsMessage.objects.filter(order=order)
    assert sorted(m.message_type for m in messages) == ["CEB311", "CEB411", "CEB511"]
    assert all("11010519491231002X" not in m.xml_masked for m in messages)
    assert all("1101**********002X" in m.xml_masked for m in messages if m.message_type != "CEB511")


@pytest.mark.parametrize("provider", ["alipay", "wechat"])
def test_bad_signature_is_rejected_and_logged(placed, provider):
    purchase, _, _ = placed
    wallet, note = signed_paid(provider, purchase)
    response = post(Client(), provider, wallet.tampered_signature(note))
    assert response.status_code == 400
    assert Payment.objects.count() == 0
    logged = PaymentNotification.objects.get()
    assert logged.outcome == "rejected"
    assert logged.error_rule
    assert purchase.orders.get().status == OrderStatus.CREATED


def test_amount_mismatch_is_rejected_never_accepted(placed):
    purchase, _, _ = placed
    _, note = signed_paid("alipay", purchase, amount=purchase.total_payable - Decimal("0.01"))
    response = post(Client(), "alipay", note)
    assert response.status_code == 400
    assert Payment.objects.count() == 0
    assert PaymentNotification.objects.get().error_rule == "amount_mismatch"
    assert purchase.orders.get().status == OrderStatus.CREATED


def test_sandbox_wallet_retries_until_acknowledged(placed, monkeypatch):
    purchase, _, _ = placed
    wallet, note = signed_paid("wechat", purchase)
    client = Client()
    calls = {"n": 0}

    def flaky_send(body, headers):
        calls["n"] += 1
        if calls["n"] <= 2:
            return 503, b""
        response = client.post(
            "/payments/notify/wechat/",
            data=body,
            content_type=headers.get("Content-Type", "application/json"),
            headers={k: v for k, v in headers.items() if k.lower() != "content-type"},
        )
        return response.status_code, response.content

    log = wallet.deliver(note, flaky_send, sleeper=lambda _s: None)
    assert log.acknowledged
    assert log.attempt_count == 3
    assert Payment.objects.count() == 1


def test_paying_after_the_reservation_expired_records_a_refund_due(placed):
    import datetime as dt

    from django.utils import timezone

    purchase, _, product = placed
    _, note = signed_paid("alipay", purchase)
    checkout.reservations_expire(now=timezone.now() + dt.timedelta(hours=1))
    assert post(Client(), "alipay", note).status_code == 200
    assert Payment.objects.get().status == "refund_due"
    assert purchase.orders.get().status == OrderStatus.CANCELLED
