"""Catalogue reads of variant groups (issue 13): one storefront card per group, its options and
photo in a fixed number of queries, and the product page's size and colour selector."""

from __future__ import annotations

from decimal import Decimal

import pytest

from twoway.businesses.tests.factories import UsBusinessFactory
from twoway.catalog.models import Product, ProductGroup, ProductImage, ProductStatus
from twoway.catalog.selectors import (
    group_ids_of,
    images_for_display,
    one_per_group,
    product_browse,
    product_cards,
    variant_choice,
    variants_of,
)
from twoway.catalog.tests.factories import UsExportProductFactory

pytestmark = pytest.mark.django_db

SOCKS = (  # size, colour, price, stock
    ("S", "Navy", "12.00", 5),
    ("M", "Navy", "12.00", 0),
    ("L", "Navy", "14.00", 3),
    ("S", "Grey", "12.00", 4),
    ("M", "Grey", "12.00", 6),
)


def _group(business=None, *, rows=SOCKS, title_en="Wool socks", title_zh="羊毛袜", sku="SOCK"):
    business = business or UsBusinessFactory()
    group = ProductGroup.objects.create(business=business, title_en=title_en, title_zh=title_zh)
    return [
        UsExportProductFactory(
            business=business,
            group=group,
            sku=f"{sku}-{i}",
            title_en=f"{title_en} (listing {i})",
            title_zh=title_zh,
            variant_size=size,
            variant_colour=colour,
            unit_price=Decimal(price),
            stock_on_hand=stock,
        )
        for i, (size, colour, price, stock) in enumerate(rows, start=1)
    ]


def _image(product, position=0) -> ProductImage:
    stem = f"products/{product.business_id}/{product.pk}/{position}"
    return ProductImage.objects.create(
        product=product,
        position=position,
        alt_en=f"photo {product.sku}",
        file_full=f"{stem}.webp",
        file_960=f"{stem}-960.webp",
        file_320=f"{stem}-320.webp",
        width=960,
        height=720,
        bytes_full=1000,
        content_type="image/webp",
    )


def test_one_per_group_keeps_products_alone_and_the_first_variant_of_each_group():
    socks = _group()
    honey = UsExportProductFactory(business=socks[0].business)
    shown = list(one_per_group(product_browse(market="cn_export")))
    assert shown == [honey, socks[0]]  # newest first; the group where its first variant is


def test_the_callers_filters_decide_which_variant_stands_for_the_group():
    socks = _group()
    Product.objects.filter(pk=socks[0].pk).update(status=ProductStatus.DRAFT)
    Product.objects.filter(pk=socks[1].pk).update(market_cn_export=False)
    shown = list(one_per_group(product_browse(market="cn_export")))
    assert shown == [socks[2]]
    assert list(one_per_group(product_browse(market="us_import"))) == []


def test_cards_carry_the_groups_name_options_lowest_price_and_first_photo(
    django_assert_num_queries,
):
    socks = _group()
    honey = UsExportProductFactory(business=socks[0].business, unit_price=Decimal("9.90"))
    photo = _image(socks[3])  # the first variant has no photo: the group's first one is used
    honey_photo = _image(honey)
    among = product_browse(market="cn_export")
    rows = list(one_per_group(among))
    with django_assert_num_queries(2):  # the groups' variants, the photos
        cards = product_cards(products=rows, among=among)
    single, group = cards
    assert (single.product, single.is_group, single.image, single.lowest_price) == (
        honey,
        False,
        honey_photo,
        Decimal("9.90"),
    )
    assert single.options == (honey,)
    assert not single.price_varies
    assert group.product == socks[0]
    assert group.is_group
    assert [v.sku for v in group.variants] == ["SOCK-1", "SOCK-2", "SOCK-3", "SOCK-4", "SOCK-5"]
    assert (group.name.title_en, group.name.title_zh) == ("Wool socks", "羊毛袜")
    assert group.sizes == ["S", "M", "L"]
    assert group.colours == ["Navy", "Grey"]
    assert (group.lowest_price, group.price_varies, group.in_stock) == (
        Decimal("12.00"),
        True,
        True,
    )
    assert group.image == photo


def test_card_queries_do_not_grow_with_the_groups_on_the_page(django_assert_num_queries):
    business = UsBusinessFactory()
    for n in range(6):
        _group(business, sku=f"G{n}")
    UsExportProductFactory(business=business)
    among = product_browse(market="cn_export")
    rows = list(one_per_group(among))
    assert len(rows) == 7  # six groups of five, and a product alone
    with django_assert_num_queries(2):
        cards = product_cards(products=rows, among=among)
    assert sum(len(c.variants) for c in cards) == 30
    alone = [UsExportProductFactory(business=business) for _ in range(3)]
    with django_assert_num_queries(1):  # no group on the page: the photos only
        assert [c.variants for c in product_cards(products=alone)] == [(), (), ()]


def test_a_group_with_one_variant_on_sale_is_an_ordinary_card():
    socks = _group(rows=SOCKS[:2])
    Product.objects.filter(pk=socks[1].pk).update(status=ProductStatus.SUSPENDED)
    among = product_browse(market="cn_export")
    (card,) = product_cards(products=list(one_per_group(among)), among=among)
    assert not card.is_group
    assert card.name.title_en == "Wool socks (listing 1)"  # the product's own title


def test_variant_choice_offers_sizes_and_colours_keeping_the_other_choice():
    socks = _group()
    navy_m = socks[1]
    choice = variant_choice(product=navy_m, variants=variants_of(product=navy_m))
    assert choice.shown
    sizes = {o.label: (o.product.sku, o.current, o.exact) for o in choice.sizes}
    colours = {o.label: (o.product.sku, o.current, o.exact) for o in choice.colours}
    assert sizes == {
        "S": ("SOCK-1", False, True),
        "M": ("SOCK-2", True, True),
        "L": ("SOCK-3", False, True),
    }
    assert colours == {"Navy": ("SOCK-2", True, True), "Grey": ("SOCK-5", False, True)}
    grey_s = socks[3]
    choice = variant_choice(product=grey_s, variants=variants_of(product=grey_s))
    # No grey L: choosing L leads to the navy L (the colour changes too).
    assert [(o.label, o.product.sku, o.exact) for o in choice.sizes] == [
        ("S", "SOCK-4", True),
        ("M", "SOCK-5", True),
        ("L", "SOCK-3", False),
    ]


def test_variant_choice_falls_back_to_one_row_when_labels_do_not_tell_variants_apart():
    jars = _group(rows=(("", "", "8.00", 1), ("1 kg", "", "15.00", 1)), sku="JAR")
    choice = variant_choice(product=jars[0], variants=variants_of(product=jars[0]))
    assert (choice.sizes, choice.colours) == ([], [])
    assert [(o.label, o.current) for o in choice.others] == [("JAR-1", True), ("1 kg", False)]
    alone = UsExportProductFactory()
    assert not variant_choice(product=alone, variants=variants_of(product=alone)).shown


def test_variants_of_keeps_the_market_and_a_draft_preview_still_sees_itself():
    socks = _group(rows=SOCKS[:3])
    Product.objects.filter(pk=socks[2].pk).update(market_cn_export=False)
    assert variants_of(product=socks[0], market="cn_export") == socks[:2]
    assert variants_of(product=socks[0]) == socks
    Product.objects.filter(pk=socks[0].pk).update(status=ProductStatus.DRAFT)
    draft = Product.objects.get(pk=socks[0].pk)
    choice = variant_choice(product=draft, variants=variants_of(product=draft))
    assert [v.pk for v in choice.variants] == [s.pk for s in socks]
    assert [o.current for o in choice.sizes] == [True, False, False]


def test_a_variant_without_photos_shows_those_of_its_colour_first():
    socks = _group()
    navy, grey = _image(socks[0]), _image(socks[3])
    grey_m = Product.objects.get(pk=socks[4].pk)
    assert images_for_display(product=grey_m) == [grey, navy]
    assert images_for_display(product=socks[0]) == [navy]  # its own
    assert group_ids_of(product_ids=[s.pk for s in socks[:2]]) == {
        socks[0].pk: socks[0].group_id,
        socks[1].pk: socks[0].group_id,
    }
