"""Demo photos are drawn with Pillow and stored through the product image service."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from twoway.businesses.models import Membership
from twoway.catalog.models import ProductImage
from twoway.catalog.tests.factories import UsExportProductFactory
from twoway.demo.images import demo_images_seed, demo_photo
from twoway.identity.models import User

pytestmark = pytest.mark.django_db


def test_demo_photo_is_a_deterministic_jpeg():
    one = demo_photo(title="Clover honey, 1 lb", hs_code="040900", seed="HONEY-001")
    assert one == demo_photo(title="Clover honey, 1 lb", hs_code="040900", seed="HONEY-001")
    assert Image.open(io.BytesIO(one)).format == "JPEG"


def test_seed_adds_photos_to_the_demo_sellers_listings_once(reference_data):
    User.objects.create(username="operator@demo.twoway", role="operator")
    seller = User.objects.create(username="seller@demo.twoway", role="seller_staff")
    product = UsExportProductFactory()
    Membership.objects.create(user=seller, business=product.business)
    assert demo_images_seed() == 1
    assert demo_images_seed() == 0  # already has one
    image = ProductImage.objects.get()
    assert image.product == product
    assert image.alt_en.endswith("(illustration)")
