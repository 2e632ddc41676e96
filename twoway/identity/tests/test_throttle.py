"""Issue 9: sign-in is throttled per account and per address (django-axes), and so are wrong API
keys; the person is told why, in their language."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from twoway.identity.services import api_key_issue, user_create

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough passphrase"


@pytest.fixture(autouse=True)
def axes_on(settings):
    settings.AXES_ENABLED = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def mia():
    return user_create(
        username="mia", email="mia@example.com", password=PASSWORD, role="consumer_us"
    )


def login(client, username, password, **extra):
    return client.post("/login/", {"username": username, "password": password}, **extra)


def test_sixty_wrong_passwords_then_the_right_one_is_refused(mia):
    client = Client()
    for _ in range(60):
        login(client, "mia", "wrong-guess")
    response = login(client, "mia", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "Too many failed sign-in attempts" in response.content.decode()


def test_the_account_is_throttled_from_another_address_too(mia):
    for i in range(10):
        login(Client(), "mia", "wrong", REMOTE_ADDR=f"10.0.0.{i}")
    response = login(Client(), "mia", PASSWORD, REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 429


def test_one_address_guessing_many_accounts_is_throttled(mia):
    client = Client(REMOTE_ADDR="10.1.1.1")
    for i in range(10):
        login(client, f"someone{i}", "wrong")
    assert login(client, "mia", PASSWORD).status_code == 429
    assert login(Client(REMOTE_ADDR="10.2.2.2"), "mia", PASSWORD).status_code == 302


def test_a_few_mistakes_then_the_right_password_signs_in_and_resets(mia):
    client = Client()
    for _ in range(3):
        assert login(client, "mia", "wrong").status_code == 200
    assert login(client, "mia", PASSWORD).status_code == 302


def test_the_lockout_message_is_in_chinese_for_a_chinese_reader(mia):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    for _ in range(10):
        login(client, "mia", "wrong", HTTP_ACCEPT_LANGUAGE="zh-hans")
    response = login(client, "mia", PASSWORD, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


def test_wrong_api_keys_are_throttled_even_for_a_right_key_after(mia, settings):
    settings.TWOWAY_API_KEY_FAILURE_LIMIT = 5
    _key, secret = api_key_issue(user=mia)
    client = Client(REMOTE_ADDR="10.3.3.3")
    for i in range(5):
        response = client.get("/api/v1/me", headers={"Authorization": f"Bearer tw_abc_{i}"})
        assert response.status_code == 401
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 429
    assert response.json()["message"].startswith("Too many requests with a wrong API key")
    other = Client(REMOTE_ADDR="10.4.4.4")
    assert other.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
