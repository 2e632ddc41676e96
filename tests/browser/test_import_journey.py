"""A US seller imports a 500-product spreadsheet: downloads the template, uploads it with a few
bad rows, reads each row's error in English and Chinese, fixes the file, previews, imports,
watches the progress, and finds the products in the seller center (issue 13)."""

from __future__ import annotations

import io
import re

import pytest

from twoway.catalog.bulk.services import imports_run
from twoway.catalog.models import ImportJob, Product

from . import journey_state as state
from .journey import Journey

pytestmark = [pytest.mark.browser, pytest.mark.journey, pytest.mark.django_db(transaction=True)]

ROWS = 500
BAD = {14: ("hs_code", "9999.99"), 37: ("weight_kg", "1/2"), 203: ("unit_price", "free")}


def _workbook(template: bytes, bad: dict) -> bytes:
    """The seller fills the downloaded template: 500 cheeses, some rows wrong."""
    from openpyxl import load_workbook

    from twoway.catalog.bulk.columns import map_header

    book = load_workbook(io.BytesIO(template))
    sheet = book.worksheets[0]
    keys = map_header([c.value for c in sheet[1]], "listings")[0]
    for n in range(1, ROWS + 1):
        values = {
            "sku": f"WI-{n:04d}", "title_en": f"Aged cheddar, {n} months", "title_zh":
            f"陈年切达奶酪 {n} 个月", "hs_code": "0406.90", "cn_tariff_line": "04069000",
            "unit_price": f"{10 + n % 40}.50", "currency": "USD", "weight_kg": "0.450",
            "stock_on_hand": str(20 + n % 7), "markets": "cn_export, us_domestic",
            "status": "active",
        }  # fmt: skip
        row = n + 1  # the header is row 1
        if row in bad:
            column, value = bad[row]
            values[column] = value
        sheet.append([values.get(k or "", "") for k in keys])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def seller(fresh_cache, transactional_db, reference_data):
    state.us_seller(
        "Driftless Creamery LLC",
        "无碛区乳品公司",
        "WI",
        "39-1234567",
        staff="owner@driftless.example",
    )


def test_us_seller_imports_500_products_from_a_spreadsheet(
    live_server, browser, seller, settings, tmp_path
):
    from playwright.sync_api import expect

    settings.MEDIA_ROOT = str(tmp_path / "media")
    j = Journey(browser, live_server.url, "seller-imports")
    j.log_in("owner@driftless.example", "/seller/")
    page = j.page
    page.locator("[data-testid=import-products]").click()
    page.wait_for_url(f"{j.base}/seller/imports/")
    j.shot_both("imports")

    # the template, in English (the Chinese one has the same columns in Chinese)
    with page.expect_download() as download:
        page.locator("[data-testid=template-xlsx-en]").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    with page.expect_download() as download_zh:
        page.locator("[data-testid=template-xlsx-zh]").click()
    from openpyxl import load_workbook

    zh_book = load_workbook(io.BytesIO(download_zh.value.path().read_bytes()))
    assert zh_book.sheetnames == ["商品", "说明"]
    first = _workbook(template.read_bytes(), BAD)
    (tmp_path / "cheeses.xlsx").write_bytes(first)

    # upload: every bad row named by row and column
    page.set_input_files("input[type=file]", str(tmp_path / "cheeses.xlsx"))
    page.locator("[data-testid=upload]").click()
    page.wait_for_url(re.compile(r"/seller/imports/\d+/$"))
    expect(page.locator("[data-testid=import-status]")).to_have_text("checked: ready to import")
    expect(page.locator("[data-testid=rows-total]")).to_have_text("500")
    expect(page.locator("[data-testid=rows-invalid]")).to_have_text("3")
    errors = page.locator("[data-testid=errors]")
    expect(errors).to_contain_text("Row 14, column hs_code: 999999 is not a 6-digit subheading")
    expect(errors).to_contain_text("Row 37, column weight_kg: 1/2 is not a number.")
    expect(errors).to_contain_text("Row 203, column unit_price: free is not a number.")
    j.shot_both("errors")
    j.switch_language("zh-hans")
    expect(errors).to_contain_text("第 14 行，hs_code 列：999999 不是")
    expect(errors).to_contain_text("第 203 行，unit_price 列：free 不是数字。")
    j.check_page()
    j.switch_language("en")
    assert Product.objects.count() == 0

    # the seller fixes the three rows and uploads again: a clean preview
    (tmp_path / "cheeses-fixed.xlsx").write_bytes(_workbook(template.read_bytes(), {}))
    j.goto("/seller/imports/")
    page.set_input_files("input[type=file]", str(tmp_path / "cheeses-fixed.xlsx"))
    page.locator("[data-testid=upload]").click()
    page.wait_for_url(re.compile(r"/seller/imports/\d+/$"))
    expect(page.locator("[data-testid=rows-new]")).to_have_text("500")
    expect(page.locator("[data-testid=rows-invalid]")).to_have_text("0")
    expect(page.locator("[data-testid=preview]")).to_contain_text("WI-0001")
    j.shot_both("preview")

    # import: the file waits for the worker, the page shows progress, then the result
    settings.TWOWAY_IMPORT_INLINE_ROWS = 0
    page.locator("[data-testid=commit]").click()
    expect(page.locator("[data-testid=import-status]")).to_have_text("waiting to be imported")
    expect(page.locator("[data-testid=import-progress]")).to_be_visible()
    j.shot("progress")
    assert imports_run() == 1  # the scheduled worker's run
    expect(page.locator("[data-testid=import-done]")).to_contain_text("500 products were written.")
    j.shot("done")
    job = ImportJob.objects.order_by("-id").first()
    assert (job.status, job.rows_written) == ("done", 500)
    assert Product.objects.filter(business__legal_name="Driftless Creamery LLC").count() == 500

    page.get_by_role("link", name="See your products").click()
    page.wait_for_url(f"{j.base}/seller/")
    expect(page.locator("table")).to_contain_text("WI-0500")
    j.shot_both("products")
    j.finish()
