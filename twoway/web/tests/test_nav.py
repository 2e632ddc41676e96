"""The header links each role gets: cart and orders for consumers in the US (the import pages),
the compliance queue for regulators and operators; each link opens its page."""

from __future__ import annotations

import pytest
from django.test import Client

from twoway.identity.models import Role

from . import factories as f
from .test_pages import links_of

pytestmark = pytest.mark.django_db

US_LINKS = ["/us/cart/", "/us/purchases/"]
CN_LINKS = ["/cn/cart/", "/cn/purchases/"]


def _signed_in(role: str) -> Client:
    client = Client()
    client.force_login(f.user(username=f"u-{role}", role=role))
    return client


def _header_links(client: Client, url: str = "/") -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    return links_of(response.content.decode())


def test_a_us_consumer_gets_cart_and_orders_of_the_import_pages():
    client = _signed_in(Role.CONSUMER_US)

    links = _header_links(client)
    page = client.get("/").content.decode()

    assert set(US_LINKS) <= set(links)
    assert not set(CN_LINKS) & set(links)
    assert "/compliance/" not in links
    assert '<a class="login-link" href="/us/cart/">Cart</a>' in page
    assert '<a class="login-link" href="/us/purchases/">My orders</a>' in page
    for url in US_LINKS:
        assert client.get(url).status_code == 200, url


def test_a_consumer_in_china_keeps_the_export_cart_only():
    links = _header_links(_signed_in(Role.CONSUMER_CN))

    assert set(CN_LINKS) <= set(links)
    assert not set(US_LINKS) & set(links)
    assert "/compliance/" not in links


@pytest.mark.parametrize("role", [Role.REGULATOR, Role.OPERATOR])
def test_regulators_and_operators_get_the_compliance_queue(role):
    client = _signed_in(role)

    links = _header_links(client)
    chinese = client.get("/?lang=zh-hans").content.decode()

    assert "/compliance/" in links
    assert not set(US_LINKS) & set(links)
    assert '<a class="login-link" href="/compliance/">合规审核队列</a>' in chinese
    assert client.get("/compliance/").status_code == 200
