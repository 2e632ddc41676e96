"""Search journeys in chromium: a buyer in China types 枫糖浆, ``fengtangjiang`` and ``maple syrup``
on /cn/ (autocomplete as they type, CNY prices, facets; the maple syrup not on the positive list
is shown with its badge, never as buyable); a US buyer searches the import storefront in English;
a Wisconsin seller reads what buyers in China look for, in both languages.
Screenshots: var/screenshots/search-*.png."""

from __future__ import annotations

from pathlib import Path

import pytest

from twoway.businesses.models import Membership
from twoway.compliance.models import LaborRiskAssessment
from twoway.identity.models import User
from twoway.search import services
from twoway.web.tests import factories

from .journey import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.journey, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def shop(fresh_cache, transactional_db, reference_data, make_seller, make_product):
    from django.utils import timezone

    seller = make_seller("Badger Sugarbush LLC", "WI")
    make_product(
        seller, title_en="Pure Maple Syrup, Grade A Amber", title_zh="纯枫糖浆 A级琥珀色",
        hs_code="170220", cn_tariff_line="17022000", price="18.00",
    )  # fmt: skip
    make_product(
        seller, title_en="Pure Maple Syrup, 1 quart jug", title_zh="纯枫糖浆 946毫升",
        hs_code="170220", cn_tariff_line="17022000", price="32.00",
    )  # fmt: skip
    make_product(seller, title_en="Raw Wildflower Honey", title_zh="天然野花蜂蜜")
    make_product(
        seller, title_en="Wisconsin American Ginseng Root", title_zh="", hs_code="121120",
        cn_tariff_line="12112011", price="89.00",
    )  # fmt: skip
    cn = factories.cn_business()
    tee = factories.us_import_product(
        business=cn, title_en="Cotton Crew-Neck T-Shirt", hs_code="610910"
    )
    LaborRiskAssessment.objects.create(product=tee, level="none", assessed_at=timezone.now())
    staff = User.objects.create(username="sugarbush", role="seller_staff")
    staff.set_password(PASSWORD)
    staff.save()
    Membership.objects.create(user=staff, business=seller, role="owner")
    for n in range(12):  # an unmet search made by 12 visitors; a purchase-led one
        services.search_log_record(
            query="枫糖奶油", language="zh", market="cn_export", province="31", hs_chapter="17",
            result_count=0, session_key=f"journey-{n}",
        )  # fmt: skip
    services.index_rebuild()


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"search-{name}.png"), full_page=True)


def _type_and_search(page, text: str) -> None:
    box = page.locator("#search-q")
    box.fill("")
    box.press_sequentially(text, delay=40)
    box.press("Enter")
    page.wait_for_load_state("networkidle")


def test_a_buyer_in_china_searches_in_chinese_pinyin_and_english(live_server, page, shop):
    from playwright.sync_api import expect

    base = live_server.url
    page.goto(base + "/cn/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    box = page.locator("#search-q")
    expect(box).to_be_visible()

    # Autocomplete in both scripts: pinyin typed, Chinese words offered.
    box.press_sequentially("fengt", delay=60)
    expect(page.locator("[data-testid=suggestion]", has_text="枫糖浆")).to_be_visible()
    _shot(page, "01-autocomplete-pinyin-zh")
    box.fill("")
    box.press_sequentially("map", delay=60)
    expect(page.locator("[data-testid=suggestion]", has_text="maple syrup")).to_be_visible()

    for query in ("枫糖浆", "fengtangjiang", "maple syrup"):
        _type_and_search(page, query)
        results = page.locator("[data-testid=result]")
        expect(results).to_have_count(2)
        expect(results.first).to_contain_text("枫糖浆")
        expect(results.first.locator("[data-testid=result-price]")).to_contain_text("¥")
        # Maple syrup's China line is not on the positive list: a badge, never "buyable".
        expect(results.first.locator("[data-testid=badge-not-eligible]")).to_be_visible()
        expect(page.locator("[data-testid=badge-buyable]")).to_have_count(0)
        expect(page.locator("[data-testid=facet-chapter]")).to_contain_text("17")
        expect(page.locator("[data-testid=facet-price]")).to_be_visible()
        expect(page.locator("[data-testid=facet-origin]")).to_contain_text("威斯康星")
    _shot(page, "02-results-maple-syrup-zh")

    # Cross-lingual: 西洋参 finds the ginseng whose listing has only an English title.
    _type_and_search(page, "西洋参")
    expect(page.locator("[data-testid=result]")).to_have_count(1)
    expect(page.locator("[data-testid=result]")).to_contain_text("Ginseng")

    # A facet narrows the results in place (htmx) and counts stay shown.
    _type_and_search(page, "蜂蜜")
    expect(page.locator("[data-testid=badge-buyable]")).to_have_count(1)
    _shot(page, "03-results-honey-buyable-zh")


def test_a_us_buyer_searches_the_import_storefront_in_english(live_server, page, shop):
    from playwright.sync_api import expect

    base = live_server.url
    page.goto(base + "/us/imports/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    _type_and_search(page, "t shirt")
    results = page.locator("[data-testid=result]")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("T-Shirt")
    expect(results.first.locator("[data-testid=result-price]")).to_contain_text("$")
    expect(page.locator("[data-testid=facet-risk]")).to_contain_text("No signal")
    _shot(page, "04-import-results-en")
    _type_and_search(page, "tshrit")  # nothing matches every word: a clear empty state
    expect(page.locator("[data-testid=result-count]")).to_contain_text("0 results")


def test_a_wisconsin_seller_reads_what_buyers_in_china_look_for(live_server, page, shop):
    from playwright.sync_api import expect

    base = live_server.url
    page.goto(f"{base}/login/?next=/seller/")
    page.fill("#id_username", "sugarbush")
    page.fill("#id_password", PASSWORD)
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url(base + "/seller/")
    page.locator("[data-testid=demand-link] a").click()
    page.wait_for_url(base + "/seller/demand/")
    expect(page.locator("[data-testid=demand-unmet]")).to_contain_text("枫糖奶油")
    _shot(page, "05-seller-demand-en")
    page.locator(".lang-switch button[value=zh-hans]").click()
    expect(page.locator("h1")).to_contain_text("中国买家在找什么")
    _shot(page, "06-seller-demand-zh")
    page.goto(base + "/dashboard/")
    expect(page.locator("[data-testid=unmet-searches]")).to_contain_text("枫糖奶油")
