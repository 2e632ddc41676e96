"""Search on the storefronts and the API, the outbox, and the demand signals, as buyers, sellers
and the public see them."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from twoway.catalog.models import Product
from twoway.catalog.services import product_update
from twoway.compliance.models import LaborRiskAssessment
from twoway.search import services
from twoway.search.backends import get_backend
from twoway.search.models import DemandNotice, SearchLog, SearchOutbox
from twoway.web.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(reference_data, make_seller, make_product):
    """A Wisconsin seller with maple syrup (not on the positive list) and honey (on it), an
    English-only ginseng, a blocked product; a Chinese seller's imports at several risk levels."""
    seller = make_seller("Badger Sugarbush LLC", "WI")
    maple = make_product(
        seller, title_en="Pure Maple Syrup", title_zh="纯枫糖浆", hs_code="170220",
        cn_tariff_line="17022000", price="18.00",
    )  # fmt: skip
    honey = make_product(seller, title_en="Raw Wildflower Honey", title_zh="天然野花蜂蜜")
    ginseng = make_product(
        seller, title_en="Wisconsin American Ginseng Root", title_zh="", hs_code="121120",
        cn_tariff_line="12112011", price="89.00",
    )  # fmt: skip
    blocked = make_product(
        seller, title_en="Maple Syrup Gift Jug", title_zh="枫糖浆礼品壶", status="blocked"
    )
    cn = factories.cn_business()
    tee = factories.us_import_product(
        business=cn, title_en="Cotton Crew-Neck T-Shirt", hs_code="610910"
    )
    toy = factories.us_import_product(business=cn, title_en="Children's Toys", hs_code="950300")
    banned = factories.us_import_product(
        business=cn, title_en="Cotton T-Shirt, Xinjiang cotton", hs_code="610910"
    )
    now = timezone.now()
    for product, level in ((tee, "high"), (toy, "none"), (banned, "blocked")):
        LaborRiskAssessment.objects.update_or_create(
            product=product, defaults={"level": level, "assessed_at": now}
        )
    user = factories.seller(username="maple-staff", business=seller)
    services.index_rebuild()
    return {
        "seller": seller, "user": user, "maple": maple, "honey": honey, "ginseng": ginseng,
        "blocked": blocked, "tee": tee, "toy": toy, "banned": banned,
    }  # fmt: skip


def _ids(response) -> list[int]:
    html = response.content.decode()
    return [int(part.split('"')[0]) for part in html.split('data-product="')[1:]]


@pytest.mark.parametrize(
    "query", ["枫糖浆", "fengtangjiang", "ftj", "maple syrup", "楓糖漿", "maple sirup"]
)
def test_a_buyer_in_china_finds_maple_syrup_in_any_form_with_cny_price_and_badge(
    client, catalogue, query
):
    response = client.get("/cn/search/", {"q": query})
    assert response.status_code == 200
    assert _ids(response)[0] == catalogue["maple"].pk
    html = response.content.decode()
    assert "¥" in html
    assert 'data-testid="facets"' in html
    # Not on the positive list: shown with its badge, never as buyable; the blocked jug never.
    assert 'data-testid="badge-not-eligible"' in html
    assert catalogue["blocked"].pk not in _ids(response)


def test_a_chinese_query_finds_a_product_with_only_an_english_title(client, catalogue):
    response = client.get("/cn/search/", {"q": "西洋参"})
    assert _ids(response) == [catalogue["ginseng"].pk]


def test_facets_count_chapters_states_price_bands_and_eligibility(client, catalogue):
    response = client.get("/api/v1/search/products", {"q": "", "market": "cn_export"})
    body = response.json()
    assert body["backend"] == "tantivy"
    assert body["total"] == 3  # maple, honey, ginseng; the blocked one is not indexed
    facets = {k: {b["key"]: b["count"] for b in v} for k, v in body["facets"].items()}
    assert facets["origin"] == {"US-WI": 3}
    assert facets["midwest"] == {"true": 3}
    assert sum(facets["price"].values()) == 3
    assert facets["cbec_eligible"]["true"] >= 1
    eligible_only = client.get(
        "/api/v1/search/products", {"q": "", "market": "cn_export", "cbec_eligible": "true"}
    ).json()
    assert catalogue["maple"].pk not in [h["id"] for h in eligible_only["hits"]]
    assert all(h["buyable"] for h in eligible_only["hits"])


def test_sort_by_price_in_the_viewers_currency(client, catalogue):
    body = client.get(
        "/api/v1/search/products", {"q": "", "market": "cn_export", "sort": "price_desc"}
    ).json()
    prices = [Decimal(str(h["price"])) for h in body["hits"]]
    assert prices == sorted(prices, reverse=True)
    assert body["hits"][0]["currency"] == "CNY"


def test_the_us_import_storefront_shows_risk_and_never_a_blocked_listing(client, catalogue):
    body = client.get("/api/v1/search/products", {"q": "t-shirt", "market": "us_import"}).json()
    ids = [h["id"] for h in body["hits"]]
    assert ids == [catalogue["tee"].pk]
    assert body["hits"][0]["badge"] == "high_risk"
    assert body["hits"][0]["currency"] == "USD"
    risks = {b["key"]: b["count"] for b in body["facets"]["risk"]}
    assert risks == {"high": 1}
    low = client.get(
        "/api/v1/search/products", {"q": "", "market": "us_import", "risk": "low"}
    ).json()
    assert [h["id"] for h in low["hits"]] == [catalogue["toy"].pk]
    page = client.get("/us/imports/search/", {"q": "t-shirt"})
    assert 'data-testid="badge-high-risk"' in page.content.decode()


def test_bad_search_parameters_are_refused_naming_the_field(client, catalogue):
    response = client.get("/api/v1/search/products", {"q": "x", "page": "0"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "page"
    response = client.get("/api/v1/search/products", {"q": "x", "price": "cheap"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["rule"] == "price_band"


def test_autocomplete_offers_chinese_words_for_pinyin_and_english_prefixes(client, catalogue):
    html = client.get("/search/suggest/", {"q": "fengt", "market": "cn_export"}).content.decode()
    assert "枫糖浆" in html
    html = client.get("/search/suggest/", {"q": "枫", "market": "cn_export"}).content.decode()
    assert "枫糖浆" in html
    api = client.get("/api/v1/search/suggest", {"q": "map", "market": "cn_export"}).json()
    assert "maple syrup" in [s["text"] for s in api]


def test_a_listing_change_reaches_search_through_the_outbox(
    client, catalogue, django_capture_on_commit_callbacks
):
    maple = catalogue["maple"]
    assert _ids(client.get("/cn/search/", {"q": "birch"})) == []
    with django_capture_on_commit_callbacks(execute=True):
        product_update(product=maple, by=catalogue["user"], title_en="Pure Birch Syrup")
    assert SearchOutbox.objects.filter(product_id=maple.pk).exists()
    assert services.outbox_drain() == 1
    assert not SearchOutbox.objects.exists()
    assert _ids(client.get("/cn/search/", {"q": "birch syrup"})) == [maple.pk]
    # The old document is gone, not kept beside the new one.
    assert client.get("/api/v1/search/products", {"q": "枫糖浆"}).json()["total"] == 1
    # Taken off sale: gone from search after the next drain.
    with django_capture_on_commit_callbacks(execute=True):
        product_update(product=maple, by=catalogue["user"], status="draft")
    services.outbox_drain()
    assert maple.pk not in _ids(client.get("/cn/search/", {"q": "枫糖浆"}))


def test_a_product_blocked_after_indexing_is_not_shown_even_before_the_index_catches_up(
    client, catalogue
):
    Product.objects.filter(pk=catalogue["honey"].pk).update(status="blocked")
    assert catalogue["honey"].pk not in _ids(client.get("/cn/search/", {"q": "蜂蜜"}))
    # The stale hit is queued, and the next drain takes it out of the index (and its counts).
    assert services.outbox_drain() == 1
    body = client.get("/api/v1/search/products", {"q": "蜂蜜"}).json()
    assert body["total"] == 0


def test_without_an_index_search_falls_back_to_the_database(
    client, reference_data, make_seller, make_product, settings, tmp_path
):
    settings.TWOWAY_SEARCH_DIR = tmp_path / "none"
    product = make_product(make_seller(), title_en="Raw Honey", title_zh="蜂蜜")
    assert get_backend().name == "database"
    assert _ids(client.get("/cn/search/", {"q": "蜂蜜"})) == [product.pk]


def test_the_rebuild_command_reports_progress_and_count(catalogue, capsys):
    call_command("search_rebuild")
    assert "Search index rebuilt: 5 products" in capsys.readouterr().out  # blocked ones left out


# --- demand signals ---------------------------------------------------------------------------


def test_every_search_is_logged_without_user_or_ip_and_clicks_are_noted(client, catalogue):
    client.force_login(catalogue["user"])
    response = client.get("/cn/search/", {"q": "奶酪棒"}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200
    row = SearchLog.objects.get()
    assert (row.query, row.result_count, row.market, row.language) == (
        "奶酪棒",
        0,
        "cn_export",
        "zh",
    )
    values = json.dumps(list(SearchLog.objects.values()), default=str)
    assert "203.0.113.9" not in values
    assert client.session.session_key not in values
    assert "user" not in [f.name for f in SearchLog._meta.get_fields()]
    client.get("/cn/search/", {"q": "枫糖浆"})
    log = SearchLog.objects.get(query="枫糖浆")
    assert log.hs_chapter == "17"
    go = client.get(f"/search/go/{log.pk}/{catalogue['maple'].pk}/")
    assert go.status_code == 302
    assert go["Location"] == f"/products/{catalogue['maple'].pk}/"
    log.refresh_from_db()
    assert log.clicked_product_id == catalogue["maple"].pk


def _searches(query: str, sessions: int, *, results: int = 0, chapter: str = "17", days_ago: int = 1,
              province: str = "31") -> None:  # fmt: skip
    when = timezone.now() - dt.timedelta(days=days_ago)
    for n in range(sessions):
        row = services.search_log_record(
            query=query, language="zh", market="cn_export", province=province, hs_chapter=chapter,
            result_count=results, session_key=f"s-{query}-{n}",
        )  # fmt: skip
        SearchLog.objects.filter(pk=row.pk).update(created_at=when)


def test_the_public_dashboard_shows_unmet_searches_only_from_ten_distinct_sessions(
    client, catalogue
):
    _searches("枫糖奶油", 10)
    _searches("冰酒", 9)
    html = client.get("/dashboard/").content.decode()
    section = html.split('data-testid="unmet-searches"')[1]
    assert "枫糖奶油" in section
    assert "冰酒" not in section


def test_a_wisconsin_seller_sees_what_buyers_in_china_look_for_in_their_chapters(client, catalogue):
    _searches("枫糖奶油", 3, chapter="17")
    _searches("智能手表", 5, chapter="85")  # not the seller's chapter
    SearchLog.objects.filter(query="枫糖奶油").update(bought=False)
    _searches("纯枫糖浆", 2, results=1, chapter="17")
    SearchLog.objects.filter(query="纯枫糖浆").update(bought=True)
    client.force_login(catalogue["user"])
    center = client.get("/seller/").content.decode()
    assert 'data-testid="demand-link"' in center
    html = client.get("/seller/demand/").content.decode()
    unmet = html.split('data-testid="demand-unmet"')[1].split("</section>")[0]
    assert "枫糖奶油" in unmet
    assert "智能手表" not in unmet
    trending = html.split('data-testid="demand-trending"')[1].split("</section>")[0]
    assert "上海" in trending or "Shanghai" in trending or "31" in trending
    bought = html.split('data-testid="demand-bought"')[1].split("</section>")[0]
    assert "纯枫糖浆" in bought


def test_a_seller_subscribes_and_is_told_in_the_center_and_by_email_when_demand_rises(
    client, catalogue
):
    client.force_login(catalogue["user"])
    catalogue["user"].email = "maple@example.com"
    catalogue["user"].save()
    response = client.post("/seller/demand/subscribe/", {"query": "枫糖奶油"})
    assert response.status_code == 302
    bad = client.post("/seller/demand/subscribe/", {"query": "", "hs_chapter": ""})
    assert bad.status_code == 400
    _searches("枫糖奶油", 2, days_ago=10)  # the week before
    _searches("枫糖奶油", 6, days_ago=2)  # this week: 6 ≥ 5 and ≥ 1.5 × 2
    assert services.demand_notify() == 1
    assert services.demand_notify() == 0  # told once for the same rise
    notice = DemandNotice.objects.get()
    assert (notice.previous_count, notice.current_count, notice.emailed) == (2, 6, True)
    assert len(mail.outbox) == 1
    assert "枫糖奶油" in mail.outbox[0].subject
    assert mail.outbox[0].to == ["maple@example.com"]
    assert "1 new demand alert" in client.get("/seller/").content.decode()
    html = client.get("/seller/demand/").content.decode()
    assert 'data-testid="demand-notices"' in html


def test_a_search_whose_result_was_bought_is_marked_as_leading_to_a_purchase(client, catalogue):
    client.get("/cn/search/", {"q": "蜂蜜"})
    log = SearchLog.objects.get()
    client.get(f"/search/go/{log.pk}/{catalogue['honey'].pk}/")
    # What the checkout pages call once the purchase is placed.
    assert (
        services.search_purchase_attribute(
            session=client.session, product_ids=[catalogue["honey"].pk]
        )
        == 1
    )
    log.refresh_from_db()
    assert log.bought is True
