"""Invitations and roles (issue 13, item 8)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.test import Client

from twoway.businesses import services
from twoway.businesses.models import Invitation, Membership
from twoway.businesses.rules.roles import PERMISSIONS, ROLES, role_allows
from twoway.core.errors import DomainError
from twoway.identity.models import User


def test_the_role_rule():
    assert all(role_allows("owner", p) for p in PERMISSIONS)
    table = {r: sorted(p for p in PERMISSIONS if role_allows(r, p)) for r in ROLES}
    assert table == {
        "owner": sorted(PERMISSIONS),
        "catalogue": ["catalogue"],
        "fulfilment": ["fulfilment"],
        "finance": ["finance"],
    }
    with pytest.raises(ValueError, match="nonsense"):
        role_allows("owner", "nonsense")


def test_invite_accept_once_by_that_address_only(shop):
    owner = shop["owner_a"]
    client = Client()
    client.force_login(owner)
    response = client.post(
        "/seller/staff/invite/", {"email": "Pat@Example.com", "role": "fulfilment"}
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["pat@example.com"]
    link = client.get("/seller/staff/").context["invite_link"]
    path = link.split("testserver")[1]
    assert path in mail.outbox[0].body
    invitation = Invitation.objects.get()
    assert invitation.token_hash not in link  # only a hash of the random part is stored

    stranger = User.objects.create(username="eve", email="eve@example.com", role="consumer_us")
    eve = Client()
    eve.force_login(stranger)
    assert eve.post(path).status_code == 403
    assert not Membership.objects.filter(user=stranger).exists()

    anonymous = Client().get(path)
    assert anonymous.status_code == 200
    assert b"/login/?next=" in anonymous.content

    pat = User.objects.create(username="pat", email="pat@example.com", role="consumer_us")
    pat_client = Client()
    pat_client.force_login(pat)
    assert pat_client.post(path).status_code == 302
    membership = Membership.objects.get(user=pat)
    assert (membership.business, membership.role) == (shop["a"], "fulfilment")
    pat.refresh_from_db()
    assert pat.role == "seller_staff"
    assert pat_client.get("/seller/orders/").status_code == 200
    assert pat_client.get("/seller/integrations/").status_code == 403
    again = pat_client.post(path)
    assert again.status_code == 410


def test_an_invitation_expires_and_a_forged_token_is_refused(shop):
    start = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        _inv, token = services.invitation_create(
            business=shop["a"], email="kim@example.com", role="catalogue", by=shop["owner_a"]
        )
        kim = User.objects.create(username="kim", email="kim@example.com", role="seller_staff")
        clock.shift(dt.timedelta(days=7, seconds=1))
        with pytest.raises(DomainError) as caught:
            services.invitation_accept(token=token, user=kim)
        assert caught.value.problems[0].rule == "expired"
    with pytest.raises(DomainError) as caught:
        services.invitation_from_token(token[:-2] + "xx")
    assert caught.value.problems[0].rule == "invalid"
    assert not Membership.objects.filter(user__username="kim").exists()


def test_only_owners_manage_staff_and_the_last_owner_stays(shop):
    fulfilment = shop["a"].memberships.get(role="fulfilment")
    with pytest.raises(DomainError):
        services.invitation_create(
            business=shop["a"], email="x@example.com", role="owner", by=shop["fulfilment_a"]
        )
    with pytest.raises(DomainError):
        services.membership_role_set(membership=fulfilment, role="owner", by=shop["catalogue_a"])
    owner = shop["a"].memberships.get(role="owner")
    with pytest.raises(DomainError) as caught:
        services.membership_role_set(membership=owner, role="finance", by=shop["owner_a"])
    assert caught.value.problems[0].rule == "last_owner"
    with pytest.raises(DomainError) as caught:
        services.membership_remove(membership=owner, by=shop["owner_a"])
    assert caught.value.problems[0].rule == "last_owner"
    services.membership_role_set(membership=fulfilment, role="catalogue", by=shop["owner_a"])
    fulfilment.refresh_from_db()
    assert fulfilment.role == "catalogue"
    services.membership_remove(membership=fulfilment, by=shop["owner_a"])
    assert not Membership.objects.filter(pk=fulfilment.pk).exists()
    # owner B cannot change A's people
    finance = shop["a"].memberships.get(role="finance")
    with pytest.raises(DomainError):
        services.membership_role_set(membership=finance, role="owner", by=shop["owner_b"])


def test_the_staff_page_in_chinese(shop):
    owner = shop["owner_a"]
    owner.preferred_language = "zh-hans"
    owner.save()
    client = Client()
    client.force_login(owner)
    page = client.get("/seller/staff/").content.decode()
    assert "员工与角色" in page
    assert "邀请成员" in page
    page = client.get("/seller/integrations/").content.decode()
    assert "Webhook 端点" in page
    assert "读取订单" in page
