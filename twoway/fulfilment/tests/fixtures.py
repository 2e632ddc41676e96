"""Orders as a seller meets them, placed and paid through the product's own services: an export
to China cleared by the sandbox customs, and an import paid by a US consumer's card."""

from __future__ import annotations

from pathlib import Path

import pytest

from twoway.businesses.models import Membership
from twoway.checkout import services as checkout
from twoway.checkout.channels import EXPORT, IMPORT
from twoway.checkout.tests.import_factories import cn_seller, shirt, us_consumer
from twoway.identity.models import User

CONSIGNEE = checkout.Consignee("张三", "13800138000", "北京市东城区东长安街1号", "110101")
US_CONSIGNEE = checkout.Consignee("Ada Lovelace", "608-555-0100", "1 State St, Madison 53703")


@pytest.fixture
def keys_and_csl(settings, tmp_path, db):
    settings.TWOWAY_PAYMENT_KEY_DIR = str(tmp_path)
    import twoway.compliance
    from twoway.compliance.services import csl_load

    csl_load(path=Path(twoway.compliance.__file__).parent / "data" / "csl_sample.csv")


def pay_export(purchase, provider: str = "wechat") -> None:
    from twoway.payments import services
    from twoway.payments.keys import ensure_sandbox_keys
    from twoway.payments.providers.sandbox import SandboxWallet

    redirect = services.payment_start(
        purchase=purchase, buyer=purchase.buyer, provider_name=provider
    )
    wallet = SandboxWallet(provider, ensure_sandbox_keys())
    note = wallet.notification(wallet.accept_payment(redirect), "paid")
    ack = services.notification_receive(
        provider_name=provider, raw_body=note.body, headers=note.headers
    )
    assert ack.status_code == 200


def pay_import(purchase) -> None:
    from twoway.payments import services
    from twoway.payments.providers import get_provider
    from twoway.payments.providers.card import (
        CardPaymentRequest,
        SandboxCardProcessor,
        card_secret,
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


@pytest.fixture
def export_shop(keys_and_csl, make_seller, make_product, make_buyer):
    seller = make_seller()
    product = make_product(seller, stock=50, price="25.00")
    buyer, identity = make_buyer()
    staff = User.objects.create(username="packer", role="seller_staff")
    Membership.objects.create(user=staff, business=seller, role="owner")
    return seller, product, buyer, identity, staff


@pytest.fixture
def cleared_export(export_shop, django_capture_on_commit_callbacks):
    """A paid export order that the sandbox customs cleared, ready to ship."""
    seller, product, buyer, identity, staff = export_shop
    purchase = checkout.purchase_place(
        channel=EXPORT, buyer=buyer, items={product.pk: 2}, identity=identity, consignee=CONSIGNEE
    )
    with django_capture_on_commit_callbacks(execute=True):
        pay_export(purchase)
    order = purchase.orders.get()
    assert order.status == "cleared"
    return order, staff


@pytest.fixture
def paid_import(keys_and_csl, reference_data):
    seller = cn_seller()
    product = shirt(seller, stock=10)
    staff = User.objects.create(username="cn-staff", role="seller_staff")
    Membership.objects.create(user=staff, business=seller, role="owner")
    buyer = us_consumer()
    purchase = checkout.purchase_place(
        channel=IMPORT,
        buyer=buyer,
        items={product.pk: 2},
        consignee_state="WI",
        consignee=US_CONSIGNEE,
    )
    pay_import(purchase)
    order = purchase.orders.get()
    assert order.status == "paid"
    return order, staff
