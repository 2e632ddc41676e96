"""Pure rules: places of a flow, HS parts, cube keys, the jobs estimate."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from twoway.ledger.rules.jobs import JobsRatioRow, jobs_supported
from twoway.ledger.rules.keys import DAY_SETS, MONTH_SETS, cube_keys, flow_places, hs_parts

GOODS_2013 = JobsRatioRow(2013, 5408, "Jobs Supported by Exports 2013: An Update (Feb 2014)", "S52")


def test_export_places_come_from_origin_state_and_consignee_district():
    assert flow_places(
        direction="us_export",
        origin_state="wi",
        origin_province="",
        consignee_district="310101",
        consignee_state="",
        business_us_state="IL",
        business_cn_province="",
    ) == ("WI", "31")
    # No origin state on the line: the seller's state; no district: unknown province.
    assert flow_places(
        direction="us_export",
        origin_state="",
        origin_province="",
        consignee_district="",
        consignee_state="",
        business_us_state="IL",
        business_cn_province="",
    ) == ("IL", "")


def test_import_places_come_from_consignee_state_and_origin_province():
    assert flow_places(
        direction="us_import",
        origin_state="",
        origin_province="",
        consignee_district="",
        consignee_state="CA",
        business_us_state="",
        business_cn_province="33",
    ) == ("CA", "33")


def test_hs_parts():
    assert hs_parts("0409.00") == ("04", "0409", "040900")
    assert hs_parts("85") == ("85", "85", "85")


def test_cube_keys_cover_every_grouping_set_once():
    keys = list(
        cube_keys(
            day=dt.date(2025, 3, 14),
            direction="us_export",
            us_state="WI",
            cn_province="31",
            hs_chapter="04",
        )
    )
    assert len(keys) == len(MONTH_SETS) + len(DAY_SETS) == 17
    assert ("m", "s", "WI", "c", "us_export", dt.date(2025, 3, 1), "04") in keys
    assert ("d", "", "", "", "us_export", dt.date(2025, 3, 14), "") in keys


def test_jobs_estimate_rounds_and_says_its_method():
    estimate = jobs_supported(Decimal("1000000.00"), GOODS_2013)
    # $1m = 0.001 bn × 5,408 jobs = 5.408 → 5 jobs.
    assert estimate.jobs == Decimal(5)
    assert estimate.ratio_year == 2013
    assert estimate.source == "S52"
    assert "5,408 jobs per $1bn of goods exports in 2013" in estimate.method
    total = jobs_supported(Decimal("250000000"), JobsRatioRow(2022, 4100, "OTEA", "S57", "total"))
    assert total.jobs == Decimal(1025)
    assert "all exports (goods and services)" in total.method


@given(st.decimals(min_value=0, max_value=10**12, places=2), st.integers(1, 20000))
def test_jobs_estimate_is_monotonic_and_never_negative(value, ratio):
    row = JobsRatioRow(2013, ratio, "x", "S")
    a = jobs_supported(value, row).jobs
    b = jobs_supported(value + 1000, row).jobs
    assert 0 <= a <= b
