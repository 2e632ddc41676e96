"""The payouts pages: statements, a statement with its lines, CSV and PDF; a chosen range;
the business's own only."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.test import Client
from pypdf import PdfReader

from twoway.businesses.models import Membership
from twoway.identity.models import User
from twoway.payouts.models import PayoutStatement
from twoway.payouts.services import statements_issue_due

from .test_payouts import cn_november, november  # noqa: F401  (the fixtures)

pytestmark = pytest.mark.django_db
DEC = dt.datetime(2026, 12, 2, 10, tzinfo=dt.UTC)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def issued(november, export_shop):  # noqa: F811
    with time_machine.travel(DEC, tick=False):
        statements_issue_due()
    return PayoutStatement.objects.get(), export_shop[4], november


def test_statements_page_detail_csv_and_pdf(issued):
    statement, staff, (seller, kept, cancelled) = issued
    client = client_for(staff)
    with time_machine.travel(DEC, tick=False):
        page = client.get("/seller/payouts/")
    assert page.status_code == 200
    html = page.content.decode()
    assert statement.number in html
    assert f"${statement.amount_due:,.2f}" in html

    detail = client.get(f"/seller/payouts/{statement.number}/").content.decode()
    for number in (kept.number, cancelled.number):
        assert number in detail
    assert "7.1884" in detail  # the dated rate used

    response = client.get(f"/seller/payouts/{statement.number}.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert ["amount due (USD)", str(statement.amount_due)] in rows
    lines = [r for r in rows if r and r[0] in ("order", "refund")]
    assert len(lines) == 3
    assert sum(float(r[-1]) for r in lines) == pytest.approx(float(statement.net))

    pdf = client.get(f"/seller/payouts/{statement.number}.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Payout statement" in text
    assert "结算单" in text
    assert "应付金额" in text
    assert f"{statement.amount_due:,.2f}" in text
    assert kept.number in text


def test_chinese_page(issued):
    statement, staff, _ = issued
    client = client_for(staff)
    html = client.get(f"/seller/payouts/{statement.number}/?lang=zh-hans").content.decode()
    assert "应付金额" in html
    assert "平台服务费" in html
    assert "Amount due" not in html


def test_a_chosen_range_is_worked_out_live(issued):
    statement, staff, (seller, kept, cancelled) = issued
    client = client_for(staff)
    html = client.get("/seller/payouts/?from=2026-11-01&to=2026-11-15").content.decode()
    assert f"${statement.amount_due:,.2f}" in html
    bad = client.get("/seller/payouts/?from=2026-11-15&to=2026-11-01")
    assert bad.status_code == 400
    rows = client.get("/seller/payouts/range.csv?from=2026-11-01&to=2026-11-30").content.decode()
    assert kept.number in rows


def test_another_business_and_buyers_see_nothing(issued, make_seller):
    statement, _, (seller, kept, _) = issued
    other = make_seller("Other Farm LLC")
    stranger = User.objects.create(username="stranger", role="seller_staff")
    Membership.objects.create(user=stranger, business=other, role="owner")
    client = client_for(stranger)
    assert client.get(f"/seller/payouts/{statement.number}/").status_code == 404
    assert client.get(f"/seller/payouts/{statement.number}.pdf").status_code == 404
    assert statement.number not in client.get("/seller/payouts/").content.decode()
    assert client_for(kept.buyer).get("/seller/payouts/").status_code == 403


def test_a_chinese_sellers_statement_in_chinese_in_cny(cn_november):  # noqa: F811
    seller, kept, cancelled = cn_november
    seller.display_name_zh = "广州珠江服饰有限公司"
    seller.save(update_fields=["display_name_zh"])
    with time_machine.travel(DEC, tick=False):
        statements_issue_due()
    statement = PayoutStatement.objects.get(business=seller)
    staff = User.objects.get(memberships__business=seller)
    client = client_for(staff)
    listing = client.get("/seller/payouts/?lang=zh-hans").content.decode()
    assert f"¥{statement.amount_due:,.2f}" in listing
    html = client.get(f"/seller/payouts/{statement.number}/?lang=zh-hans").content.decode()
    assert "广州珠江服饰有限公司" in html
    assert f"¥{statement.amount_due:,.2f}" in html  # paid in CNY
    assert f"${statement.net:,.2f}" in html  # worked out in the USD the buyers paid
    assert "1 USD = 7.1884 CNY" in html
    assert "货值的 5%；美国关税和运费不收服务费" in html  # the fee rule row, in words
    assert "[R7]" not in html
    assert 'data-kind="refund" data-reference="' in html
    assert f"\u2212{cancelled.total_payable:,.2f}" in html  # the refund, a typographic minus
    rows = list(
        csv.reader(
            io.StringIO(client.get(f"/seller/payouts/{statement.number}.csv").content.decode())
        )
    )
    assert ["payout currency", "CNY"] in rows
    assert ["amount due (CNY)", str(statement.amount_due)] in rows
    pdf = client.get(f"/seller/payouts/{statement.number}.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert f"(CNY): {statement.amount_due:,.2f}" in text
    assert "广州珠江服饰有限公司" in text
