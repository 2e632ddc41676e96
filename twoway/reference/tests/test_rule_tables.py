"""Freight, MFN and EEI rules: dated, sourced reference rows with the same loader as the rest."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from twoway.core.errors import DomainError
from twoway.reference import models, selectors
from twoway.reference.services import dataset_load, list_load

from .conftest import rewrite

DAY = dt.date(2025, 6, 1)


def test_freight_rate_in_force_prices_a_shipment(reference_data):
    rate = selectors.freight_rate_on("US-CN", DAY)

    assert (rate.base_per_shipment, rate.per_kg, rate.currency) == (
        Decimal("12.00"), Decimal("4.50"), "USD",
    )  # fmt: skip
    assert rate.price(Decimal("1.200")) == Decimal("17.40")
    assert rate.source == "R20 (see reference/data/platform/SOURCES.md)"
    with pytest.raises(LookupError, match="No freight rate for lane US-CN on 2023-12-31"):
        selectors.freight_rate_on("US-CN", dt.date(2023, 12, 31))


def test_mfn_rate_is_the_longest_prefix_in_force(reference_data):
    assert selectors.mfn_rate_for("6205.20.20.20", DAY).hts_prefix == "62052020"
    assert selectors.mfn_rate_for("6205201000", DAY).hts_prefix == "620520"
    assert selectors.mfn_rate_for("0101210010", DAY) is None
    record = models.ReferenceDataset.objects.get(name="us_mfn_rates")
    assert record.completeness == "partial"
    assert "twoway loadlist mfn FILE" in record.completeness_note


def test_eei_rules_in_force_cite_their_sources(reference_data):
    rules = selectors.eei_rules_on(DAY)

    assert rules.threshold_usd == Decimal("2500.00")
    assert rules.ccl_destinations == "CN RU VE"
    assert rules.source == "S70;S72;S73;S75 (see reference/data/us/SOURCES.md)"


@pytest.mark.django_db
def test_overlapping_freight_periods_are_refused(data_copy):
    path = data_copy / "platform/freight_rates.csv"
    with path.open("a", encoding="utf-8") as fh:
        fh.write("US-CN,USD,13.00,5.00,2025-01-01,,R3,high,\n")

    with pytest.raises(DomainError, match="overlap"):
        dataset_load(name="freight_rates")
    assert models.FreightRate.objects.count() == 0


@pytest.mark.django_db
def test_official_hts_export_loads_ad_valorem_lines_and_skips_the_rest(tmp_path):
    path = tmp_path / "htsdata.csv"
    path.write_text(
        "HTS Number,Indent,Description,Unit of Quantity,General Rate of Duty\n"
        "6205,0,Men's or boys' shirts:,,\n"
        "6205.20.20,1,Other,doz. kg,19.7%\n"
        "8471.30.01,1,Portable machines,No.,Free\n"
        "2002.90.80,1,Paste,kg,11.6%\n"
        "0201.10.10,1,Beef,kg,4.4\u00a2/kg\n",
        encoding="utf-8",
    )

    result = list_load(kind="mfn", path=path)

    assert result.row_count == 3
    rates = dict(models.MfnRate.objects.values_list("hts_prefix", "rate_percent"))
    assert rates == {
        "62052020": Decimal("19.7"),
        "84713001": Decimal("0"),
        "20029080": Decimal("11.6"),
    }
    assert models.MfnRate.objects.get(hts_prefix="62052020").source == "official file " + str(path)
    assert models.ReferenceDataset.objects.get(name="us_mfn_rates").completeness == "complete"


@pytest.mark.django_db
def test_a_bad_eei_destination_is_refused_naming_the_cell(data_copy):
    rewrite(data_copy / "us/eei_rules.csv", "CN RU VE", "CN RUS VE")

    with pytest.raises(DomainError, match="ccl_destinations"):
        dataset_load(name="eei_rules")
