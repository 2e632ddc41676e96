"""The customs state of an order lives on its CustomsDeclaration (the order has no customs
columns), customs moves the order only through checkout's transitions, and the gateway is the one
the settings name."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from twoway.checkout import services as checkout
from twoway.checkout.channels import EXPORT
from twoway.checkout.models import Order, OrderStatus
from twoway.customs import declaration as customs
from twoway.customs.gateways import CustomsGatewayUnavailable, GatewayResult
from twoway.customs.models import CustomsDeclaration, CustomsMessage, DeclarationStatus
from twoway.payments.models import Payment

pytestmark = pytest.mark.django_db
CONSIGNEE = checkout.Consignee("张三", "13800138000", "北京市东城区东长安街1号", "110101")


@pytest.fixture
def paid_order(make_seller, make_product, make_buyer, settings, tmp_path):
    import twoway.compliance
    from twoway.compliance.services import csl_load

    csl_load(path=Path(twoway.compliance.__file__).parent / "data" / "csl_sample.csv")
    settings.TWOWAY_PAYMENT_KEY_DIR = str(tmp_path)
    product = make_product(make_seller(), stock=5, price="25.00")
    buyer, identity = make_buyer()
    purchase = checkout.purchase_place(
        channel=EXPORT, buyer=buyer, items={product.pk: 2}, identity=identity, consignee=CONSIGNEE
    )
    now = timezone.now()
    Payment.objects.create(
        purchase=purchase,
        provider="alipay",
        provider_txn_id="2025TXN1",
        app_id="app",
        amount=purchase.total_payable,
        currency="CNY",
        status="paid",
        paid_at=now,
    )
    checkout.purchase_mark_paid(purchase=purchase, now=now, actor_label="test", reason="test")
    return purchase.orders.get()


def test_order_has_no_customs_columns():
    names = {f.name for f in Order._meta.get_fields()}
    assert not names & {"customs_status", "customs_info", "eei_required", "eei_reason"}
    assert "customs_declaration" in names  # the reverse one-to-one of the customs app


def test_a_declared_order_keeps_its_customs_state_on_the_declaration(paid_order):
    order = customs.order_declare(order_id=paid_order.pk)
    assert order.status == OrderStatus.CLEARED
    declaration = CustomsDeclaration.objects.get(order=order)
    assert declaration.status == DeclarationStatus.ACCEPTED
    assert declaration.gateway == "sandbox"
    assert declaration.message_type == "CEB311"
    assert declaration.guid == CustomsMessage.objects.get(order=order, message_type="CEB311").guid
    assert (declaration.attempts, declaration.reply_code) == (1, "120")
    assert declaration.submitted_at is not None
    assert declaration.replied_at is not None
    assert declaration.eei_reason  # the EEI decision, with its rule
    assert [e.to_status for e in order.events.all()] == ["created", "paid", "declared", "cleared"]
    assert [e.actor_label for e in order.events.all()][2:] == ["customs", "customs"]


def test_a_rejection_holds_the_order_and_a_release_declares_it_again(paid_order, monkeypatch):
    class Rejecting:
        name = "sandbox"

        def submit(self, documents, *, now):
            from twoway.customs.gateways.simulator import sandbox_declare

            answer = sandbox_declare(
                order=documents.order,
                payment=documents.payment,
                logistics=documents.logistics,
                now=now,
            )
            replies = {
                kind: reply.__class__(
                    **{**reply.__dict__, "code": "100", "status": "rejected", "info": "bad HS code"}
                )
                for kind, reply in answer.replies.items()
            }
            return GatewayResult(gateway=self.name, reference="r1", replies=replies)

    monkeypatch.setattr(customs, "get_gateway", lambda: Rejecting())
    order = customs.order_declare(order_id=paid_order.pk)
    assert (order.status, order.hold_code) == (OrderStatus.HELD, "customs")
    declaration = CustomsDeclaration.objects.get(order=order)
    assert (declaration.status, declaration.reply_code) == ("rejected", "100")
    assert "bad HS code" in declaration.info
    monkeypatch.undo()
    checkout.order_hold_release(order=order, actor=None, reason="HS code fixed")
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2), tick=False):
        assert customs.declarations_sweep() == 1
    declaration.refresh_from_db()
    assert (declaration.status, declaration.attempts) == ("accepted", 2)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CLEARED


def test_a_gateway_outage_leaves_the_order_declared_and_the_sweep_sends_again(
    paid_order, monkeypatch
):
    class Down:
        name = "single_window"

        def submit(self, documents, *, now):
            raise CustomsGatewayUnavailable("Single Window unreachable: timed out")

    monkeypatch.setattr(customs, "get_gateway", lambda: Down())
    order = customs.order_declare(order_id=paid_order.pk)
    assert order.status == OrderStatus.DECLARED
    declaration = CustomsDeclaration.objects.get(order=order)
    assert (declaration.status, declaration.attempts) == ("submit_failed", 1)
    assert "timed out" in declaration.info
    monkeypatch.undo()
    assert customs.declarations_sweep() == 0  # within the grace period
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2), tick=False):
        assert customs.declarations_sweep() == 1
    declaration.refresh_from_db()
    assert (declaration.status, declaration.attempts) == ("accepted", 2)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CLEARED


def test_customs_writes_no_order_column(paid_order, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        customs.order_declare(order_id=paid_order.pk)
    order_updates = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].upper().startswith("UPDATE") and '"checkout_order"' in q["sql"]
    ]
    # Only checkout's transitions write the order: status (and when) for declared and cleared.
    assert len(order_updates) == 2
    assert all('"status"' in sql for sql in order_updates)
