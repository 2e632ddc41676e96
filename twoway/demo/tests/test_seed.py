"""`twoway seed`: the demo marketplace is valid, deterministic and sized by its flags."""

from __future__ import annotations

import csv
import datetime as dt
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from stdnum.cn import ric, uscc
from stdnum.us import ein

from twoway.businesses.models import Business, Membership
from twoway.catalog.models import Product, ProductGroup, ProductImage
from twoway.demo import places
from twoway.demo.accounts import DEMO_ACCOUNTS, DEMO_CN_CONSUMER_ID, DEMO_PASSWORD
from twoway.demo.catalogue import ALL_LINES, CN_LINES, MIDWEST_STATES, US_LINES
from twoway.demo.generate import (
    PRODUCT_COLUMNS,
    SeedPlan,
    ein_for,
    iter_cn_consumers,
    resident_id,
    uscc_for,
)
from twoway.demo.seeding import seed_run
from twoway.identity.crypto import decrypt_id_number, mask_id_number
from twoway.identity.models import RealNameIdentity, User
from twoway.reference import hs

SMALL = [
    "--us-sellers",
    "12",
    "--cn-sellers",
    "6",
    "--products-per-seller",
    "3",
    "--consumers",
    "33",
]
POSITIVE_LIST = (
    Path(__file__).resolve().parents[2] / "reference" / "data" / "china" / "cbec_positive_list.csv"
)


def _seed(*args: str) -> str:
    """Seed the marketplace only (the year of trade has its own tests in the ledger)."""
    out = StringIO()
    call_command("seed", "--trade-days", "0", *args, stdout=out)
    return out.getvalue()


def _wipe() -> None:
    Product.objects.all().delete()
    ProductGroup.objects.all().delete()
    Membership.objects.all().delete()
    Business.objects.all().delete()
    RealNameIdentity.objects.all().delete()
    User.objects.all().delete()


# --- the catalogue, without a database ----------------------------------------------------
@pytest.mark.parametrize("line", ALL_LINES, ids=lambda line: line.code)
def test_every_line_has_a_real_hs_subheading_and_a_national_line(line):
    assert hs.is_subheading(line.hs6), line.hs6
    length = 8 if line.country == "US" else 10
    assert hs.national_line_extends(line.national_line, line.hs6, length)
    assert re.fullmatch(r"[1-9][0-9]{5}", line.naics)
    assert line.name_zh
    assert line.description_zh
    assert line.variants
    assert all(v.price_factor > 0 and v.grams > 0 for v in line.variants)


def test_us_lines_cover_every_midwest_state_and_regions_have_places():
    covered = {r for line in US_LINES for r in line.regions}
    assert set(MIDWEST_STATES) <= covered
    assert covered <= set(places.US_STATES)
    assert {r for line in CN_LINES for r in line.regions} <= set(places.CN_CITIES)


def test_lines_said_to_be_on_the_positive_list_are_on_it():
    if not POSITIVE_LIST.exists():
        pytest.skip("positive list not shipped yet")
    with POSITIVE_LIST.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    key = next(k for k in rows[0] if k.startswith("hs_code"))
    listed = {row[key] for row in rows}
    claimed = {line.national_line for line in US_LINES if line.cn_line_on_positive_list}
    assert claimed - listed == set()
    assert len(claimed) >= 12


def test_id_county_codes_validate_for_every_birth_year_they_allow():
    assert set(places.CN_ID_COUNTIES) == set(places.CN_PROVINCE_NAMES)  # all 31 provinces
    for province, counties in places.CN_ID_COUNTIES.items():
        for county, _name, first, last in counties:
            assert county.startswith(province)
            for year in range(first, last + 1):
                assert ric.is_valid(resident_id(county, dt.date(year, 2, 28), 7)), (county, year)


def test_registration_numbers_are_valid_and_unique_by_construction():
    eins = [ein_for(i, 2025) for i in range(1, 20_001)]
    assert len(set(eins)) == len(eins)
    assert all(ein.is_valid(e) for e in eins[:3000])
    codes = [uscc_for(i, 2025, "440305") for i in range(1, 20_001)]
    assert len(set(codes)) == len(codes)
    assert all(uscc.is_valid(c) and c.startswith("91440305") for c in codes[:3000])


# --- seeding into a database --------------------------------------------------------------
@pytest.mark.django_db
def test_seed_writes_what_the_flags_ask_for_and_the_demo_logins_work():
    out = _seed(*SMALL, "--us-consumers", "4")
    assert Business.objects.filter(country="US").count() == 12
    assert Business.objects.filter(country="CN").count() == 6
    assert Product.objects.filter(group__isnull=True).count() == 18 * 3
    # + the demo sellers' listings sold in sizes and colours (through the listing services)
    assert ProductGroup.objects.count() == 2
    assert Product.objects.filter(group__isnull=False).count() == 13
    assert not Product.objects.filter(group__isnull=False).exclude(status="active").exists()
    assert ProductImage.objects.filter(product__group__isnull=False).count() == 4  # per colour
    assert "54 products (+13 variants in sizes and colours)" in out
    assert not Product.objects.exclude(business__in=Business.objects.all()).exists()
    assert User.objects.filter(role="consumer_cn").count() == 33 + 1  # + consumer-cn@demo
    assert User.objects.filter(role="consumer_us").count() == 4 + 1
    assert RealNameIdentity.objects.count() == 34
    assert "Seeded 18 sellers (12 US, 9 of them in the Midwest; 6 Chinese), 54 products" in out
    for account in DEMO_ACCOUNTS:
        user = User.objects.get(username=account.email)
        assert user.email == account.email
        assert user.role == account.role
        assert user.check_password(DEMO_PASSWORD)
    assert User.objects.get(username="operator@demo.twoway").is_superuser
    first_us = Business.objects.filter(country="US").order_by("id").first()
    assert first_us.legal_name == "Wausau Valley Creamery LLC"
    assert Membership.objects.filter(
        user__username="seller@demo.twoway", business=first_us
    ).exists()
    assert Membership.objects.count() == 18  # every seller has an owner login at this size


@pytest.mark.django_db
def test_three_in_four_us_sellers_are_in_the_midwest():
    _seed(
        "--us-sellers", "40", "--cn-sellers", "0", "--products-per-seller", "1", "--consumers", "0"
    )
    us = Business.objects.filter(country="US")
    midwest = us.filter(us_state__in=MIDWEST_STATES).count()
    assert midwest / us.count() >= 0.70
    assert midwest == 30


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_marketplace():
    def snapshot():
        return (
            list(
                Business.objects.order_by("id").values_list(
                    "id", "legal_name", "registration_number"
                )
            ),
            list(
                Product.objects.filter(group__isnull=True)
                .order_by("id")
                .values_list("id", "title_en", "title_zh", "unit_price")
            ),
            # Variants are written through the services: ids from the database's sequence.
            list(
                Product.objects.filter(group__isnull=False)
                .order_by("sku")
                .values_list("sku", "variant_size", "variant_colour", "unit_price")
            ),
            list(
                RealNameIdentity.objects.order_by("id").values_list("full_name", "id_number_hash")
            ),
        )

    _seed(*SMALL, "--seed", "7")
    first = snapshot()
    _wipe()
    _seed(*SMALL, "--seed", "7")
    assert snapshot() == first
    _wipe()
    _seed(*SMALL, "--seed", "8")
    assert snapshot()[1] != first[1]


@pytest.mark.django_db
def test_every_seeded_business_and_product_passes_full_clean():
    _seed(
        "--us-sellers", "30", "--cn-sellers", "12", "--products-per-seller", "4", "--consumers", "0"
    )
    for business in Business.objects.all():
        business.full_clean()
    for product in Product.objects.all():
        product.full_clean()
    xinjiang = Product.objects.filter(origin_cn_province="65")
    assert xinjiang.filter(hs_code="200290").count() == 4
    assert Product.objects.filter(manufacturer="Xinjiang Zhongtai Chemical Co., Ltd.").count() == 4
    us = Product.objects.filter(origin_country="US")
    assert us.filter(market_us_domestic=True, currency="USD").count() == us.count()
    # Offered to buyers in China only where the China line is on the positive list.
    listed = {line.national_line for line in US_LINES if line.cn_line_on_positive_list}
    assert us.filter(market_cn_export=True).exists()
    assert set(us.filter(market_cn_export=True).values_list("cn_tariff_line", flat=True)) <= listed
    assert not us.filter(
        market_cn_export=True, cn_tariff_line__in=["12112011", "17022000"]
    ).exists()
    cn = Product.objects.filter(origin_country="CN")
    # 12 sellers × 4, and the demo Chinese seller's shirts in sizes and colours
    assert cn.filter(market_us_import=True, currency="USD").count() == cn.count() == 48 + 7
    assert (
        Business.objects.filter(made_in_usa_attested=True)
        .exclude(made_in_usa_statement="")
        .exists()
    )


@pytest.mark.django_db
def test_consumers_ids_are_valid_and_only_stored_encrypted_hashed_and_masked():
    _seed(
        "--us-sellers", "1", "--cn-sellers", "0", "--products-per-seller", "1", "--consumers", "40"
    )
    expected = {c.username: c for c in iter_cn_consumers(2025, 40)}
    assert {c.province for c in expected.values()} == set(places.CN_PROVINCE_NAMES)
    char_fields = [
        (
            model,
            [
                f.name
                for f in model._meta.fields
                if isinstance(f, models.CharField | models.TextField)
            ],
        )
        for model in (User, RealNameIdentity)
    ]
    clear_numbers = {c.id_number for c in expected.values()} | {DEMO_CN_CONSUMER_ID}
    for identity in RealNameIdentity.objects.select_related("user"):
        number = decrypt_id_number(identity.id_number_encrypted)
        assert ric.is_valid(number)
        assert identity.id_number_masked == mask_id_number(number)
        assert "*" * 10 in identity.id_number_masked
        if identity.user.username in expected:
            assert number == expected[identity.user.username].id_number
            assert identity.province_code == number[:2]
    for model, fields in char_fields:
        for values in model.objects.values_list(*fields):
            assert not any(str(v) in clear_numbers for v in values if v)
            assert not any(n in str(v) for v in values for n in clear_numbers)


@pytest.mark.django_db
def test_if_empty_is_a_no_op_the_second_time_and_reseeding_is_refused():
    _seed(*SMALL)
    before = (Business.objects.count(), Product.objects.count(), User.objects.count())
    out = _seed(*SMALL, "--if-empty")
    assert out.strip() == "Seed skipped: the database already has 18 businesses (--if-empty)."
    with pytest.raises(CommandError, match="already has 18 businesses"):
        _seed(*SMALL)
    assert (Business.objects.count(), Product.objects.count(), User.objects.count()) == before


@pytest.mark.postgres
@pytest.mark.django_db
def test_copy_path_writes_the_same_rows_as_the_orm_path():
    plan = SeedPlan(
        seed=11, us_sellers=25, cn_sellers=8, products_per_seller=5, consumers_cn=2, consumers_us=1
    )
    columns = [c for c in PRODUCT_COLUMNS if c not in ("created_at", "updated_at")]

    def rows():
        return (
            list(
                Business.objects.order_by("id").values_list(
                    "id", "legal_name", "registration_number", "verified_at"
                )
            ),
            list(Product.objects.order_by("id").values_list(*columns)),
        )

    assert seed_run(plan=plan, bulk=False, derive=False).path == "orm"
    orm = rows()
    _wipe()
    assert seed_run(plan=plan, bulk=True, derive=False).path == "copy"
    assert rows() == orm
    assert len(orm[1]) == 33 * 5
    # sequences follow the explicit ids: the next row gets the next id
    product = Product.objects.order_by("id").last()
    product.pk = None
    product.sku = "NEW-001"
    product.save()
    assert product.pk == orm[1][-1][0] + 1


@pytest.mark.django_db
def test_catalogues_are_coherent_and_titles_do_not_repeat():
    """A creamery sells cheese and butter, a candy maker candy: every product is of the seller's
    trade (its NAICS industry), and no seller lists the same title twice."""
    _seed("--us-sellers", "40", "--cn-sellers", "10", "--products-per-seller", "9",
          "--consumers", "0")  # fmt: skip
    by_sku = {line.code: line for line in ALL_LINES}
    for business in Business.objects.prefetch_related("products"):
        # The variants of a group share their title by design (the storefront shows one card).
        products = [p for p in business.products.all() if p.group_id is None]
        assert len(products) == 9
        for product in products:
            line = by_sku[product.sku.split("-")[0]]
            assert line.naics[:5] == business.naics_code[:5], (
                business.legal_name,
                product.title_en,
            )
        assert len({p.title_en for p in products}) == 9, business.legal_name
        assert len({p.title_zh for p in products}) == 9, business.legal_name
    titles = list(Product.objects.filter(group__isnull=True).values_list("title_zh", "unit_price"))
    # Across sellers the brand leads the title: few identical Chinese titles at all.
    assert len({t for t, _p in titles}) >= 0.95 * len(titles)
