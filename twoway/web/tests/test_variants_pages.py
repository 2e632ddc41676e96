"""Variant groups on the buyer's pages (issue 13): one card per group on the storefronts and in
search results (its name, options, lowest price and photo), the product page's size and colour
selector (plain links, the add-to-cart form on the chosen SKU), a query budget that does not grow
with the groups on a page, and the API still listing every SKU."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from twoway.alternatives.models import UsMadeCandidate
from twoway.catalog.models import Product, ProductGroup, ProductImage
from twoway.compliance.models import LaborRiskAssessment
from twoway.search import services as search
from twoway.web.checkout.page_data import us_made_picks

from . import factories as f

pytestmark = pytest.mark.django_db

SIZES = (("S", "Navy", "12.00"), ("M", "Navy", "12.00"), ("L", "Navy", "14.00"))
SIZES_COLOURS = (*SIZES, ("S", "Grey", "12.00"), ("M", "Grey", "13.00"))


def _group(business, rows=SIZES_COLOURS, *, title_en="Cheddar block", title_zh="切达奶酪块"):
    """A variant group of export products (cheese: on the CBEC positive list)."""
    group = ProductGroup.objects.create(business=business, title_en=title_en, title_zh=title_zh)
    made = []
    for size, colour, price in rows:
        product = f.cn_export_product(
            business=business, title_en=title_en, title_zh=title_zh, hs_code="040690"
        )
        Product.objects.filter(pk=product.pk).update(
            group=group, variant_size=size, variant_colour=colour, unit_price=Decimal(price)
        )
        product.refresh_from_db()
        made.append(product)
    return made


def _image(product) -> ProductImage:
    stem = f"products/{product.business_id}/{product.pk}/a"
    return ProductImage.objects.create(
        product=product, alt_en="A cheddar block", alt_zh="一块切达奶酪",
        file_full=f"{stem}.webp", file_960=f"{stem}-960.webp", file_320=f"{stem}-320.webp",
        width=960, height=720, bytes_full=1000, content_type="image/webp",
    )  # fmt: skip


def _cards(html: str) -> list[str]:
    return re.findall(r'data-testid="product-card" data-product="(\d+)"', html)


@pytest.fixture
def shop(reference_data):
    cache.clear()
    f.states()
    iowa = f.us_business(state="IA", name="Iowa Orchard LLC", name_zh="艾奥瓦果园")
    jam = f.cn_export_product(business=iowa)
    cheddar = _group(iowa)
    yield {"iowa": iowa, "jam": jam, "cheddar": cheddar}
    cache.clear()


def test_the_storefront_shows_one_card_per_group_with_its_options_price_and_photo(client, shop):
    cheddar = shop["cheddar"]
    photo = _image(cheddar[3])  # the group's only photo is on a later variant
    html = client.get("/cn/?lang=en").content.decode()
    assert _cards(html) == [str(cheddar[0].pk), str(shop["jam"].pk)]
    card = html[html.index(f'data-product="{cheddar[0].pk}"') :]
    card = card[: card.index("</li>")]
    assert "Cheddar block" in card
    assert '<p class="card-options" data-testid="card-options">3 sizes · 2 colours</p>' in card
    assert re.search(r'data-testid="card-price-cny">from ¥[\d,.]+<', card)
    assert "from $12.00 at the seller" in card
    assert photo.url_320 in card
    # The facets count cards: chapter 04 holds one (the group), 20 one (the jam).
    assert '<span class="facet-code">04</span>' in html
    chapters = dict(re.findall(r'facet-code">(\d\d)</span>.*?facet-count">(\d+)<', html))
    assert chapters == {"04": "1", "20": "1"}
    zh = client.get("/cn/?lang=zh-hans").content.decode()
    assert "3 个尺寸 · 2 种颜色" in zh
    assert re.search(r'data-testid="card-price-cny">¥[\d,.]+ 起<', zh)


def test_storefront_query_budget_does_not_grow_with_groups(
    client, shop, django_assert_max_num_queries
):
    client.get("/cn/")  # warm: facet counts cached, reference rows read
    with django_assert_max_num_queries(3) as few:  # the page, its groups' variants, the photos
        client.get("/cn/")
    for n in range(8):
        _group(shop["iowa"], title_en=f"Cheddar {n}")
    cache.clear()
    client.get("/cn/")
    with django_assert_max_num_queries(3) as many:
        html = client.get("/cn/").content.decode()
    assert len(_cards(html)) == 10
    assert len(many.captured_queries) == len(few.captured_queries) == 3


def test_a_group_is_one_card_on_every_page_of_the_storefront(client, shop, monkeypatch):
    from twoway.web import selectors

    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    for n in range(3):
        f.cn_export_product(business=shop["iowa"], title_en=f"Jam {n}")
    first = _cards(client.get("/cn/?lang=en").content.decode())
    second = _cards(client.get("/cn/?lang=en&page=2").content.decode())
    third = _cards(client.get("/cn/?lang=en&page=3").content.decode())
    shown = first + second + third
    assert len(shown) == len(set(shown)) == 5  # 4 jams + 1 group, none twice
    assert str(shop["cheddar"][0].pk) in shown
    assert not {str(p.pk) for p in shop["cheddar"][1:]} & set(shown)


def test_the_product_page_offers_sizes_and_colours_as_links_to_each_sku(client, shop):
    cheddar = shop["cheddar"]
    navy_m = cheddar[1]
    client.force_login(f.user(username="lina", role="consumer_cn"))
    html = client.get(f"/products/{navy_m.pk}/?lang=en").content.decode()
    assert 'data-testid="variant-picker"' in html
    picker = html[
        html.index('data-testid="variant-picker"') : html.index(
            "</nav>", html.index('data-testid="variant-picker"')
        )
    ]
    sizes = re.findall(r'href="/products/(\d+)/"[^>]*data-sku="[^"]+"[^>]*>([^<]+)<', picker)
    assert sizes[:3] == [
        (str(cheddar[0].pk), "S"),
        (str(cheddar[1].pk), "M"),
        (str(cheddar[2].pk), "L"),
    ]
    assert sizes[3:] == [(str(cheddar[1].pk), "Navy"), (str(cheddar[4].pk), "Grey")]
    assert 'hx-boost="true"' in picker  # htmx swaps the page; without JS the links still work
    assert 'data-testid="chosen-size">M<' in html
    assert f'name="product_id" value="{navy_m.pk}"' in html  # add to cart: this SKU
    grey_s = client.get(f"/products/{cheddar[3].pk}/?lang=en").content.decode()
    # No grey L: the L option leads to the navy L and says it changes the colour too.
    assert re.search(
        rf'href="/products/{cheddar[2].pk}/" class="variant-option variant-other"', grey_s
    )
    assert "this option changes it too" in grey_s


def test_the_import_storefront_and_product_page_group_variants_too(client, reference_data):
    cache.clear()
    maker = f.cn_business()
    group = ProductGroup.objects.create(business=maker, title_en="Celadon cup", title_zh="青瓷杯")
    cups = []
    for size, price in (("200 ml", "12.00"), ("350 ml", "15.00")):
        cup = f.us_import_product(business=maker, title_en="Celadon cup")
        Product.objects.filter(pk=cup.pk).update(
            group=group, variant_size=size, unit_price=Decimal(price)
        )
        LaborRiskAssessment.objects.create(product=cup, level="none", assessed_at=timezone.now())
        cups.append(cup)
    html = client.get("/us/imports/?lang=en").content.decode()
    assert _cards(html) == [str(cups[0].pk)]
    assert 'data-testid="card-price">from $12.00<' in html
    assert "2 sizes" in html
    page = client.get(f"/us/products/{cups[1].pk}/?lang=en").content.decode()
    assert f'href="/us/products/{cups[0].pk}/"' in page
    assert f'name="product_id" value="{cups[1].pk}"' in page


def test_us_made_picks_show_a_group_once_from_its_lowest_price(reference_data):
    f.states()
    business = f.us_business(state="IA")
    group = ProductGroup.objects.create(business=business, title_en="Oxford shirt")
    now = timezone.now()
    rows = []
    for i, (price, grouped) in enumerate((("40.00", True), ("44.00", True), ("30.00", False))):
        product = f.cn_export_product(business=business, title_en=f"Shirt {i}", hs_code="620520")
        if grouped:
            Product.objects.filter(pk=product.pk).update(group=group)
        rows.append(
            UsMadeCandidate(
                product=product,
                business=business,
                seller_name="Prairie Shirts",
                hs_code="620520",
                hs_heading="6205",
                hs_chapter="62",
                title_en=f"Shirt {i}",
                price_usd=Decimal(price),
                state_code="IA",
                state_name="Iowa",
                refreshed_at=now,
            )  # fmt: skip
        )
    UsMadeCandidate.objects.bulk_create(rows)
    picks = us_made_picks(chapter="62")
    assert [(p.title_en, p.price_usd, p.price_varies) for p in picks] == [
        ("Shirt 2", Decimal("30.00"), False),
        ("Shirt 1", Decimal("40.00"), True),  # the newest variant, from the group's lowest
    ]


@pytest.fixture
def indexed(shop):
    more = [
        f.cn_export_product(business=shop["iowa"], title_en=f"Cheddar wedge {n}", hs_code="040690")
        for n in range(3)
    ]
    photo = _image(shop["cheddar"][0])
    search.index_rebuild()
    return {**shop, "wedges": more, "photo": photo}


def _results(html: str) -> list[str]:
    return re.findall(r'data-testid="result" data-product="(\d+)"', html)


def test_search_results_show_a_group_once_with_its_thumbnail(client, indexed):
    cheddar = indexed["cheddar"]
    html = client.get("/cn/search/", {"q": "cheddar", "lang": "en"}).content.decode()
    found = _results(html)
    assert len(found) == 4  # the group once, the three wedges
    assert sum(1 for pid in found if int(pid) in {p.pk for p in cheddar}) == 1
    assert indexed["photo"].url_320 in html
    assert 'data-testid="result-image"' in html
    assert "3 sizes · 2 colours" in html
    assert "4 results for “cheddar”" in html
    # The API lists every SKU (sellers' and partners' integrations work in SKUs).
    body = client.get("/api/v1/search/products", {"q": "cheddar", "market": "cn_export"}).json()
    assert len(body["hits"]) == body["total"] == 8


def test_search_pages_never_repeat_a_group(indexed):
    from twoway.search.backends.base import Filters
    from twoway.search.selectors import search_page

    def page(n: int, **kw):
        return search_page(
            query="cheddar", market="cn_export", filters=Filters(), sort="price_asc", page=n,
            page_size=2, group_variants=True, **kw,
        )  # fmt: skip

    pages = [page(n) for n in (1, 2, 3)]
    shown = [c.product.pk for p in pages for c in p.cards]
    assert len(shown) == len(set(shown)) == 4
    assert [p.has_next for p in pages] == [True, False, False]
    assert pages[0].total == 4  # 8 documents, the group's five counted once
    assert [c.product.pk for c in page(1, **{}).cards] == shown[:2]
    every_sku = search_page(
        query="cheddar", market="cn_export", filters=Filters(), sort="price_asc", page=1,
        page_size=24,
    )  # fmt: skip
    assert len(every_sku.cards) == every_sku.total == 8


def test_search_page_query_budget_does_not_grow_with_groups(
    client, indexed, django_assert_max_num_queries
):
    params = {"q": "cheddar", "lang": "en", "ref": "1"}
    client.get("/cn/search/", params)  # warm: reference rows read once per process
    with django_assert_max_num_queries(30) as few:
        assert len(_results(client.get("/cn/search/", params).content.decode())) == 4
    for n in range(6):
        _group(indexed["iowa"], title_en=f"Cheddar loaf {n}")
    search.index_rebuild()
    client.get("/cn/search/", params)
    with django_assert_max_num_queries(30) as many:
        assert len(_results(client.get("/cn/search/", params).content.decode())) == 10
    assert len(many.captured_queries) == len(few.captured_queries)


def test_import_alternatives_list_a_us_made_group_once(shop, monkeypatch):
    from types import SimpleNamespace

    from twoway.alternatives import selectors as alternatives
    from twoway.web.checkout import page_data

    shirts = _group(shop["iowa"], rows=SIZES)  # three variants of one US-made group
    alone = f.cn_export_product(business=shop["iowa"], title_en="Oxford shirt")
    ranked = [SimpleNamespace(product_id=p.pk) for p in (shirts[1], shirts[0], alone, shirts[2])]
    asked = []

    def fake(*, product, buyer_state, k):
        asked.append(k)
        return ranked[:k]

    monkeypatch.setattr(alternatives, "alternatives_for", fake)
    found = page_data.alternatives(shop["jam"], None, k=3)
    assert [a.product_id for a in found] == [shirts[1].pk, alone.pk]
    assert page_data.alternatives(shop["jam"], None, k=1) == ranked[:1]  # the best alone
    assert asked == [6, 1]
