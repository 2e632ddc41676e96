"""The sandbox wallet: real retry schedules, delivery until acknowledged, exact amounts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twoway.payments.keys import ensure_sandbox_keys
from twoway.payments.providers import PaymentRequest, get_provider
from twoway.payments.providers.sandbox import NotificationSchedule, SandboxWallet

NOW = datetime(2025, 3, 14, 6, 30, 15, tzinfo=UTC)


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    return ensure_sandbox_keys(tmp_path_factory.mktemp("keys"))


def make_request(amount=Decimal("88.00")):
    return PaymentRequest(
        out_trade_no="TW20250314000123",
        amount=amount,
        currency="CNY",
        subject="Wild blueberry jam 野生蓝莓酱",
        buyer_name="张三",
        buyer_id_number_masked_or_token="1101**********0012",
        notify_url="https://twoway.example/payments/notify/",
        return_url="https://twoway.example/checkout/done/",
    )


class FakeClock:
    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += timedelta(seconds=seconds)


def merchant(provider, *, fail_first=0):
    """A notify endpoint: verifies like the real view, refuses the first ``fail_first`` sends."""
    seen = []

    def send(body, headers):
        notification = provider.verify_notification(body, headers)
        seen.append(notification.event_id)
        if len(seen) <= fail_first:
            status, reply, _ = provider.ack(False)
        else:
            status, reply, _ = provider.ack(True)
        return status, reply

    return send, seen


def test_alipay_schedule_is_eight_sends_over_a_day():
    schedule = NotificationSchedule.for_provider("alipay")

    assert schedule.attempts == 8
    assert [o.total_seconds() / 60 for o in schedule.offsets()] == [
        0, 4, 14, 24, 84, 204, 564, 1464,
    ]  # fmt: skip
    assert schedule.total == timedelta(hours=24, minutes=24)


def test_wechat_schedule_is_sixteen_sends_over_24h4m():
    schedule = NotificationSchedule.for_provider("wechat")

    assert schedule.attempts == 16
    assert [i.total_seconds() for i in schedule.intervals] == [
        15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600,
    ]  # fmt: skip
    assert schedule.total == timedelta(hours=24, minutes=4)


@pytest.mark.parametrize("name", ["alipay", "wechat"])
def test_delivery_retries_until_acknowledged_then_stops(keys, name):
    clock = FakeClock(NOW)
    provider = get_provider(name, clock=clock, key_dir=keys.key_dir)
    wallet = SandboxWallet(name, keys, clock=clock)
    send, seen = merchant(provider, fail_first=3)
    sleeps = []

    log = wallet.deliver(
        wallet.notification(make_request()),
        send,
        schedule=NotificationSchedule.for_provider(name, multiplier=0.001),
        sleeper=lambda s: (sleeps.append(s), clock.sleep(s / 0.001)),
    )

    assert log.acknowledged is True
    assert log.attempt_count == 4
    assert len(seen) == 4
    assert len(set(seen)) == 1
    assert [a.acknowledged for a in log.attempts] == [False, False, False, True]
    intervals = NotificationSchedule.for_provider(name).intervals[:3]
    assert sleeps == pytest.approx([i.total_seconds() * 0.001 for i in intervals])
    assert log.attempts[-1].offset == sum(intervals, timedelta())


def test_wechat_resends_are_signed_afresh_so_late_ones_still_verify(keys):
    clock = FakeClock(NOW)
    provider = get_provider("wechat", clock=clock, key_dir=keys.key_dir)
    wallet = SandboxWallet("wechat", keys, clock=clock)
    send, seen = merchant(provider, fail_first=100)
    sent = wallet.notification(make_request())

    log = wallet.deliver(
        sent,
        send,
        schedule=NotificationSchedule.for_provider("wechat", multiplier=0),
        sleeper=lambda s: None,
    )

    assert log.attempt_count == 16  # every one verified (else verify would raise)
    assert log.acknowledged is False

    late = FakeClock(NOW)
    timestamps = []
    wallet = SandboxWallet("wechat", keys, clock=late)
    provider = get_provider("wechat", clock=late, key_dir=keys.key_dir)
    send, seen = merchant(provider, fail_first=100)

    def recording_send(body, headers):
        timestamps.append(int(headers["Wechatpay-Timestamp"]))
        return send(body, headers)

    wallet.deliver(sent, recording_send, sleeper=late.sleep)

    assert len(seen) == 16
    assert timestamps[-1] - timestamps[0] == 24 * 3600 + 4 * 60


def test_alipay_ack_must_be_exactly_success(keys):
    wallet = SandboxWallet("alipay", keys, clock=lambda: NOW)
    replies = [(200, b"SUCCESS"), (200, b"success\n"), (200, b"<p>success</p>"), (200, b"ok")]
    replies += [(200, b"fail")] * 4

    log = wallet.deliver(
        wallet.notification(make_request()),
        lambda body, headers: replies.pop(0),
        schedule=NotificationSchedule.for_provider("alipay", multiplier=0),
        sleeper=lambda s: None,
    )

    assert (log.acknowledged, log.attempt_count) == (False, 8)


def test_wechat_ack_is_any_2xx_and_errors_count_as_failed_sends(keys):
    wallet = SandboxWallet("wechat", keys, clock=lambda: NOW)
    replies = iter([ConnectionError("refused"), (500, b""), (404, b""), (204, b"")])

    def send(body, headers):
        reply = next(replies)
        if isinstance(reply, Exception):
            raise reply
        return reply

    log = wallet.deliver(wallet.notification(make_request()), send, sleeper=lambda s: None)

    assert [(a.status_code, a.acknowledged) for a in log.attempts] == [
        (None, False), (500, False), (404, False), (204, True),
    ]  # fmt: skip
    assert log.attempts[0].error == "ConnectionError('refused')"


def test_wallet_refuses_an_outcome_the_protocol_never_sends(keys):
    with pytest.raises(ValueError, match="cannot notify 'closed'"):
        SandboxWallet("wechat", keys).notification(make_request(), "closed")


@settings(max_examples=60, deadline=None)
@given(
    fen=st.integers(min_value=1, max_value=9_999_999), name=st.sampled_from(["alipay", "wechat"])
)
def test_any_amount_survives_the_round_trip_exactly(keys, fen, name):
    amount = Decimal(fen).scaleb(-2)
    request = make_request(amount)
    wallet = SandboxWallet(name, keys, clock=lambda: NOW)
    provider = get_provider(name, clock=lambda: NOW, key_dir=keys.key_dir)

    n = provider.verify_notification(*_wire(wallet.notification(request)))
    accepted = wallet.accept_payment(provider.create_payment(request))

    assert n.amount == amount
    assert str(n.amount) == f"{amount:.2f}"
    assert accepted.amount == amount


def _wire(sent):
    return sent.body, sent.headers
