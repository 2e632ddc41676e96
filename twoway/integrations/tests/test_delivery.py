"""Signed webhooks end to end: recorded with the change, sent by the scheduled job to a real
local HTTP server, verified by the docs' sample receiver, retried with backoff, replayed."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from pathlib import Path

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from twoway.checkout import services as checkout
from twoway.checkout.models import OrderStatus
from twoway.integrations import services
from twoway.integrations.models import DeliveryStatus, WebhookDelivery

pytestmark = pytest.mark.django_db(transaction=False)

DOCS = Path(__file__).resolve().parents[3] / "docs" / "examples" / "webhook_receiver.py"


def sample_receiver():
    spec = importlib.util.spec_from_file_location("webhook_receiver", DOCS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _pay(order, now=None):
    checkout.purchase_mark_paid(
        purchase=order.purchase,
        now=now or timezone.now(),
        actor_label="provider:test",
        reason="test payment",
    )


def test_order_paid_is_signed_delivered_and_verified_by_the_sample_receiver(shop, receiver):
    endpoint, secret = services.endpoint_create(
        business=shop["a"], by=shop["owner_a"], url=receiver.url, events=["order.paid"]
    )
    services.endpoint_create(
        business=shop["b"], by=shop["owner_b"], url=receiver.url, events=["order.paid"]
    )
    _pay(shop["order"])
    rows = list(WebhookDelivery.objects.all())
    assert [(r.business_id, r.event, r.status) for r in rows] == [
        (shop["a"].pk, "order.paid", "pending")
    ]  # business B hears nothing of A's order
    assert services.deliveries_send_due() == 1
    assert len(receiver.requests) == 1
    headers, body = receiver.requests[0]
    assert sample_receiver().verify(secret, headers["Twoway-Signature"], body)
    assert not sample_receiver().verify(secret, headers["Twoway-Signature"], body + b" ")
    assert not sample_receiver().verify("whsec_wrong", headers["Twoway-Signature"], body)
    event = json.loads(body)
    assert (event["type"], event["business_id"], event["data"]["order"]["number"]) == (
        "order.paid",
        shop["a"].pk,
        shop["order"].number,
    )
    assert "buyer" not in body.decode()
    assert "110105" not in body.decode()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 204)
    assert services.deliveries_send_due() == 0  # nothing twice


def test_a_rolled_back_change_sends_nothing(shop, receiver):
    services.endpoint_create(
        business=shop["a"], by=shop["owner_a"], url=receiver.url, events=["order.paid"]
    )

    def pay_then_fail() -> None:
        with transaction.atomic():
            _pay(shop["order"])
            raise RuntimeError("the payment's transaction fails later")

    with pytest.raises(RuntimeError, match="fails later"):
        pay_then_fail()
    assert WebhookDelivery.objects.count() == 0


def test_failures_back_off_exponentially_then_give_up(shop, receiver, settings):
    settings.TWOWAY_WEBHOOK_MAX_ATTEMPTS = 3
    receiver.status = 500
    services.endpoint_create(
        business=shop["a"], by=shop["owner_a"], url=receiver.url, events=["order.cancelled"]
    )
    start = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        checkout.order_transition(
            order=shop["order"],
            to=OrderStatus.CANCELLED,
            actor_label="buyer",
            reason="changed my mind",
        )
        assert services.deliveries_send_due() == 1
        delivery = WebhookDelivery.objects.get()
        assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
            "pending",
            1,
            500,
        )
        first_wait = (delivery.next_attempt_at - start).total_seconds()
        assert 27 <= first_wait <= 33  # 30 s ± 10 %
        clock.shift(dt.timedelta(seconds=first_wait - 1))
        assert services.deliveries_send_due() == 0  # not yet
        clock.shift(dt.timedelta(seconds=2))
        assert services.deliveries_send_due() == 1
        delivery.refresh_from_db()
        second_wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
        assert 54 <= second_wait <= 66  # doubled
        clock.shift(dt.timedelta(seconds=second_wait + 1))
        assert services.deliveries_send_due() == 1
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (
            DeliveryStatus.FAILED,
            3,
            None,
        )
        assert len(receiver.requests) == 3
        # the seller sends it again by hand: a new row, same event id
        receiver.status = 200
        again = services.delivery_replay(delivery=delivery, by=shop["owner_a"])
        assert services.deliveries_send_due() == 1
        again.refresh_from_db()
        assert (again.status, again.event_id, again.replay_of_id) == (
            "delivered",
            delivery.event_id,
            delivery.pk,
        )


def test_the_jitter_is_reproducible():
    assert services._jitter_unit(7, 2) == services._jitter_unit(7, 2)
    assert services._jitter_unit(7, 2) != services._jitter_unit(7, 3)


def test_listing_blocked_and_refund_requested_reach_the_right_business(shop, receiver):
    from twoway.catalog.services import listings_status_set

    services.endpoint_create(
        business=shop["a"],
        by=shop["owner_a"],
        url=receiver.url,
        events=["listing.blocked", "refund.requested"],
    )
    listings_status_set(
        product_ids=[shop["product_a"].pk, shop["product_b"].pk],
        status="blocked",
        reason="regulator decision",
    )
    events = list(WebhookDelivery.objects.values_list("event", "payload"))
    assert [(e, p["data"]["listing"]["sku"]) for e, p in events] == [
        ("listing.blocked", shop["product_a"].sku)
    ]


def test_ssrf_guard(shop, settings, receiver, monkeypatch):
    from twoway.core.errors import DomainError
    from twoway.integrations import transport

    settings.TWOWAY_WEBHOOK_ALLOW_HTTP = False
    settings.TWOWAY_WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    for url, rule_text in (
        ("http://example.com/x", "https"),
        ("https://127.0.0.1/x", "private"),
        ("https://10.1.2.3/x", "private"),
        ("https://localhost/x", "private"),
        ("https://user:pw@example.com/", "password"),
        ("ftp://example.com/", "https"),
    ):
        with pytest.raises(DomainError) as caught:
            services.endpoint_create(
                business=shop["a"], by=shop["owner_a"], url=url, events=["order.paid"]
            )
        assert caught.value.problems[0].rule == "unsafe_url"
        assert rule_text in caught.value.message
    # at send time too: a public-looking name that resolves to loopback (DNS rebinding) is
    # refused before any connection, and nothing is sent
    port = int(receiver.url.split(":")[2].split("/")[0])
    monkeypatch.setattr(
        transport.socket, "getaddrinfo", lambda host, *a, **k: [(2, 1, 6, "", ("127.0.0.1", port))]
    )
    answer = transport.post(f"https://hooks.example.com:{port}/x", b"{}", {})
    assert answer.status is None
    assert "private" in answer.error
    assert receiver.requests == []


def test_shipping_tells_the_warehouse_the_carrier_and_tracking_number(shop, receiver):
    """order.shipped: a system that did not ship the parcel itself learns it went, and with
    which carrier and tracking number."""
    _endpoint, secret = services.endpoint_create(
        business=shop["a"], by=shop["owner_a"], url=receiver.url, events=["order.shipped"]
    )
    order = shop["order"]
    _pay(order)
    for status in (OrderStatus.DECLARED, OrderStatus.CLEARED):
        checkout.order_transition(order=order, to=status, actor_label="customs", reason="test")
    assert not WebhookDelivery.objects.exists()  # only the events the endpoint chose
    checkout.order_ship(
        order=order, by=shop["fulfilment_a"], tracking_number="1Z879E930346834440", carrier="ups"
    )
    assert services.deliveries_send_due() == 1
    headers, body = receiver.requests[0]
    assert sample_receiver().verify(secret, headers["Twoway-Signature"], body)
    event = json.loads(body)
    assert event["type"] == "order.shipped"
    assert (
        event["data"]["order"]["status"],
        event["data"]["order"]["carrier"],
        event["data"]["order"]["tracking_number"],
    ) == ("shipped", "ups", "1Z879E930346834440")
