"""Catalogue import: every row checked with the listing rules, errors by row and column in both
languages, all or nothing (or the valid rows), CSV (UTF-8, BOM, GB18030) and XLSX, stock files."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.utils import translation

from twoway.businesses.models import Membership, MembershipRole
from twoway.businesses.tests.factories import UsBusinessFactory
from twoway.catalog.bulk import files
from twoway.catalog.bulk.services import import_commit, import_job_create, import_job_run
from twoway.catalog.models import ImportJob, ImportJobStatus, Product, StockAdjustment
from twoway.catalog.tests.factories import UsExportProductFactory
from twoway.core.errors import PermissionDenied
from twoway.identity.tests.factories import SellerFactory

pytestmark = pytest.mark.django_db

HEADER = [
    "sku",
    "title_en",
    "title_zh",
    "hs_code",
    "cn_tariff_line",
    "unit_price",
    "weight_kg",
    "stock_on_hand",
    "markets",
    "status",
]


def good(n: int) -> list[str]:
    return [
        f"SYRUP-{n:04d}",
        f"Maple syrup {n}",
        f"枫糖浆 {n}",
        "1702.20",
        "17022000",
        "18.50",
        "0.750",
        "10",
        "cn_export, us_domestic",
        "active",
    ]


def csv_bytes(rows, header=HEADER, encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


@pytest.fixture
def business():
    return UsBusinessFactory()


@pytest.fixture
def staff(business):
    user = SellerFactory()
    Membership.objects.create(user=user, business=business, role=MembershipRole.CATALOGUE)
    return user


def run(business, staff, data, *, name="products.csv", commit=True, all_or_nothing=True, **kw):
    job = import_job_create(business=business, by=staff, file_name=name, data=data, **kw)
    import_job_run(job.pk)
    job.refresh_from_db()
    if commit and job.status == ImportJobStatus.CHECKED:
        import_commit(job=job, by=staff, all_or_nothing=all_or_nothing)
        import_job_run(job.pk)
        job.refresh_from_db()
    return job


def test_a_clean_file_is_previewed_then_written(business, staff):
    job = run(business, staff, csv_bytes([good(i) for i in range(1, 6)]), commit=False)
    assert job.status == ImportJobStatus.CHECKED
    assert (job.rows_total, job.rows_new, job.rows_updated, job.rows_invalid) == (5, 5, 0, 0)
    assert [p["sku"] for p in job.preview] == [f"SYRUP-{i:04d}" for i in range(1, 6)]
    assert Product.objects.count() == 0  # the preview writes nothing
    import_commit(job=job, by=staff, all_or_nothing=True)
    import_job_run(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJobStatus.DONE
    assert job.rows_written == 5
    product = Product.objects.get(sku="SYRUP-0003")
    assert product.business == business
    assert (product.hs_code, product.hs_chapter, product.cn_tariff_line) == (
        "170220",
        "17",
        "17022000",
    )
    assert product.origin_country == "US"
    assert product.origin_us_state_id == business.us_state_id
    assert product.unit_price == Decimal("18.50")
    assert product.currency == "USD"
    assert product.market_cn_export
    assert product.market_us_domestic
    assert product.stock_on_hand == 10
    assert product.status == "active"
    adjustment = StockAdjustment.objects.get(product=product)
    assert (adjustment.delta, adjustment.reason, adjustment.by) == (10, "initial stock", staff)


def test_one_bad_row_writes_nothing_and_names_row_and_column_in_both_languages(business, staff):
    rows = [good(i) for i in range(1, 6)]
    rows[2][3] = "9999.99"  # spreadsheet row 4
    rows[2][4], rows[2][8] = "", "us_domestic"
    job = run(business, staff, csv_bytes(rows))
    assert job.status == ImportJobStatus.REJECTED
    assert Product.objects.count() == 0
    assert (job.rows_invalid, job.rows_new) == (1, 4)
    [line] = files.error_lines(job.errors, "en")
    assert line["text"] == (
        "Row 4, column hs_code: 999999 is not a 6-digit subheading of the HS nomenclature."
    )
    [line_zh] = files.error_lines(job.errors, "zh-hans")
    assert line_zh["text"].startswith("第 4 行，hs_code 列：")
    assert "HS" in line_zh["text"]
    assert "6 位" in line_zh["text"]


def test_valid_rows_mode_writes_the_rest(business, staff):
    rows = [good(i) for i in range(1, 6)]
    rows[0][5] = "-3"  # price
    rows[4][4] = "1702"  # China tariff line too short
    job = run(business, staff, csv_bytes(rows), all_or_nothing=False)
    assert job.status == ImportJobStatus.DONE
    assert job.rows_written == 3
    assert sorted(Product.objects.values_list("sku", flat=True)) == [
        "SYRUP-0002",
        "SYRUP-0003",
        "SYRUP-0004",
    ]
    assert [(e["row"], e["column"], e["code"]) for e in job.errors] == [
        (2, "unit_price", "min_value"),
        (6, "cn_tariff_line", "cn_line_format"),
    ]


def test_same_rules_as_the_listing_form(business, staff):
    """A row the product_create service refuses is refused by the import with the same code."""
    from twoway.catalog.services import product_create
    from twoway.core.errors import DomainError

    row = good(1)
    row[4] = "1702"  # China line too short
    job = run(business, staff, csv_bytes([row]), commit=False)
    codes = {(e["column"], e["code"]) for e in job.errors}
    with pytest.raises(DomainError) as exc:
        product_create(
            business=business,
            by=staff,
            sku="X",
            title_en="Syrup",
            title_zh="枫糖浆",
            hs_code="1702.20",
            cn_tariff_line="1702",
            origin_country="US",
            origin_us_state=business.us_state_id,
            unit_price=Decimal("1"),
            currency="USD",
            weight_kg=Decimal("1"),
            market_cn_export=True,
        )
    assert (
        {(p.field, p.rule) for p in exc.value.problems}
        == codes
        == {("cn_tariff_line", "cn_line_format")}
    )


def test_duplicate_sku_in_the_file(business, staff):
    job = run(business, staff, csv_bytes([good(1), good(1)]), commit=False)
    assert [(e["row"], e["code"], e["params"]) for e in job.errors] == [
        (3, "sku_duplicate", {"sku": "SYRUP-0001", "first_row": 2})
    ]


def test_utf8_bom_and_gb18030_and_chinese_headers(business, staff):
    header = [
        "SKU",
        "英文标题",
        "中文标题",
        "HS编码",
        "中国税则号列",
        "单价",
        "重量（千克）",
        "库存",
        "销售市场",
        "状态",
    ]
    data = csv_bytes([good(1)], header=header, encoding="gb18030")
    job = run(business, staff, data)
    assert job.status == ImportJobStatus.DONE, job.errors
    assert job.encoding == "auto"
    assert Product.objects.get().title_zh == "枫糖浆 1"
    bom = "\ufeff".encode() + csv_bytes([good(2)])
    job = run(business, staff, bom)
    assert job.status == ImportJobStatus.DONE
    assert Product.objects.filter(sku="SYRUP-0002").exists()


def test_seller_chooses_the_encoding(business, staff):
    data = csv_bytes([good(1)], encoding="gb18030")
    job = run(business, staff, data, encoding="utf-8")
    assert job.status == ImportJobStatus.REJECTED
    assert job.errors[0]["code"] == "file_encoding"
    assert Product.objects.count() == 0


def test_xlsx_and_the_template_round_trip(business, staff, reference_data):
    from openpyxl import load_workbook

    template = files.template_xlsx("listings", "zh-hans")
    book = load_workbook(io.BytesIO(template))
    assert book.sheetnames == ["商品", "说明"]
    sheet = book["商品"]
    header = [c.value for c in sheet[1]]
    example = {
        row[1]: row[4]
        for row in book["说明"].iter_rows(min_row=2, values_only=True)
        if row and row[1]
    }
    sheet.append([example[key] for key in _keys(header)])
    sheet.append([None] * len(header))  # a blank row is skipped
    out = io.BytesIO()
    book.save(out)
    job = run(business, staff, out.getvalue(), name="模板.xlsx")
    assert job.status == ImportJobStatus.DONE, job.errors
    product = Product.objects.get(sku="MAPLE-500")
    assert product.title_zh == "纯枫糖浆 500毫升"
    assert product.origin_us_state_id == "VT"


def _keys(header):
    from twoway.catalog.bulk.columns import map_header

    return map_header(header, "listings")[0]


def test_csv_template_reads_back_with_its_notes_skipped(business, staff):
    data = files.template_csv("listings", "en")
    assert data.startswith("\ufeff".encode())
    job = run(business, staff, data, commit=False)
    assert job.status == ImportJobStatus.CHECKED
    assert job.rows_total == 0
    assert job.errors == []


def test_error_report_guards_against_formula_injection(business, staff):
    row = good(1)
    row[0] = '=HYPERLINK("http://evil")'
    row[5] = "@SUM(1)"
    job = run(business, staff, csv_bytes([row]), commit=False)
    report = files.errors_csv(job, "en").decode("utf-8-sig")
    cells = [c for line in csv.reader(io.StringIO(report)) for c in line]
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    assert "'@SUM(1)" in cells


def test_stock_and_price_file_updates_by_sku(business, staff):
    honey = UsExportProductFactory(
        business=business, sku="HONEY-1", stock_on_hand=100, unit_price=Decimal("12.50")
    )
    jam = UsExportProductFactory(business=business, sku="JAM-1", stock_on_hand=5)
    data = csv_bytes(
        [["HONEY-1", "13.00", "80"], ["JAM-1", "", "5"], ["NOPE", "1", "1"]],
        header=["sku", "unit_price", "stock_on_hand"],
    )
    job = run(business, staff, data, mode="stock", all_or_nothing=False)
    assert job.status == ImportJobStatus.DONE
    assert (job.rows_updated, job.rows_unchanged, job.rows_invalid) == (1, 1, 1)
    assert job.errors[0]["code"] == "sku_unknown"
    assert job.errors[0]["row"] == 4
    honey.refresh_from_db()
    jam.refresh_from_db()
    assert (honey.unit_price, honey.stock_on_hand) == (Decimal("13.00"), 80)
    assert jam.stock_on_hand == 5
    adjustment = StockAdjustment.objects.get(product=honey)
    assert (adjustment.delta, adjustment.stock_after) == (-20, 80)
    assert adjustment.reason == "stock file products.csv"
    assert not StockAdjustment.objects.filter(product=jam).exists()
    # only price and stock are touched
    assert honey.title_en == "Raw clover honey 500 g"


def test_listing_file_updates_an_existing_sku(business, staff):
    honey = UsExportProductFactory(business=business, sku="SYRUP-0001", stock_on_hand=3)
    job = run(business, staff, csv_bytes([good(1), good(2)]))
    assert (job.rows_new, job.rows_updated) == (1, 1)
    honey.refresh_from_db()
    assert honey.title_en == "Maple syrup 1"
    assert honey.stock_on_hand == 10
    assert StockAdjustment.objects.get(product=honey).delta == 7


def test_a_stranger_cannot_import(business):
    with pytest.raises(PermissionDenied):
        import_job_create(
            business=business, by=SellerFactory(), file_name="a.csv", data=csv_bytes([good(1)])
        )
    assert ImportJob.objects.count() == 0


def test_running_a_job_twice_does_nothing_the_second_time(business, staff):
    job = run(business, staff, csv_bytes([good(1)]))
    assert import_job_run(job.pk) == "nothing to do"
    assert Product.objects.count() == 1


def test_error_report_header_in_chinese(business, staff):
    job = run(business, staff, csv_bytes([["", "x"]], header=["sku", "title_en"]), commit=False)
    report = files.errors_csv(job, "zh-hans").decode("utf-8-sig")
    assert report.splitlines()[0] == "行,列,值,错误"
    with translation.override("zh-hans"):
        assert files.error_lines(job.errors, "zh-hans")[0]["message"] == "缺少必填列 hs_code。"


def test_an_import_listing_is_assessed_in_the_same_transaction(
    reference_data, django_capture_on_commit_callbacks
):
    """A Chinese seller's file: the labor-risk assessment runs on the imported import listings
    as it does for the form, so a listed manufacturer's listing is blocked, never on sale."""
    from twoway.checkout.tests.import_factories import cn_seller, staff_of
    from twoway.compliance.models import LaborRiskAssessment
    from twoway.search.models import SearchOutbox

    seller = cn_seller()
    staff = staff_of(seller)
    header = [
        "sku",
        "title_en",
        "title_zh",
        "hs_code",
        "us_hts_line",
        "unit_price",
        "weight_kg",
        "markets",
        "status",
        "manufacturer",
    ]
    rows = [
        [
            "SI-1",
            "Polysilicon chunks",
            "多晶硅块",
            "280461",
            "2804610000",
            "900",
            "1",
            "us_import",
            "active",
            "Hoshine Silicon Industry (Shanshan) Co Ltd",
        ],
        [
            "LAMP-1",
            "LED desk lamp",
            "LED台灯",
            "940521",
            "9405210010",
            "129",
            "1.2",
            "us_import",
            "active",
            "Foshan Light Works",
        ],
    ]
    with django_capture_on_commit_callbacks(execute=True):
        job = run(seller, staff, csv_bytes(rows, header=header))
    assert job.status == ImportJobStatus.DONE, job.errors
    blocked = Product.objects.get(sku="SI-1")
    assert (blocked.origin_country, blocked.currency, blocked.origin_cn_province_id) == (
        "CN",
        "CNY",
        seller.cn_province_id,
    )
    assert blocked.status == "blocked"
    assert Product.objects.get(sku="LAMP-1").status == "active"
    assert LaborRiskAssessment.objects.count() == 2
    assert set(SearchOutbox.objects.values_list("product_id", flat=True)) == set(
        Product.objects.values_list("pk", flat=True)
    )


def test_columns_left_out_keep_the_products_values(business, staff):
    """A file of SKUs, titles and prices does not blank descriptions or turn markets off."""
    honey = UsExportProductFactory(
        business=business, sku="HONEY-1", description_en="Clover.", stock_on_hand=9
    )
    header = ["sku", "title_en", "hs_code", "unit_price", "weight_kg"]
    job = run(
        business,
        staff,
        csv_bytes([["HONEY-1", "Clover honey 500 g", "040900", "14.00", "0.650"]], header=header),
    )
    assert job.status == ImportJobStatus.DONE, job.errors
    honey.refresh_from_db()
    assert (honey.title_en, honey.unit_price) == ("Clover honey 500 g", Decimal("14.00"))
    assert honey.description_en == "Clover."
    assert honey.title_zh == "生三叶草蜂蜜 500克"
    assert honey.market_cn_export
    assert honey.cn_tariff_line == "04090000"
    assert honey.stock_on_hand == 9  # no stock column: no stock change


def test_rows_sold_to_china_without_a_chinese_title_get_a_chinese_draft(
    business, staff, reference_data
):
    """Issue 13: the import writes a Chinese draft (the listing editor's, from the glossary) for
    a row sold to China with no Chinese title; the listing stays a draft until the seller
    confirms the text. A row with its own Chinese title is the seller's and goes on sale."""
    header = [*HEADER, "description_en"]
    drafted = [
        "CHEESE-1", "Colby cheese, 1 lb", "", "0406.90", "04069000", "6.10", "0.490", "20",
        "cn_export, us_domestic", "active", "Colby made in Wisconsin from grass-fed milk.",
    ]  # fmt: skip
    job = run(business, staff, csv_bytes([drafted, [*good(2), ""]], header=header), commit=False)
    assert (job.status, job.rows_invalid, job.rows_drafted) == (ImportJobStatus.CHECKED, 0, 1)
    preview = {p["sku"]: p for p in job.preview}
    assert preview["CHEESE-1"]["zh_draft"]
    assert preview["CHEESE-1"]["title_zh"] == "科尔比干酪，454克"
    assert not preview["SYRUP-0002"]["zh_draft"]
    import_commit(job=job, by=staff, all_or_nothing=True)
    import_job_run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.rows_written, job.rows_drafted) == (ImportJobStatus.DONE, 2, 1)
    cheese = Product.objects.get(sku="CHEESE-1")
    assert (cheese.title_zh, cheese.zh_is_draft, cheese.status) == (
        "科尔比干酪，454克",
        True,
        "draft",
    )
    assert "产地：美国" in cheese.description_zh
    syrup = Product.objects.get(sku="SYRUP-0002")
    assert (syrup.zh_is_draft, syrup.status) == (False, "active")

    # A file without the Chinese title column keeps the draft (and the listing a draft) ...
    update = ["sku", "title_en", "hs_code", "unit_price", "weight_kg", "status"]
    run(business, staff, csv_bytes([["CHEESE-1", "Colby cheese, 1 lb", "040690", "6.40",
                                      "0.490", "active"]], header=update))  # fmt: skip
    cheese.refresh_from_db()
    assert (cheese.unit_price, cheese.zh_is_draft, cheese.status) == (
        Decimal("6.40"),
        True,
        "draft",
    )
    # ... a Chinese title in the file is the seller's own: no longer a draft.
    own = ["CHEESE-1", "Colby cheese, 1 lb", "科尔比奶酪 1磅", "0406.90", "04069000", "6.40",
           "0.490", "20", "cn_export", "active"]  # fmt: skip
    job = run(business, staff, csv_bytes([own]))
    assert job.rows_drafted == 0
    cheese.refresh_from_db()
    assert (cheese.title_zh, cheese.zh_is_draft, cheese.status) == (
        "科尔比奶酪 1磅",
        False,
        "active",
    )


def test_a_row_only_for_the_us_needs_no_chinese_title(business, staff):
    row = good(1)
    row[2], row[8] = "", "us_domestic"
    job = run(business, staff, csv_bytes([row]))
    assert (job.status, job.rows_drafted) == (ImportJobStatus.DONE, 0)
    product = Product.objects.get()
    assert (product.title_zh, product.zh_is_draft, product.status) == ("", False, "active")


def test_the_size_and_colour_columns_in_both_languages(business, staff):
    """A row sold to China in a Latin colour: its Chinese colour is written, drafted when the
    cell is empty (the row stays a draft), refused when nothing is known; a later file without
    the columns keeps them."""
    header = [*HEADER, "variant_size", "variant_colour", "variant_colour_zh"]
    rows = [
        [*good(1), "500 ml", "Amber", "琥珀色"],
        [*good(2), "500 ml", "Orange", ""],
    ]
    job = run(business, staff, csv_bytes(rows, header=header))
    assert job.status == ImportJobStatus.DONE, job.errors
    typed, drafted = Product.objects.order_by("sku")
    assert (typed.variant_colour_zh, typed.zh_is_draft, typed.status) == ("琥珀色", False, "active")
    assert (drafted.variant_colour_zh, drafted.zh_is_draft, drafted.status) == (
        "橙色",
        True,
        "draft",
    )
    refused = run(business, staff, csv_bytes([[*good(3), "", "Slate", ""]], header=header))
    assert [(e["column"], e["code"]) for e in refused.errors] == [
        ("variant_colour_zh", "variant_zh_required_for_china")
    ]
    run(business, staff, csv_bytes([good(1)]))  # no variant columns
    typed.refresh_from_db()
    assert (typed.variant_size, typed.variant_colour, typed.variant_colour_zh) == (
        "500 ml",
        "Amber",
        "琥珀色",
    )
