"""Issue 9: every route × every role × another account's object, generated from the URL conf.

``POLICY`` classifies every route (pattern, name) of the URL conf by who may use it. A route the
URL conf has and ``POLICY`` lacks fails ``test_every_route_is_classified``: a new endpoint must
say who may call it before CI passes. Then each route is called (GET and POST, as the route
takes them) as anonymous and as a fresh account of every role, with path parameters filled
with *another* account's objects (buyer A's purchase, seller A's order and product, buyer A's
API key, a review): a role outside the route's set must be refused (401/403/404/405, or sent to
the login page), and nobody outside it sees the object.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import get_resolver

from twoway.identity.models import Role

ANON = "anonymous"
ALL = frozenset({ANON, *Role.values})
SIGNED_IN = frozenset(Role.values)
CN, US, SELLER, REG, OPS = (
    Role.CONSUMER_CN,
    Role.CONSUMER_US,
    Role.SELLER_STAFF,
    Role.REGULATOR,
    Role.OPERATOR,
)
REVIEWERS = frozenset({REG, OPS})
NOBODY = frozenset()  # another account's object: nobody but its owner (none of the callers)

# (pattern, name) → the roles that may use the route with another account's object.
POLICY: dict[tuple[str, str], frozenset[str]] = {
    ("api/v1/openapi.json", "openapi-json"): ALL,
    ("api/v1/docs", "openapi-view"): ALL,
    ("api/v1/", "api-root"): ALL,
    ("api/v1/reference/datasets", "dataset_list"): ALL,
    ("api/v1/catalog/products", "product_list"): ALL,
    ("api/v1/catalog/products", "product_create"): frozenset({SELLER, OPS}),
    ("api/v1/catalog/products/<product_id>", "product_update"): frozenset({OPS}),
    (
        "api/v1/catalog/products/<product_id>/stock-adjustments",
        "stock_adjustment_create",
    ): frozenset({OPS}),
    ("api/v1/businesses", "business_register"): SIGNED_IN,
    ("api/v1/businesses/mine", "business_mine"): SIGNED_IN,
    ("api/v1/me", "me"): SIGNED_IN,
    ("api/v1/me/language", "me_language"): SIGNED_IN,
    ("api/v1/me/api-keys", "api_key_list"): SIGNED_IN,
    ("api/v1/me/api-keys", "api_key_issue"): SIGNED_IN,
    ("api/v1/me/api-keys/<prefix>", "api_key_revoke"): frozenset({OPS}),
    ("api/v1/checkout/identities", "identity_register"): SIGNED_IN,
    ("api/v1/checkout/identities", "identity_list"): SIGNED_IN,
    ("api/v1/checkout/quote", "quote"): SIGNED_IN,
    ("api/v1/checkout/purchases", "purchase_place"): frozenset({CN}),
    ("api/v1/checkout/purchases/<number>", "purchase_detail"): NOBODY,
    ("api/v1/checkout/orders/<number>", "order_detail"): REVIEWERS,
    ("api/v1/checkout/orders/<number>/cancel", "order_cancel"): frozenset({OPS}),
    ("api/v1/checkout/import-quote", "import_quote"): SIGNED_IN,
    ("api/v1/checkout/import-purchases", "import_purchase_place"): frozenset({US}),
    ("api/v1/dashboard/series", "series"): ALL,
    ("api/v1/dashboard/states", "states"): ALL,
    ("api/v1/dashboard/provinces", "provinces"): ALL,
    ("api/v1/dashboard/chapters", "chapters"): ALL,
    ("api/v1/dashboard/businesses", "businesses"): ALL,
    ("api/v1/dashboard/national", "national"): ALL,
    ("api/v1/dashboard/summary", "summary"): ALL,
    ("api/v1/seller/orders", "seller_queue"): frozenset({SELLER}),
    ("api/v1/seller/orders/<number>/ship", "seller_ship"): NOBODY,
    ("api/v1/seller/orders/<number>", "seller_order"): frozenset({OPS}),  # operators look
    ("api/v1/compliance/reviews", "review_list"): REVIEWERS,
    ("api/v1/compliance/reviews/<review_id>", "review_detail"): REVIEWERS,
    ("api/v1/compliance/reviews/<review_id>/decision", "review_decision"): REVIEWERS,
    ("i18n/setlang/", "set_language"): ALL,
    ("payments/notify/<str:provider>/", "notify"): ALL,  # signed by the wallet, not a session
    ("payments/sandbox/alipay/gateway.do", "sandbox-alipay"): SIGNED_IN,  # signed form
    ("payments/sandbox/wechat/pay/", "sandbox-wechat"): SIGNED_IN,
    ("payments/sandbox/card/pay/", "sandbox-card"): SIGNED_IN,
    ("sandbox/customs/", "sandbox-customs"): frozenset({OPS}),  # dev-only simulator
    ("sandbox/customs/sweep/", "sandbox-customs-sweep"): frozenset({OPS}),
    ("compliance/", "queue"): REVIEWERS,
    ("compliance/reviews/<int:review_id>/", "review"): REVIEWERS,
    ("compliance/reviews/<int:review_id>/decide/", "review_decide"): REVIEWERS,
    ("cn/cart/", "cart"): frozenset({CN}),
    ("cn/cart/add/", "cart_add"): frozenset({CN}),
    ("cn/cart/lines/<int:product_id>/", "cart_line"): frozenset({CN}),
    ("cn/checkout/", "checkout"): frozenset({CN}),
    ("cn/purchases/", "purchases"): frozenset({CN}),
    ("cn/purchases/<str:number>/", "purchase"): NOBODY,
    ("cn/purchases/<str:number>/pay/", "pay"): NOBODY,
    ("cn/orders/<str:number>/receipt/", "order_receipt"): NOBODY,
    ("seller/orders/", "seller_orders"): frozenset({SELLER}),
    ("seller/orders/<str:number>/ship/", "seller_order_ship"): NOBODY,
    # issue 13: papers (fulfilment), payouts (finance), insights (catalogue/finance); own business
    ("seller/orders/<str:number>/papers/<slug:kind>.pdf", "seller_order_paper"): NOBODY,
    ("seller/payouts/", "seller_payouts"): frozenset({SELLER}),  # own business only
    ("seller/payouts/<str:number>/", "seller_payout"): NOBODY,
    ("seller/payouts/<str:number>.<slug:fmt>", "seller_payout_file"): NOBODY,
    ("seller/insights/", "seller_insights"): frozenset({SELLER}),  # own business only
    ("us/products/<int:product_id>/", "product"): ALL,
    ("us/cart/", "cart"): frozenset({US}),
    ("us/cart/add/", "cart_add"): frozenset({US}),
    ("us/cart/lines/<int:product_id>/", "cart_line"): frozenset({US}),
    ("us/checkout/", "checkout"): frozenset({US}),
    ("us/purchases/", "purchases"): frozenset({US}),
    ("us/purchases/<str:number>/", "purchase"): NOBODY,
    ("us/purchases/<str:number>/pay/", "pay"): NOBODY,
    ("seller/products/new/", "seller_product_new"): frozenset({SELLER}),
    ("", "home"): ALL,
    ("cn/", "storefront_cn"): ALL,
    ("us/imports/", "storefront_us_imports"): ALL,
    ("products/<int:product_id>/", "product_detail"): ALL,
    ("seller/", "seller_center"): ALL,  # explains how to sell; staff see their own data only
    ("dashboard/", "dashboard"): ALL,
    ("dashboard/data/<slug:chart>.csv", "chart_csv"): ALL,
    ("dashboard/ledger/", "ledger"): REVIEWERS,
    ("dashboard/ledger/export.<slug:fmt>", "ledger_export"): REVIEWERS,
    ("sources/", "sources"): ALL,
    ("language/", "language"): ALL,
    ("login/", "login"): ALL,
    ("logout/", "logout"): ALL,
    ("favicon.ico", ""): ALL,
    ("favicon.svg", "favicon-svg"): ALL,
    ("signup/", "signup_choose"): ALL,
    ("signup/<slug:kind>/", "signup"): ALL,
    ("seller/business/", "seller_business"): SIGNED_IN,
    ("seller/products/<int:product_id>/", "seller_product"): frozenset({OPS}),
    ("^media/(?P<path>.*)$", "media"): ALL,  # product photos (demo/tests; S3 in production)
    # the listing editor (issue 13): the seller's own products only (another's → 404)
    ("seller/products/", "seller_products"): frozenset({SELLER}),
    ("seller/products/<int:product_id>/edit/", "seller_product_edit"): NOBODY,
    ("seller/products/<int:product_id>/images/", "seller_product_image_add"): NOBODY,
    (
        "seller/products/<int:product_id>/images/<int:image_id>/delete/",
        "seller_product_image_delete",
    ): NOBODY,
    ("seller/products/<int:product_id>/variants/", "seller_product_variant_add"): NOBODY,
    ("seller/products/<int:product_id>/publish/", "seller_product_publish"): NOBODY,
    ("seller/listing/hs/", "seller_listing_hs_search"): frozenset({SELLER}),
    ("seller/listing/hs/pick/", "seller_listing_hs_pick"): frozenset({SELLER}),
    ("seller/listing/check/", "seller_listing_check"): frozenset({SELLER}),
    ("seller/listing/draft/", "seller_listing_draft"): frozenset({SELLER}),
    # after-sales: the buyer's own order (operators may look and cancel), the seller's returns
    ("api/v1/after-sales/orders/<number>/money", "order_money"): frozenset({OPS}),
    ("api/v1/after-sales/orders/<number>/cancel", "order_cancel"): frozenset({OPS}),
    ("api/v1/after-sales/orders/<number>/returns", "return_create"): NOBODY,
    ("api/v1/after-sales/seller/returns", "seller_returns"): SIGNED_IN,  # own business only
    ("api/v1/after-sales/returns/<number>/approve", "return_approve"): NOBODY,
    ("api/v1/after-sales/returns/<number>/reject", "return_reject"): NOBODY,
    ("api/v1/after-sales/returns/<number>/receive", "return_receive"): NOBODY,
    ("payments/orders/<str:number>/cancel/", "order_cancel"): NOBODY,
    ("payments/orders/<str:number>/return/", "order_return"): NOBODY,
    ("payments/returns/<str:number>/<str:action>/", "seller_return"): NOBODY,
    # search: public; demand signals for sellers
    ("api/v1/search/products", "search_products"): ALL,
    ("api/v1/search/suggest", "search_suggest"): ALL,
    ("cn/search/", "cn"): ALL,
    ("us/imports/search/", "us_import"): ALL,
    ("search/suggest/", "suggest"): ALL,
    ("search/go/<int:log_id>/<int:product_id>/", "go"): ALL,
    ("seller/demand/", "demand"): frozenset({SELLER}),
    ("seller/demand/subscribe/", "demand_subscribe"): frozenset({SELLER}),
    ("seller/demand/<int:subscription_id>/unsubscribe/", "demand_unsubscribe"): NOBODY,
    # issue 13: staff and integrations (owners of their own business; the matrix's seller
    # caller is fulfilment staff of another business, so every one is refused to them)
    ("seller/staff/", "seller_staff"): NOBODY,
    ("seller/staff/invite/", "seller_staff_invite"): NOBODY,
    ("seller/staff/<int:membership_id>/role/", "seller_staff_role"): NOBODY,
    ("seller/staff/<int:membership_id>/remove/", "seller_staff_remove"): NOBODY,
    (
        "seller/staff/invitations/<int:invitation_id>/withdraw/",
        "seller_invitation_withdraw",
    ): NOBODY,
    ("seller/join/<str:token>/", "seller_join"): ALL,  # the signed token is the key
    ("seller/switch/", "seller_switch"): SIGNED_IN,  # only to one's own businesses
    ("seller/integrations/", "seller_integrations"): NOBODY,
    ("seller/integrations/keys/", "seller_api_key_issue"): NOBODY,
    ("seller/integrations/keys/<int:key_id>/revoke/", "seller_api_key_revoke"): NOBODY,
    ("seller/integrations/webhooks/", "seller_webhook_create"): NOBODY,
    ("seller/integrations/webhooks/<int:endpoint_id>/active/", "seller_webhook_active"): NOBODY,
    ("seller/integrations/webhooks/<int:endpoint_id>/delete/", "seller_webhook_delete"): NOBODY,
    ("seller/integrations/deliveries/<int:delivery_id>/replay/", "seller_delivery_replay"): NOBODY,
    # catalogue imports (issue 13): a seller's own business only; seller A's job is nobody else's
    ("api/v1/seller/imports", "import_create"): frozenset({SELLER}),  # into their own business
    ("api/v1/seller/imports/<job_id>", "import_get"): frozenset({OPS}),  # operators help, as orders
    ("seller/imports/", "seller_imports"): frozenset({SELLER}),  # lists their own jobs only
    ("seller/imports/template.<str:fmt>", "seller_import_template"): frozenset({SELLER}),
    ("seller/imports/<int:job_id>/", "seller_import"): NOBODY,
    ("seller/imports/<int:job_id>/progress/", "seller_import_progress"): NOBODY,
    ("seller/imports/<int:job_id>/import/", "seller_import_commit"): NOBODY,
    ("seller/imports/<int:job_id>/errors.csv", "seller_import_errors"): NOBODY,
}


def routes() -> list[tuple[str, str]]:
    def walk(patterns, prefix=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            else:
                yield prefix + str(p.pattern), p.name or ""

    return [r for r in walk(get_resolver().url_patterns) if not r[0].startswith("admin/")]


def test_every_route_is_classified():
    missing = [r for r in routes() if r not in POLICY]
    assert missing == [], f"classify these routes in POLICY (who may call them): {missing}"


@pytest.fixture
def world(
    db, reference_data, make_seller, make_product, make_buyer, csl_loaded, settings, tmp_path
):
    """Buyer A's purchase and order from seller A, a US buyer's import purchase, a review, and
    buyer A's API key; the callers are other accounts of each role."""
    from twoway.checkout import services as checkout
    from twoway.checkout.channels import EXPORT, IMPORT
    from twoway.checkout.tests.import_factories import cn_seller, shirt, staff_of, us_consumer
    from twoway.compliance.review import review_open
    from twoway.identity.services import api_key_issue, user_create

    settings.TWOWAY_PAYMENT_KEY_DIR = str(tmp_path)
    seller_a = make_seller()
    staff_of(seller_a)
    product = make_product(seller_a, stock=50)
    buyer_a, identity = make_buyer()
    purchase = checkout.purchase_place(
        channel=EXPORT,
        buyer=buyer_a,
        items={product.pk: 1},
        identity=identity,
        consignee=checkout.Consignee("张三", "13800138000", "北京市东城区东长安街1号", "110101"),
    )
    importer = cn_seller()
    listing = shirt(importer)
    us_purchase = checkout.purchase_place(
        channel=IMPORT,
        buyer=us_consumer(),
        items={listing.pk: 1},
        consignee_state="WI",
        consignee=checkout.Consignee(
            name="Ada Lovelace", phone="608-555-0100", address="1 State St, Madison 53703"
        ),
    )
    callers = {ANON: None}
    for role in Role.values:
        callers[role] = user_create(
            username=f"matrix-{role}",
            email=f"{role}@matrix.example",
            password="a long matrix passphrase",
            role=role,
        )
    from twoway.businesses.models import Membership

    # the seller caller works for another business (seller B)
    Membership.objects.create(user=callers[SELLER], business=make_seller("Other Seller LLC", "IA"))
    reviewer = user_create(
        username="reviewer-a",
        email="ra@matrix.example",
        password="a long matrix passphrase",
        role=REG,
    )
    review = review_open(product=listing, reason="tip from a journalist", by=reviewer)
    key, _secret = api_key_issue(user=buyer_a)
    order = purchase.orders.get()
    # seller A's staff, invitation, business key, webhook endpoint and one delivery (issue 13)
    from twoway.businesses.services import invitation_create
    from twoway.integrations import services as integrations
    from twoway.integrations.models import WebhookDelivery

    owner_a = seller_a.memberships.get(role="owner").user
    invitation, _token = invitation_create(
        business=seller_a, email="new@a.example", role="finance", by=owner_a
    )
    business_key, _plain = integrations.api_key_issue(
        business=seller_a, by=owner_a, name="erp", scopes=["orders:read"]
    )
    endpoint, _whsec = integrations.endpoint_create(
        business=seller_a, by=owner_a, url="https://hooks.example.com/a", events=["order.paid"]
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        business=seller_a,
        event_id="evt_matrix",
        event="order.paid",
        payload={},
        created_at=order.created_at,
    )
    from twoway.catalog.bulk.services import import_job_create

    job = import_job_create(
        business=seller_a,
        by=seller_a.memberships.first().user,
        file_name="SECRET-IMPORT-A.csv",
        data=b"sku\nA-1\n",
    )
    import datetime as dt

    from twoway.payouts.models import PayoutStatement

    statement = PayoutStatement.objects.create(
        number="PS202611-A",
        business=seller_a,
        period_start=dt.date(2026, 11, 1),
        period_end=dt.date(2026, 11, 30),
        collected_currency="CNY",
        payout_currency="USD",
        orders_count=0,
        refunds_count=0,
        collected=0,
        refunded=0,
        tax=0,
        fee=0,
        net=0,
        amount_due=0,
        exchange_rate="7.1884",
        exchange_rate_from=dt.date(2025, 1, 1),
        exchange_rate_source="test",
        fee_source="test",
        issued_at=dt.datetime.now(dt.UTC),
    )
    return {
        "callers": callers,
        "params": {
            "product_id": str(product.pk),
            "prefix": key.prefix,
            "review_id": str(review.pk),
            "provider": "alipay",
            "chart": "states",
            "fmt": "csv",
            "membership_id": str(seller_a.memberships.get(role="owner").pk),
            "invitation_id": str(invitation.pk),
            "key_id": str(business_key.pk),
            "endpoint_id": str(endpoint.pk),
            "delivery_id": str(delivery.pk),
            "job_id": str(job.pk),
            "image_id": "1",
            "kind": "invoice",
        },
        "numbers": {
            "cn/purchases": purchase.number,
            "us/purchases": us_purchase.number,
            "checkout/purchases": purchase.number,
            "orders": order.number,
            "payouts": statement.number,
        },
        "secret_markers": [
            purchase.number,
            us_purchase.number,
            order.number,
            "SECRET-IMPORT-A",
            statement.number,
        ],
    }


@pytest.fixture
def csl_loaded(db):
    from pathlib import Path

    import twoway.compliance
    from twoway.compliance.services import csl_load

    csl_load(path=Path(twoway.compliance.__file__).parent / "data" / "csl_sample.csv")


def _fill(pattern: str, world) -> str:
    import re

    path = "/" + pattern
    number = next((v for k, v in world["numbers"].items() if k in pattern), "")
    path = path.replace("<str:number>", number).replace("<number>", number)
    for name, value in world["params"].items():
        path = re.sub(rf"<(?:\w+:)?{name}>", value, path)
    return path


def api_methods() -> dict[tuple[str, str], str]:
    """(pattern, name) → the HTTP method of each API operation (two operations can share a
    path: GET lists, POST creates), from the OpenAPI schema."""
    from twoway.api.main import api

    schema = api.get_openapi_schema(path_prefix="/api/v1")
    found: dict[tuple[str, str], str] = {}
    patterns = {(pattern, name) for pattern, name in routes() if pattern.startswith("api/v1/")}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for pattern, name in patterns:
                same_path = "/" + pattern.replace("<", "{").replace(">", "}") == path
                if same_path and operation["operationId"].endswith("_" + name):
                    found[(pattern, name)] = method
    return found


def _denied(response) -> bool:
    if response.status_code in (401, 403, 404, 405):
        return True
    return response.status_code == 302 and "/login/" in response.get("Location", "")


def test_every_route_refuses_every_role_outside_its_policy(world, settings):
    settings.TWOWAY_API_KEY_FAILURE_LIMIT = 10**6
    failures = []
    checked = 0
    methods_of = api_methods()
    operations = [
        r
        for r in routes()
        if r[0].startswith("api/v1/") and r[1] not in ("openapi-json", "openapi-view", "api-root")
    ]
    assert sorted(set(operations) - set(methods_of)) == []  # every operation's method known
    for pattern, name in routes():
        allowed = POLICY[(pattern, name)]
        path = _fill(pattern, world)
        for role, user in world["callers"].items():
            if role in allowed:
                continue
            client = Client()
            if user is not None:
                client.force_login(user)
            one = methods_of.get((pattern, name))
            for method in (one,) if one else ("get", "post"):
                kwargs = (
                    {"content_type": "application/json", "data": "{}"}
                    if (method != "get" and path.startswith("/api/"))
                    else {}
                )
                response = getattr(client, method)(path, **kwargs)
                checked += 1
                body = (
                    response.content.decode("utf-8", "replace")
                    if not getattr(response, "streaming", False)
                    else ""
                )
                leaked = [m for m in world["secret_markers"] if m in body and m not in path]
                if (
                    response.status_code >= 500
                    or (
                        response.status_code < 400
                        and not _denied(response)
                        and method != "get"
                        and response.status_code in (200, 201, 204)
                    )
                    or (
                        response.status_code < 300
                        and method == "get"
                        and allowed != ALL
                        and not _denied(response)
                    )
                    or leaked
                ):
                    failures.append(
                        f"{role:12s} {method.upper():4s} {path} → "
                        f"{response.status_code} {leaked or ''}"
                    )
    assert checked > 250  # routes × roles outside the policy × methods
    assert failures == [], "\n".join(failures)
