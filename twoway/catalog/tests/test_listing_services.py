"""listing_validate / product_create / product_update rules of the editor, variants and images."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.storage import storages
from PIL import Image

from twoway.businesses.models import Membership
from twoway.businesses.tests.factories import CnBusinessFactory, UsBusinessFactory
from twoway.catalog.models import Product, ProductGroup, ProductImage
from twoway.catalog.services import (
    listing_validate,
    product_create,
    product_image_add,
    product_update,
    product_variant_add,
)
from twoway.catalog.tests.factories import UsExportProductFactory
from twoway.core.errors import DomainError
from twoway.identity.models import User

pytestmark = pytest.mark.django_db


def _staff(business):
    user = User.objects.create(username=f"staff-{business.pk}", role="seller_staff")
    Membership.objects.create(user=user, business=business, role="catalogue")
    return user


FIELDS = {
    "sku": "HONEY-1",
    "title_en": "Clover honey",
    "title_zh": "三叶草蜂蜜",
    "hs_code": "040900",
    "cn_tariff_line": "04090000",
    "origin_country": "US",
    "origin_us_state": "IA",
    "unit_price": Decimal("12.50"),
    "currency": "USD",
    "weight_kg": Decimal("0.5"),
    "market_cn_export": True,
    "status": "active",
}


def _jpeg(size=(64, 48), exif: bytes | None = None, fmt="JPEG") -> bytes:
    out = io.BytesIO()
    img = Image.new("RGB", size, (200, 120, 40))
    kwargs = {"exif": exif} if exif is not None else {}
    img.save(out, fmt, **kwargs)
    return out.getvalue()


def test_an_unconfirmed_chinese_draft_keeps_the_listing_a_draft(reference_data):
    business = UsBusinessFactory()
    user = _staff(business)
    product = product_create(business=business, by=user, **FIELDS, zh_is_draft=True)
    assert product.status == "draft"
    assert product.zh_is_draft
    assert product.notices
    assert "unconfirmed draft" in product.notices[0]
    updated = product_update(product=product, by=user, zh_is_draft=False, status="active")
    assert (updated.status, updated.zh_is_draft) == ("active", False)


def test_made_in_usa_attestation_records_who_and_when_and_needs_us_origin(reference_data):
    business = UsBusinessFactory()
    user = _staff(business)
    product = product_create(business=business, by=user, **FIELDS, made_in_usa_attested=True)
    assert product.made_in_usa_attested_by == user
    assert product.made_in_usa_attested_at
    first_at = product.made_in_usa_attested_at
    product_update(product=product, by=user, title_en="Clover honey, raw")
    product.refresh_from_db()
    assert product.made_in_usa_attested_at == first_at  # not re-attested by an unrelated edit
    cn = CnBusinessFactory()
    with pytest.raises(DomainError) as exc:
        listing_validate(
            business=cn,
            by=_staff(cn),
            fields={
                "sku": "X",
                "title_en": "Lamp",
                "hs_code": "940521",
                "us_hts_line": "9405210010",
                "origin_country": "CN",
                "origin_cn_province": "44",
                "unit_price": "9",
                "currency": "USD",
                "weight_kg": "1",
                "market_us_import": True,
                "manufacturer": "M",
                "made_in_usa_attested": True,
            },
        )
    assert [(p.field, p.rule) for p in exc.value.problems] == [
        ("made_in_usa_attested", "made_in_usa_needs_us_origin")
    ]


def test_listing_validate_names_every_field_and_writes_nothing(reference_data):
    business = UsBusinessFactory()
    with pytest.raises(DomainError) as exc:
        listing_validate(
            business=business,
            by=_staff(business),
            fields={
                **FIELDS,
                "hs_code": "999999",
                "length_cm": Decimal("-1"),
            },
        )
    fields = {p.field for p in exc.value.problems}
    assert {"hs_code", "length_cm"} <= fields
    assert not Product.objects.exists()


def test_variants_are_separate_skus_under_one_group(reference_data):
    business = UsBusinessFactory()
    user = _staff(business)
    base = product_create(business=business, by=user, **FIELDS, variant_size="500 g")
    big = product_variant_add(
        product=base,
        by=user,
        sku="HONEY-2",
        unit_price=Decimal("21.00"),
        stock_on_hand=7,
        variant_size="1 kg",
    )
    base.refresh_from_db()
    group = ProductGroup.objects.get()
    assert base.group == group == big.group
    assert group.title_en == "Clover honey"
    assert (big.sku, big.unit_price, big.stock_on_hand, big.variant_size) == (
        "HONEY-2",
        Decimal("21.00"),
        7,
        "1 kg",
    )
    assert (big.hs_code, big.cn_tariff_line, big.title_zh) == ("040900", "04090000", "三叶草蜂蜜")
    with pytest.raises(DomainError) as exc:
        product_variant_add(product=base, by=user, sku="HONEY-2", unit_price=Decimal("1"))
    assert exc.value.problems[0].rule == "sku_taken"
    other = UsBusinessFactory()
    with pytest.raises(DomainError):
        product_variant_add(product=base, by=_staff(other), sku="X-1", unit_price=Decimal("1"))
    assert Product.objects.count() == 2


def test_image_is_re_encoded_without_exif_with_two_thumbnails(reference_data):
    product = UsExportProductFactory()
    user = _staff(product.business)
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x8825] = {1: "N", 2: (43.0, 4.0, 0.0)}  # GPS
    image = product_image_add(
        product=product,
        by=user,
        data=_jpeg((1200, 900), exif=exif.tobytes()),
        alt_en="A jar",
        alt_zh="一罐",
    )
    storage = storages["default"]
    with storage.open(image.file_full) as fh:
        stored = Image.open(io.BytesIO(fh.read()))
    assert stored.format == "WEBP"
    assert stored.size == (1200, 900)
    assert not stored.getexif()
    assert "exif" not in stored.info
    assert "icc_profile" not in stored.info
    with storage.open(image.file_320) as fh:
        assert Image.open(fh).size == (320, 240)
    with storage.open(image.file_960) as fh:
        assert Image.open(fh).size == (960, 720)
    assert (image.position, image.content_type, image.alt_zh) == (0, "image/webp", "一罐")
    second = product_image_add(product=product, by=user, data=_jpeg(fmt="PNG"))
    assert second.position == 1


@pytest.mark.parametrize(
    ("data", "rule"),
    [
        (b"GIF89a" + b"\x00" * 40, "image_not_an_image"),
        (b"%PDF-1.4 not an image", "image_not_an_image"),
        (b"", "image_empty"),
    ],
)
def test_wrong_types_are_refused_naming_the_rule(reference_data, data, rule):
    product = UsExportProductFactory()
    with pytest.raises(DomainError) as exc:
        product_image_add(product=product, by=_staff(product.business), data=data)
    assert (exc.value.problems[0].field, exc.value.problems[0].rule) == ("image", rule)
    assert not ProductImage.objects.exists()


def test_a_real_gif_is_refused_as_wrong_type(reference_data):
    product = UsExportProductFactory()
    out = io.BytesIO()
    Image.new("P", (8, 8)).save(out, "GIF")
    with pytest.raises(DomainError) as exc:
        product_image_add(product=product, by=_staff(product.business), data=out.getvalue())
    assert exc.value.problems[0].rule == "image_wrong_type"
    assert "GIF" in exc.value.problems[0].message


def test_decompression_bomb_is_refused_from_the_header(reference_data, settings):
    """A tiny PNG that claims 20,000 × 20,000 pixels: refused before decoding."""
    settings.TWOWAY_IMAGE_MAX_PIXELS = 10_000_000
    product = UsExportProductFactory()
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, "PNG")  # compresses to a few tens of kB
    data = out.getvalue()
    assert len(data) < 200_000
    with pytest.raises(DomainError) as exc:
        product_image_add(product=product, by=_staff(product.business), data=data)
    assert exc.value.problems[0].rule == "image_too_many_pixels"
    assert not ProductImage.objects.exists()


def test_too_large_a_file_is_refused(reference_data, settings):
    settings.TWOWAY_IMAGE_MAX_BYTES = 1000
    product = UsExportProductFactory()
    with pytest.raises(DomainError) as exc:
        product_image_add(product=product, by=_staff(product.business), data=_jpeg((400, 400)))
    assert exc.value.problems[0].rule == "image_too_large"


# --- a variant's name is its group's --------------------------------------------------------


def _honey_sizes(user, business):
    base = product_create(business=business, by=user, **FIELDS, variant_size="500 g")
    for sku, size in (("HONEY-2", "1 kg"), ("HONEY-3", "2 kg")):
        product_variant_add(
            product=base, by=user, sku=sku, unit_price=Decimal("20.00"), variant_size=size
        )
    return Product.objects.filter(group__isnull=False).order_by("pk")


def test_renaming_one_variant_renames_the_group_and_every_variant(reference_data):
    business = UsBusinessFactory()
    user = _staff(business)
    variants = list(_honey_sizes(user, business))
    alone = product_create(business=business, by=user, **{**FIELDS, "sku": "JAM-1"})
    saved = product_update(
        product=variants[1], by=user, title_en="Raw clover honey", title_zh="生三叶草蜂蜜"
    )
    assert saved.notices == ["The new name is on the 2 other variants of this product too."]
    group = ProductGroup.objects.get()
    assert (group.title_en, group.title_zh) == ("Raw clover honey", "生三叶草蜂蜜")
    names = set(Product.objects.filter(group=group).values_list("title_en", "title_zh"))
    assert names == {("Raw clover honey", "生三叶草蜂蜜")}
    # sizes, prices and the product without variants are untouched
    assert list(
        Product.objects.filter(group=group).order_by("pk").values_list("variant_size", flat=True)
    ) == [
        "500 g",
        "1 kg",
        "2 kg",
    ]
    alone.refresh_from_db()
    assert alone.title_en == "Clover honey"
    # another change (the price) leaves the names alone and says nothing about them
    again = product_update(product=variants[0], by=user, unit_price=Decimal("13.00"))
    assert again.notices == []


def test_a_name_one_variant_cannot_take_is_refused_and_nothing_is_renamed(reference_data):
    business = UsBusinessFactory()
    user = _staff(business)
    first, second, _third = _honey_sizes(user, business)
    # the first size is now sold in the US only: it needs no Chinese title, the others do
    product_update(product=first, by=user, market_cn_export=False, market_us_domestic=True)
    with pytest.raises(DomainError) as exc:
        product_update(product=first, by=user, title_en="Raw clover honey", title_zh="")
    assert exc.value.problems[0].field == "title_zh"
    assert exc.value.problems[0].rule == "title_zh_required_for_china"
    assert "HONEY-2" in exc.value.message
    assert set(Product.objects.values_list("title_en", flat=True)) == {"Clover honey"}
    assert ProductGroup.objects.get().title_en == "Clover honey"


def test_an_unconfirmed_generated_name_keeps_every_variant_a_draft(reference_data):
    business = UsBusinessFactory()
    user = _staff(business)
    first, second, third = _honey_sizes(user, business)
    saved = product_update(
        product=first, by=user, title_zh="三叶草蜂蜜(生)", zh_is_draft=True, status="active"
    )
    assert saved.status == "draft"
    assert "stay drafts too" in saved.notices[-1]
    for other in (second, third):
        other.refresh_from_db()
        assert (other.title_zh, other.zh_is_draft, other.status) == (
            "三叶草蜂蜜(生)",
            True,
            "draft",
        )
