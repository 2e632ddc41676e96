"""Issue 9: bad numbers and oversized bodies answer 4xx in the documented shape, never a 500."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from twoway.catalog.models import StockAdjustment

from .test_api import business, key_client, seller  # noqa: F401

pytestmark = pytest.mark.django_db
HUGE = 10**20


def assert_shape(response, status_range=range(400, 500)):
    assert response.status_code in status_range, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["message"], str)
    assert body["message"]
    assert isinstance(body["errors"], list)
    for problem in body["errors"]:
        assert set(problem) == {"field", "rule", "message"}
    return body


@pytest.mark.parametrize(
    "query",
    [
        "offset=-5",
        f"offset={HUGE}",
        f"limit={HUGE}",
        "limit=-1",
        f"offset={-HUGE}",
        "limit=abc",
        "offset=1e5",
    ],
)
def test_browse_paging_with_bad_numbers_is_a_4xx(query):
    response = Client().get(f"/api/v1/catalog/products?{query}")
    if response.status_code == 200:  # clamped to a sane page
        assert isinstance(response.json(), list)
    else:
        assert_shape(response)


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/catalog/products/{HUGE}",
        f"/api/v1/checkout/purchases/{HUGE}",
        f"/api/v1/compliance/reviews/{HUGE}",
        "/api/v1/compliance/reviews/-1",
    ],
)
def test_huge_or_negative_ids_are_a_4xx(seller, path):  # noqa: F811
    response = key_client(seller).get(path)
    assert_shape(response)


def test_a_huge_product_id_in_a_write_is_a_4xx(seller):  # noqa: F811
    client = key_client(seller)
    response = client.patch(
        f"/api/v1/catalog/products/{HUGE}", data={"title_en": "x"}, content_type="application/json"
    )
    assert_shape(response)
    response = client.post(
        "/api/v1/checkout/quote",
        data={"items": [{"product_id": HUGE, "quantity": 1}]},
        content_type="application/json",
    )
    assert_shape(response)


def test_a_stock_delta_of_ten_to_the_twenty_is_refused(seller, business):  # noqa: F811
    from twoway.catalog.tests.factories import UsExportProductFactory

    product = UsExportProductFactory(business=business, stock_on_hand=5)
    client = key_client(seller)
    for delta in (HUGE, -HUGE, 2**31):
        response = client.post(
            f"/api/v1/catalog/products/{product.pk}/stock-adjustments",
            data={"delta": delta, "reason": "count"},
            content_type="application/json",
        )
        body = assert_shape(response)
        assert body["errors"][0]["field"] == "delta"
    product.refresh_from_db()
    assert product.stock_on_hand == 5
    assert StockAdjustment.objects.count() == 0


def test_a_body_over_the_limit_is_a_413_in_the_shape(seller):  # noqa: F811
    big = json.dumps({"title_en": "x" * 2_700_000})
    response = key_client(seller).post(
        "/api/v1/catalog/products", data=big, content_type="application/json"
    )
    body = assert_shape(response, range(413, 414))
    assert body["errors"][0]["rule"] == "too_large"


def test_unknown_api_paths_and_wrong_methods_answer_json():
    assert_shape(Client().get("/api/v1/no-such-thing"), range(404, 405))
    assert_shape(Client().delete("/api/v1/catalog/products"), range(405, 406))
