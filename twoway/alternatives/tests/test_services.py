from decimal import Decimal

import pytest

from twoway.alternatives.models import UsMadeCandidate
from twoway.alternatives.services import candidates_refresh
from twoway.businesses.models import VerificationStatus
from twoway.catalog.models import Currency, ProductStatus
from twoway.catalog.tests.factories import CnImportProductFactory

pytestmark = pytest.mark.django_db


def rows():
    return list(
        UsMadeCandidate.objects.order_by("product_id").values_list(
            "product_id", "hs_heading", "tokens_en", "tokens_zh", "price_usd", "state_code"
        )
    )


def test_full_refresh_keeps_only_attested_active_us_domestic_products(us_product, maker):
    good = us_product(title_en="Oak cutting boards", title_zh="橡木砧板", hs="441990")
    us_product(maker(attested=False), title_en="Not attested")
    us_product(maker(verification_status=VerificationStatus.PENDING), title_en="Unverified")
    us_product(title_en="Draft", status=ProductStatus.DRAFT)
    us_product(title_en="Export only", market_us_domestic=False)
    CnImportProductFactory(title_en="Chinese-made shirt")

    result = candidates_refresh()

    assert (result.full, result.written, result.removed) == (True, 1, 0)
    assert rows() == [
        (good.id, "4419", "oak cutting board", "橡木 砧板", Decimal("30.00"), "IA"),
    ]
    row = UsMadeCandidate.objects.get()
    assert (row.seller_name, row.state_name, row.hs_chapter) == (
        good.business.legal_name, "Iowa", "44",
    )  # fmt: skip
    assert (row.latitude, row.longitude) == (41.5868, -93.625)


def test_incremental_refresh_upserts_and_removes_only_the_given_products(us_product):
    a = us_product(title_en="Cotton shirt")
    b = us_product(title_en="Linen shirt")
    candidates_refresh()
    before_b = UsMadeCandidate.objects.get(product_id=b.id).refreshed_at

    a.title_en, a.unit_price = "Cotton shirts, long sleeve", Decimal("28.00")
    a.save()
    result = candidates_refresh(product_ids=[a.id])
    assert (result.full, result.written, result.removed) == (False, 1, 0)
    assert rows()[0] == (a.id, "6205", "cotton shirt long sleeve", "", Decimal("28.00"), "IA")
    assert UsMadeCandidate.objects.get(product_id=b.id).refreshed_at == before_b  # untouched

    a.status = ProductStatus.SUSPENDED
    a.save()
    result = candidates_refresh(product_ids=[a.id])
    assert (result.written, result.removed) == (0, 1)
    assert [r[0] for r in rows()] == [b.id]


def test_refresh_is_idempotent(us_product):
    products = [us_product(title_en=f"Cotton shirt {n}") for n in range(3)]
    ids = [p.id for p in products]
    first = candidates_refresh(product_ids=ids)
    snapshot = rows()
    second = candidates_refresh(product_ids=ids)
    assert (first.written, first.removed) == (second.written, second.removed) == (3, 0)
    assert rows() == snapshot
    full = candidates_refresh()
    assert (full.written, full.removed) == (3, 0)
    assert rows() == snapshot


def test_a_seller_withdrawing_its_attestation_leaves_with_all_its_products(us_product, maker):
    seller = maker()
    mine = [us_product(seller, title_en="Wool scarf"), us_product(seller, title_en="Wool hat")]
    other = us_product(title_en="Cotton shirt")
    candidates_refresh()
    seller.made_in_usa_attested = False
    seller.save()

    result = candidates_refresh(business_ids=[seller.id])

    assert (result.written, result.removed) == (0, 2)
    assert [r[0] for r in rows()] == [other.id]
    assert all(p.id not in [r[0] for r in rows()] for p in mine)


def test_non_usd_or_missing_products_are_not_written(us_product):
    cny = us_product(title_en="Priced in yuan", currency=Currency.CNY)
    result = candidates_refresh(product_ids=[cny.id, 999_999])
    assert (result.written, result.removed) == (0, 0)
    assert rows() == []
