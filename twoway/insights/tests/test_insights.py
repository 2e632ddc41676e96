"""Seller insights about the market the seller sells to: for a US seller the China share and
buyers by province, for a Chinese seller the US share and buyers by US state; top products with
views and conversion; demand on that market's storefront. The view counter leaves robots and the
seller's own staff out and keeps no visitor data."""

from __future__ import annotations

import pytest
from django.test import Client

from twoway.businesses.models import Membership
from twoway.identity.models import User
from twoway.insights.models import ProductViewDay
from twoway.insights.selectors import insights_for
from twoway.insights.services import is_bot
from twoway.search.services import search_log_record

pytestmark = pytest.mark.django_db
BROWSER = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36"
)


def test_product_views_are_counted_per_day_without_robots_or_staff(cleared_export):
    order, staff = cleared_export
    product = order.lines.get().product
    visitor = Client(HTTP_USER_AGENT=BROWSER)
    for _ in range(3):
        assert visitor.get(f"/products/{product.pk}/").status_code == 200
    Client(HTTP_USER_AGENT="Mozilla/5.0 (compatible; Baiduspider/2.0)").get(
        f"/products/{product.pk}/"
    )
    Client(HTTP_USER_AGENT="").get(f"/products/{product.pk}/")
    own = Client(HTTP_USER_AGENT=BROWSER)
    own.force_login(staff)
    own.get(f"/products/{product.pk}/")
    row = ProductViewDay.objects.get()
    assert (row.product_id, row.views) == (product.pk, 3)
    assert [f.name for f in ProductViewDay._meta.get_fields()] == ["id", "product", "day", "views"]


@pytest.mark.parametrize(
    ("agent", "bot"),
    [
        (BROWSER, False),
        ("", True),
        ("Sogou web spider/4.0", True),
        ("Mozilla/5.0 HeadlessChrome/126", True),
        ("python-requests/2.32", True),
    ],
)
def test_robots_by_user_agent(agent, bot):
    assert is_bot(agent) is bot


def test_insights_show_the_china_share_provinces_products_and_conversion(cleared_export):
    order, staff = cleared_export
    product = order.lines.get().product
    for _ in range(4):
        Client(HTTP_USER_AGENT=BROWSER).get(f"/products/{product.pk}/")
    data = insights_for(business=order.business, days=90)
    assert data.market.key == "china"
    assert data.share == 1
    assert data.revenue_usd == order.customs_value_usd
    assert [(p.code, p.name_en, p.buyers, p.orders) for p in data.regions] == [
        ("11", "Beijing", 1, 1)
    ]
    top = data.products[0]
    assert (top.sku, top.units, top.orders, top.views) == (product.sku, 2, 1, 4)
    assert str(top.conversion) == "0.2500"

    client = Client()
    client.force_login(staff)
    html = client.get("/seller/insights/").content.decode()
    assert 'data-testid="china-share"><strong>100%' in html
    assert "China&#x27;s share of your revenue" in html
    assert "Buyers by province" in html
    assert "Beijing" in html
    assert product.sku in html
    assert "25%" in html
    assert "What buyers in China are looking for" in html
    assert "US state" not in html
    chinese = client.get("/seller/insights/?lang=zh-hans").content.decode()
    assert "北京" in chinese
    assert "洞察" in chinese


def test_other_sellers_and_buyers_see_nothing_of_it(cleared_export, make_seller):
    order, _ = cleared_export
    other = make_seller("Other Farm LLC")
    stranger = User.objects.create(username="stranger", role="seller_staff")
    Membership.objects.create(user=stranger, business=other, role="owner")
    client = Client()
    client.force_login(stranger)
    html = client.get("/seller/insights/").content.decode()
    assert order.lines.get().sku not in html
    assert "Beijing" not in html
    buyer = Client()
    buyer.force_login(order.buyer)
    assert buyer.get("/seller/insights/").status_code == 403


def search(query, *, market, chapter, session, found=0):
    search_log_record(
        query=query, language="en", market=market, province="", hs_chapter=chapter,
        result_count=found, session_key=session,
    )  # fmt: skip


def test_a_chinese_sellers_insights_are_about_its_buyers_in_the_us(paid_import):
    order, staff = paid_import
    product = order.lines.get().product
    for _ in range(10):
        assert Client(HTTP_USER_AGENT=BROWSER).get(f"/us/products/{product.pk}/").status_code == 200
    chapter = product.hs_chapter
    for session in ("a", "b"):  # two people looked for flannel on the US import storefront
        search("flannel shirt", market="us_import", chapter=chapter, session=session)
    search("oxford shirt", market="us_import", chapter=chapter, session="c", found=12)
    for session in ("d", "e", "f"):  # the China storefront is another seller's market
        search("衬衫", market="cn_export", chapter=chapter, session=session)

    data = insights_for(business=order.business, days=90)
    assert data.market.key == "us"
    assert data.share == 1
    assert data.revenue_usd == order.customs_value_usd
    assert [(r.code, r.name_en, r.name_zh, r.buyers, r.orders) for r in data.regions] == [
        ("WI", "Wisconsin", "威斯康星州", 1, 1)
    ]
    top = data.products[0]
    assert (top.sku, top.units, top.orders, top.views) == (product.sku, 2, 1, 10)
    assert str(top.conversion) == "0.1000"
    assert [(d.chapter, d.searches, d.few_results) for d in data.demand] == [(chapter, 3, 2)]
    assert [q.query for q in data.top_unmet] == ["flannel shirt"]

    client = Client()
    client.force_login(staff)
    html = client.get("/seller/insights/?lang=en").content.decode()
    assert 'data-testid="us-share"><strong>100%' in html
    assert "US share of your revenue" in html
    assert 'data-testid="state" data-code="WI"' in html
    assert "Wisconsin" in html
    assert '<td class="num">10%</td>' in html  # 1 order in 10 product-page views
    assert '<span class="badge" lang="en">flannel shirt</span>' in html
    assert "Searches on the US import storefront" in html
    for china_only in ("China&#x27;s share", "province", "Buyers in China are looking", "衬衫"):
        assert china_only not in html
    chinese = client.get("/seller/insights/?lang=zh-hans").content.decode()
    assert "美国市场占您收入的比例" in chinese
    assert "买家所在美国州" in chinese
    assert "威斯康星州" in chinese
    assert "美国进口商城" in chinese
