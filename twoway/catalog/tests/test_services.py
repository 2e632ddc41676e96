from __future__ import annotations

from decimal import Decimal

import pytest

from twoway.businesses.models import Membership, MembershipRole, VerificationStatus
from twoway.businesses.tests.factories import CnBusinessFactory, UsBusinessFactory, us_state
from twoway.catalog import services
from twoway.catalog.models import Product, ProductStatus, StockAdjustment
from twoway.catalog.tests.factories import UsExportProductFactory
from twoway.core.errors import DomainError, PermissionDenied
from twoway.identity.tests.factories import OperatorFactory, RegulatorFactory, SellerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def business():
    return UsBusinessFactory()


@pytest.fixture
def staff(business):
    user = SellerFactory()
    Membership.objects.create(user=user, business=business, role=MembershipRole.CATALOGUE)
    return user


def honey(**overrides):
    fields = {
        "sku": "HONEY-500",
        "title_en": "Raw clover honey 500 g",
        "title_zh": "生三叶草蜂蜜 500克",
        "hs_code": "0409.00",
        "cn_tariff_line": "0409.00.00",
        "origin_country": "US",
        "origin_us_state": "IA",
        "unit_price": Decimal("12.50"),
        "currency": "USD",
        "weight_kg": Decimal("0.650"),
        "stock_on_hand": 40,
        "market_cn_export": True,
    }
    fields.update(overrides)
    return fields


def rules_of(exc: DomainError) -> set[tuple[str, str]]:
    return {(p.field, p.rule) for p in exc.problems}


def test_staff_creates_a_product_with_codes_normalized(business, staff):
    product = services.product_create(business=business, by=staff, **honey())

    product.refresh_from_db()
    assert product.business == business
    assert (product.hs_code, product.hs_chapter, product.cn_tariff_line) == (
        "040900",
        "04",
        "04090000",
    )
    assert product.origin_us_state_id == "IA"
    assert product.status == ProductStatus.DRAFT
    assert product.stock_on_hand == 40
    adjustment = StockAdjustment.objects.get()
    assert (adjustment.delta, adjustment.stock_after, adjustment.reason, adjustment.by) == (
        40,
        40,
        "initial stock",
        staff,
    )


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {"hs_code": "999999", "cn_tariff_line": ""},
            {("hs_code", "hs_unknown"), ("cn_tariff_line", "cn_line_required_for_china")},
        ),
        ({"hs_code": "0409"}, {("hs_code", "hs_unknown")}),
        ({"cn_tariff_line": "09011100"}, {("cn_tariff_line", "cn_line_format")}),
        ({"title_zh": "  "}, {("title_zh", "title_zh_required_for_china")}),
        ({"stock_on_hand": -1}, {("stock_on_hand", "stock_negative")}),
        ({"unit_price": Decimal("0")}, {("unit_price", "min_value")}),
        ({"origin_us_state": None}, {("origin_us_state", "origin_state_required")}),
        ({"currency": "EUR"}, {("currency", "invalid_choice")}),
        (
            {"market_us_import": True},
            {
                ("market_us_import", "import_needs_foreign_origin"),
                ("us_hts_line", "hts_line_required_for_import"),
            },
        ),
        ({"stock": 3}, {("stock", "unknown_field")}),
        ({"origin_us_state": "XX"}, {("origin_us_state", "region_unknown")}),
        ({"status": "blocked"}, {("status", "status_not_allowed")}),
    ],
)
def test_create_refuses_bad_input_naming_field_and_rule(business, staff, overrides, expected):
    with pytest.raises(DomainError) as caught:
        services.product_create(business=business, by=staff, **honey(**overrides))
    assert rules_of(caught.value) == expected
    assert all(p.message for p in caught.value.problems)
    assert Product.objects.count() == 0
    assert StockAdjustment.objects.count() == 0


def test_sku_is_unique_per_business(business, staff):
    services.product_create(business=business, by=staff, **honey())
    with pytest.raises(DomainError) as caught:
        services.product_create(business=business, by=staff, **honey(title_en="Other"))
    assert rules_of(caught.value) == {("sku", "sku_taken")}
    assert Product.objects.count() == 1
    other = UsBusinessFactory()
    services.product_create(business=other, by=OperatorFactory(), **honey())
    assert Product.objects.count() == 2


def test_active_needs_a_verified_business(staff, business):
    business.verification_status = VerificationStatus.PENDING
    business.save()
    with pytest.raises(DomainError) as caught:
        services.product_create(business=business, by=staff, **honey(status="active"))
    assert rules_of(caught.value) == {("status", "business_not_verified")}
    assert Product.objects.count() == 0


@pytest.mark.parametrize("who", ["other_staff", "regulator", "seller_without_business"])
def test_only_staff_or_operators_create(business, who):
    if who == "other_staff":
        user = SellerFactory()
        Membership.objects.create(
            user=user, business=CnBusinessFactory(), role=MembershipRole.OWNER
        )
    elif who == "regulator":
        user = RegulatorFactory()
    else:
        user = SellerFactory()
    with pytest.raises(PermissionDenied) as caught:
        services.product_create(business=business, by=user, **honey())
    assert caught.value.status == 403
    assert Product.objects.count() == 0


def test_operator_creates_for_any_business(business):
    product = services.product_create(
        business=business, by=OperatorFactory(), **honey(status="active")
    )
    assert product.status == ProductStatus.ACTIVE


def test_update_changes_only_given_fields(business, staff):
    product = UsExportProductFactory(business=business)
    services.product_update(
        product=product, by=staff, title_en="Wildflower honey", unit_price="13.75"
    )
    product.refresh_from_db()
    assert product.title_en == "Wildflower honey"
    assert product.unit_price == Decimal("13.75")
    assert product.title_zh == "生三叶草蜂蜜 500克"


def test_update_never_writes_back_a_stale_stock(business, staff):
    product = UsExportProductFactory(business=business, stock_on_hand=100)
    stale = Product.objects.get(pk=product.pk)  # loaded before the adjustment
    services.stock_adjust(product=product, delta=-30, reason="sold at market", by=staff)
    services.product_update(product=stale, by=staff, title_en="Honey")
    assert Product.objects.get(pk=product.pk).stock_on_hand == 70
    assert stale.stock_on_hand == 70


def test_update_refuses_bad_input_and_saves_nothing(business, staff):
    product = UsExportProductFactory(business=business)
    before = Product.objects.values().get(pk=product.pk)
    cases = [
        ({"hs_code": "123456"}, ("hs_code", "hs_unknown")),
        ({"title_zh": ""}, ("title_zh", "title_zh_required_for_china")),
        ({"stock_on_hand": 5}, ("stock_on_hand", "use_stock_adjustment")),
        ({"business": CnBusinessFactory()}, ("business", "unknown_field")),
    ]
    for fields, problem in cases:
        with pytest.raises(DomainError) as caught:
            services.product_update(product=product, by=staff, **fields)
        assert problem in rules_of(caught.value)
    assert Product.objects.values().get(pk=product.pk) == before
    assert product.title_zh == "生三叶草蜂蜜 500克"


def test_staff_of_another_business_cannot_edit(business):
    product = UsExportProductFactory(business=business)
    outsider = SellerFactory()
    Membership.objects.create(user=outsider, business=UsBusinessFactory())
    with pytest.raises(PermissionDenied):
        services.product_update(product=product, by=outsider, title_en="Mine now")
    with pytest.raises(PermissionDenied):
        services.stock_adjust(product=product, delta=-1, reason="theft", by=outsider)
    product.refresh_from_db()
    assert product.title_en == "Raw clover honey 500 g"
    assert product.stock_on_hand == 100


def test_seller_cannot_release_a_suspended_product(business, staff):
    product = UsExportProductFactory(business=business)
    assert services.products_suspend(product_ids=[product.pk], by=OperatorFactory()) == 1
    with pytest.raises(DomainError) as caught:
        services.product_update(product=product, by=staff, status="active")
    assert rules_of(caught.value) == {("status", "status_locked")}
    product.refresh_from_db()
    assert product.status == ProductStatus.SUSPENDED
    with pytest.raises(PermissionDenied):
        services.products_suspend(product_ids=[product.pk], by=staff)


def test_stock_adjust_adds_and_removes_with_a_record(business, staff):
    product = UsExportProductFactory(business=business, stock_on_hand=10)
    first = services.stock_adjust(product=product, delta=5, reason="received pallet", by=staff)
    second = services.stock_adjust(product=product, delta=-15, reason="sold out", by=staff)
    assert (first.stock_after, second.stock_after) == (15, 0)
    assert product.stock_on_hand == 0
    assert Product.objects.get(pk=product.pk).stock_on_hand == 0
    assert list(StockAdjustment.objects.order_by("id").values_list("delta", "reason")) == [
        (5, "received pallet"),
        (-15, "sold out"),
    ]


def test_stock_never_goes_below_zero(business, staff):
    product = UsExportProductFactory(business=business, stock_on_hand=3)
    with pytest.raises(DomainError) as caught:
        services.stock_adjust(product=product, delta=-4, reason="sold", by=staff)
    assert rules_of(caught.value) == {("stock_on_hand", "stock_not_negative")}
    assert "Only 3 units" in caught.value.message
    assert Product.objects.get(pk=product.pk).stock_on_hand == 3
    assert StockAdjustment.objects.count() == 0


@pytest.mark.parametrize(
    ("delta", "reason", "expected"),
    [
        (0, "nothing", ("delta", "delta_zero")),
        (2, "  ", ("reason", "required")),
        (True, "bool", ("delta", "integer")),
        (2, "x" * 201, ("reason", "max_length")),
    ],
)
def test_stock_adjust_bad_input(business, staff, delta, reason, expected):
    product = UsExportProductFactory(business=business, stock_on_hand=3)
    with pytest.raises(DomainError) as caught:
        services.stock_adjust(product=product, delta=delta, reason=reason, by=staff)
    assert rules_of(caught.value) == {expected}
    assert Product.objects.get(pk=product.pk).stock_on_hand == 3
    assert StockAdjustment.objects.count() == 0


def test_factories_give_valid_products():
    us_state("IA")
    for product in (UsExportProductFactory(), UsExportProductFactory()):
        product.full_clean()
