"""Issue 9: with the sandbox off (production), nothing reaches a sandbox: the card channel is
closed with a plain message on the pay page, sandbox pages answer 404, and the sandbox customs
never answers a declaration."""

from __future__ import annotations

import pytest
from django.test import Client

from twoway.checkout import services
from twoway.checkout.channels import EXPORT, IMPORT
from twoway.checkout.tests.import_factories import cn_seller, shirt, us_consumer
from twoway.core.errors import DomainError
from twoway.payments.models import Payment
from twoway.payments.providers import get_provider

pytestmark = pytest.mark.django_db
CONSIGNEE = services.Consignee(
    name="Ada Lovelace", phone="608-555-0100", address="1 State St, Madison 53703"
)


@pytest.fixture
def sandbox_off(settings, tmp_path):
    settings.TWOWAY_PAYMENT_KEY_DIR = str(tmp_path)
    settings.CARD_WEBHOOK_SECRET = "a-real-looking-webhook-secret-0123456789"
    settings.TWOWAY_PAYMENTS_SANDBOX = False


def test_the_import_pay_page_says_card_payment_is_closed(reference_data, sandbox_off):
    buyer = us_consumer()
    purchase = services.purchase_place(
        channel=IMPORT,
        buyer=buyer,
        items={shirt(cn_seller()).pk: 1},
        consignee_state="WI",
        consignee=CONSIGNEE,
    )
    client = Client()
    client.force_login(buyer)
    for response in (
        client.get(f"/us/purchases/{purchase.number}/pay/"),
        client.post(f"/us/purchases/{purchase.number}/pay/", {"provider": "card"}),
    ):
        assert response.status_code == 503
        text = response.content.decode()
        assert "Card payment is not available yet" in text
        assert "/payments/sandbox/card/pay/" not in text
    buyer.preferred_language = "zh-hans"
    buyer.save(update_fields=["preferred_language"])
    zh = client.get(f"/us/purchases/{purchase.number}/pay/")
    assert "暂不支持银行卡支付" in zh.content.decode()
    with pytest.raises(DomainError) as caught:
        get_provider("card")
    assert caught.value.problems[0].rule == "channel_closed"
    assert Payment.objects.count() == 0


def test_sandbox_pages_answer_404_even_if_routed(reference_data, sandbox_off):
    from django.http import Http404
    from django.test import RequestFactory

    from twoway.sandbox.views import card_pay_page, wallet_pay_page

    request = RequestFactory().post("/payments/sandbox/card/pay/", {"card_number": "4242"})
    request.user = us_consumer()
    with pytest.raises(Http404):
        card_pay_page(request)
    with pytest.raises(Http404):
        wallet_pay_page(request, provider="alipay")


def test_the_sandbox_customs_never_answers_in_production(
    make_seller, make_product, make_buyer, settings, tmp_path
):
    from pathlib import Path

    import twoway.compliance
    from twoway.checkout.models import Order, OrderStatus
    from twoway.compliance.services import csl_load
    from twoway.customs.declaration import order_declare
    from twoway.customs.models import CustomsDeclaration, CustomsMessage

    csl_load(path=Path(twoway.compliance.__file__).parent / "data" / "csl_sample.csv")
    settings.TWOWAY_PAYMENT_KEY_DIR = str(tmp_path)
    product = make_product(make_seller(), stock=5)
    buyer, identity = make_buyer()
    purchase = services.purchase_place(
        channel=EXPORT,
        buyer=buyer,
        items={product.pk: 1},
        identity=identity,
        consignee=services.Consignee("张三", "13800138000", "北京市东城区东长安街1号", "110101"),
    )
    from django.utils import timezone

    services.purchase_mark_paid(
        purchase=purchase, now=timezone.now(), actor_label="test", reason="test"
    )
    settings.TWOWAY_PAYMENTS_SANDBOX = False
    order = order_declare(order_id=purchase.orders.get().pk)
    assert order.status == OrderStatus.PAID
    declaration = CustomsDeclaration.objects.get(order=order)
    assert declaration.status == "not_submitted"
    assert "sandbox customs is off" in declaration.info
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID
    # Production's own gateway without its signing key: not sent either, the sweep retries.
    settings.TWOWAY_CUSTOMS_GATEWAY = "single_window"
    settings.TWOWAY_CUSTOMS_SW_KEY_PATH = ""
    order_declare(order_id=order.pk)
    declaration.refresh_from_db()
    assert (declaration.status, declaration.attempts) == ("not_submitted", 0)
    assert "TWOWAY_CUSTOMS_SW_KEY_PATH" in declaration.info
    assert CustomsMessage.objects.count() == 0
