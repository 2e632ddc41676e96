"""The sandbox customs page: operators see what the simulator was sent and answered, in both
languages, and can run the sweep; nobody else can open it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from twoway.checkout.models import OrderStatus
from twoway.customs.models import CustomsDeclaration
from twoway.customs.tests.test_declaration import paid_order  # noqa: F401 - the fixture
from twoway.identity.models import User

pytestmark = pytest.mark.django_db


def _client(role: str, language: str = "en") -> Client:
    user = User.objects.create(
        username=f"{role}-{language}", role=role, preferred_language=language
    )
    client = Client()
    client.force_login(user)
    return client


def test_operators_see_declarations_and_run_the_sweep(paid_order):  # noqa: F811
    operator = _client("operator")
    empty = operator.get("/sandbox/customs/")
    assert empty.status_code == 200
    assert "No declarations yet." in empty.content.decode()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2), tick=False):
        swept = operator.post("/sandbox/customs/sweep/", follow=True)
    page = swept.content.decode()
    assert "Customs sweep done: 1 orders attempted." in page
    assert paid_order.number in page
    assert "accepted, released" in page
    assert "CEB311 120" in page
    assert CustomsDeclaration.objects.get(order=paid_order).status == "accepted"
    assert paid_order.__class__.objects.get(pk=paid_order.pk).status == OrderStatus.CLEARED
    zh = _client("operator", "zh-hans").get("/sandbox/customs/").content.decode()
    assert "沙箱海关" in zh
    assert "已通过，已放行" in zh


@pytest.mark.parametrize("role", ["consumer_cn", "consumer_us", "seller_staff", "regulator"])
def test_nobody_else_opens_it(role, paid_order):  # noqa: F811
    client = _client(role)
    assert client.get("/sandbox/customs/").status_code == 403
    assert client.post("/sandbox/customs/sweep/").status_code == 403
    assert Client().get("/sandbox/customs/").status_code == 302  # to the login page
    assert not CustomsDeclaration.objects.exists()
