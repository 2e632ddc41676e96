"""Journeys of everyone but buyers in China, in headless chromium, each from a realistic start:
a US consumer buying an import (and one choosing the US-made alternative instead), a US seller
from sign-up to shipping, a Chinese seller listing from the seller-center navigation, a
regulator deciding a review, an operator finding an order in the admin, a visitor filtering the
dashboard and downloading its CSV. Same checks as the China journeys (tests/browser/journey.py).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from twoway.alternatives.services import candidates_refresh
from twoway.businesses.models import Business
from twoway.businesses.services import business_verify
from twoway.catalog.models import Product
from twoway.checkout.models import Order, OrderStatus
from twoway.compliance.models import ListingReview

from . import journey_state as state
from .journey import PASSWORD, Journey, buy_import_by_card_us

pytestmark = [pytest.mark.browser, pytest.mark.journey, pytest.mark.django_db(transaction=True)]


def _import_shirts():
    """A Zhejiang garment maker's oxford shirt (an import) and a Wisconsin shirtmaker's
    Made-in-USA oxford shirt (its alternative)."""
    _cn, shirt = state.silk_road_shirt()
    maker = state.us_seller("Badger Shirtworks LLC", "獾州衬衫工坊", "WI", "39-7654321")
    made_here = Product.objects.create(
        business=maker,
        sku="US-OX-1",
        title_en="Men's cotton oxford shirt, made in USA",
        title_zh="美国制造男士纯棉牛津纺衬衫",
        hs_code="620520",
        origin_country="US",
        origin_us_state_id="WI",
        unit_price=Decimal("48.00"),
        currency="USD",
        weight_kg=Decimal("0.300"),
        stock_on_hand=20,
        market_us_domestic=True,
        status="active",
    )
    candidates_refresh()
    return shirt, made_here


def test_us_consumer_buys_an_import_seeing_duties_risk_and_the_alternative(
    live_server, browser, market
):
    from playwright.sync_api import expect

    shirt, made_here = _import_shirts()
    state.person("maria@example.com", "consumer_us", "en")
    j = Journey(browser, live_server.url, "us-consumer-buys-import")
    j.log_in("maria@example.com", "/us/imports/")
    page = j.page
    j.assert_header_on_one_line()
    j.shot_both("import-storefront")
    page.get_by_role("link", name="Men's cotton oxford shirt").first.click()
    page.wait_for_url(f"{j.base}/us/products/{shirt.pk}/")
    expect(page.locator("[data-testid=duty-stack]")).to_be_visible()
    alternative = page.locator(f'.alternative[data-product="{made_here.pk}"]')
    expect(alternative).to_contain_text("$48.00")
    expect(alternative).to_contain_text("Badger Shirtworks LLC")
    delivered = page.locator("[data-testid=delivered-total]").inner_text()
    assert re.fullmatch(r"\$\d{1,3}(,\d{3})*\.\d{2}", delivered), delivered
    j.shot_both("import-product")

    number, total = buy_import_by_card_us(j)
    j.shot_both("import-purchase")

    j.goto("/us/purchases/")
    row = page.locator(f'[data-testid=purchase][data-purchase="{number}"]')
    expect(row.locator("[data-testid=purchase-total]")).to_have_text(total)
    j.shot_both("import-purchases")
    assert Order.objects.get(purchase__number=number).status == OrderStatus.PAID
    j.finish()


def test_us_consumer_chooses_the_us_made_alternative_instead(live_server, browser, market):
    from playwright.sync_api import expect

    shirt, made_here = _import_shirts()
    state.person("dave@example.com", "consumer_us", "en")
    j = Journey(browser, live_server.url, "us-consumer-chooses-alternative")
    j.log_in("dave@example.com", f"/us/products/{shirt.pk}/")
    page = j.page
    page.locator(f'.alternative[data-product="{made_here.pk}"] a').click()
    page.wait_for_url(f"{j.base}/products/{made_here.pk}/")
    expect(page.locator("h1")).to_have_text("Men's cotton oxford shirt, made in USA")
    expect(page.locator("body")).to_contain_text("Badger Shirtworks LLC")
    j.shot_both("alternative-product")
    # The import never went into the cart.
    j.goto("/us/cart/")
    expect(page.locator("body")).to_contain_text("Your cart is empty.")
    j.finish()


def test_us_seller_signs_up_verifies_lists_receives_an_order_and_ships(
    live_server, browser, market
):
    from playwright.sync_api import expect

    honey_line = state.listed_line("0409")
    j = Journey(browser, live_server.url, "us-seller")
    page = j.page
    j.goto("/signup/seller-us/")
    page.get_by_label("Email").fill("owner@prairiehoney.example")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(f"{j.base}/seller/business/?country=US")
    j.shot_both("business-verification")

    # A mistyped EIN prefix is refused, naming the rule; then the right one goes through.
    page.get_by_label("Legal name").fill("Prairie Honey Cooperative LLC")
    page.get_by_label("Name in Chinese").fill("草原蜂蜜合作社")
    page.get_by_label("EIN (employer identification number)").fill("07-1234567")
    page.get_by_label("State").select_option("IA")
    page.get_by_label("City").fill("Des Moines")
    page.get_by_label("Postal code").fill("50309")
    page.get_by_label("Employees").fill("8")
    page.get_by_label(re.compile("Our goods are Made in USA")).check()
    page.get_by_label("How the goods meet the standard").fill(
        "Our bees, hives and jars are all in Iowa; nothing is imported."
    )
    with j.expecting(400):
        page.get_by_role("button", name="Submit for verification").click()
    expect(page.locator("#error-registration_number")).to_contain_text("prefix 07")
    j.shot("business-ein-refused")
    page.get_by_label("EIN (employer identification number)").fill("42-1234567")
    page.get_by_role("button", name="Submit for verification").click()
    page.wait_for_url(f"{j.base}/seller/?registered=1")
    expect(page.locator("[data-testid=registered]")).to_be_visible()
    j.shot_both("seller-center-pending")
    business = Business.objects.get(legal_name="Prairie Honey Cooperative LLC")
    assert business.verification_status == "pending"
    assert business.made_in_usa_attested

    # An operator checks the EIN against the IRS register and verifies the business.
    operator = state.person("ops@twoway.example", "operator")
    business_verify(business=business, by=operator)

    page.reload()
    page.locator("[data-testid=list-product]").click()
    page.wait_for_url(f"{j.base}/seller/products/new/")
    page.get_by_label("SKU").fill("PH-CLOVER-1")
    page.get_by_label("Title (English)").fill("Iowa clover honey, 1 lb")
    page.get_by_label("Title (Chinese)").fill("艾奥瓦三叶草蜂蜜 454克")
    page.get_by_label("HS code (6 digits)").fill(honey_line[:6])
    page.get_by_label("China tariff line (8 digits)").fill(honey_line)
    page.locator("[data-testid=check-eligibility]").click()
    expect(page.locator("[data-testid=eligibility]")).to_have_attribute("data-eligible", "yes")
    expect(page.get_by_label("SKU")).to_have_value("PH-CLOVER-1")  # kept as typed
    j.shot("listing-eligibility")
    page.get_by_label("Price (USD)").fill("18.50")
    page.get_by_label("Shipping weight (kg)").fill("0.500")
    page.get_by_label("Units in stock").fill("60")
    page.get_by_label("Status").select_option("active")
    page.locator("[data-testid=save-listing]").click()
    page.wait_for_url(re.compile(r"/seller/products/\d+/\?created=1$"))
    expect(page.locator("[data-testid=created]")).to_contain_text("active")
    expect(page.locator("[data-testid=listing-price]")).to_have_text("$18.50")
    j.shot_both("listing-saved")
    product = Product.objects.get(sku="PH-CLOVER-1")
    assert product.status == "active"
    assert product.cn_tariff_line == honey_line

    # A buyer in China orders two jars; customs clears the order.
    buyer = state.person("zhaolei@example.cn", "consumer_cn", "zh-hans")
    identity = state.identity_for(buyer, "赵磊", "310104199001010011")
    purchase = state.past_export_order(
        buyer=buyer,
        identity=identity,
        items={product.pk: 2},
        placed=timezone.now() - dt.timedelta(hours=50),
        until=OrderStatus.CLEARED,
    )
    order = Order.objects.get(purchase=purchase)

    j.goto("/seller/orders/")
    row = page.locator(f'[data-testid=queue-order][data-order="{order.number}"]')
    expect(row).to_contain_text("Iowa clover honey, 1 lb")
    expect(row).to_contain_text("赵*")
    expect(row).to_contain_text("3101**********0011")
    expect(row).to_contain_text("$37.00")
    j.shot_both("order-queue")
    row.locator("select[name=carrier]").select_option("ups")
    row.locator("input[name=tracking_number]").fill("1Z879E930346834440")
    row.get_by_role("button", name="Mark shipped").click()
    page.wait_for_url(re.compile(r"/seller/orders/\?shipped="))
    expect(page.locator(f'[data-testid=queue-order][data-order="{order.number}"]')).to_contain_text(
        "1Z879E930346834440"
    )
    j.shot_both("order-shipped")
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    j.finish()


def test_chinese_seller_lists_from_the_seller_center_navigation(live_server, browser, market):
    from playwright.sync_api import expect

    state.cn_seller(
        "Ningbo Harbour Housewares Co., Ltd.",
        "宁波港家居用品有限公司",
        "33",
        21,
        staff="sales@ningbo.example",
    )
    j = Journey(browser, live_server.url, "cn-seller-lists", locale="zh-CN")
    j.log_in("sales@ningbo.example", "/seller/")
    page = j.page
    expect(page.locator("h1")).to_have_text("卖家中心")
    j.shot_both("seller-center")
    page.locator("[data-testid=list-product]").click()
    page.wait_for_url(f"{j.base}/seller/products/new/")
    j.shot_both("listing-form")
    page.get_by_label("商品编号（SKU）").fill("NB-MUG-1")
    page.get_by_label("标题（英文）").fill("Stoneware coffee mug, 350 ml")
    page.get_by_label("标题（中文）").fill("粗陶咖啡杯 350毫升")
    page.get_by_label("HS 编码（6 位）").fill("691200")
    page.get_by_label(re.compile("美国 HTS")).fill("6912004400")
    page.get_by_label(re.compile("原产省份")).select_option("33")
    page.get_by_label("价格（美元）").fill("12.00")
    page.get_by_label("运输重量（千克）").fill("0.400")
    page.get_by_label("库存数量").fill("100")
    page.get_by_label(re.compile("生产商")).fill("Ningbo Harbour Housewares Co., Ltd.")
    page.get_by_label(re.compile("原材料供应商")).fill("Jingdezhen Kaolin Clay Co., Ltd.")
    page.locator("[data-testid=save-listing]").click()
    page.wait_for_url(re.compile(r"/seller/products/\d+/\?created=1$"))
    product = Product.objects.get(sku="NB-MUG-1")
    shown = page.locator("[data-testid=listing-status]").inner_text()
    expect(page.locator("[data-testid=created]")).to_contain_text(shown)
    j.shot_both("listing-saved")
    # The seller center says the same status as the confirmation.
    j.goto("/seller/")
    expect(page.locator("table")).to_contain_text(shown)
    assert product.market_us_import
    assert product.origin_cn_province_id == "33"
    j.finish()


def test_regulator_decides_a_held_listing(live_server, browser, market):
    from playwright.sync_api import expect

    xj = state.cn_seller(
        "Kashgar Cotton Textiles Co., Ltd.",
        "喀什棉纺有限公司",
        "65",
        31,
        staff="sales@kashgar.example",
    )
    product = state.import_product(
        xj,
        sku="KC-TEE",
        title_en="Cotton T-shirt",
        title_zh="纯棉T恤",
        hts="6109100012",
        price="9.00",
        weight="0.200",
        stock=100,
        suppliers="Aksu Cotton Ginning Co., Ltd.",
    )
    review = ListingReview.objects.get(product=product, status="open")
    state.person("inspector@cbp.example", "regulator", "en")
    j = Journey(browser, live_server.url, "regulator-decides")
    j.log_in("inspector@cbp.example", "/compliance/")
    page = j.page
    j.assert_header_on_one_line()
    expect(page.locator("body")).to_contain_text("Cotton T-shirt")
    j.shot_both("queue")
    page.get_by_role("link", name=f"#{review.pk}").click()
    page.wait_for_url(f"{j.base}/compliance/reviews/{review.pk}/")
    j.shot_both("review")
    page.get_by_label(re.compile("Block")).check()
    page.get_by_label(re.compile("Reason")).fill(
        "Xinjiang origin: UFLPA rebuttable presumption; no evidence offered to rebut it."
    )
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_load_state()
    review.refresh_from_db()
    assert review.status == "blocked"
    j.check_page()
    j.shot_both("decided")
    # The seller now reads "blocked by a regulator", not "held".
    product.refresh_from_db()
    assert product.status == "blocked"
    j.finish()


def test_operator_finds_an_order_in_the_admin(live_server, browser, market):
    from playwright.sync_api import expect

    seller = state.us_seller("Driftless Maple Farm LLC", "无漂砾枫糖农场", "WI", "39-2222222")
    syrup = state.export_product(
        seller,
        sku="MAPLE-1",
        title_en="Honey-maple blend",
        title_zh="蜂蜜枫糖混合",
        line=state.listed_line("0409"),
        price="15.00",
    )
    buyer = state.person("sunli@example.cn", "consumer_cn", "zh-hans")
    identity = state.identity_for(buyer, "孙丽", "11010519491231002X")
    purchase = state.past_export_order(
        buyer=buyer,
        identity=identity,
        items={syrup.pk: 1},
        placed=timezone.now() - dt.timedelta(days=6),
    )
    order = Order.objects.get(purchase=purchase)
    operator = state.person("ops@twoway.example", "operator", "en")
    operator.is_staff = True
    operator.save()

    j = Journey(browser, live_server.url, "operator-admin")
    j.log_in("ops@twoway.example", "/admin/")
    page = j.page
    expect(page.locator("#content")).to_contain_text("Orders")
    expect(page.locator("#content")).to_contain_text("Customs messages")
    expect(page.locator("#content")).to_contain_text("Payment notifications")
    j.shot("admin-index")
    j.goto("/admin/checkout/order/")
    page.locator("#searchbar").fill(order.number)
    page.locator("#changelist-search input[type=submit]").click()
    page.get_by_role("link", name=order.number).click()
    expect(page.locator("#content")).to_contain_text(purchase.number)
    expect(page.locator("#content")).to_contain_text("delivered")
    expect(page.locator("body")).not_to_contain_text("11010519491231002X")
    j.shot("admin-order")
    # Search by the purchase number finds it too; append-only rows cannot be edited.
    j.goto(f"/admin/checkout/purchase/?q={purchase.number}")
    expect(page.get_by_role("link", name=purchase.number)).to_be_visible()
    with j.expecting(403):  # no add form for append-only events
        response = page.goto(f"{j.base}/admin/checkout/orderevent/add/")
    assert response.status == 403
    j.finish()


def test_visitor_filters_the_dashboard_and_downloads_csv(live_server, browser, market):
    from playwright.sync_api import expect

    seller = state.us_seller("Door County Cherry Co. LLC", "门县樱桃", "WI", "39-3333333")
    jam = state.export_product(
        seller,
        sku="CH-1",
        title_en="Honey and cherry spread",
        title_zh="蜂蜜樱桃酱",
        line=state.listed_line("0409"),
        price="12.00",
    )
    buyer = state.person("liuyang@example.cn", "consumer_cn", "zh-hans")
    identity = state.identity_for(buyer, "刘洋", "440103199001010014")
    state.past_export_order(
        buyer=buyer,
        identity=identity,
        items={jam.pk: 3},
        placed=timezone.now() - dt.timedelta(days=8),
    )
    j = Journey(browser, live_server.url, "visitor-dashboard")
    page = j.page
    j.goto("/dashboard/")
    expect(page.locator(".figure.export .big")).to_have_text("$36.00")
    j.shot_both("dashboard")
    page.locator("select[name=direction]").select_option("us_export")
    page.wait_for_url(re.compile(r"direction=us_export"))
    page.locator("select[name=state]").select_option("WI")
    page.wait_for_url(re.compile(r"state=WI"))
    # One copy of each filter in the address, however many changes were made.
    assert page.url.count("direction=") == 1, page.url
    assert page.url.count("?") == 1, page.url
    expect(page.locator(".figure.export .big")).to_have_text("$36.00")
    j.shot("dashboard-filtered")
    # A wrong filter is said to be wrong, not silently replaced.
    j.goto("/dashboard/?from=2026-12&to=2026-01&chapter=ab")
    notices = page.locator("[data-testid=filter-notices]")
    expect(notices).to_contain_text("2026-12")
    expect(notices).to_contain_text("“ab” is not an HS chapter")
    j.shot_both("dashboard-bad-filter")
    j.goto("/dashboard/")
    with page.expect_download() as download_info:
        page.locator("#national a", has_text="Download CSV").click()
    download = download_info.value
    text = Path(download.path()).read_text(encoding="utf-8")
    assert download.suggested_filename.startswith("twoway-national-")
    assert "36.00" in text
    j.finish()
