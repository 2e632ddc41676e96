from decimal import Decimal

import pytest

from twoway.alternatives.rules.trade_impact import (
    AlternativeSpend,
    RatioRow,
    jobs_estimate,
    trade_impact,
)

RATIO_2022 = RatioRow(
    year=2022,
    jobs_per_usd_bn=4100,
    basis="total",
    publication="ITA OTEA publications page (file covers 1999-2022)",
    source="S57",
)
IOWA_SHIRT = AlternativeSpend(price_usd=Decimal("52.00"), state_code="IA", state_name="Iowa")


def test_an_import_adds_its_customs_value_to_the_deficit():
    impact = trade_impact(import_value_usd=Decimal("45.00"), alternative=None, ratio=RATIO_2022)
    assert impact.deficit_added_usd == Decimal("45.00")
    assert impact.deficit_text == "Adds $45.00 to the US–China goods deficit"
    assert impact.kept_in_state_usd is None
    assert impact.kept_text is None
    assert impact.jobs is None


def test_the_alternative_keeps_its_price_in_the_sellers_state_with_an_exact_jobs_estimate():
    impact = trade_impact(
        import_value_usd=Decimal("45.00"), alternative=IOWA_SHIRT, ratio=RATIO_2022
    )
    assert impact.kept_in_state_usd == Decimal("52.00")
    assert impact.state_name == "Iowa"
    assert impact.kept_text == "$52.00 stays in Iowa with the US-made alternative"
    jobs = impact.jobs
    assert jobs.jobs == Decimal("0.0002132")  # 52 × 4,100 / 1e9, exactly
    assert jobs.jobs_shown == Decimal("0.000213")
    assert jobs.hours_of_work == Decimal("0.4")  # 0.0002132 × 2,080 h = 0.443 h
    assert jobs.ratio == RATIO_2022
    assert jobs.method == (
        "$52.00 × 4,100 jobs per $1 billion of exports of goods and services (2022, "
        "ITA OTEA publications page (file covers 1999-2022); source S57) ÷ $1,000,000,000"
    )
    assert jobs.caveat.startswith("Estimate. The ITA ratio measures US jobs supported by exports")
    assert "indicative figure only" in jobs.caveat


def test_goods_ratio_is_named_in_the_method():
    est = jobs_estimate(
        Decimal("1000000"), RatioRow(2013, 5408, "goods", "Jobs Supported by Exports 2013", "S52")
    )
    assert est.jobs == Decimal("5.408")
    assert (
        "jobs per $1 billion of goods exports (2013, ITA Jobs Supported by Exports 2013; source S52)"
        in est.method
    )


def test_without_a_ratio_row_there_is_no_jobs_figure_and_negative_values_are_refused():
    impact = trade_impact(import_value_usd=Decimal("10"), alternative=IOWA_SHIRT, ratio=None)
    assert impact.kept_in_state_usd == Decimal("52.00")
    assert impact.jobs is None
    with pytest.raises(ValueError, match="must not be negative"):
        trade_impact(import_value_usd=Decimal("-1"), alternative=None, ratio=None)
