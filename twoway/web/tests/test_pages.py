"""The server-rendered pages, as a visitor, a Chinese consumer and a seller use them."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from twoway.catalog.models import ProductStatus
from twoway.identity.models import Role, User
from twoway.reference.models import ReferenceDataset
from twoway.web.selectors import PAGE_SIZE

from . import factories as f

pytestmark = pytest.mark.django_db

LOGIN_URL = "/login/"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith("/"):
                self.hrefs.append(href)


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


@pytest.fixture
def catalogue():
    f.states()
    iowa = f.us_business(state="IA", name="Iowa Orchard LLC", name_zh="艾奥瓦果园")
    wisconsin = f.us_business(state="WI", name="Badger Dairy Co")
    california = f.us_business(state="CA", name="Golden Coast Goods")
    jam = f.cn_export_product(business=iowa)  # chapter 20
    cheese = f.cn_export_product(
        business=wisconsin, title_en="Aged cheddar", title_zh="陈年切达奶酪", hs_code="040690"
    )
    almonds = f.cn_export_product(
        business=california, title_en="Roasted almonds", title_zh="烤杏仁", hs_code="080212"
    )
    draft = f.cn_export_product(
        business=iowa, title_en="Secret draft pie", title_zh="草稿馅饼", status=ProductStatus.DRAFT
    )
    hangzhou = f.cn_business()
    cup = f.us_import_product(business=hangzhou)
    return {
        "iowa": iowa,
        "wisconsin": wisconsin,
        "jam": jam,
        "cheese": cheese,
        "almonds": almonds,
        "draft": draft,
        "cup": cup,
        "hangzhou": hangzhou,
    }


def test_every_link_from_home_works_two_levels_deep(client, catalogue):
    seen: dict[str, int] = {}
    frontier = ["/"]
    for _depth in range(3):
        next_frontier = []
        for url in frontier:
            if url in seen:
                continue
            response = client.get(url)
            seen[url] = response.status_code
            if response.status_code == 302:
                assert response.url.startswith(LOGIN_URL), url
                continue
            assert response.status_code == 200, url
            if "text/html" in response["Content-Type"]:
                next_frontier += [u for u in links_of(response.content.decode()) if u not in seen]
        frontier = next_frontier
    for path in ["/", "/cn/", "/us/imports/", "/dashboard/", "/sources/", "/login/?next=/"]:
        assert seen[path] == 200
    assert seen["/seller/"] == 302
    assert f"/products/{catalogue['jam'].id}/" in seen
    assert f"/products/{catalogue['draft'].id}/" not in seen
    assert all(code in (200, 302) for code in seen.values())


def test_nav_is_english_by_default_and_chinese_with_lang_param(client):
    english = client.get("/").content.decode()
    assert "China storefront" in english
    assert 'lang="en"' in english
    chinese = client.get("/?lang=zh-hans").content.decode()
    for text in ["中国商城", "卖家中心", "美国进口商城", "贸易看板", "首页"]:
        assert text in chinese
    assert 'html lang="zh-Hans"' in chinese
    assert "China storefront" not in chinese


def test_language_switch_sets_cookie_and_returns_to_the_page(client):
    response = client.post("/language/", {"language": "zh-hans", "next": "/dashboard/"})
    assert response.status_code == 302
    assert response.url == "/dashboard/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    assert "中国商城" in client.get("/").content.decode()
    client.post("/language/", {"language": "en", "next": "/"})
    assert "China storefront" in client.get("/").content.decode()


def test_language_switch_rejects_get_and_unknown_language(client):
    assert client.get("/language/").status_code == 405
    assert client.post("/language/", {"language": "fr", "next": "/"}).status_code == 400
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies


def test_language_choice_is_kept_on_the_user_and_restored_at_next_login():
    account = f.user(username="mia")
    first = Client()
    assert first.login(username="mia", password="pw-Twoway-2025")
    first.post("/language/", {"language": "zh-hans", "next": "/"})
    account.refresh_from_db()
    assert account.preferred_language == "zh-hans"
    first.post("/logout/")

    # Another browser, no cookie: the choice comes back with the login.
    second = Client()
    assert "China storefront" in second.get("/").content.decode()
    response = second.post(LOGIN_URL, {"username": "mia", "password": "pw-Twoway-2025"})
    assert response.status_code == 302
    assert "中国商城" in second.get("/").content.decode()


def test_anonymous_language_switch_writes_nothing_on_users():
    f.user(username="bystander")
    Client().post("/language/", {"language": "zh-hans", "next": "/"})
    assert User.objects.get(username="bystander").preferred_language == ""


def test_chinese_consumer_sees_chinese_without_choosing(client):
    f.user(username="li", role=Role.CONSUMER_CN)
    client.login(username="li", password="pw-Twoway-2025")
    assert "中国商城" in client.get("/").content.decode()


def test_china_storefront_is_chinese_first_until_a_language_is_chosen(client, catalogue):
    page = client.get("/cn/").content.decode()
    assert "野生蓝莓果酱" in page
    assert "艾奥瓦州" in page  # origin state in Chinese
    assert "艾奥瓦果园" in page  # seller's Chinese name
    assert "Wild blueberry jam" in page  # the other-language title, small
    client.post("/language/", {"language": "en", "next": "/cn/"})
    english = client.get("/cn/").content.decode()
    assert "China storefront" in english
    assert "Iowa Orchard LLC" in english
    # Other pages are not forced into Chinese.
    assert "China storefront" in Client().get("/").content.decode()


def test_china_storefront_lists_only_active_products_for_china(client, catalogue):
    page = client.get("/cn/?lang=en").content.decode()
    for product in ("jam", "cheese", "almonds"):
        assert catalogue[product].title_en in page
    assert "Secret draft pie" not in page
    assert "Celadon tea cup" not in page


def test_chapter_filter_narrows_the_list(client, catalogue):
    page = client.get("/cn/?lang=en&chapter=04").content.decode()
    assert "Aged cheddar" in page
    assert "Wild blueberry jam" not in page
    assert "Roasted almonds" not in page
    assert "04 · Dairy produce" in page


def test_state_filter_narrows_the_list_and_midwest_comes_first(client, catalogue):
    page = client.get("/cn/?lang=en&state=ia").content.decode()
    assert "Wild blueberry jam" in page
    assert "Aged cheddar" not in page
    assert "Roasted almonds" not in page
    everything = client.get("/cn/?lang=en").content.decode()
    facet = everything[everything.index("Made in (US state)") :]
    assert (
        facet.index("Iowa")
        < facet.index("Wisconsin")
        < facet.index("Other states")
        < facet.index("California")
    )


def test_facet_counts(client, catalogue):
    f.cn_export_product(business=catalogue["iowa"], title_en="Apple butter", hs_code="200799")
    page = client.get("/cn/?lang=en").content.decode()
    counts = dict(
        re.findall(
            r'<span class="facet-code">(\w\w)</span><span class="facet-label">[^<]*</span><span class="facet-count">(\d+)</span>',
            page,
        )
    )
    assert counts == {"04": "1", "08": "1", "20": "2", "IA": "2", "WI": "1", "CA": "1"}


def test_unknown_filters_are_ignored(client, catalogue):
    page = client.get("/cn/?lang=en&chapter=zz&state=123&page=abc")
    assert page.status_code == 200
    assert "Aged cheddar" in page.content.decode()


def test_htmx_request_gets_only_the_catalogue(client, catalogue):
    response = client.get("/cn/?lang=en&chapter=20", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="catalogue"')
    assert "<html" not in body
    assert "Wild blueberry jam" in body
    assert "HX-Request" in response["Vary"]
    full = client.get("/cn/?lang=en&chapter=20")
    assert "<html" in full.content.decode()
    assert 'hx-get="/cn/?chapter=04"' in full.content.decode()
    assert 'hx-push-url="true"' in full.content.decode()


def test_pagination_shows_more_link_instead_of_a_total(client, catalogue):
    for i in range(PAGE_SIZE):
        f.cn_export_product(
            business=catalogue["wisconsin"], title_en=f"Cheese curds {i:02d}", hs_code="040690"
        )
    first = client.get("/cn/?lang=en&chapter=04").content.decode()
    assert first.count('class="card product-card"') == PAGE_SIZE
    assert 'href="/cn/?chapter=04&amp;page=2"' in first
    second = client.get("/cn/?lang=en&chapter=04&page=2").content.decode()
    assert second.count('class="card product-card"') == 1
    assert "Aged cheddar" in second  # the oldest comes last
    assert "page=3" not in second


def test_storefront_query_budget_does_not_grow_with_products(
    client, catalogue, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10) as few:
        client.get("/cn/")
    for i in range(40):
        f.cn_export_product(business=catalogue["iowa"], title_en=f"Jam {i}", hs_code="200799")
    from django.core.cache import cache

    cache.clear()
    with django_assert_max_num_queries(10) as many:
        assert client.get("/cn/").status_code == 200
    # Cold cache: chapter counts, state counts, state names, one page of products and one for
    # the page's photos. The very first page also looks up the exchange rate for the cards' CNY
    # prices once (reference rows are then cached per process), however many cards there are.
    assert len(few.captured_queries) == 6
    assert len(many.captured_queries) == 5
    with django_assert_max_num_queries(2):  # warm cache: the page of products and its photos
        client.get("/cn/")


def test_us_import_storefront_lists_imports_in_english(client, catalogue):
    page = client.get("/us/imports/").content.decode()
    assert "US import storefront" in page
    assert "Celadon tea cup" in page
    assert "Zhejiang" in page
    assert "Wild blueberry jam" not in page
    assert (
        '<span class="facet-code">69</span><span class="facet-label">Ceramic products</span>'
        in page
    )


def test_product_page_is_bilingual(client, catalogue):
    jam = catalogue["jam"]
    english = client.get(f"/products/{jam.id}/?lang=en").content.decode()
    assert "Wild blueberry jam" in english
    assert "200799" in english
    assert "Iowa" in english
    assert "Iowa Orchard LLC" in english
    assert "10 in stock" in english
    assert "8.50 USD" in english
    chinese = client.get(f"/products/{jam.id}/?lang=zh-hans").content.decode()
    assert "野生蓝莓果酱" in chinese
    assert "来自美国中西部的小批量果酱。" in chinese
    assert "蔬菜、水果、坚果或植物其他部分的制品" in chinese  # chapter 20 in Chinese
    assert "库存 10 件" in chinese


def test_product_page_for_an_import_links_back_to_the_import_storefront(client, catalogue):
    page = client.get(f"/products/{catalogue['cup'].id}/?lang=en").content.decode()
    assert 'href="/us/imports/?chapter=69"' in page


def test_draft_product_is_hidden_from_the_public_but_not_from_its_seller(client, catalogue):
    draft = catalogue["draft"]
    assert client.get(f"/products/{draft.id}/").status_code == 404
    missing = client.get("/products/999999/?lang=en")
    assert missing.status_code == 404
    assert "Page not found" in missing.content.decode()
    f.seller(username="ia-staff", business=catalogue["iowa"])
    client.login(username="ia-staff", password="pw-Twoway-2025")
    assert client.get(f"/products/{draft.id}/").status_code == 200
    f.seller(username="wi-staff", business=catalogue["wisconsin"])
    other = Client()
    other.login(username="wi-staff", password="pw-Twoway-2025")
    assert other.get(f"/products/{draft.id}/").status_code == 404


def test_seller_center_shows_only_the_own_business_products(client, catalogue):
    f.seller(username="ia-staff", business=catalogue["iowa"])
    client.login(username="ia-staff", password="pw-Twoway-2025")
    page = client.get("/seller/?lang=en").content.decode()
    assert "Iowa Orchard LLC" in page
    assert "Wild blueberry jam" in page
    assert "Secret draft pie" in page  # drafts too, with their status
    assert "draft" in page
    assert "Aged cheddar" not in page
    assert "Roasted almonds" not in page
    assert "Celadon tea cup" not in page
    assert page.count("<tr>") == 1 + 2  # header + the two Iowa products


def test_seller_center_needs_login_and_explains_itself_to_other_roles(client):
    response = client.get("/seller/")
    assert response.status_code == 302
    assert response.url == "/login/?next=/seller/"
    f.user(username="shopper", role=Role.CONSUMER_US)
    client.login(username="shopper", password="pw-Twoway-2025")
    response = client.get("/seller/?lang=en")
    assert response.status_code == 403
    assert "The seller center is for the staff of businesses" in response.content.decode()


def test_seller_without_business_gets_told_so(client):
    f.user(username="new-staff", role=Role.SELLER_STAFF)
    client.login(username="new-staff", password="pw-Twoway-2025")
    page = client.get("/seller/?lang=en").content.decode()
    assert "Your account is not linked to a business yet" in page


def test_home_shows_live_figures(client, catalogue):
    page = client.get("/?lang=en").content.decode()
    assert '<dd data-figure="us-sellers">3</dd>' in page
    assert '<dd data-figure="midwest-share">67%</dd>' in page  # 2 of 3 rounded half up
    assert '<dd data-figure="products-for-china">3</dd>' in page


def test_home_figures_without_sellers(client):
    page = client.get("/?lang=en").content.decode()
    assert '<dd data-figure="us-sellers">0</dd>' in page
    assert '<dd data-figure="midwest-share">—</dd>' in page


def test_sources_page_flags_partial_lists(client):
    now = timezone.now()
    ReferenceDataset.objects.create(
        name="positive-list",
        title="CBEC positive list",
        file_name="cbec_positive_list_sample.csv",
        sha256="0" * 64,
        row_count=120,
        completeness="partial",
        official_size=1476,
        completeness_note="Sample of the 2022 list.",
        loaded_at=now,
    )
    ReferenceDataset.objects.create(
        name="states",
        title="US states",
        file_name="census_regions.csv",
        sha256="1" * 64,
        row_count=51,
        completeness="complete",
        loaded_at=now - dt.timedelta(days=1),
    )
    page = client.get("/sources/?lang=en").content.decode()
    assert "CBEC positive list" in page
    assert "PARTIAL" in page
    assert page.count("PARTIAL") == 1
    assert "of 1,476" in page
    assert 'class="row-partial"' in page
    assert "US states" in page
    assert "部分" in client.get("/sources/?lang=zh-hans").content.decode()


def test_login_page_renders_and_logs_in(client):
    f.user(username="kim")
    assert "Log in" in client.get("/login/?lang=en").content.decode()
    response = client.post(LOGIN_URL, {"username": "kim", "password": "pw-Twoway-2025"})
    assert response.status_code == 302
    assert response.url == "/"
    bad = client.post(LOGIN_URL, {"username": "kim", "password": "wrong"})
    assert bad.status_code == 200


def test_static_assets_are_vendored_not_remote(client):
    page = client.get("/").content.decode()
    assert "/static/js/htmx.min.js" in page
    assert "/static/css/twoway.css" in page
    assert "https://" not in page.split("<body")[0]
