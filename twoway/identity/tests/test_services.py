from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from twoway.businesses.models import Membership
from twoway.businesses.tests.factories import CnBusinessFactory, UsBusinessFactory
from twoway.core.errors import DomainError, PermissionDenied
from twoway.identity import services
from twoway.identity.auth import hash_secret, user_for_key
from twoway.identity.models import ApiKey, Role, User
from twoway.identity.permissions import is_staff_of, require_role, role_required
from twoway.identity.tests.factories import (
    OperatorFactory,
    RegulatorFactory,
    SellerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def rules_of(exc: DomainError) -> set[tuple[str, str]]:
    return {(p.field, p.rule) for p in exc.problems}


def test_user_create_hashes_the_password_and_keeps_role_and_language():
    user = services.user_create(
        username="meili",
        email="Meili@Example.COM",
        password="quiet-river-2024",
        role=Role.CONSUMER_CN,
        preferred_language="zh-hans",
    )
    user.refresh_from_db()
    assert (user.username, user.email, user.role, user.preferred_language) == (
        "meili",
        "Meili@example.com",
        "consumer_cn",
        "zh-hans",
    )
    assert user.check_password("quiet-river-2024")
    assert user.password != "quiet-river-2024"
    assert user.is_staff is False


def test_operators_get_into_the_admin():
    user = services.user_create(
        username="ops", email="ops@example.com", password="quiet-river-2024", role=Role.OPERATOR
    )
    assert user.is_staff is True
    assert user.is_operator is True


def test_user_create_names_every_bad_field_and_saves_nothing():
    UserFactory(username="taken")
    with pytest.raises(DomainError) as caught:
        services.user_create(
            username="taken",
            email="not-an-email",
            password="123",
            role="king",
            preferred_language="fr",
        )
    rules = rules_of(caught.value)
    assert {
        ("role", "invalid_choice"),
        ("preferred_language", "language_unsupported"),
        ("password", "password_too_short"),
        ("password", "password_too_common"),
        ("password", "password_entirely_numeric"),  # NumericPasswordValidator (issue 9)
        ("username", "unique"),
        ("email", "invalid"),
    } == rules
    assert User.objects.count() == 1


def test_language_is_kept_and_checked():
    user = UserFactory()
    services.user_language_set(user=user, language="zh-Hans")
    user.refresh_from_db()
    assert user.preferred_language == "zh-hans"
    with pytest.raises(DomainError) as caught:
        services.user_language_set(user=user, language="de")
    assert rules_of(caught.value) == {("language", "language_unsupported")}
    user.refresh_from_db()
    assert user.preferred_language == "zh-hans"


def test_api_key_is_shown_once_and_only_its_hash_is_stored():
    user = SellerFactory()
    key, plaintext = services.api_key_issue(user=user)
    prefix, secret = plaintext.split("_", 2)[1:]
    assert plaintext.startswith(f"tw_{key.prefix}_")
    assert prefix == key.prefix
    stored = ApiKey.objects.values().get(pk=key.pk)
    assert secret not in str(stored)
    assert stored["secret_hash"] == hash_secret(secret)
    assert user_for_key(plaintext) == user
    assert ApiKey.objects.get(pk=key.pk).last_used_at is not None


def test_wrong_revoked_or_inactive_keys_authenticate_nobody():
    user = SellerFactory()
    key, plaintext = services.api_key_issue(user=user)
    assert user_for_key(plaintext[:-1] + ("a" if plaintext[-1] != "a" else "b")) is None
    assert user_for_key("tw_nope_secret") is None
    assert user_for_key("garbage") is None
    with pytest.raises(PermissionDenied):
        services.api_key_revoke(api_key=key, by=SellerFactory())
    services.api_key_revoke(api_key=key, by=user)
    assert user_for_key(plaintext) is None
    _, other = services.api_key_issue(user=user)
    user.is_active = False
    user.save()
    assert user_for_key(other) is None


def test_require_role():
    seller, operator, superuser = SellerFactory(), OperatorFactory(), UserFactory(is_superuser=True)
    assert require_role(seller, Role.SELLER_STAFF) is seller
    assert require_role(operator, Role.SELLER_STAFF, Role.OPERATOR) is operator
    assert require_role(superuser, Role.OPERATOR) is superuser
    with pytest.raises(PermissionDenied) as caught:
        require_role(RegulatorFactory(), Role.SELLER_STAFF, Role.OPERATOR)
    assert caught.value.status == 403
    assert "Seller staff, Operator" in caught.value.message


def test_is_staff_of():
    mine, theirs = UsBusinessFactory(), CnBusinessFactory()
    seller = SellerFactory()
    Membership.objects.create(user=seller, business=mine)
    assert is_staff_of(seller, mine) is True
    assert is_staff_of(seller, theirs) is False
    assert is_staff_of(OperatorFactory(), mine) is False
    seller.is_active = False
    assert is_staff_of(seller, mine) is False


def test_role_required_decorator():
    @role_required(Role.SELLER_STAFF)
    def seller_center(request):
        return HttpResponse("ok")

    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/seller/")
    request.user = AnonymousUser()
    response = seller_center(request)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/seller/")

    request.user = RegulatorFactory()
    with pytest.raises(DjangoPermissionDenied):
        seller_center(request)

    request.user = SellerFactory()
    assert seller_center(request).content == b"ok"
