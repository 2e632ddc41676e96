"""Issue 13, done when: the whole story of a new US seller in one browser journey, the clock
moving on (time_machine) as it would:

day 1   Kettle Moraine Creamery signs up and submits its business for verification;
day 2   an operator verifies it in the admin; the owner downloads the import template, uploads 500
        cheeses with three bad rows, reads each error by row and column (in both languages),
        fixes the file and imports it all or nothing (the scheduled worker writes it while the
        page shows the progress, then the result); 20 rows had no Chinese title and got Chinese
        drafts; the owner connects the creamery's warehouse system (a signed webhook endpoint);
day 3   she opens a drafted listing: the draft badge, the positive list, the CBEC tax class;
        confirms the Chinese text and puts the listing on sale;
day 4   a returning buyer in China (saved identity, an earlier order) buys two through the
        browser; customs clears the order; the warehouse system receives order.paid and
        order.cleared and verifies each signature with the endpoint's secret (a forged body is
        refused);
day 5   the order is in the queue; invoice and packing list (PDF, with the order's references);
        a mistyped tracking number is refused naming the rule, the right one ships the order and
        the warehouse system receives order.shipped;
next month  the scheduled job issues the statement; she sees the order's money in USD, and it
        adds up.

Screenshots: var/screenshots/us-seller-whole/ (the seller, both languages on the key pages),
us-seller-whole-operator/ and us-seller-whole-buyer/."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import re
import urllib.error
import urllib.request
from decimal import ROUND_HALF_UP, Decimal

import pytest
import time_machine
from django.utils import timezone

from twoway.businesses.models import Business
from twoway.catalog.models import ImportJob, Product
from twoway.checkout.models import Order, OrderStatus
from twoway.payouts.models import PayoutStatement

from . import journey_state as state
from .journey import PASSWORD, Journey, fill_consignee_cn, money, pay_with_alipay_cn

pytestmark = [pytest.mark.browser, pytest.mark.journey, pytest.mark.django_db(transaction=True)]

OWNER = "anna@kettlemoraine.example"
LEGAL_NAME = "Kettle Moraine Creamery LLC"
CENT = Decimal("0.01")

# The creamery's catalogue: 10 cheeses × 5 sizes × 10 case sizes = 500 SKUs.
KINDS = (  # English, Chinese, HS subheading, China tariff line, USD per lb
    ("Mild cheddar cheese", "温和切达奶酪", "0406.90", "04069000", "6.20"),
    ("Sharp cheddar cheese", "浓味切达奶酪", "0406.90", "04069000", "6.90"),
    ("Aged cheddar cheese", "陈年切达奶酪", "0406.90", "04069000", "8.40"),
    ("Colby cheese", "科尔比干酪", "0406.90", "04069000", "6.10"),
    ("Monterey Jack cheese", "蒙特里杰克干酪", "0406.90", "04069000", "6.30"),
    ("Colby Jack cheese", "科尔比杰克干酪", "0406.90", "04069000", "6.40"),
    ("Mozzarella", "马苏里拉奶酪", "0406.10", "04061000", "5.80"),
    ("Parmesan", "帕尔马干酪", "0406.90", "04069000", "11.50"),
    ("Cream cheese", "奶油奶酪", "0406.10", "04061000", "4.90"),
    ("Processed cheese", "再制干酪", "0406.30", "04063000", "4.20"),
)
SIZES = (  # label, Chinese, pounds, shipping weight of one unit (kg)
    ("8 oz", "227克", "0.5", "0.260"),
    ("1 lb", "454克", "1", "0.490"),
    ("2 lb", "907克", "2", "0.960"),
    ("3 lb", "1.36千克", "3", "1.420"),
    ("5 lb", "2.27千克", "5", "2.350"),
)
CASES = (1, 2, 3, 4, 6, 8, 10, 12, 18, 24)
#: A new line: single units of these cheeses have no Chinese title in the file yet.
NEW_LINE = {"Colby cheese", "Monterey Jack cheese", "Mozzarella", "Parmesan"}
#: spreadsheet row (the header is row 1) → (column, what the seller mistyped)
BAD = {14: ("hs_code", "9999.99"), 203: ("unit_price", "free"), 377: ("weight_kg", "about 1 lb")}


def _catalogue() -> list[dict[str, str]]:
    rows = []
    for n, (kind, size, case) in enumerate(itertools.product(KINDS, SIZES, CASES), start=1):
        name, name_zh, hs, line, per_lb = kind
        label, label_zh, pounds, kg = size
        single = case == 1
        price = (Decimal(per_lb) * Decimal(pounds) * case).quantize(CENT, ROUND_HALF_UP)
        rows.append({
            "sku": f"KM-{n:04d}",
            "title_en": f"{name}, {label}" + ("" if single else f", case of {case}"),
            "title_zh": "" if single and name in NEW_LINE
            else f"{name_zh} {label_zh}" + ("" if single else f" {case}件装"),
            "description_en": f"{name} made in Plymouth, Wisconsin, from the milk of grass-fed cows.",
            "hs_code": hs, "cn_tariff_line": line, "unit_price": f"{price}", "currency": "USD",
            "weight_kg": f"{Decimal(kg) * case:.3f}", "stock_on_hand": str(20 + n % 30),
            "markets": "cn_export, us_domestic", "status": "active",
        })  # fmt: skip
    assert len(rows) == 500
    return rows


def _workbook(template: bytes, rows: list[dict[str, str]], bad: dict) -> bytes:
    """The seller fills the template she downloaded (its header row kept as it is)."""
    from openpyxl import load_workbook

    from twoway.catalog.bulk.columns import map_header

    book = load_workbook(io.BytesIO(template))
    sheet = book.worksheets[0]
    keys = map_header([c.value for c in sheet[1]], "listings")[0]
    for number, values in enumerate(rows, start=2):
        values = dict(values)
        if number in bad:
            column, typed = bad[number]
            values[column] = typed
        sheet.append([values.get(k or "", "") for k in keys])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _pdf_text(data: bytes) -> str:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(data)
    return "\n".join(page.get_textpage().get_text_range() for page in pdf)


def _decimal(text: str) -> Decimal:
    return Decimal(re.sub(r"[^0-9.\-]", "", text))


def _next_month_start(moment: dt.datetime) -> dt.datetime:
    first = (moment.date().replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return dt.datetime.combine(first, dt.time(0, 0), dt.UTC)


# --- the chapters of the story --------------------------------------------------------------


def _sign_up(j: Journey) -> Business:
    """Day 1: the owner creates her account and submits the business for verification."""
    from playwright.sync_api import expect

    page = j.page
    j.goto("/signup/")
    page.locator("[data-testid=signup-seller-us]").click()
    page.wait_for_url(f"{j.base}/signup/seller-us/")
    j.shot_both("signup")
    page.get_by_label("Email").fill(OWNER)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(f"{j.base}/seller/business/?country=US")
    j.shot_both("business-verification")
    page.get_by_label("Legal name").fill(LEGAL_NAME)
    page.get_by_label("Name in Chinese").fill("壶穴冰碛乳品公司")
    page.get_by_label("EIN (employer identification number)").fill("39-2468013")
    page.get_by_label("State").select_option("WI")
    page.get_by_label("City").fill("Plymouth")
    page.get_by_label("Postal code").fill("53073")
    page.get_by_label("Employees").fill("23")
    page.get_by_label(re.compile("Our goods are Made in USA")).check()
    page.get_by_label("How the goods meet the standard").fill(
        "We make every cheese in Plymouth from the milk of Sheboygan County farms."
    )
    page.get_by_role("button", name="Submit for verification").click()
    page.wait_for_url(f"{j.base}/seller/?registered=1")
    expect(page.locator("[data-testid=registered]")).to_be_visible()
    expect(page.locator(".business-facts")).to_contain_text("pending")
    j.shot_both("seller-center-pending")
    business = Business.objects.get(legal_name=LEGAL_NAME)
    assert (business.verification_status, business.registration_number) == (
        "pending",
        "39-2468013",
    )
    return business


def _operator_verifies(browser, base: str, business: Business) -> None:
    """Day 2: an operator checks the EIN against the IRS register and verifies the business in
    the admin."""
    from playwright.sync_api import expect

    operator = state.person("ops@twoway.example", "operator", "en")
    operator.is_staff = True
    operator.save()
    o = Journey(browser, base, "us-seller-whole-operator")
    o.log_in("ops@twoway.example", "/admin/businesses/business/?verification_status__exact=pending")
    page = o.page
    row = page.locator("#result_list tbody tr", has_text=LEGAL_NAME)
    expect(row).to_contain_text("39-2468013")
    o.shot("pending-businesses")
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option("verify_selected")
    page.locator("button[name=index]").click()
    expect(page.locator(".messagelist")).to_contain_text("1 business verified.")
    o.shot("verified")
    o.finish()
    business.refresh_from_db()
    assert business.verification_status == "verified"


def _import_catalogue(j: Journey, tmp_path) -> ImportJob:
    """Day 2: template, 500 rows with three mistakes, errors per row and column in both
    languages, the fixed file previewed and imported all or nothing by the scheduled worker."""
    from openpyxl import load_workbook
    from playwright.sync_api import expect

    page = j.page
    j.goto("/seller/")
    expect(page.locator(".business-facts")).to_contain_text("verified")
    page.locator("[data-testid=import-products]").click()
    page.wait_for_url(f"{j.base}/seller/imports/")
    j.shot_both("imports")
    with page.expect_download() as download:
        page.locator("[data-testid=template-xlsx-en]").click()
    template = download.value.path().read_bytes()
    assert load_workbook(io.BytesIO(template)).sheetnames == ["Products", "Notes"]
    catalogue = _catalogue()
    (tmp_path / "cheeses.xlsx").write_bytes(_workbook(template, catalogue, BAD))

    # The first upload: nothing written, each mistake named by row and column.
    page.set_input_files("input[type=file]", str(tmp_path / "cheeses.xlsx"))
    page.locator("[data-testid=upload]").click()
    page.wait_for_url(re.compile(r"/seller/imports/\d+/$"))
    expect(page.locator("[data-testid=import-status]")).to_have_text("checked: ready to import")
    expect(page.locator("[data-testid=rows-total]")).to_have_text("500")
    expect(page.locator("[data-testid=rows-invalid]")).to_have_text("3")
    errors = page.locator("[data-testid=errors]")
    shown = errors.locator("[data-testid=error-row] td:first-child").all_inner_texts()
    assert {int(n) for n in shown} == set(BAD)  # only the rows the seller mistyped
    expect(errors).to_contain_text("Row 14, column hs_code: 999999 is not a 6-digit subheading")
    expect(errors).to_contain_text("Row 203, column unit_price: free is not a number.")
    expect(errors).to_contain_text("Row 377, column weight_kg: about 1 lb is not a number.")
    j.shot_both("import-errors")
    j.switch_language("zh-hans")
    expect(errors).to_contain_text("第 14 行，hs_code 列：999999 不是")
    expect(errors).to_contain_text("第 377 行，weight_kg 列：about 1 lb 不是数字。")
    j.check_page()
    j.switch_language("en")
    assert not Product.objects.filter(business__legal_name=LEGAL_NAME).exists()

    # The fixed file: a clean preview, the rows without a Chinese title announced as drafts.
    (tmp_path / "cheeses-fixed.xlsx").write_bytes(_workbook(template, catalogue, {}))
    j.goto("/seller/imports/")
    page.set_input_files("input[type=file]", str(tmp_path / "cheeses-fixed.xlsx"))
    page.locator("[data-testid=upload]").click()
    page.wait_for_url(re.compile(r"/seller/imports/\d+/$"))
    expect(page.locator("[data-testid=rows-new]")).to_have_text("500")
    expect(page.locator("[data-testid=rows-invalid]")).to_have_text("0")
    expect(page.locator("[data-testid=rows-drafted]")).to_have_text("20")
    expect(page.locator("[data-testid=drafts-ahead]")).to_contain_text("20 rows sold to China")
    preview = page.locator("[data-testid=preview]")
    expect(preview).to_contain_text("KM-0001")
    drafted = preview.locator("tr", has=page.locator("[data-testid=preview-draft]"))
    expect(drafted).to_have_count(5)  # the first Chinese drafts, wherever they are in the file
    expect(drafted.first).to_contain_text("Colby cheese, 8 oz")
    expect(drafted.first.locator("[data-testid=preview-draft-title]")).to_have_text(
        "科尔比干酪，227克"
    )
    j.shot_both("import-preview")

    # All or nothing: the file waits for the worker, the page shows progress, then the result.
    page.locator("[data-testid=commit]").click()
    expect(page.locator("[data-testid=import-status]")).to_have_text("waiting to be imported")
    expect(page.locator("[data-testid=import-progress]")).to_be_visible()
    j.shot("import-waiting")
    state.run_scheduled("catalogue-imports")
    expect(page.locator("[data-testid=import-done]")).to_contain_text("500 products were written.")
    expect(page.locator("[data-testid=import-drafts]")).to_contain_text("20 products had no")
    j.shot_both("import-done")
    job = ImportJob.objects.order_by("-id").first()
    assert (job.status, job.all_or_nothing, job.rows_written, job.rows_drafted) == (
        "done",
        True,
        500,
        20,
    )
    products = Product.objects.filter(business__legal_name=LEGAL_NAME)
    assert products.count() == 500
    assert products.filter(zh_is_draft=True, status="draft").count() == 20
    assert products.filter(zh_is_draft=False, status="active").count() == 480
    return job


def _connect_warehouse(j: Journey, receiver) -> None:
    """Day 2: the owner registers the warehouse system's address; the secret, shown once, goes
    into the warehouse system's configuration."""
    from playwright.sync_api import expect

    page = j.page
    j.goto("/seller/")
    page.locator("[data-testid=nav-integrations]").click()
    page.wait_for_url(f"{j.base}/seller/integrations/")
    j.shot_both("integrations")
    page.get_by_label("URL").fill(receiver.url)
    page.get_by_role("button", name="Add endpoint").click()
    page.wait_for_url(f"{j.base}/seller/integrations/")
    receiver.secret = page.locator("[data-testid=new-secret] .mono").inner_text().strip()
    assert receiver.secret.startswith("whsec_")
    expect(page.locator("body")).to_contain_text("order.shipped")
    j.shot("integrations-secret-shown")


def _confirm_a_draft(j: Journey) -> Product:
    """Day 3: a drafted listing says so, with the positive list and the CBEC tax class; the
    owner reads the Chinese text, confirms it and puts the listing on sale."""
    from playwright.sync_api import expect

    page = j.page
    j.goto("/seller/products/")
    page.locator("[data-testid=filter-drafts]").click()
    page.wait_for_url(f"{j.base}/seller/products/?text=draft")
    table = page.locator("[data-testid=product-table]")
    expect(table.locator("tbody tr")).to_have_count(20)
    j.shot_both("products-chinese-drafts")
    product = Product.objects.get(
        business__legal_name=LEGAL_NAME, title_en="Colby cheese, 1 lb", zh_is_draft=True
    )
    table.get_by_role("link", name=product.sku).click()
    page.wait_for_url(f"{j.base}/seller/products/{product.pk}/")
    expect(page.locator("[data-testid=listing-status]")).to_have_text("draft")
    expect(page.locator("[data-testid=text-draft]")).to_have_text("generated text not confirmed")
    expect(page.locator(".product-other-title")).to_have_text("科尔比干酪，454克")
    expect(page.locator("[data-testid=eligibility]")).to_have_attribute("data-eligible", "yes")
    expect(page.locator("[data-testid=eligibility]")).to_contain_text("On the CBEC positive list")
    tax = page.locator("[data-testid=tax-category]")
    expect(tax).to_contain_text("Tax category: Cheese; milk and cream (import VAT 13%")
    expect(page.locator("[data-testid=china-tax] [data-testid=landed-total]")).to_contain_text("¥")
    j.shot_both("listing-draft")

    page.locator("[data-testid=edit-listing]").click()
    page.wait_for_url(f"{j.base}/seller/products/{product.pk}/edit/")
    expect(page.locator("[data-testid=draft-notice]")).to_be_visible()
    expect(page.get_by_label("Title (Chinese)")).to_have_value("科尔比干酪，454克")
    j.shot_both("editor-draft")
    page.get_by_label("I have read the generated text and confirm it describes the product").check()
    page.get_by_label("Status").select_option("active")
    page.locator("[data-testid=save-listing]").click()
    page.wait_for_url(re.compile(rf"/seller/products/{product.pk}/\?saved=1$"))
    expect(page.locator("[data-testid=listing-status]")).to_have_text("active")
    expect(page.locator("[data-testid=text-draft]")).to_have_count(0)
    j.shot_both("listing-on-sale")
    product.refresh_from_db()
    assert (product.status, product.zh_is_draft) == ("active", False)
    return product


def _buyer_buys(browser, base: str, product: Product) -> Order:
    """Day 4: a returning buyer in China finds the cheese, buys two with her saved identity and
    pays with Alipay; the sandbox customs clears the order."""
    from playwright.sync_api import expect

    buyer, identity = state.buyer_cn("chenjing@example.cn", "陈静", "330106198807150023")
    honey_farm = state.us_seller("Badger State Honey LLC", "獾州蜂蜜", "WI", "39-1234567")
    honey = state.export_product(
        honey_farm,
        sku="HONEY-500",
        title_en="Wisconsin wildflower honey, 500 g",
        title_zh="威斯康星野花蜂蜜 500克",
        line=state.listed_line("0409"),
        price="20.00",
    )
    earlier = state.past_export_order(
        buyer=buyer,
        identity=identity,
        items={honey.pk: 1},
        placed=timezone.now() - dt.timedelta(days=20),
    )
    b = Journey(browser, base, "us-seller-whole-buyer", locale="zh-CN")
    b.log_in("chenjing@example.cn", "/cn/")
    page = b.page
    page.locator("#search-q").fill("科尔比干酪 454克")
    page.locator("#search-q").press("Enter")
    page.wait_for_load_state("networkidle")
    card = page.locator(f'[data-testid=result][data-product="{product.pk}"]')
    expect(card).to_be_visible()
    b.shot("search")
    card.locator("a").first.click()
    page.wait_for_url(f"{b.base}/products/{product.pk}/")
    expect(page.locator("h1")).to_have_text("科尔比干酪，454克")
    b.shot_both("product")
    page.locator("#add-qty").fill("2")
    page.get_by_role("button", name="加入购物车").click()
    page.wait_for_url(f"{b.base}/cn/cart/")
    total = money(page.locator("[data-testid=cart-total]").inner_text())
    page.get_by_role("link", name="去结算").click()
    page.wait_for_url(f"{b.base}/cn/checkout/")
    expect(page.get_by_role("radio", name=re.compile(r"陈静 3301\*+0023"))).to_be_checked()
    fill_consignee_cn(page, "陈静", "13805710023", "浙江省杭州市西湖区文三路90号", "330106")
    b.shot("checkout")
    page.get_by_role("button", name="提交订单").click()
    number = pay_with_alipay_cn(b, total)
    b.wait_for_order_status("cleared")
    expect(page.locator("[data-testid=order-status]")).to_have_text("已清关")
    b.shot_both("order-cleared")
    b.goto("/cn/purchases/")
    expect(page.locator("body")).to_contain_text(earlier.number)
    b.finish()
    order = Order.objects.get(purchase__number=number)
    assert (order.business.legal_name, order.status, order.total_payable) == (
        LEGAL_NAME,
        OrderStatus.CLEARED,
        _decimal(total),
    )
    return order


def _warehouse_receives(receiver, *expected: str) -> list[dict]:
    """The scheduled delivery job runs; the warehouse system verified and accepted each."""
    before = len(receiver.received)
    state.run_scheduled("webhooks-deliver")
    new = receiver.received[before:]
    assert sorted((r.kind, r.status) for r in new) == sorted((e, 204) for e in expected)
    events = {r.kind: json.loads(r.body) for r in new}
    return [events[e] for e in expected]


def _forged_body_is_refused(receiver, delivered) -> None:
    """Someone replays a delivery with the amount changed: the signature no longer verifies."""
    forged = json.loads(delivered.body)
    forged["data"]["order"]["total_payable"] = "1.00"
    signature = delivered.signature
    request = urllib.request.Request(  # noqa: S310 - the test's own local receiver
        receiver.url,
        data=json.dumps(forged).encode(),
        headers={"Content-Type": "application/json", "Twoway-Signature": signature},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)  # noqa: S310
    assert refused.value.code == 400


def _papers_and_ship(j: Journey, order: Order) -> None:
    """Day 5: the order in the queue, its papers, a mistyped tracking number, then shipped."""
    from playwright.sync_api import expect

    page = j.page
    j.goto("/seller/")
    page.locator("[data-testid=nav-orders]").click()
    page.wait_for_url(f"{j.base}/seller/orders/")
    row = page.locator(f'[data-testid=queue-order][data-order="{order.number}"]')
    expect(row).to_contain_text("Colby cheese, 1 lb × 2")
    expect(row).to_contain_text("陈*")
    expect(row).to_contain_text("3301**********0023")
    j.shot_both("order-queue")
    line = order.lines.get()
    for kind in ("invoice", "packing-list"):
        href = row.locator(f"[data-testid=paper-{kind}]").get_attribute("href")
        answer = j.context.request.get(j.base + href)
        assert answer.status == 200, (kind, answer.status)
        assert answer.headers["content-type"] == "application/pdf"
        text = _pdf_text(answer.body())
        for reference in (order.number, order.purchase.number, line.sku):
            assert reference in text, (kind, reference)
        assert LEGAL_NAME in text, kind

    # A digit dropped from the UPS number: refused, naming the check-digit rule.
    row.locator("select[name=carrier]").select_option("ups")
    row.locator("input[name=tracking_number]").fill("1Z879E930346834441")
    with j.expecting(400):
        row.get_by_role("button", name="Mark shipped").click()
        page.wait_for_load_state()
    row = page.locator(f'[data-testid=queue-order][data-order="{order.number}"]')
    expect(row.locator(".field-error")).to_contain_text("its check digit should be 0")
    j.shot("tracking-refused")
    row.locator("select[name=carrier]").select_option("ups")
    row.locator("input[name=tracking_number]").fill("1Z879E930346834440")
    row.get_by_role("button", name="Mark shipped").click()
    page.wait_for_url(re.compile(r"/seller/orders/\?shipped="))
    expect(page.locator(f'[data-testid=queue-order][data-order="{order.number}"]')).to_contain_text(
        "1Z879E930346834440"
    )
    j.shot_both("order-shipped")
    order.refresh_from_db()
    assert (order.status, order.carrier, order.tracking_number) == (
        OrderStatus.SHIPPED,
        "ups",
        "1Z879E930346834440",
    )


def _statement(j: Journey, order: Order) -> None:
    """Next month: the statement the scheduled job issued, in USD; its figures add up."""
    from playwright.sync_api import expect

    statement = PayoutStatement.objects.get(business=order.business)
    page = j.page
    # Weeks later the session has expired: she signs in again.
    j.log_in(OWNER, "/seller/")
    page.get_by_test_id("payouts-link").click()
    page.wait_for_url(f"{j.base}/seller/payouts/")
    listed = page.locator(f'[data-testid=statement][data-number="{statement.number}"]')
    expect(listed).to_contain_text(f"${statement.amount_due:,.2f}")
    j.shot_both("payouts")
    listed.locator("a").first.click()
    page.wait_for_url(f"{j.base}/seller/payouts/{statement.number}/")
    line = page.locator(f'[data-testid=statement-line][data-reference="{order.number}"]')
    cells = [c.strip() for c in line.locator("td").all_inner_texts()]
    collected, tax, fee, net = (Decimal(c) for c in cells[3:7])
    assert collected == order.total_payable  # what the buyer paid, in CNY
    assert tax == order.tax_total  # the CBEC tax, remitted to customs
    assert collected - tax - fee == net
    assert _decimal(page.get_by_test_id("statement-net").inner_text()) == net
    rate = Decimal(page.get_by_test_id("statement-rate").get_attribute("data-rate"))
    due = (net / rate).quantize(CENT, ROUND_HALF_UP)
    expect(page.get_by_test_id("amount-due")).to_have_text(f"${due:,.2f}")
    assert statement.amount_due == due
    j.shot_both("statement")


# --- the journey ----------------------------------------------------------------------------


def test_a_new_us_seller_from_sign_up_to_the_money_on_the_statement(
    live_server, browser, market, sample_receiver, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.TWOWAY_IMPORT_INLINE_ROWS = 0  # a file of 500 rows waits for the scheduled worker
    # Day 1 is the first of next month, 15:00 UTC (09:00 in Wisconsin).
    day1 = _next_month_start(timezone.now()) + dt.timedelta(hours=15)
    base = live_server.url
    with time_machine.travel(day1, tick=True) as clock:
        j = Journey(browser, base, "us-seller-whole")
        business = _sign_up(j)

        clock.move_to(day1 + dt.timedelta(days=1, hours=-1))
        _operator_verifies(browser, base, business)
        clock.move_to(day1 + dt.timedelta(days=1, hours=1))
        _import_catalogue(j, tmp_path)
        _connect_warehouse(j, sample_receiver)

        clock.move_to(day1 + dt.timedelta(days=2))
        product = _confirm_a_draft(j)

        clock.move_to(day1 + dt.timedelta(days=3, hours=-3))  # evening in Hangzhou
        order = _buyer_buys(browser, base, product)
        paid, cleared = _warehouse_receives(sample_receiver, "order.paid", "order.cleared")
        assert paid["data"]["order"]["number"] == cleared["data"]["order"]["number"] == order.number
        assert paid["data"]["order"]["total_payable"] == f"{order.total_payable}"
        assert "陈静" not in json.dumps(paid, ensure_ascii=False)  # no identity in events
        _forged_body_is_refused(sample_receiver, sample_receiver.received[-1])
        assert sample_receiver.received[-1].status == 400

        clock.move_to(day1 + dt.timedelta(days=4))
        _papers_and_ship(j, order)
        [shipped] = _warehouse_receives(sample_receiver, "order.shipped")
        assert shipped["data"]["order"]["tracking_number"] == "1Z879E930346834440"
        j.goto("/seller/integrations/")
        j.page.locator("[data-testid=delivery][data-status=delivered]").first.wait_for()
        assert j.page.locator("[data-testid=delivery][data-status=delivered]").count() == 3
        j.shot_both("delivery-log")

        # The month closes: the scheduled job issues the statement after midnight UTC.
        clock.move_to(_next_month_start(day1) + dt.timedelta(minutes=5))
        state.run_scheduled("payout-statements")
        _statement(j, order)
        j.finish()
