"""Operators' admin: changelists with filters, actions, masked identities, bounded counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from twoway.businesses.models import Business, VerificationStatus
from twoway.businesses.tests.factories import CnBusinessFactory, UsBusinessFactory, us_state
from twoway.catalog.models import Product, ProductStatus
from twoway.catalog.tests.factories import CnImportProductFactory, UsExportProductFactory
from twoway.core.admin import LargeTablePaginator
from twoway.identity.models import RealNameIdentity
from twoway.identity.tests.factories import (
    OperatorFactory,
    RealNameIdentityFactory,
    SellerFactory,
    UserFactory,
    resident_id,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def data():
    texas = UsBusinessFactory(
        us_state=us_state("TX"), verification_status=VerificationStatus.PENDING
    )
    iowa = UsBusinessFactory(made_in_usa_attested=True, made_in_usa_statement="All Iowa.")
    UsExportProductFactory(business=iowa)
    UsExportProductFactory(business=texas, status=ProductStatus.DRAFT)
    CnImportProductFactory()
    return {"texas": texas, "iowa": iowa}


CHANGELISTS = [
    ("admin:businesses_business_changelist", ""),
    ("admin:businesses_business_changelist", "?country__exact=US&region=Midwest"),
    (
        "admin:businesses_business_changelist",
        "?verification_status__exact=pending&made_in_usa_attested__exact=1",
    ),
    ("admin:businesses_business_changelist", "?us_state__code__exact=IA&q=Prairie"),
    ("admin:catalog_product_changelist", ""),
    (
        "admin:catalog_product_changelist",
        "?status__exact=active&chapter=04&origin_us_state__code__exact=IA",
    ),
    ("admin:catalog_product_changelist", "?market_cn_export__exact=1&market_us_import__exact=0"),
    ("admin:catalog_product_changelist", "?q=honey"),
    ("admin:catalog_product_changelist", "?q=HONEY-0000"),
    ("admin:catalog_stockadjustment_changelist", ""),
    ("admin:businesses_membership_changelist", ""),
    ("admin:identity_user_changelist", "?role__exact=seller_staff"),
    ("admin:identity_realnameidentity_changelist", "?verified__exact=1"),
    ("admin:identity_apikey_changelist", ""),
]


@pytest.mark.parametrize(("name", "query"), CHANGELISTS)
def test_changelists_open_for_a_superuser(client, superuser, data, name, query):
    client.force_login(superuser)
    response = client.get(reverse(name) + query)
    assert response.status_code == 200


def test_region_filter_narrows_to_the_midwest(client, superuser, data):
    client.force_login(superuser)
    response = client.get(reverse("admin:businesses_business_changelist") + "?region=Midwest")
    names = [b.legal_name for b in response.context["cl"].result_list]
    assert names == [data["iowa"].legal_name]


def test_chapter_filter_and_no_full_count(client, superuser, data):
    client.force_login(superuser)
    response = client.get(reverse("admin:catalog_product_changelist") + "?chapter=94")
    cl = response.context["cl"]
    assert [p.hs_code for p in cl.result_list] == ["940521"]
    assert cl.show_full_result_count is False
    assert isinstance(cl.paginator, LargeTablePaginator)


def test_an_operator_role_user_gets_in_and_a_seller_does_not(client, data):
    client.force_login(OperatorFactory())
    assert client.get(reverse("admin:catalog_product_changelist")).status_code == 200
    client.force_login(SellerFactory(is_staff=True))
    assert client.get(reverse("admin:catalog_product_changelist")).status_code == 403
    client.force_login(SellerFactory())
    assert client.get(reverse("admin:catalog_product_changelist")).status_code == 302


def test_verify_selected_businesses(client, superuser, data):
    client.force_login(superuser)
    pending = Business.objects.filter(verification_status=VerificationStatus.PENDING)
    response = client.post(
        reverse("admin:businesses_business_changelist"),
        {"action": "verify_selected", "_selected_action": [b.pk for b in pending]},
        follow=True,
    )
    assert response.status_code == 200
    data["texas"].refresh_from_db()
    assert data["texas"].verification_status == VerificationStatus.VERIFIED
    assert data["texas"].verified_at is not None


def test_suspend_selected_products(client, superuser, data):
    client.force_login(superuser)
    ids = list(Product.objects.filter(origin_country="US").values_list("pk", flat=True))
    client.post(
        reverse("admin:catalog_product_changelist"),
        {"action": "suspend_selected", "_selected_action": ids},
        follow=True,
    )
    assert set(Product.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        ProductStatus.SUSPENDED
    }
    assert Product.objects.exclude(pk__in=ids).get().status == ProductStatus.ACTIVE


def test_identity_pages_show_only_the_masked_number(client, superuser):
    number = resident_id(seq="002")
    identity = RealNameIdentityFactory(id_number=number)
    row = RealNameIdentity.objects.get(pk=identity.pk)
    client.force_login(superuser)
    pages = [
        client.get(reverse("admin:identity_realnameidentity_changelist")),
        client.get(reverse("admin:identity_realnameidentity_change", args=[identity.pk])),
    ]
    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert "1101**********002X" in html
        assert number not in html
        assert row.id_number_hash not in html
        assert "id_number_encrypted" not in html
        assert "id_number_hash" not in html
    assert client.get(reverse("admin:identity_realnameidentity_add")).status_code == 403


def test_product_change_form_cannot_set_stock(client, superuser, data):
    product = Product.objects.filter(origin_country="US").first()
    client.force_login(superuser)
    html = client.get(reverse("admin:catalog_product_change", args=[product.pk])).content.decode()
    assert 'name="stock_on_hand"' not in html


def test_paginator_counts_at_most_the_cap(data, monkeypatch):
    monkeypatch.setattr(LargeTablePaginator, "COUNT_CAP", 2)
    qs = Product.objects.filter(status__in=["active", "draft"]).order_by("-id")
    assert LargeTablePaginator(qs, 1).count == 3  # cap + 1: "more than the cap"
    monkeypatch.setattr(LargeTablePaginator, "COUNT_CAP", 10)
    assert LargeTablePaginator(qs, 1).count == 3
    assert LargeTablePaginator(Product.objects.order_by("-id"), 2).num_pages == 2


def test_user_admin_shows_role_and_language(client, superuser):
    user = UserFactory(username="wang", preferred_language="zh-hans")
    client.force_login(superuser)
    html = client.get(reverse("admin:identity_user_change", args=[user.pk])).content.decode()
    assert 'name="role"' in html
    assert 'name="preferred_language"' in html


def test_operators_cannot_grant_superuser(client):
    target = UserFactory()
    client.force_login(OperatorFactory())
    html = client.get(reverse("admin:identity_user_change", args=[target.pk])).content.decode()
    assert 'name="is_superuser"' not in html


def test_cn_business_factory_is_valid():
    CnBusinessFactory().full_clean()
