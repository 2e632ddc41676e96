from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from twoway.core.errors import DomainError
from twoway.reference.selectors import (
    cbec_category_for,
    jobs_ratio_latest,
    limits_on,
    midwest_state_codes,
    positive_list_entry,
    rate_on,
)

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.mark.parametrize(
    ("day", "rate"),
    [
        (dt.date(2018, 6, 1), Decimal("6.6174")),
        (dt.date(2023, 12, 31), Decimal("7.0467")),
        (dt.date(2026, 11, 29), Decimal("7.1884")),
    ],
)
def test_rate_on_picks_the_row_in_force(day, rate):
    assert rate_on(day).rate == rate


def test_no_rate_before_the_first_row():
    with pytest.raises(DomainError, match="No USD/CNY rate is in force on 2015-06-01"):
        rate_on(dt.date(2015, 6, 1))


@pytest.mark.parametrize(
    ("day", "per_transaction", "annual"),
    [
        (dt.date(2018, 6, 1), Decimal("2000"), Decimal("20000")),
        (dt.date(2018, 12, 31), Decimal("2000"), Decimal("20000")),
        (dt.date(2019, 1, 1), Decimal("5000"), Decimal("26000")),
        (dt.date(2024, 1, 1), Decimal("5000"), Decimal("26000")),
    ],
)
def test_limits_on_picks_the_row_in_force(day, per_transaction, annual):
    limits = limits_on(day)
    assert (limits.per_transaction_cny, limits.annual_cny) == (per_transaction, annual)
    assert limits.within_limit_factor == Decimal("0.7")


def test_no_limits_before_the_regime():
    with pytest.raises(DomainError, match="No CBEC limits in force on 2016-01-01"):
        limits_on(dt.date(2016, 1, 1))


@pytest.mark.parametrize(
    ("tariff_line", "day", "code", "vat", "ct"),
    [
        ("3304990041", dt.date(2024, 1, 1), "cosmetics-high-end", "0.13", "0.15"),
        ("3304.99.00.29", dt.date(2024, 1, 1), "cosmetics-ordinary", "0.13", "0"),
        ("33049900", dt.date(2016, 6, 1), "cosmetics-ordinary", "0.17", "0.30"),
        ("0802121000", dt.date(2024, 1, 1), "agricultural-low-rate", "0.09", "0"),
        ("0802121000", dt.date(2018, 6, 1), "agricultural-low-rate", "0.10", "0"),
        ("8517130000", dt.date(2024, 1, 1), "general-goods", "0.13", "0"),
        ("8517130000", dt.date(2018, 6, 1), "general-goods", "0.16", "0"),
        ("8517130000", dt.date(2017, 1, 1), "general-goods", "0.17", "0"),
        ("22042100", dt.date(2024, 1, 1), "wine-fermented", "0.13", "0.10"),
    ],
)
def test_cbec_category_for_takes_the_longest_prefix_else_the_default(
    tariff_line, day, code, vat, ct
):
    category = cbec_category_for(tariff_line=tariff_line, day=day)
    assert (category.code, category.vat_rate, category.consumption_tax_rate) == (
        code,
        Decimal(vat),
        Decimal(ct),
    )


def test_positive_list_entry_matches_8_digits_of_a_10_digit_line():
    entry = positive_list_entry(tariff_line="0402210000", day=dt.date(2024, 1, 1))
    assert entry is not None
    assert (entry.hs_code_cn, entry.description_zh) == ("04022100", "脂肪量>1.5%未加糖固状乳及奶油")


@pytest.mark.parametrize(
    ("tariff_line", "day", "found"),
    [
        ("12112011", dt.date(2024, 1, 1), False),  # American ginseng: not confirmed on the list
        ("93070090", dt.date(2021, 1, 1), True),  # deleted by the 2022 adjustment
        ("93070090", dt.date(2024, 1, 1), False),
        ("95045020", dt.date(2021, 6, 1), False),  # added by the 2022 adjustment
        ("95045020", dt.date(2023, 1, 1), True),
        ("85171300", dt.date(2024, 1, 1), False),
    ],
)
def test_positive_list_entry_respects_status_and_dates(tariff_line, day, found):
    assert (positive_list_entry(tariff_line=tariff_line, day=day) is not None) is found


def test_jobs_ratio_latest():
    ratio = jobs_ratio_latest()
    assert (ratio.year, ratio.jobs_per_usd_bn_total) == (2022, 4100)


def test_midwest_state_codes():
    assert midwest_state_codes() == sorted(
        ["IL", "IN", "IA", "KS", "MI", "MN", "MO", "NE", "ND", "OH", "SD", "WI"]
    )
