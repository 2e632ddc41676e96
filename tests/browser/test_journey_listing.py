"""Issue 13 listing editor journeys in headless chromium: a US seller finds the HS code in
Chinese and English, watches eligibility and the landed price in China update before saving,
accepts the Chinese draft, adds two variants and a photo, and publishes; a Chinese seller lists
for US buyers and sees the labor-risk pre-check. Screenshots under var/screenshots/."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from twoway.catalog.models import Product, ProductImage

from . import journey_state as state
from .journey import Journey

pytestmark = [pytest.mark.browser, pytest.mark.journey, pytest.mark.django_db(transaction=True)]


def _photo() -> bytes:
    out = io.BytesIO()
    img = Image.new("RGB", (1200, 900), (236, 196, 90))
    for x in range(300, 900):
        for y in range(250, 750, 4):
            img.putpixel((x, y), (160, 100, 30))
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def test_us_seller_lists_with_the_hs_picker_live_checks_draft_variants_and_a_photo(
    live_server, browser, market
):
    from playwright.sync_api import expect

    state.us_seller(
        "Prairie Honey Cooperative LLC",
        "草原蜂蜜合作社",
        "IA",
        "42-1234567",
        staff="owner@prairiehoney.example",
    )
    j = Journey(browser, live_server.url, "us-seller-listing-editor")
    page = j.page
    j.log_in("owner@prairiehoney.example", "/seller/products/new/")
    j.shot_both("editor-empty")

    # The HS picker: Chinese words first, then English; a pick fills the code and China's line.
    page.locator("#hs-query").fill("蜂蜜")
    expect(page.locator("[data-testid=hs-results]")).to_contain_text("0409.00")
    j.shot("hs-picker-chinese")
    page.locator("#hs-query").fill("natural honey")
    hit = page.locator('.hs-hit[data-code="040900"]')
    expect(hit).to_be_visible()
    j.shot("hs-picker-english")
    hit.click()
    expect(page.locator("[data-testid=hs-choice]")).to_contain_text("040900")
    expect(page.get_by_label("China tariff line (8 digits)")).to_have_value("04090000")

    # Live checks before saving: eligible, then the price in China once price and weight are in.
    page.get_by_label("SKU").fill("PH-CLOVER-500")
    page.get_by_label("Title (English)").fill("Iowa organic honey")
    page.get_by_label("Description (English)").fill(
        "Organic clover honey, handmade in small batches."
    )
    expect(page.locator("#live-checks [data-testid=eligibility]")).to_have_attribute(
        "data-eligible", "yes"
    )
    page.get_by_label("Price (USD)").fill("18.50")
    page.get_by_label("Shipping weight (kg)").fill("0.650")
    page.get_by_label("Units in stock").fill("60")
    expect(page.locator("#live-checks [data-testid=landed-total]")).to_contain_text("¥")
    expect(page.locator("#live-checks [data-testid=tax-category]")).to_be_visible()
    j.shot("live-eligibility-and-landed-price")
    assert not Product.objects.exists()  # nothing saved yet

    # The Chinese draft: generated, shown as a draft, confirmed by the seller.
    page.get_by_label("Size", exact=True).fill("500 g")
    page.locator("[data-testid=write-draft]").click()
    expect(page.locator("[data-testid=draft-notice]")).to_be_visible()
    expect(page.get_by_label("Title (Chinese)")).to_have_value(re.compile("有机蜂蜜"))
    j.shot("chinese-draft")
    page.locator("input[name=text_confirmed]").check()
    page.get_by_label("Status").select_option("draft")
    page.locator("[data-testid=save-listing]").click()
    page.wait_for_url(re.compile(r"/seller/products/\d+/\?created=1$"))
    product = Product.objects.get(sku="PH-CLOVER-500")
    assert (product.status, product.zh_is_draft, product.variant_size) == ("draft", False, "500 g")
    assert "有机蜂蜜" in product.title_zh
    assert product.description_zh

    # Two more sizes, each its own SKU, price and stock; a photo.
    for sku, size, price in (
        ("PH-CLOVER-1KG", "1 kg", "32.00"),
        ("PH-CLOVER-2KG", "2 kg", "58.00"),
    ):
        form = page.locator("[data-testid=variant-form]")
        form.get_by_label("SKU").fill(sku)
        form.get_by_label("Size", exact=True).fill(size)
        form.get_by_label("Price (USD)").fill(price)
        form.get_by_label("Units in stock").fill("20")
        form.locator("[data-testid=add-variant]").click()
        page.wait_for_url(re.compile(rf"/seller/products/{product.pk}/"))
    expect(page.locator("[data-testid=variant-table] tbody tr")).to_have_count(3)
    page.locator("input[name=image]").set_input_files(
        files=[{"name": "jar.jpg", "mimeType": "image/jpeg", "buffer": _photo()}]
    )
    page.locator("input[name=alt_en]").fill("A jar of clover honey")
    page.locator("input[name=alt_zh]").fill("一罐三叶草蜂蜜")
    page.locator("[data-testid=upload-image]").click()
    expect(page.locator("[data-testid=image-list] img")).to_have_count(1)
    j.shot_both("product-with-variants-and-photo")

    page.locator("[data-testid=publish]").click()
    page.wait_for_url(re.compile(r"\?published=1$"))
    assert set(Product.objects.values_list("status", flat=True)) == {"active"}

    # Buyers see the photo on the card and choose the size on the product page.
    j.goto("/cn/?lang=zh-hans")
    image = ProductImage.objects.get()
    expect(
        page.locator(f'[data-product="{product.pk}"] [data-testid=card-image]')
    ).to_have_attribute("src", image.url_320)
    j.shot("storefront-card-with-photo")
    j.goto(f"/products/{product.pk}/")
    picker = page.locator("[data-testid=variant-picker]")
    expect(picker.locator("a")).to_have_count(3)
    picker.get_by_role("link", name="1 kg").click()
    page.wait_for_url(re.compile(r"/products/\d+/$"))
    expect(page.locator('[data-testid=variant-picker] a[aria-current="true"]')).to_have_text("1 kg")
    j.shot_both("product-page-variant")
    j.finish()


def test_chinese_seller_lists_for_us_buyers_and_sees_the_labor_risk_precheck(
    live_server, browser, market
):
    from playwright.sync_api import expect

    state.cn_seller(
        "Kashgar Cotton Garments Co., Ltd.",
        "喀什棉纺服装有限公司",
        "65",
        31,
        staff="sales@kashgar.example",
    )
    j = Journey(browser, live_server.url, "cn-seller-listing-editor", locale="zh-CN")
    page = j.page
    j.log_in("sales@kashgar.example", "/seller/products/new/")
    j.shot_both("editor-empty")
    page.get_by_label("商品编号（SKU）").fill("KS-SHIRT-1")
    page.get_by_label("标题（中文）").fill("纯棉衬衫")
    page.locator("#hs-query").fill("衬衫")
    expect(page.locator("[data-testid=hs-results]")).to_be_visible()
    page.get_by_label("HS 编码（6 位）").fill("620520")
    page.get_by_label(re.compile("美国 HTS")).fill("6205202066")
    page.get_by_label("价格（美元）").fill("20.00")
    page.get_by_label("运输重量（千克）").fill("0.300")
    page.get_by_label(re.compile("生产商")).fill("Kashgar Cotton Garments Co., Ltd.")
    page.get_by_label(re.compile("原材料供应商")).fill("Xinjiang Cotton Spinning Mill")
    page.get_by_label(re.compile("原产省份")).select_option("65")
    precheck = page.locator("#live-checks [data-testid=labor-precheck]")
    expect(precheck).to_have_attribute("data-level", "blocked")
    expect(page.locator("#live-checks [data-testid=us-landed-cost]")).to_be_visible()
    j.shot("labor-risk-precheck")
    page.locator("[data-testid=write-draft]").click()
    expect(page.locator("[data-testid=draft-notice]")).to_be_visible()
    j.shot("english-draft")
    page.locator("input[name=text_confirmed]").check()
    page.locator("[data-testid=save-listing]").click()
    page.wait_for_url(re.compile(r"/seller/products/\d+/\?created=1$"))
    product = Product.objects.get(sku="KS-SHIRT-1")
    assert product.market_us_import
    assert product.origin_cn_province_id == "65"
    assert product.status == "blocked"  # held for a regulator: Xinjiang origin
    j.shot_both("listing-held")
    j.finish()
