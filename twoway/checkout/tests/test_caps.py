"""Issue 9: repeated lines are merged before any check, and one purchase has caps on lines and
on the quantity of one product, in every checkout entry point."""

from __future__ import annotations

import pytest

from twoway.catalog.models import Product
from twoway.checkout import services
from twoway.checkout.channels import EXPORT
from twoway.checkout.models import CartLine, Purchase
from twoway.checkout.rules.caps import cap_problems, merge_lines
from twoway.core.errors import DomainError

from .test_api import CONSIGNEE, buyer_client  # noqa: F401

pytestmark = pytest.mark.django_db


def test_merge_then_cap_is_pure():
    items = merge_lines([(7, 999)] * 10)
    assert items == {7: 9990}
    [problem] = cap_problems(items, max_quantity=999, max_lines=50)
    assert (problem.field, problem.rule) == ("items.7", "quantity_cap")
    assert [
        p.rule for p in cap_problems(dict.fromkeys(range(51), 1), max_quantity=999, max_lines=50)
    ] == ["too_many_lines"]


def test_ten_lines_of_999_through_the_api_are_one_line_of_9990_and_refused(
    buyer_client,  # noqa: F811
    make_seller,
    make_product,
):
    client, _, identity = buyer_client
    product = make_product(make_seller(), stock=100_000, price="1.00")
    lines = [{"product_id": product.pk, "quantity": 999}] * 10
    for path, extra in (
        ("/api/v1/checkout/quote", {}),
        ("/api/v1/checkout/purchases", {"consignee": CONSIGNEE}),
    ):
        response = client.post(
            path,
            {"items": lines, "identity_id": identity.pk, **extra},
            content_type="application/json",
        )
        assert response.status_code == 400, response.content
        problem = response.json()["errors"][0]
        assert (problem["field"], problem["rule"]) == (f"items.{product.pk}", "quantity_cap")
        assert "999" in problem["message"]
        assert "9990" in problem["message"]
    assert Purchase.objects.count() == 0
    assert Product.objects.get(pk=product.pk).stock_on_hand == 100_000


def test_too_many_different_products_are_refused_in_the_service(
    make_seller, make_product, make_buyer, settings
):
    settings.TWOWAY_MAX_LINES_PER_ORDER = 3
    seller = make_seller()
    products = [make_product(seller, stock=5) for _ in range(4)]
    buyer, identity = make_buyer()
    with pytest.raises(DomainError) as caught:
        services.purchase_place(
            channel=EXPORT,
            buyer=buyer,
            items={p.pk: 1 for p in products},
            identity=identity,
            consignee=services.Consignee(**CONSIGNEE),
        )
    assert [p.rule for p in caught.value.problems] == ["too_many_lines"]
    assert Purchase.objects.count() == 0


def test_the_checkout_page_refuses_a_cart_over_the_line_cap(
    client, make_seller, make_product, make_buyer, settings
):
    settings.TWOWAY_MAX_LINES_PER_ORDER = 2
    seller = make_seller()
    buyer, identity = make_buyer()
    cart = services.cart_line_set(
        channel=EXPORT, buyer=buyer, product=make_product(seller), quantity=1
    )
    for _ in range(2):
        services.cart_line_set(
            channel=EXPORT, buyer=buyer, product=make_product(seller), quantity=1
        )
    assert CartLine.objects.filter(cart=cart).count() == 3
    client.force_login(buyer)
    page = client.get("/cn/checkout/")
    form = page.context["form"]
    data = {name: (field.initial or "") for name, field in form.fields.items()}
    data.update(
        identity=str(identity.pk),
        consignee_name="张三",
        consignee_phone="13800138000",
        consignee_address="北京市东城区东长安街1号",
        consignee_district="110101",
        idempotency_key=form.initial.get("idempotency_key", "k"),
    )
    response = client.post("/cn/checkout/", data)
    assert response.status_code == 400
    assert "一次购买最多 2 种商品" in response.content.decode()  # a buyer in China reads Chinese
    assert Purchase.objects.count() == 0
