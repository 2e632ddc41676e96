"""The checkout pages through the Django test client: product page landed price, cart, checkout
(real name, quota, idempotency), pay, tracking, and the seller's order queue.

Figures: the reference rate in force is 1 USD = 7.1884 CNY (CFETS central parity of 2024-12-31,
from 2025-01-01); freight US-CN is USD 12.00 per shipment + USD 4.50 per kg; honey (04090000)
is in the general-goods category, 13% VAT, no consumption tax, CBEC factor 70%.
A USD 20.00, 0.5 kg jar: goods 20 × 7.1884 = ¥143.77; freight 14.25 × 7.1884 = ¥102.43;
tax (143.77 + 102.43) × 13% × 70% = ¥22.40; total ¥268.60.
"""

from __future__ import annotations

import html as html_lib
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client

import twoway.compliance
from twoway.businesses.models import Membership
from twoway.catalog.models import Product
from twoway.checkout import services
from twoway.checkout.channels import EXPORT
from twoway.checkout.models import CartLine, Order, OrderEvent, OrderStatus, Purchase, QuotaUsage
from twoway.identity.models import RealNameIdentity, User

pytestmark = pytest.mark.django_db

GINSENG_LINE = "12112011"
VALID_ID = "11010519491231002X"
CONSIGNEE = {
    "consignee_name": "张三",
    "consignee_phone": "13800138000",
    "consignee_address": "北京市东城区东长安街1号",
    "consignee_district": "110101",
}


@pytest.fixture
def csl_loaded(db):
    from twoway.compliance.services import csl_load

    csl_load(path=Path(twoway.compliance.__file__).parent / "data" / "csl_sample.csv")


@pytest.fixture
def honey(make_seller, make_product):
    return make_product(make_seller(), price="20.00", stock=10, weight="0.500")


@pytest.fixture
def consumer():
    """A consumer in China with no real-name identity on file yet."""
    return User.objects.create(username="wang", role="consumer_cn")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def seller_user(business, username="staff") -> User:
    user = User.objects.create(username=username, role="seller_staff")
    Membership.objects.create(user=user, business=business)
    return user


def text(response) -> str:
    """The page's visible text with tags dropped and whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def checkout_key(client) -> str:
    page = client.get("/cn/checkout/")
    assert page.status_code == 200
    return re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', page.content.decode()).group(
        1
    )


def place_via_pages(client, *, identity_fields=None) -> Purchase:
    key = checkout_key(client)
    data = {"idempotency_key": key, **CONSIGNEE, **(identity_fields or {})}
    response = client.post("/cn/checkout/", data)
    assert response.status_code == 302, text(response)[:2000]
    return Purchase.objects.get(idempotency_key=key)


def pay_via_pages(client, purchase, capture, provider="alipay"):
    """Pay page → auto-submitting form → sandbox wallet page → confirm → return URL."""
    response = client.post(f"/cn/purchases/{purchase.number}/pay/", {"provider": provider})
    assert response.status_code == 200
    html = response.content.decode()
    action = re.search(r'<form id="wallet-form" method="POST" action="([^"]+)"', html).group(1)
    form = html[html.index('<form id="wallet-form"') :]
    form = form[: form.index("</form>")]
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    fields.pop("csrfmiddlewaretoken", None)
    fields = {k: html_lib.unescape(v) for k, v in fields.items()}
    wallet = client.post(action, fields)
    assert wallet.status_code == 200, wallet.content.decode()[:500]
    with capture(execute=True):
        done = client.post(action, {**fields, "confirm": "pay"})
    assert done.status_code == 302
    assert done["Location"] == f"/cn/purchases/{purchase.number}/"
    return done


# --- product page ---------------------------------------------------------------------------


def test_product_page_shows_cny_landed_price_tax_and_add_to_cart(honey, consumer):
    response = client_for(consumer).get(f"/products/{honey.pk}/")
    assert response.status_code == 200
    page = text(response)
    assert "¥143.77" in page  # goods at 7.1884
    assert "1 美元 = 7.1884 元人民币" in page
    assert "2025-01-01" in page  # the rate's date
    # its source: a link to /sources/, not truncated English research text on a Chinese page
    assert "China Foreign Exchange Trade System" not in page
    assert "汇率来源" in page
    assert "¥102.43" in page  # freight of one unit's shipment
    assert "¥22.40" in page  # CBEC tax for one unit
    assert "¥268.60" in page  # total
    assert "13%" in page
    assert "9.1%" in page
    assert 'action="/cn/cart/add/"' in response.content.decode()
    assert 'data-testid="not-eligible"' not in response.content.decode()


def test_product_page_explains_why_ginseng_is_not_sold_and_has_no_buy_button(
    make_seller, make_product, consumer
):
    ginseng = make_product(make_seller("Marathon Ginseng Farm"), line=GINSENG_LINE, price="80.00")
    response = client_for(consumer).get(f"/products/{ginseng.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="not-eligible"' in html
    page = text(response)
    assert "12112011" in page
    assert "不能通过跨境零售销售" in page  # why, in the buyer's words
    # The list's English research remarks and the operator's load command stay off the buyer's
    # page; a link to /sources/ says the list is partial.
    assert "CITES" not in page
    assert "loadlist" not in page
    assert "关于我们持有的正面清单" in page
    assert "¥575.07" in page  # the goods price in CNY is still shown (80 × 7.1884)
    assert "/cn/cart/add/" not in html


def test_anonymous_visitor_is_asked_to_log_in_to_buy(honey):
    html = Client().get(f"/products/{honey.pk}/").content.decode()
    assert f"/login/?next=/products/{honey.pk}/" in html
    assert "/cn/cart/add/" not in html


# --- cart -----------------------------------------------------------------------------------


def test_add_to_cart_then_cart_shows_each_charge_per_shipment(honey, consumer):
    client = client_for(consumer)
    response = client.post("/cn/cart/add/", {"product_id": honey.pk, "quantity": "2"})
    assert response.status_code == 302
    assert response["Location"] == "/cn/cart/"
    client.post("/cn/cart/add/", {"product_id": honey.pk, "quantity": "1"})  # adds up: 3
    assert CartLine.objects.get(cart__buyer=consumer).quantity == 3

    response = client.get("/cn/cart/")
    html, page = response.content.decode(), text(response)
    # 3 jars: goods 3 × 143.77 = 431.31; freight (12 + 4.5 × 1.5) = 18.75 USD = ¥134.78;
    # tax (431.31 + 134.78) × 0.091 = 51.51; total 617.60.
    assert html.count('data-testid="shipment"') == 1
    assert "¥431.31" in page
    assert "¥134.78" in page
    assert "¥51.51" in page
    assert "¥617.60" in page
    assert re.search(r'data-charge="vat">\s*¥51.51<', html)
    assert re.search(r'data-charge="consumption_tax">\s*¥0.00<', html)
    assert re.search(r'data-charge="tariff">\s*¥0.00<', html)
    assert "进口增值税" in page
    assert "消费税" in page
    assert "关税" in page
    assert "每项费用是什么" in page  # and what each one is


def test_cart_shows_problems_next_to_the_line_they_concern(make_seller, make_product, consumer):
    seller = make_seller()
    scarce = make_product(seller, price="10.00", stock=1)
    ginseng = make_product(make_seller("Ginseng Co"), line=GINSENG_LINE)
    client = client_for(consumer)
    services.cart_line_set(channel=EXPORT, buyer=consumer, product=scarce, quantity=3)
    services.cart_line_set(channel=EXPORT, buyer=consumer, product=ginseng, quantity=1)
    html = client.get("/cn/cart/").content.decode()
    scarce_row = re.search(rf'data-product="{scarce.pk}">(.*?)</tr>', html, flags=re.S).group(1)
    assert "库存仅剩 1 件" in scarce_row  # out of stock, on its own line
    ginseng_row = re.search(rf'data-product="{ginseng.pk}">(.*?)</li>', html, flags=re.S).group(1)
    assert "12112011" in ginseng_row
    assert "不能通过跨境零售销售" in ginseng_row
    assert "CITES" not in ginseng_row  # the list's English remarks stay on /sources/
    assert 'href="/cn/checkout/"' not in html  # no way forward until fixed


def test_cart_over_the_per_order_limit_explains_the_single_item_rule(
    make_seller, make_product, consumer
):
    pricey = make_product(make_seller(), price="400.00", stock=5)
    services.cart_line_set(channel=EXPORT, buyer=consumer, product=pricey, quantity=2)
    page = text(client_for(consumer).get("/cn/cart/"))
    # 2 × 400 × 7.1884 = 5,750.72 goods + freight (12 + 4.5) × 7.1884 = 118.61 → 5,869.33.
    assert "¥5,869.33" in page
    assert "¥5,000.00" in page
    assert "单件" in page  # the single indivisible item rule, explained


def test_cart_quantity_update_and_remove(honey, consumer):
    client = client_for(consumer)
    services.cart_line_set(channel=EXPORT, buyer=consumer, product=honey, quantity=1)
    client.post(f"/cn/cart/lines/{honey.pk}/", {"quantity": "4"})
    assert CartLine.objects.get(cart__buyer=consumer).quantity == 4
    client.post(f"/cn/cart/lines/{honey.pk}/", {"quantity": "4", "remove": "1"})
    assert not CartLine.objects.filter(cart__buyer=consumer).exists()


# --- checkout -------------------------------------------------------------------------------


def test_checkout_with_a_bad_id_number_shows_the_gb11643_error_at_the_id_field_and_writes_nothing(
    honey, consumer
):
    client = client_for(consumer)
    services.cart_line_set(channel=EXPORT, buyer=consumer, product=honey, quantity=1)
    key = checkout_key(client)
    response = client.post(
        "/cn/checkout/",
        {
            "idempotency_key": key,
            "identity": "new",
            "full_name": "张三",
            "id_number": "110105194912310021",
            **CONSIGNEE,
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    field = re.search(r'data-field="id_number">(.*?)</div>', html, flags=re.S).group(1)
    assert 'id="error-id_number"' in field
    assert "校验码（第 18 位）与 GB 11643 不符。" in field
    assert 'data-field="full_name"' in html
    assert 'id="error-full_name"' not in html
    assert Purchase.objects.count() == 0
    assert Order.objects.count() == 0
    assert RealNameIdentity.objects.count() == 0
    assert QuotaUsage.objects.count() == 0
    honey.refresh_from_db()
    assert honey.stock_on_hand == 10
    assert CartLine.objects.get(cart__buyer=consumer).quantity == 1  # the cart is kept


def test_checkout_twice_with_the_same_key_creates_one_purchase(honey, consumer):
    client = client_for(consumer)
    services.cart_line_set(channel=EXPORT, buyer=consumer, product=honey, quantity=2)
    key = checkout_key(client)
    data = {
        "idempotency_key": key,
        "identity": "new",
        "full_name": "张三",
        "id_number": VALID_ID,
        **CONSIGNEE,
    }
    first = client.post("/cn/checkout/", data)
    second = client.post("/cn/checkout/", data)
    purchase = Purchase.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/cn/purchases/{purchase.number}/pay/"
    assert Order.objects.count() == 1
    assert RealNameIdentity.objects.filter(user=consumer).count() == 1
    honey.refresh_from_db()
    assert honey.stock_on_hand == 8  # taken once
    assert not CartLine.objects.filter(cart__buyer=consumer).exists()
    order = Order.objects.get()
    assert order.buyer_id_masked == "1101**********002X"
    # 2 × 143.77 = 287.54; freight (12 + 4.5 × 1.0) × 7.1884 = 118.61; tax 406.15 × 9.1% = 36.96.
    assert order.total_payable == Decimal("443.11")


def test_checkout_shows_quota_used_and_left_before_and_after(honey, make_buyer):
    buyer, identity = make_buyer()
    from django.utils import timezone

    year = timezone.now().year
    QuotaUsage.objects.create(
        id_number_hash=identity.id_number_hash, year=year, used_cny=Decimal("1000.00")
    )
    client = client_for(buyer)
    services.cart_line_set(channel=EXPORT, buyer=buyer, product=honey, quantity=1)
    response = client.get("/cn/checkout/")
    html = response.content.decode()
    # The existing identity is offered, masked; the quota counts goods + freight (246.20).
    assert "1101**********002X" in html
    assert VALID_ID not in html
    assert re.search(r'data-testid="quota-used">¥1,000.00<', html)
    assert re.search(r'data-testid="quota-before">¥25,000.00<', html)
    assert re.search(r'data-testid="quota-after">¥24,753.80<', html)


def test_checkout_with_an_existing_identity_and_a_missing_phone_names_the_phone_field(
    honey, make_buyer
):
    buyer, identity = make_buyer()
    client = client_for(buyer)
    services.cart_line_set(channel=EXPORT, buyer=buyer, product=honey, quantity=1)
    key = checkout_key(client)
    data = {
        "idempotency_key": key,
        "identity": str(identity.pk),
        **CONSIGNEE,
        "consignee_phone": "",
    }
    response = client.post("/cn/checkout/", data)
    assert response.status_code == 400
    assert 'id="error-consignee_phone"' in response.content.decode()
    assert Purchase.objects.count() == 0


# --- pay and tracking -----------------------------------------------------------------------


def test_pay_page_shows_total_and_deadline_and_hands_over_to_the_wallet(honey, consumer):
    client = client_for(consumer)
    services.cart_line_set(channel=EXPORT, buyer=consumer, product=honey, quantity=1)
    purchase = place_via_pages(
        client, identity_fields={"identity": "new", "full_name": "张三", "id_number": VALID_ID}
    )
    page = client.get(f"/cn/purchases/{purchase.number}/pay/")
    assert page.status_code == 200
    assert re.search(r'data-testid="pay-total">¥268.60<', page.content.decode())
    assert 'data-testid="deadline"' in page.content.decode()
    handover = client.post(f"/cn/purchases/{purchase.number}/pay/", {"provider": "wechat"})
    html = handover.content.decode()
    assert 'action="/payments/sandbox/wechat/pay/"' in html
    assert 'name="signature"' in html
    assert 'document.getElementById("wallet-form").submit()' in html


def test_paying_leads_to_the_tracking_page_with_the_order_cleared(
    honey, consumer, csl_loaded, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.TWOWAY_PAYMENT_KEY_DIR = str(tmp_path)
    client = client_for(consumer)
    services.cart_line_set(channel=EXPORT, buyer=consumer, product=honey, quantity=1)
    purchase = place_via_pages(
        client, identity_fields={"identity": "new", "full_name": "张三", "id_number": VALID_ID}
    )
    pay_via_pages(client, purchase, django_capture_on_commit_callbacks)
    order = Order.objects.get()
    assert order.status == OrderStatus.CLEARED
    response = client.get(f"/cn/purchases/{purchase.number}/")
    html, page = response.content.decode(), text(response)
    assert 'data-status="cleared"' in html
    assert "已清关" in page
    assert [e.to_status for e in order.events.all()] == ["created", "paid", "declared", "cleared"]
    assert html.count("<li data-to=") == 4  # the timeline: one entry per event
    assert "1101**********002X" in page
    assert VALID_ID not in html
    assert "张*" in page
    assert "EEI" not in html  # a seller-side flag
    assert 'hx-trigger="every 3s"' not in html  # nothing left to wait for
    listing = client.get("/cn/purchases/")
    assert purchase.number in listing.content.decode()


def test_tracking_page_is_only_for_the_buyer(honey, consumer, make_buyer, make_seller):
    client = client_for(consumer)
    services.cart_line_set(channel=EXPORT, buyer=consumer, product=honey, quantity=1)
    purchase = place_via_pages(
        client, identity_fields={"identity": "new", "full_name": "张三", "id_number": VALID_ID}
    )
    assert client.get(f"/cn/purchases/{purchase.number}/").status_code == 200
    other, _ = make_buyer(id_number="440103199001010014", name="李四")
    assert client_for(other).get(f"/cn/purchases/{purchase.number}/").status_code == 404
    assert client_for(other).get(f"/cn/purchases/{purchase.number}/pay/").status_code == 404
    assert purchase.number not in client_for(other).get("/cn/purchases/").content.decode()
    anonymous = Client().get(f"/cn/purchases/{purchase.number}/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/login/")
    seller = seller_user(honey.business)
    assert client_for(seller).get(f"/cn/purchases/{purchase.number}/").status_code == 403


# --- seller queue ---------------------------------------------------------------------------


@pytest.fixture
def two_sellers_orders(make_seller, make_product, make_buyer):
    ours, theirs = make_seller("Badger State Honey LLC"), make_seller("Hawkeye Maple Co", "IA")
    our_product = make_product(ours, price="20.00")
    their_product = make_product(theirs, price="30.00")
    buyer, identity = make_buyer()
    consignee = services.Consignee("张三", "13800138000", "北京市东城区东长安街1号", "110101")
    purchase = services.purchase_place(
        channel=EXPORT,
        buyer=buyer,
        items={our_product.pk: 1, their_product.pk: 2},
        identity=identity,
        consignee=consignee,
    )
    ours_order = purchase.orders.get(business=ours)
    theirs_order = purchase.orders.get(business=theirs)
    return ours, ours_order, theirs_order


def test_seller_queue_shows_only_own_business_orders_with_masked_buyer(two_sellers_orders):
    ours, ours_order, theirs_order = two_sellers_orders
    response = client_for(seller_user(ours)).get("/seller/orders/")
    html, page = response.content.decode(), text(response)
    assert response.status_code == 200
    assert ours_order.number in html
    assert theirs_order.number not in html
    assert "张*" in page
    assert "1101**********002X" in page
    assert VALID_ID not in html
    assert "¥268.60" in page
    assert "$20.00" in page
    # Filter by status.
    assert (
        ours_order.number
        not in client_for(User.objects.get(username="staff"))
        .get("/seller/orders/?status=cleared")
        .content.decode()
    )


def test_ship_is_refused_unless_cleared_and_only_for_own_orders(two_sellers_orders):
    ours, ours_order, theirs_order = two_sellers_orders
    client = client_for(seller_user(ours))
    events_before = OrderEvent.objects.count()
    refused = client.post(
        f"/seller/orders/{ours_order.number}/ship/", {"tracking_number": "SF123456"}
    )
    assert refused.status_code == 409
    ours_order.refresh_from_db()
    assert ours_order.status == OrderStatus.CREATED
    assert ours_order.tracking_number == ""
    assert OrderEvent.objects.count() == events_before
    assert (
        client.post(
            f"/seller/orders/{theirs_order.number}/ship/", {"tracking_number": "SF123456"}
        ).status_code
        == 404
    )

    for to in (OrderStatus.PAID, OrderStatus.DECLARED, OrderStatus.CLEARED):
        services.order_transition(order=ours_order, to=to, actor_label="test")
    page = client.get("/seller/orders/").content.decode()
    assert f'action="/seller/orders/{ours_order.number}/ship/"' in page
    # The tracking number must have the carrier's form (reference carrier formats).
    bad = client.post(
        f"/seller/orders/{ours_order.number}/ship/",
        {"tracking_number": "SF123456", "carrier": "sf_express"},
    )
    assert bad.status_code == 400
    assert "SF123456 does not look like a SF Express tracking number" in bad.content.decode()
    shipped = client.post(
        f"/seller/orders/{ours_order.number}/ship/",
        {"tracking_number": "SF1234567890123", "carrier": "sf_express"},
    )
    assert shipped.status_code == 302
    ours_order.refresh_from_db()
    assert ours_order.status == OrderStatus.SHIPPED
    assert (ours_order.carrier, ours_order.tracking_number) == ("sf_express", "SF1234567890123")
    assert ours_order.events.last().actor_label == "seller"


def test_order_queue_is_for_seller_staff_only(two_sellers_orders, consumer):
    assert client_for(consumer).get("/seller/orders/").status_code == 403
    assert Product.objects.count() == 2


def test_buyer_confirms_receipt_of_a_shipped_order_and_it_is_delivered(two_sellers_orders):
    _, ours_order, _ = two_sellers_orders
    buyer = ours_order.buyer
    client = client_for(buyer)
    url = f"/cn/orders/{ours_order.number}/receipt/"
    assert client.post(url).status_code == 409  # not shipped yet: nothing to confirm
    for to in (OrderStatus.PAID, OrderStatus.DECLARED, OrderStatus.CLEARED, OrderStatus.SHIPPED):
        services.order_transition(order=ours_order, to=to, actor_label="test")
    page = client.get(f"/cn/purchases/{ours_order.purchase.number}/").content.decode()
    assert f'action="{url}"' in page
    # Somebody else cannot confirm it.
    other, _ = User.objects.create(username="other-buyer", role="consumer_cn"), None
    assert client_for(other).post(url).status_code == 404
    response = client.post(url)
    assert response.status_code == 302
    ours_order.refresh_from_db()
    assert ours_order.status == OrderStatus.DELIVERED
    assert ours_order.delivered_at is not None
    last = ours_order.events.last()
    assert (last.to_status, last.actor_label, last.actor_id) == ("delivered", "buyer", buyer.pk)
