"""A visitor walks home → China storefront → a chapter → a product, in English and in Chinese."""

from __future__ import annotations

import re

import pytest

from twoway.web.tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop(fresh_cache, transactional_db):
    f.states()
    iowa = f.us_business(state="IA", name="Iowa Orchard LLC", name_zh="艾奥瓦果园")
    wisconsin = f.us_business(state="WI", name="Badger Dairy Co", name_zh="獾州乳业")
    jam = f.cn_export_product(business=iowa)  # HS 200799, chapter 20
    f.cn_export_product(
        business=iowa,
        title_en="Tart cherry preserves",
        title_zh="酸樱桃果酱",
        hs_code="200799",
        stock=3,
    )
    f.cn_export_product(
        business=wisconsin, title_en="Aged cheddar", title_zh="陈年切达奶酪", hs_code="040690"
    )
    f.cn_export_product(
        business=wisconsin, title_en="Ginseng root", title_zh="威斯康星花旗参", hs_code="121120"
    )
    return {"jam": jam}


def _shot(page, directory, name):
    page.screenshot(path=str(directory / f"{name}.png"), full_page=True)


def test_walk_home_storefront_chapter_product_in_english_and_chinese(
    live_server, page, shop, screenshots_dir
):
    from playwright.sync_api import expect

    base = live_server.url

    # Home, English (no language chosen, browser asks for en-US).
    page.goto(base + "/")
    expect(page.locator("h1")).to_contain_text("Twoway connects US small businesses")
    expect(page.locator("[data-figure=us-sellers]")).to_have_text("2")
    expect(page.locator("[data-figure=midwest-share]")).to_have_text("100%")
    expect(page.locator("[data-figure=products-for-china]")).to_have_text("4")
    _shot(page, screenshots_dir, "01-home-en")

    # The China storefront opens in Chinese first, since no language was chosen yet.
    page.locator(".main-nav").get_by_role("link", name="China storefront").click()
    page.wait_for_url(base + "/cn/")
    expect(page.locator("h1")).to_have_text("中国商城")
    expect(page.locator(".product-grid")).to_contain_text("野生蓝莓果酱")
    _shot(page, screenshots_dir, "02-storefront-zh-first")

    # Switch to English with the language control: same page, English.
    page.locator(".lang-switch").get_by_role("button", name="English").click()
    page.wait_for_url(base + "/cn/")
    expect(page.locator("h1")).to_have_text("China storefront")
    expect(page.locator(".product-grid .product-card")).to_have_count(4)
    expect(page.locator(".facets")).to_contain_text("Midwest")

    # A chapter: htmx swaps the catalogue and pushes the filter into the URL.
    page.locator(".facets a[href='/cn/?chapter=20']").click()
    page.wait_for_url(re.compile(r"/cn/\?chapter=20$"))
    expect(page.locator(".product-grid .product-card")).to_have_count(2)
    expect(page.locator(".results-title")).to_contain_text("20 · Preparations of vegetables")
    expect(page.locator(".product-grid")).not_to_contain_text("Aged cheddar")
    expect(page.locator(".facets a[aria-current=true]").last).to_contain_text("All states")
    _shot(page, screenshots_dir, "03-chapter-20-en")

    # A state filter keeps the chapter.
    page.locator(".facets a[href='/cn/?chapter=20&state=IA']").click()
    page.wait_for_url(re.compile(r"/cn/\?chapter=20&state=IA$"))
    expect(page.locator(".results-title")).to_contain_text("Iowa")

    # The product page.
    page.get_by_role("link", name="Wild blueberry jam").click()
    page.wait_for_url(base + f"/products/{shop['jam'].id}/")
    expect(page.locator("h1")).to_have_text("Wild blueberry jam")
    expect(page.locator(".product-head")).to_contain_text("野生蓝莓果酱")
    expect(page.locator(".facts")).to_contain_text("200799")
    expect(page.locator(".facts")).to_contain_text("Iowa")
    expect(page.locator(".buy-box")).to_contain_text("8.50 USD")
    expect(page.locator(".buy-box")).to_contain_text("10 in stock")
    _shot(page, screenshots_dir, "04-product-en")

    # Switch to Chinese on the product page, then walk the same way in Chinese.
    page.locator(".lang-switch").get_by_role("button", name="简体中文").click()
    page.wait_for_url(base + f"/products/{shop['jam'].id}/")
    expect(page.locator("h1")).to_have_text("野生蓝莓果酱")
    expect(page.locator(".buy-box")).to_contain_text("库存 10 件")
    expect(page.locator(".facts")).to_contain_text("蔬菜、水果、坚果或植物其他部分的制品")
    expect(page.locator(".facts")).to_contain_text("艾奥瓦州")
    _shot(page, screenshots_dir, "05-product-zh")

    page.locator(".main-nav").get_by_role("link", name="首页").click()
    page.wait_for_url(base + "/")
    expect(page.locator(".main-nav")).to_contain_text("中国商城")
    expect(page.locator(".entry-cards")).to_contain_text("卖家中心")
    _shot(page, screenshots_dir, "06-home-zh")

    page.locator(".entry-cards").get_by_role("link", name=re.compile("中国商城")).click()
    page.wait_for_url(base + "/cn/")
    page.locator(".facets a[href='/cn/?chapter=04']").click()
    page.wait_for_url(re.compile(r"/cn/\?chapter=04$"))
    expect(page.locator(".results-title")).to_contain_text("乳品")
    expect(page.locator(".product-grid .product-card")).to_have_count(1)
    _shot(page, screenshots_dir, "07-chapter-04-zh")
    page.get_by_role("link", name="陈年切达奶酪").click()
    expect(page.locator("h1")).to_have_text("陈年切达奶酪")
    expect(page.locator(".facts")).to_contain_text("威斯康星州")

    # Back in history restores the filtered catalogue (htmx history).
    page.go_back()
    page.wait_for_url(re.compile(r"/cn/\?chapter=04$"))
    expect(page.locator(".product-grid .product-card")).to_have_count(1)


def test_seller_logs_in_sees_own_products_and_the_public_pages_render(
    live_server, page, shop, screenshots_dir
):
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone
    from playwright.sync_api import expect

    from twoway.reference.models import ReferenceDataset, UsChinaTradeYear

    iowa = shop["jam"].business
    f.seller(username="ia-owner", business=iowa)
    other = f.us_business(state="CA", name="Golden Coast Goods")
    f.cn_export_product(
        business=other, title_en="Roasted almonds", title_zh="烤杏仁", hs_code="080212"
    )
    hangzhou = f.cn_business()
    f.us_import_product(business=hangzhou)
    for year, exports, imports in [(2023, "147807.5", "426885.0"), (2024, "143545.7", "438947.4")]:
        UsChinaTradeYear.objects.create(
            year=year,
            exports_usd_m=Decimal(exports),
            imports_usd_m=Decimal(imports),
            balance_usd_m=Decimal(exports) - Decimal(imports),
            basis="Census basis; total exports (FAS), general imports (customs value)",
            source="US Census Bureau, Trade in Goods with China (c5700)",
            confidence="high",
        )
    now = timezone.now()
    ReferenceDataset.objects.create(
        name="positive-list",
        title="CBEC retail import positive list",
        file_name="cbec_positive_list_sample.csv",
        sha256="0" * 64,
        row_count=120,
        completeness="partial",
        official_size=1476,
        completeness_note="A sample of the 2022 list; the official file is loaded by operators.",
        loaded_at=now,
    )
    ReferenceDataset.objects.create(
        name="us-states",
        title="US states and Census regions",
        file_name="census_regions.csv",
        sha256="1" * 64,
        row_count=51,
        completeness="complete",
        loaded_at=now - dt.timedelta(hours=2),
    )
    base = live_server.url

    # The seller center asks for a login, then shows only this business's products.
    page.goto(base + "/seller/")
    page.wait_for_url(re.compile(r"/login/\?next=/seller/$"))
    _shot(page, screenshots_dir, "08-login-en")
    page.get_by_label("Username").fill("ia-owner")
    page.get_by_label("Password").fill("pw-Twoway-2025")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(base + "/seller/")
    expect(page.locator("h1")).to_have_text("Seller center")
    expect(page.locator(".data-table tbody tr")).to_have_count(2)
    expect(page.locator(".data-table")).to_contain_text("Wild blueberry jam")
    expect(page.locator(".data-table")).not_to_contain_text("Roasted almonds")
    expect(page.locator(".site-header")).to_contain_text("ia-owner")
    _shot(page, screenshots_dir, "09-seller-center-en")

    # The choice of Chinese is kept on the account.
    page.locator(".lang-switch").get_by_role("button", name="简体中文").click()
    expect(page.locator("h1")).to_have_text("卖家中心")
    _shot(page, screenshots_dir, "10-seller-center-zh")
    page.locator(".logout").get_by_role("button").click()
    page.wait_for_url(base + "/")
    page.context.clear_cookies()
    page.goto(base + "/login/")
    expect(page.locator("h1")).to_have_text("Log in")
    page.get_by_label("Username").fill("ia-owner")
    page.get_by_label("Password").fill("pw-Twoway-2025")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(base + "/")
    expect(page.locator(".main-nav")).to_contain_text("中国商城")
    page.locator(".lang-switch").get_by_role("button", name="English").click()
    expect(page.locator(".main-nav")).to_contain_text("China storefront")

    page.goto(base + "/dashboard/")
    expect(page.locator("h1")).to_have_text("Trade dashboard")
    expect(page.locator("#national")).to_contain_text("147,807.5")
    expect(page.locator("#promise")).to_contain_text("1,000,000")
    _shot(page, screenshots_dir, "11-dashboard-en")

    page.goto(base + "/sources/")
    expect(page.locator(".row-partial")).to_contain_text("PARTIAL")
    _shot(page, screenshots_dir, "12-sources-en")

    page.goto(base + "/us/imports/")
    expect(page.locator(".product-grid")).to_contain_text("Celadon tea cup")
    expect(page.locator(".product-grid")).to_contain_text("Zhejiang")
    _shot(page, screenshots_dir, "13-us-imports-en")
