"""The public dashboard, its CSVs and JSON API, and the regulator's ledger view."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from twoway.businesses.models import Business
from twoway.identity.models import User
from twoway.ledger.tests.conftest import T0, move
from twoway.operations.reconcile import ledger_check

pytestmark = pytest.mark.django_db
Q = "from=2025-01&to=2025-06"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def trade(us_seller, cn_seller, make_order):
    """WI exports $52.50 (consenting seller) and TX exports $100.00 (not consenting) to
    Shanghai/Guangdong; $30.00 of Zhejiang tea imported to CA; a returned WI order nets to zero."""
    tx = Business.objects.create(
        legal_name="Lone Star Boots Inc",
        country="US",
        us_state_id="TX",
        city="Austin",
        postal_code="78701",
        employee_count=12,
        registration_number="74-1234567",
    )
    move(
        make_order(us_seller, [("040900", 2, "40.00"), ("200990", 1, "12.50")], district="310101"),
        "shipped",
        "delivered",
    )
    move(
        make_order(tx, [("640399", 1, "100.00")], district="440103"),
        "shipped",
        at=T0 + dt.timedelta(days=30),
    )
    move(make_order(cn_seller, [("090210", 3, "30.00")], state="CA"), "shipped")
    move(make_order(us_seller, [("040900", 1, "19.99")]), "shipped", "delivered", "returned")
    assert ledger_check() == []
    return {"tx": tx}


def test_public_dashboard_shows_the_trade_in_english(client, trade):
    response = client.get(f"/dashboard/?{Q}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Trade dashboard" in html
    assert "$152.50" in html  # exports: 52.50 + 100.00 (+19.99 − 19.99)
    assert "$30.00" in html  # imports
    assert "$122.50" in html  # balance
    assert 'data-state="WI"' in html
    assert 'class="tile midwest"' in html
    assert "Badger State Honey LLC" in html  # consented
    assert "Lone Star Boots Inc" not in html  # did not consent
    assert "Estimate." in html
    assert "Ratio year" in html
    # Jobs sellers report: WI 6 + TX 12 employees.
    assert '<p class="big">18</p>' in html
    assert "The promise tracker" in html
    assert "2018-09-19" in html
    assert '<script src="http' not in html
    assert "cdn" not in html.lower()


def test_public_dashboard_in_chinese(client, trade):
    response = client.get(f"/dashboard/?{Q}&lang=zh-hans")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="zh-Hans"' in html
    assert "$152.50" in html
    assert "上海" in html  # province names in Chinese
    assert "承诺追踪" in html
    assert "比率年份" in html


def test_filters_keep_state_in_the_url_and_filter(client, trade):
    response = client.get(f"/dashboard/?{Q}&state=WI&direction=us_export")
    html = response.content.decode()
    assert '<option value="WI" selected>' in html
    assert '<p class="big">$52.50</p>' in html
    assert '<p class="big">$152.50</p>' not in html
    assert "($152.50)" in html  # the promise tracker counts all time, whatever the filters
    assert (
        "data/series.csv?from=2025-01&amp;to=2025-06&amp;direction=us_export&amp;state=WI" in html
    )


def _csv(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_every_chart_downloads_as_csv(client, trade):
    rows = _csv(client.get(f"/dashboard/data/states.csv?{Q}"))
    assert rows[0] == ["state", "label", "exports_usd", "imports_usd", "balance_usd", "midwest"]
    assert ["TX", "Texas", "100.00", "0.00", "100.00", "False"] in rows
    assert ["WI", "Wisconsin", "52.50", "0.00", "52.50", "True"] in rows
    assert ["CA", "California", "0.00", "30.00", "-30.00", "False"] in rows
    series = _csv(client.get(f"/dashboard/data/series.csv?{Q}"))
    assert series[1:] == [
        ["2025-01-01", "2025-01", "0.00", "0.00", "0.00"],
        ["2025-02-01", "2025-02", "0.00", "0.00", "0.00"],
        ["2025-03-01", "2025-03", "52.50", "30.00", "22.50"],
        ["2025-04-01", "2025-04", "100.00", "0.00", "100.00"],
        ["2025-05-01", "2025-05", "0.00", "0.00", "0.00"],
        ["2025-06-01", "2025-06", "0.00", "0.00", "0.00"],
    ]
    chapters = _csv(client.get(f"/dashboard/data/chapters.csv?{Q}&direction=us_export"))
    assert [r[0] for r in chapters[1:]] == ["64", "04", "20"]
    assert chapters[2][2:] == ["40.00", "0.00", "40.00"]
    provinces = _csv(client.get(f"/dashboard/?{Q}&format=csv&chart=provinces"))
    assert provinces[1][:3] == ["44", "Guangdong", "100.00"]
    for chart in ("businesses", "national", "summary"):
        response = client.get(f"/dashboard/data/{chart}.csv?{Q}")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
    assert _csv(client.get(f"/dashboard/data/businesses.csv?{Q}"))[1][1:] == [
        "Badger State Honey LLC",
        "WI",
        "52.50",
    ]
    assert client.get("/dashboard/data/nope.csv").status_code == 404


def test_daily_series_for_short_periods(client, trade):
    rows = _csv(client.get("/dashboard/data/series.csv?from=2025-03&to=2025-03"))
    assert len(rows) == 1 + 31
    # The 19.99 order shipped on the 14th and came back on the 16th: the daily series shows both.
    assert ["2025-03-14", "2025-03-14", "72.49", "30.00", "42.49"] in rows
    rows = _csv(client.get("/dashboard/data/series.csv?from=2025-03&to=2025-03&state=WI"))
    assert ["2025-03-16", "2025-03-16", "-19.99", "0.00", "-19.99"] in rows


def test_two_filters_fall_back_to_the_day_rollup(client, trade):
    rows = _csv(client.get(f"/dashboard/data/chapters.csv?{Q}&state=WI&province=31"))
    assert rows[1:] == [
        ["04", rows[1][1], "40.00", "0.00", "40.00"],
        ["20", rows[2][1], "12.50", "0.00", "12.50"],
    ]


def test_json_api_endpoints_and_openapi(client, trade):
    data = client.get(f"/api/v1/dashboard/summary?{Q}").json()
    assert Decimal(data["exports_usd"]) == Decimal("152.50")
    assert Decimal(data["imports_usd"]) == Decimal("30.00")
    assert data["jobs"]["ratio_year"] == 2013
    assert data["jobs"]["is_estimate"] is True
    assert data["jobs"]["reported_jobs"] == 18
    assert data["promise"]["us_small_businesses_exported"] == 2
    assert data["promise"]["midwest_businesses"] == 1
    assert Decimal(data["promise"]["midwest_share_pct"]) == Decimal("50.0")
    states = client.get(f"/api/v1/dashboard/states?{Q}&direction=us_export").json()
    assert [(r["key"], Decimal(r["exports_usd"]), r["midwest"]) for r in states["rows"]] == [
        ("TX", Decimal("100.00"), False),
        ("WI", Decimal("52.50"), True),
    ]
    for name in ("series", "provinces", "chapters", "businesses", "national"):
        assert client.get(f"/api/v1/dashboard/{name}?{Q}").status_code == 200
    national = client.get("/api/v1/dashboard/national").json()
    row2025 = next(r for r in national if r["year"] == 2025)
    assert Decimal(row2025["platform_exports_usd"]) == Decimal("152.50")
    schema = client.get("/api/v1/openapi.json").json()
    assert {
        "/api/v1/dashboard/summary",
        "/api/v1/dashboard/states",
        "/api/v1/dashboard/series",
    } <= set(schema["paths"])


def test_dashboard_page_query_budget(client, trade):
    client.get(f"/dashboard/?{Q}")  # warm the reference-name cache
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/dashboard/?{Q}").status_code == 200
    assert len(ctx.captured_queries) <= 15, [q["sql"] for q in ctx.captured_queries]
    assert not any("ledger_tradeflowentry" in q["sql"] for q in ctx.captured_queries)


def test_regulator_view_is_refused_to_consumers(client, trade):
    assert client.get("/dashboard/ledger/").status_code == 302
    assert client.get("/dashboard/ledger/export.csv").status_code == 302
    consumer = User.objects.create(username="c1", role="consumer_us")
    client.force_login(consumer)
    assert client.get("/dashboard/ledger/").status_code == 403
    assert client.get("/dashboard/ledger/export.parquet").status_code == 403


def test_regulator_drills_down_and_exports_csv_and_parquet(client, trade):
    import pyarrow.parquet as pq

    client.force_login(User.objects.create(username="reg", role="regulator"))
    html = client.get("/dashboard/ledger/?state=WI").content.decode()
    assert html.count("<tr><td>") == 4  # WI: 3 shipment entries and 1 reversal
    assert "reversal" in html
    response = client.get("/dashboard/ledger/export.csv?kind=reversal")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 2
    assert rows[1][1] == "reversal"
    assert rows[1][10] == "-19.99"
    response = client.get("/dashboard/ledger/export.parquet?direction=us_import")
    table = pq.read_table(io.BytesIO(response.content))
    assert table.num_rows == 1
    assert table.column("customs_value_usd").to_pylist() == [Decimal("30.00")]
    page = client.get("/dashboard/ledger/?before=999999").content.decode()
    assert "Older entries" not in page
