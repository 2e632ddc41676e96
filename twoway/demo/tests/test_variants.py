"""The demo's listings sold in sizes and colours: written through the listing services, one
storefront card each, a photo per colour, once."""

from __future__ import annotations

import pytest

from twoway.businesses.models import Membership
from twoway.businesses.tests.factories import CnBusinessFactory, UsBusinessFactory
from twoway.catalog.models import Product, ProductGroup, ProductImage, StockAdjustment
from twoway.catalog.selectors import one_per_group, product_browse, product_cards
from twoway.demo.variants import demo_variants_seed
from twoway.identity.models import User

pytestmark = pytest.mark.django_db


def _owner(username: str, business) -> None:
    user = User.objects.create(username=username, role="seller_staff")
    Membership.objects.create(user=user, business=business, role="owner")


def test_demo_groups_are_written_through_the_services_once(reference_data):
    _owner("seller@demo.twoway", UsBusinessFactory())
    _owner("seller-cn@demo.twoway", CnBusinessFactory())
    assert demo_variants_seed() == 13
    assert demo_variants_seed() == 0
    assert ProductGroup.objects.count() == 2
    assert ProductImage.objects.count() == 4  # one per colour
    # product_create wrote each variant's initial stock as an adjustment, as in the editor
    assert StockAdjustment.objects.filter(reason="initial stock").count() == 12  # one sold out
    among = product_browse(market="cn_export")
    (card,) = product_cards(products=list(one_per_group(among)), among=among)
    assert (card.name.title_en, card.sizes, card.colours) == (
        "Farmstead Cheddar Cheese Block",
        ["227 g", "454 g", "907 g"],
        ["White", "Orange"],
    )
    # Buyers in China read the colours in Chinese; none of the demo variants is an unconfirmed draft
    assert [v.colour_zh for v in card.options][:4] == ["白色", "白色", "白色", "橙色"]
    assert not Product.objects.filter(zh_is_draft=True).exists()
    assert Product.objects.filter(status="active").count() == 13
    assert card.image is not None
    shirts = product_browse(market="us_import")
    assert shirts.count() == 7
    (shirt,) = product_cards(products=list(one_per_group(shirts)), among=shirts)
    assert (shirt.sizes, shirt.colours) == (["S", "M", "L", "XL"], ["White", "Blue"])


def test_nothing_is_written_without_the_demo_sellers(reference_data):
    assert demo_variants_seed() == 0
    assert not Product.objects.exists()
