"""Scheduled work that really runs: the schedule drives reservation expiry with a controlled clock,
one failing job never stops the others, and the same entries feed Celery beat."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from twoway.checkout import services as checkout
from twoway.checkout.channels import EXPORT
from twoway.checkout.models import OrderStatus
from twoway.config.schedule import SCHEDULE, ScheduleEntry, beat_schedule
from twoway.operations.models import ScheduledJobState
from twoway.operations.scheduler import Scheduler

pytestmark = pytest.mark.django_db
CONSIGNEE = checkout.Consignee("张三", "13800138000", "北京市东城区东长安街1号", "110101")
EXPIRED_REASON = (
    "Payment not received before the reservation expired; stock and quota were given back."
)


def _start() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@pytest.fixture
def unpaid(make_seller, make_product, make_buyer):
    """A buyer in China reserved all 3 units of a product and has not paid."""
    product = make_product(make_seller(), stock=3, price="30.00")
    buyer, identity = make_buyer()
    purchase = checkout.purchase_place(
        channel=EXPORT, buyer=buyer, items={product.pk: 3}, identity=identity, consignee=CONSIGNEE
    )
    return purchase, product, buyer, identity


def test_an_unpaid_purchase_expires_on_the_schedule_and_the_buyer_gets_stock_and_quota_back(
    make_seller, make_product, make_buyer, settings, client
):
    minutes = settings.TWOWAY_RESERVATION_MINUTES
    with time_machine.travel(_start(), tick=False) as clock:
        product = make_product(make_seller(), stock=3, price="30.00")
        buyer, identity = make_buyer()
        purchase = checkout.purchase_place(
            channel=EXPORT,
            buyer=buyer,
            items={product.pk: 3},
            identity=identity,
            consignee=CONSIGNEE,
        )
        year = purchase.created_at.year
        assert checkout.quota_used(id_number_hash=identity.id_number_hash, year=year) > 0
        other_buyer, other_identity = make_buyer("440103199001010014", "李四")
        scheduler = Scheduler()

        # Before the deadline the schedule runs and changes nothing.
        clock.shift(dt.timedelta(minutes=minutes - 1))
        runs = {r.name: r for r in scheduler.tick()}
        assert (runs["reservations-expire"].outcome, runs["reservations-expire"].result) == (
            "ok",
            "0",
        )
        order = purchase.orders.get()
        assert order.status == OrderStatus.CREATED
        product.refresh_from_db()
        assert product.stock_on_hand == 0
        quote = checkout.cart_quote(channel=EXPORT, items={product.pk: 1}, identity=other_identity)
        assert not quote.ok  # sold out for everyone else

        # Past the deadline the next run gives everything back.
        clock.shift(dt.timedelta(minutes=2))
        runs = {r.name: r for r in scheduler.tick()}
        assert (runs["reservations-expire"].outcome, runs["reservations-expire"].result) == (
            "ok",
            "1",
        )
        order.refresh_from_db()
        assert order.status == OrderStatus.CANCELLED
        assert order.events.last().reason == EXPIRED_REASON
        product.refresh_from_db()
        assert product.stock_on_hand == 3
        assert checkout.quota_used(id_number_hash=identity.id_number_hash, year=year) == 0
        assert checkout.cart_quote(
            channel=EXPORT, items={product.pk: 3}, identity=other_identity
        ).ok

        # The buyer's page says it was cancelled and why.
        client.force_login(buyer)
        page = client.get(f"/cn/purchases/{purchase.number}/").content.decode()
        assert "预留时间内未收到付款，订单已取消" in page  # why, in the buyer's language

        # The other buyer can now buy the units.
        checkout.purchase_place(
            channel=EXPORT,
            buyer=other_buyer,
            items={product.pk: 3},
            identity=other_identity,
            consignee=CONSIGNEE,
        )


def test_a_job_runs_again_only_after_its_interval_and_the_state_is_kept(settings):
    calls = []
    entries = (ScheduleEntry("count", "test.count", 60),)
    with time_machine.travel(_start(), tick=False) as clock:
        scheduler = Scheduler(entries, tasks={"test.count": lambda: calls.append(1) or len(calls)})
        assert [r.outcome for r in scheduler.tick()] == ["ok"]
        clock.shift(30)
        assert scheduler.tick() == []
        clock.shift(30)
        assert [r.result for r in scheduler.tick()] == ["2"]
        state = ScheduledJobState.objects.get(name="count")
        assert (state.runs, state.failures, state.last_outcome) == (2, 0, "ok")
        assert state.next_run_at == state.last_started_at + dt.timedelta(seconds=60)
        # A restarted scheduler does not run it again before it is due.
        again = Scheduler(entries, tasks={"test.count": lambda: calls.append(1)})
        assert again.tick() == []
        clock.shift(60)
        assert len(again.tick()) == 1
    assert len(calls) == 3


def test_a_failing_job_is_logged_masked_and_never_stops_the_others(caplog):
    ran = []

    def broken():
        raise RuntimeError("customs refused 11010519491231002X")

    entries = (
        ScheduleEntry("broken", "test.broken", 60),
        ScheduleEntry("fine", "test.fine", 60),
    )
    scheduler = Scheduler(
        entries, tasks={"test.broken": broken, "test.fine": lambda: ran.append(1)}
    )
    with caplog.at_level(logging.ERROR, logger="twoway.operations.scheduler"):
        runs = scheduler.tick()
    assert [(r.name, r.outcome) for r in runs] == [("broken", "failed"), ("fine", "ok")]
    assert ran == [1]
    assert "1101**********002X" in runs[0].error
    assert "11010519491231002X" not in caplog.text
    assert "1101**********002X" in caplog.text
    state = ScheduledJobState.objects.get(name="broken")
    assert state.failures == 1
    assert "11010519491231002X" not in state.last_error
    assert "customs refused 1101**********002X" in state.last_error


def test_an_unregistered_task_is_skipped_and_logged_once_at_start(caplog):
    entries = (ScheduleEntry("later", "search.not_written_yet", 5),)
    with caplog.at_level(logging.WARNING, logger="twoway.operations.scheduler"):
        scheduler = Scheduler(entries, tasks={})
        scheduler.tick()
        scheduler.tick()
    assert scheduler.jobs == {}
    assert [e.name for e in scheduler.unregistered] == ["later"]
    assert caplog.text.count("search.not_written_yet") == 1


def test_a_run_still_in_progress_is_skipped_not_doubled():
    started, release, calls = threading.Event(), threading.Event(), []

    def slow():
        calls.append(1)
        started.set()
        release.wait(5)

    scheduler = Scheduler(
        (ScheduleEntry("slow", "test.slow", 1),), tasks={"test.slow": slow}, persist=False
    )
    first = threading.Thread(target=scheduler.tick)
    first.start()
    assert started.wait(5)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=10)
    assert [r.outcome for r in scheduler.tick(later)] == ["skipped"]
    release.set()
    first.join(5)
    assert calls == [1]


def test_worker_once_runs_the_due_jobs(unpaid, settings):
    purchase, product, _buyer, _identity = unpaid
    with time_machine.travel(purchase.reserved_until + dt.timedelta(seconds=1), tick=False):
        out = StringIO()
        call_command("worker", "--once", stdout=out, stderr=StringIO())
    assert "reservations-expire: ok (1)" in out.getvalue()
    assert purchase.orders.get().status == OrderStatus.CANCELLED
    product.refresh_from_db()
    assert product.stock_on_hand == 3


def test_worker_once_exits_1_when_a_job_fails(monkeypatch):
    from twoway.operations.management.commands import worker

    def failing_scheduler():
        def boom():
            raise ValueError("no")

        return Scheduler((ScheduleEntry("boom", "test.boom", 60),), tasks={"test.boom": boom})

    monkeypatch.setattr(worker, "Scheduler", failing_scheduler)
    out = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("worker", "--once", stdout=out)
    assert failed.value.returncode == 1
    assert "boom: failed: ValueError: no" in out.getvalue()


def test_worker_list_prints_every_entry_with_its_interval():
    out = StringIO()
    call_command("worker", "--list", stdout=out)
    text = out.getvalue()
    for entry in SCHEDULE:
        assert entry.name in text
        assert entry.task in text
        assert f"{entry.every_seconds}s" in text


def test_serve_starts_the_scheduler_thread_then_runserver_without_reloader(monkeypatch):
    from twoway.operations.management.commands import serve

    seen = {}

    class FakeScheduler:
        jobs = {"reservations-expire": None}
        unregistered = []

        def run_forever(self, stop, *, poll_seconds):
            seen["scheduler_running"] = True
            stop.wait(5)
            seen["stopped"] = stop.is_set()

    def fake_call_command(name, *args, **kwargs):
        for _ in range(100):
            if seen.get("scheduler_running"):
                break
            threading.Event().wait(0.01)
        seen["command"] = (name, args, kwargs)
        seen["thread"] = [t.name for t in threading.enumerate() if t.name == "twoway-scheduler"]

    monkeypatch.setattr(serve, "Scheduler", FakeScheduler)
    monkeypatch.setattr(serve, "call_command", fake_call_command)
    call_command("serve", "127.0.0.1:8123", stdout=StringIO())
    assert seen["command"] == ("runserver", ("127.0.0.1:8123",), {"use_reloader": False})
    assert seen["thread"] == ["twoway-scheduler"]
    assert seen["scheduler_running"]
    assert seen["stopped"]


def test_celery_beat_runs_the_same_schedule():
    from twoway.config.celery import app

    app.loader.import_default_modules()
    beat = app.conf.beat_schedule
    assert beat == beat_schedule()
    assert set(beat) == {e.name for e in SCHEDULE}
    for entry in SCHEDULE:
        assert beat[entry.name]["task"] == entry.task
        assert beat[entry.name]["schedule"] == entry.every_seconds
    assert beat["reservations-expire"]["schedule"] == 60
    # Every entry whose task exists is registered under that name; the ones still being written
    # elsewhere are listed here and leave this set as they land.
    app.loader.import_default_modules()  # autodiscovery, as the worker does at start-up
    missing = {e.task for e in SCHEDULE} - set(app.tasks)
    assert missing == set()
    assert "checkout.reservations_expire" in app.tasks


def test_celery_beat_leaves_out_entries_whose_task_is_not_installed():
    from types import SimpleNamespace

    from twoway.config.celery import _skip_unregistered_entries

    schedule = {
        "reservations-expire": SimpleNamespace(task="checkout.reservations_expire"),
        "later": SimpleNamespace(task="search.not_written_yet"),
    }
    _skip_unregistered_entries(sender=SimpleNamespace(scheduler=SimpleNamespace(schedule=schedule)))
    assert list(schedule) == ["reservations-expire"]


def test_operators_see_each_jobs_last_and_next_run_in_the_admin(client):
    from twoway.identity.models import User

    Scheduler((ScheduleEntry("count", "test.count", 60),), tasks={"test.count": lambda: 7}).tick()
    operator = User.objects.create(username="op", role="operator", is_staff=True)
    client.force_login(operator)
    page = client.get("/admin/operations/scheduledjobstate/")
    assert page.status_code == 200
    assert "count" in page.content.decode()
    assert "test.count" in page.content.decode()
    consumer = User.objects.create(username="c", role="consumer_cn", is_staff=True)
    client.force_login(consumer)
    assert client.get("/admin/operations/scheduledjobstate/").status_code in (302, 403)
