"""Issue 13, the other direction: a Chinese seller sells to US consumers. A Zhejiang garment maker
with earlier listings, a listing blocked for labor risk, earlier orders and two statements already
issued, lists a new shirt in Chinese (the labor-risk pre-check and the US landed cost shown before
saving); a US consumer buys it in English through the import channel (duties shown, paid by
card); the seller finds the order in the queue, prints the US-side invoice, packing list and label,
enters a tracking number with a typo and then the right one, and ships; after the month closes
the scheduled job issues the statement and the seller reads the money in CNY (dated, sourced
exchange rate, the platform-fee rule, the refund of a cancelled order) as page, CSV and PDF, and
the statement check adds up. The order the buyer cancelled before it shipped offers no papers; the
seller's insights are about its buyers in the US (the US share, buyers by state, searches on the
US import storefront). The seller mainly in Chinese, the buyer in English; both languages are
screenshotted."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

import twoway.compliance
from twoway.catalog.models import Product
from twoway.checkout.models import Order
from twoway.checkout.services import Consignee
from twoway.payments import services as payments
from twoway.payouts.check import payouts_check
from twoway.payouts.models import PayoutStatement
from twoway.payouts.services import statements_issue_due
from twoway.reference.selectors import platform_fee_on, rate_on
from twoway.search.services import search_log_record

from . import journey_state as state
from .journey import Journey, buy_import_by_card_us, money

pytestmark = [pytest.mark.browser, pytest.mark.journey, pytest.mark.django_db(transaction=True)]

CENT = Decimal("0.01")
SELLER = "export@qiantang.example"


@pytest.fixture
def market(transactional_db, reference_data, settings, tmp_path):
    from twoway.compliance.services import csl_load

    cache.clear()
    settings.TWOWAY_PAYMENT_KEY_DIR = str(tmp_path)
    csl_load(path=Path(twoway.compliance.__file__).parent / "data" / "csl_sample.csv")
    yield
    cache.clear()


def s10(serial: int, service: str = "EA") -> str:
    """A China Post (UPU S10) number with its check digit."""
    digits = f"{serial:08d}"
    total = sum(int(d) * w for d, w in zip(digits, (8, 6, 4, 2, 3, 5, 9, 7), strict=True))
    check = 11 - total % 11
    check = {10: 0, 11: 5}.get(check, check)
    return f"{service}{digits}{check}CN"


def month_start(day: dt.date, back: int = 0) -> dt.datetime:
    """The first instant of the month ``back`` months before ``day``'s (after it when negative)."""
    year, month = divmod(day.year * 12 + day.month - 1 - back, 12)
    return dt.datetime(year, month + 1, 1, tzinfo=dt.UTC)


def pdf_text(body: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def shop():
    """The seller's history: three listings (one blocked for labor risk), orders shipped and
    delivered in the two months before this one with their statements issued, and this month an
    order shipped and an order the buyer cancelled after paying (refunded)."""
    seller = state.cn_seller(
        "Hangzhou Qiantang Textile Garments Co., Ltd.",
        "杭州钱塘纺织服饰有限公司",
        "33",
        41,
        staff=SELLER,
    )
    oxford = state.import_product(
        seller,
        sku="KQ-OX-1",
        title_en="Men's cotton oxford shirt",
        title_zh="男士纯棉牛津纺衬衫",
        hts="6205202066",
        price="36.00",
    )
    tee = state.import_product(
        seller,
        sku="KQ-TEE-1",
        title_en="Cotton crew-neck T-shirt",
        title_zh="纯棉圆领T恤",
        hts="6109100012",
        price="14.00",
        weight="0.200",
    )
    blocked = state.import_product(
        seller,
        sku="KQ-XJ-1",
        title_en="Long-staple cotton poplin shirt",
        title_zh="长绒棉府绸衬衫",
        hts="6205202066",
        price="48.00",
        province="65",
        suppliers="Aksu Long-Staple Cotton Ginning Co., Ltd.",
    )
    assert (oxford.status, tee.status, blocked.status) == ("active", "active", "blocked")

    james = state.person("james@example.com", "consumer_us", "en")
    linda = state.person("linda@example.com", "consumer_us", "en")
    to_james = Consignee("James Carter", "312-555-0142", "220 W Huron St, Chicago, IL 60654")
    to_linda = Consignee("Linda Berg", "612-555-0199", "15 Grand Ave, St Paul, MN 55102")
    now = timezone.now()
    this_month = month_start(now.date())
    state.past_import_order(
        buyer=james,
        items={oxford.pk: 2},
        placed=month_start(now.date(), 2) + dt.timedelta(days=11, hours=3),
        state="IL",
        consignee=to_james,
        tracking=s10(10000001),
    )
    state.past_import_order(
        buyer=linda,
        items={tee.pk: 3},
        placed=month_start(now.date(), 1) + dt.timedelta(days=7, hours=15),
        state="MN",
        consignee=to_linda,
        tracking=s10(10000002),
    )
    # The scheduled job ran when last month closed: the two earlier months' statements.
    with time_machine.travel(this_month + dt.timedelta(minutes=5), tick=False):
        assert statements_issue_due() == 2
    # Earlier this month: Linda's second order shipped; James paid for a shirt, then cancelled.
    earlier = max(this_month + dt.timedelta(minutes=20), now - dt.timedelta(hours=20))
    shipped = state.past_import_order(
        buyer=linda,
        items={tee.pk: 2},
        placed=earlier,
        state="MN",
        consignee=to_linda,
        until="shipped",
        tracking=s10(10000003),
    )
    cancelled = state.past_import_order(
        buyer=james,
        items={oxford.pk: 1},
        placed=earlier + dt.timedelta(minutes=30),
        state="IL",
        consignee=to_james,
        until="paid",
    )
    with time_machine.travel(earlier + dt.timedelta(minutes=50), tick=False):
        payments.order_cancel(order=cancelled, by=james, reason="Ordered the wrong size.")
    cancelled.refresh_from_db()
    assert (shipped.status, cancelled.status) == ("shipped", "refunded")
    # People looked for shirts on the US import storefront: linen ones found nothing.
    for session, query, found in (("s1", "linen shirt", 0), ("s2", "linen shirt", 0),
                                  ("s3", "oxford shirt", 4)):  # fmt: skip
        search_log_record(
            query=query, language="en", market="us_import", province="", hs_chapter="62",
            result_count=found, session_key=session,
        )  # fmt: skip
    return seller, blocked, shipped, cancelled


def test_chinese_seller_sells_to_a_us_consumer_and_is_paid_in_cny(live_server, browser, market):
    from playwright.sync_api import expect

    seller, blocked, shipped_earlier, cancelled = shop()
    state.person("maria@example.com", "consumer_us", "en")

    # --- the seller, in Chinese: the seller center with the blocked listing, a new listing ---
    s = Journey(browser, live_server.url, "cn-seller-to-us", locale="zh-CN")
    page = s.page
    s.log_in(SELLER, "/seller/")
    expect(page.locator("h1")).to_have_text("卖家中心")
    products = page.locator("table").first
    expect(products).to_contain_text("KQ-XJ-1")
    blocked_row = products.locator("tr", has_text="KQ-XJ-1")
    expect(blocked_row.locator(".badge.status-blocked")).to_be_visible()
    s.shot_both("seller-center")

    # Why the Xinjiang-made shirt is off sale, in Chinese: the cited reasons and the review.
    held_label = blocked_row.locator(".badge.status-blocked").inner_text()
    blocked_row.get_by_role("link").first.click()
    page.wait_for_url(f"{s.base}/seller/products/{blocked.pk}/")
    risk = page.get_by_test_id("labor-risk")
    expect(risk).to_contain_text("新疆维吾尔自治区")
    expect(page.get_by_test_id("listing-status")).to_have_text(held_label)
    s.shot_both("blocked-listing")
    s.goto("/seller/")

    page.locator("[data-testid=list-product]").click()
    page.wait_for_url(f"{s.base}/seller/products/new/")
    page.get_by_label("商品编号（SKU）").fill("KQ-FL-1")
    page.get_by_label("标题（英文）").fill("Men's cotton flannel shirt")
    page.get_by_label("标题（中文）").fill("男士纯棉法兰绒衬衫")
    page.get_by_label("HS 编码（6 位）").fill("620520")
    page.get_by_label(re.compile("美国 HTS")).fill("6205202066")
    page.get_by_label(re.compile("原产省份")).select_option("33")
    page.get_by_label("价格（美元）").fill("42.00")
    page.get_by_label("运输重量（千克）").fill("0.350")
    page.get_by_label("库存数量").fill("80")
    page.get_by_label(re.compile("生产商")).fill("Hangzhou Qiantang Textile Garments Co., Ltd.")
    page.get_by_label(re.compile("原材料供应商")).fill(
        "Zhejiang Qiantang Cotton Spinning Co., Ltd."
    )
    precheck = page.locator("#live-checks [data-testid=labor-precheck]")
    expect(precheck).to_be_visible()
    expect(precheck).to_contain_text("UFLPA 高优先级行业")  # the reasons in Chinese
    page.evaluate("window.scrollTo(0, 0)")
    s.check_page()
    level = precheck.get_attribute("data-level")
    assert level in ("none", "elevated", "high"), level  # cotton garments: a risk, not a block
    expect(page.locator("#live-checks [data-testid=us-landed-cost]")).to_be_visible()
    s.shot("listing-precheck")
    page.locator("[data-testid=save-listing]").click()
    page.wait_for_url(re.compile(r"/seller/products/\d+/\?created=1$"))
    flannel = Product.objects.get(sku="KQ-FL-1")
    assert (flannel.status, flannel.market_us_import, flannel.us_hts_line) == (
        "active",
        True,
        "6205202066",
    )
    s.shot_both("listing-saved")

    # --- the US consumer, in English: finds the shirt, sees the duties, buys, pays by card ---
    b = Journey(browser, live_server.url, "us-buyer-from-cn-seller")
    buyer = b.page
    b.log_in("maria@example.com", "/us/imports/")
    buyer.get_by_role("link", name="Men's cotton flannel shirt").first.click()
    buyer.wait_for_url(f"{b.base}/us/products/{flannel.pk}/")
    expect(buyer.locator("[data-testid=duty-stack]")).to_be_visible()
    expect(buyer.locator("[data-testid=duty-stack]")).to_contain_text("19.7")
    delivered = buyer.locator("[data-testid=delivered-total]").inner_text()
    assert re.fullmatch(r"\$\d{1,3}(,\d{3})*\.\d{2}", delivered), delivered
    b.shot_both("import-product")
    number, total = buy_import_by_card_us(b)
    order = Order.objects.get(purchase__number=number)
    assert (order.status, order.business_id, order.currency) == ("paid", seller.pk, "USD")
    assert f"${order.total_payable:,.2f}" == total

    # --- the seller sees the order, prints the US papers, ships with a checked number ---------
    s.goto("/seller/")
    page.locator("[data-testid=nav-orders]").click()
    page.wait_for_url(f"{s.base}/seller/orders/")
    expect(page.locator(".lead")).to_contain_text("美国")
    row = page.locator(f'[data-testid=queue-order][data-order="{order.number}"]')
    expect(row).to_contain_text(f"${order.total_payable:,.2f}")
    expect(row).to_contain_text("威斯康星")  # shipped to Wisconsin, the buyer's name masked
    expect(row).to_contain_text("M")
    expect(row).not_to_contain_text("Maria Lopez")
    expect(row.locator("form.ship-form")).to_be_visible()
    earlier_row = page.locator(f'[data-testid=queue-order][data-order="{shipped_earlier.number}"]')
    expect(earlier_row).to_contain_text(shipped_earlier.tracking_number)
    expect(earlier_row.locator("form.ship-form")).to_have_count(0)
    # James cancelled before it shipped: nothing to print, and its papers are not there.
    refunded_row = page.locator(f'[data-testid=queue-order][data-order="{cancelled.number}"]')
    expect(refunded_row).to_be_visible()
    expect(refunded_row.locator("[data-testid=order-papers]")).to_have_count(0)
    gone = s.context.request.get(
        f"{live_server.url}/seller/orders/{cancelled.number}/papers/label.pdf"
    )
    assert gone.status == 404
    s.shot_both("order-queue")

    papers = {}
    for kind in ("invoice", "packing-list", "label"):
        href = row.locator(f"[data-testid=paper-{kind}]").get_attribute("href")
        answer = s.context.request.get(live_server.url + href)
        assert answer.status == 200
        assert answer.headers["content-type"] == "application/pdf"
        papers[kind] = pdf_text(answer.body())
    invoice = papers["invoice"]
    assert "Commercial Invoice (US import)" in invoice
    assert "6205202066" in invoice  # the HTSUS 10-digit number
    assert "Country of origin" in invoice
    assert "China" in invoice
    assert f"USD {order.customs_value_usd:,.2f}" in invoice
    assert f"USD {order.tax_total:,.2f}" in invoice  # duties paid on the buyer's behalf
    assert "19 CFR 141.86" in invoice
    assert seller.registration_number in invoice
    assert "Destination" in papers["packing-list"]
    assert "6205202066" in papers["packing-list"]
    assert "US CUSTOMS" in papers["label"]
    assert "6205202066" in papers["label"]
    assert f"USD {order.customs_value_usd:,.2f}" in papers["label"]

    # A typo in the check digit is refused in Chinese; the right number ships the order.
    good = s10(20261201)
    typo = good[:10] + str((int(good[10]) + 1) % 10) + "CN"
    row.locator("select[name=carrier]").select_option("china_post")
    row.locator("input[name=tracking_number]").fill(typo)
    with s.expecting(400):
        row.get_by_role("button", name="标记为已发货").click()
        page.wait_for_load_state()
    row = page.locator(f'[data-testid=queue-order][data-order="{order.number}"]')
    expect(row.locator(".field-error")).to_contain_text(f"校验位应为 {good[10]}")
    expect(row.locator(".field-error")).to_contain_text("中国邮政")
    s.check_page()
    s.shot("tracking-refused")
    row.locator("select[name=carrier]").select_option("china_post")
    row.locator("input[name=tracking_number]").fill(good)
    row.get_by_role("button", name="标记为已发货").click()
    page.wait_for_url(re.compile(r"/seller/orders/\?shipped="))
    row = page.locator(f'[data-testid=queue-order][data-order="{order.number}"]')
    expect(row).to_contain_text(good)
    expect(row.locator("form.ship-form")).to_have_count(0)
    s.shot("shipped")
    order.refresh_from_db()
    assert (order.status, order.carrier, order.tracking_number) == ("shipped", "china_post", good)
    label = s.context.request.get(
        live_server.url + row.locator("[data-testid=paper-label]").get_attribute("href")
    )
    assert good in pdf_text(label.body())

    # The buyer sees it shipped.
    b.goto(f"/us/purchases/{number}/")
    expect(buyer.locator("[data-testid=order]")).to_have_attribute("data-status", "shipped")
    b.shot("import-shipped")
    b.finish()

    # --- the seller's insights are about its buyers in the US --------------------------------
    s.goto("/seller/")
    page.get_by_test_id("insights-link").click()
    page.wait_for_url(f"{s.base}/seller/insights/")
    expect(page.get_by_test_id("us-share")).to_have_text("100%")
    expect(page.get_by_test_id("china-share")).to_have_count(0)
    states = page.locator("[data-testid=state]")
    expect(states).to_have_count(3)  # Illinois, Minnesota, Wisconsin; the refund not counted
    expect(page.locator('[data-testid=state][data-code="MN"]')).to_contain_text("明尼苏达州")
    expect(page.locator('[data-testid=state][data-code="WI"]')).to_contain_text("威斯康星州")
    expect(page.get_by_test_id("states")).not_to_contain_text("省")
    expect(page.get_by_test_id("demand")).to_contain_text("美国进口商城")
    expect(page.get_by_test_id("demand").locator(".badge")).to_have_text(["linen shirt"])
    s.shot_both("insights")

    # --- the month closes: the scheduled job issues the statement, in CNY ---------------------
    today = timezone.now().date()
    next_month = month_start(today, -1)
    with time_machine.travel(next_month + dt.timedelta(minutes=5), tick=False):
        assert statements_issue_due() == 1
    statement = PayoutStatement.objects.get(business=seller, period_start=today.replace(day=1))
    assert (statement.collected_currency, statement.payout_currency) == ("USD", "CNY")
    # Worked out again here, to the fen: each paid order's money less the duties remitted and
    # the fee (the fee row in force, half-up to the cent), the refund taking it all back, the net
    # converted once at the rate in force on the last day (half-up to the fen).
    fee_rate = platform_fee_on("us_import", today).rate
    paid = [shipped_earlier, cancelled, order]
    for o in paid:
        o.refresh_from_db()

    def net_of(o: Order) -> Decimal:
        fee = (o.goods_value * fee_rate).quantize(CENT, rounding=ROUND_HALF_UP)
        return o.total_payable - o.tax_total - fee

    net = sum((net_of(o) for o in paid), Decimal(0)) - net_of(cancelled)
    rate = rate_on(statement.period_end)
    due = (net * rate.rate).quantize(CENT, rounding=ROUND_HALF_UP)
    assert (statement.orders_count, statement.refunds_count) == (3, 1)
    assert statement.refunded == cancelled.total_payable
    assert (statement.net, statement.exchange_rate, statement.amount_due) == (net, rate.rate, due)
    assert statement.exchange_rate_from == rate.effective_from
    assert payouts_check() == []

    s.goto("/seller/")
    page.get_by_test_id("payouts-link").click()
    page.wait_for_url(re.compile(r"/seller/payouts/"))
    statements = page.locator("[data-testid=statement]")
    expect(statements).to_have_count(3)  # the two earlier months and this one
    row = page.locator(f'[data-testid=statement][data-number="{statement.number}"]')
    expect(row).to_contain_text(f"¥{due:,.2f}")
    s.shot_both("payouts")
    row.locator("a").first.click()
    page.wait_for_url(re.compile(rf"/seller/payouts/{statement.number}/"))
    expect(page.get_by_test_id("amount-due")).to_have_text(f"¥{due:,.2f}")
    summary = page.get_by_test_id("statement-summary")
    expect(summary).to_contain_text(f"1 USD = {rate.rate.normalize():f} CNY")
    expect(summary).to_contain_text(f"{rate.effective_from:%Y-%m-%d}")
    expect(summary).to_contain_text(f"${net:,.2f}")
    expect(page.get_by_test_id("fee-rule")).to_contain_text("5%")
    refund_line = page.locator('[data-testid=statement-line][data-kind="refund"]')
    expect(refund_line).to_contain_text(cancelled.number)
    expect(refund_line).to_contain_text(f"−{cancelled.total_payable:,.2f}")
    expect(
        page.locator(f'[data-testid=statement-line][data-reference="{order.number}"]')
    ).to_be_visible()
    assert money(page.get_by_test_id("amount-due").inner_text()) == f"¥{due:,.2f}"
    s.shot_both("statement")

    csv_text = s.context.request.get(
        f"{live_server.url}/seller/payouts/{statement.number}.csv"
    ).text()
    assert "payout currency,CNY" in csv_text
    assert f"amount due (CNY),{due}" in csv_text
    assert order.number in csv_text
    assert cancelled.number in csv_text
    pdf = s.context.request.get(f"{live_server.url}/seller/payouts/{statement.number}.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    pdf_body = pdf_text(pdf.body())
    assert f"(CNY): {due:,.2f}" in pdf_body
    assert "7.1884" in pdf_body
    s.finish()
