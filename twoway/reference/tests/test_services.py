from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from twoway.core.errors import DomainError
from twoway.reference import models
from twoway.reference.selectors import rate_on
from twoway.reference.services import (
    AFTER_LOAD_HOOKS,
    after_load_register,
    dataset_load,
    list_load,
    reference_load_all,
)

from .conftest import rewrite, table_counts

EXPECTED_ROWS = {
    "us_states": 51,
    "china_provinces": 31,
    "exchange_rates": 10,
    "cbec_limits": 2,
    "cbec_tax_categories": 48,
    "cbec_positive_list": 123,
    "us_china_trade": 17,
    "state_exports_to_china": 32,
    "jobs_ratio": 9,
    "ilab_goods": 52,
    "uflpa_entities": 26,
    "us_tariff_measures": 41,
    "freight_rates": 2,
    "us_mfn_rates": 12,
    "eei_rules": 1,
}
PARTIAL = {"cbec_positive_list", "ilab_goods", "uflpa_entities", "us_mfn_rates"}


@pytest.mark.django_db
def test_shipped_files_load_with_exact_row_counts():
    results = {r.name: r for r in reference_load_all()}

    assert {n: results[n].row_count for n in EXPECTED_ROWS} == EXPECTED_ROWS
    assert models.UsState.objects.count() == 51
    assert models.UsState.objects.filter(code="DC").exists()
    assert models.ChinaProvince.objects.count() == 31
    assert models.PositiveListEntry.objects.count() == 123
    assert models.PositiveListEntry.objects.filter(status="listed").count() == 115
    for result in results.values():
        assert result.completeness == ("partial" if result.name in PARTIAL else "complete")
    positive = models.ReferenceDataset.objects.get(name="cbec_positive_list")
    assert (positive.row_count, positive.official_size) == (123, 1476)
    assert positive.file_name == "china/cbec_positive_list.csv"
    assert "123 tariff lines" in positive.completeness_note
    assert len(positive.sha256) == 64


@pytest.mark.django_db
def test_rows_are_typed_from_their_cells():
    reference_load_all()

    illinois = models.UsState.objects.get(code="IL")
    assert (illinois.region, illinois.latitude) == ("Midwest", Decimal("39.7817"))
    xinjiang = models.ChinaProvince.objects.get(code="65")
    assert (xinjiang.name_zh, xinjiang.region) == ("新疆维吾尔自治区", "Northwest (西北)")
    year_2026 = models.UsChinaTradeYear.objects.get(year=2026)
    assert (year_2026.months, year_2026.exports_usd_m) == (4, Decimal("36773.8"))
    assert models.UsChinaTradeYear.objects.get(year=2020).imports_usd_m is None
    cosmetics = models.CbecTaxCategory.objects.get(
        code="cosmetics-high-end", effective_from=dt.date(2019, 4, 1)
    )
    assert (cosmetics.vat_rate, cosmetics.consumption_tax_rate) == (
        Decimal("0.13"),
        Decimal("0.15"),
    )
    caustic_soda = models.IlabGood.objects.get(country="China", good="Caustic soda")
    assert (caustic_soda.child_labor, caustic_soda.forced_labor) == (None, None)


@pytest.mark.django_db
def test_loading_twice_leaves_the_same_rows():
    reference_load_all()
    before = table_counts()
    ids_before = set(models.CbecTaxCategory.objects.values_list("pk", flat=True))

    again = reference_load_all()

    assert table_counts() == before
    assert set(models.CbecTaxCategory.objects.values_list("pk", flat=True)) == ids_before
    assert [r.name for r in again if r.changed] == []


@pytest.mark.django_db
def test_the_file_is_the_truth_rows_gone_from_it_are_removed(data_copy):
    reference_load_all()
    path = data_copy / "china/cbec_limits.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(lines[0] + lines[2], encoding="utf-8")  # drop the 2016-2018 row

    result = dataset_load(name="cbec_limits")

    assert (result.deleted, result.row_count) == (1, 1)
    assert list(models.CbecLimits.objects.values_list("per_transaction_cny", flat=True)) == [
        Decimal("5000.00")
    ]


@pytest.mark.django_db
def test_a_changed_value_is_updated_in_place(data_copy):
    reference_load_all()
    rewrite(data_copy / "us/exchange_rates.csv", "USD,CNY,7.0467,", "USD,CNY,7.0500,")

    result = dataset_load(name="exchange_rates")

    assert (result.created, result.updated, result.deleted) == (0, 1, 0)
    assert rate_on(dt.date(2023, 6, 1)).rate == Decimal("7.05")


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "china/provinces.csv",
            "21,Liaoning",
            "2X,Liaoning",
            "china/provinces.csv line 7, column gb2260_code: '2X' is not a 2-digit GB/T 2260 code",
        ),
        (
            "china/provinces.csv",
            "65,Xinjiang",
            "95,Xinjiang",
            "china/provinces.csv line 32, column gb2260_code: "
            "'95' is not a GB/T 2260 mainland province code",
        ),
        (
            "china/provinces.csv",
            "gb2260_code,name_en,name_zh",
            "gb2260_code,name_en,name_cn",
            "china/provinces.csv line 1, column name_zh: the column is missing from the header",
        ),
        (
            "china/cbec_limits.csv",
            "5000,26000,0.7,2019-01-01",
            "5000,26000,0.7,2019-13-01",
            "china/cbec_limits.csv line 3, column effective_from: "
            "'2019-13-01' is not an ISO date (YYYY-MM-DD)",
        ),
        (
            "us/exchange_rates.csv",
            "USD,CNY,7.0467,",
            "USD,CNY,7.04x67,",
            "us/exchange_rates.csv line 9, column rate: '7.04x67' is not a number",
        ),
        (
            "us/census_regions.csv",
            "IL,Illinois,Midwest,",
            "IL,Illinois,MidWest,",
            "us/census_regions.csv line 2, column region: "
            "'MidWest' is not one of Northeast, Midwest, South, West",
        ),
        (
            "us/labor/ilab_goods.csv",
            "China,Coal,no,yes",
            "China,Coal,no,maybe",
            "us/labor/ilab_goods.csv line 4, column forced_labor: "
            "'maybe' is not one of yes, no, not_stated",
        ),
        (
            "us/exchange_rates.csv",
            "USD,CNY,7.0467,2023-01-01,",
            "USD,CNY,7.0467,2022-12-01,",
            "us/exchange_rates.csv line 9, column effective_from: "
            "the period overlaps the row on line 8",
        ),
    ],
)
@pytest.mark.django_db
def test_a_malformed_file_is_refused_with_line_and_column_and_nothing_changes(
    data_copy, file, old, new, message
):
    reference_load_all()
    rewrite(data_copy / "us/exchange_rates.csv", "USD,CNY,6.7261,", "USD,CNY,6.9000,")
    rewrite(data_copy / file, old, new)
    before = table_counts()

    with pytest.raises(DomainError) as caught:
        reference_load_all()

    assert caught.value.message == message
    assert table_counts() == before
    # the good change made earlier in the same run was rolled back too
    assert rate_on(dt.date(2022, 6, 1)).rate == Decimal("6.7261")


@pytest.mark.django_db
def test_percentages_are_read_as_fractions(data_copy):
    rewrite(data_copy / "china/cbec_limits.csv", "5000,26000,0.7,", "5000,26000,70%,")

    dataset_load(name="cbec_limits")

    assert models.CbecLimits.objects.get(
        effective_from=dt.date(2019, 1, 1)
    ).within_limit_factor == (Decimal("0.700"))


@pytest.mark.django_db
def test_if_changed_skips_datasets_whose_file_is_unchanged(data_copy):
    reference_load_all()
    rewrite(data_copy / "us/exchange_rates.csv", "USD,CNY,7.0467,", "USD,CNY,7.0500,")

    results = reference_load_all(if_changed=True)

    loaded = [r.name for r in results if not r.skipped]
    assert loaded == ["exchange_rates"]
    assert all(r.reason == "unchanged since the last load" for r in results if r.skipped)
    assert rate_on(dt.date(2023, 6, 1)).rate == Decimal("7.05")


def official_positive_file(path, rows):
    lines = ["序号,税则号列,商品名称,备注"]
    lines += [f"{i},{code},{name}," for i, (code, name) in enumerate(rows, start=1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.django_db
def test_an_official_positive_list_replaces_the_sample_and_is_kept(tmp_path):
    reference_load_all()
    file = official_positive_file(
        tmp_path / "list.csv",
        [("04022100", "脂肪量>1.5%未加糖固状乳及奶油"), ("1211201100", "西洋参")],
    )

    result = list_load(kind="positive", path=file, allow_shrink=True)  # 123 sample rows → 2

    assert (result.row_count, result.created, result.deleted) == (2, 1, 122)
    assert result.completeness == "partial"
    assert set(models.PositiveListEntry.objects.values_list("hs_code_cn", flat=True)) == {
        "04022100",
        "1211201100",
    }
    record = models.ReferenceDataset.objects.get(name="cbec_positive_list")
    assert record.file_name == str(file.resolve())
    assert record.completeness_note.endswith("fewer than the 1476 of the official list.")
    # a later `loadreference` keeps the operator's list
    kept = {r.name: r for r in reference_load_all()}["cbec_positive_list"]
    assert (kept.skipped, kept.reason) == (True, f"kept the official file {file.resolve()}")
    assert models.PositiveListEntry.objects.count() == 2


@pytest.mark.django_db
def test_a_full_official_positive_list_is_complete(tmp_path):
    rows = [(f"{10000000 + i}", f"商品{i}") for i in range(1476)]
    file = official_positive_file(tmp_path / "list.csv", rows)

    result = list_load(kind="positive", path=file)

    assert (result.row_count, result.completeness) == (1476, "complete")
    assert models.PositiveListEntry.objects.count() == 1476


@pytest.mark.django_db
def test_a_bad_official_list_leaves_the_list_in_force(tmp_path):
    reference_load_all()
    file = official_positive_file(tmp_path / "list.csv", [("04022100", "乳"), ("0402210", "乳")])

    with pytest.raises(DomainError) as caught:
        list_load(kind="positive", path=file)

    assert caught.value.message == (
        "list.csv line 3, column 税则号列: '0402210' is not a 8 or 10-digit China tariff line"
    ).replace("list.csv", str(file.resolve()))
    assert models.PositiveListEntry.objects.count() == 123


@pytest.mark.django_db
def test_a_dry_run_counts_changes_and_writes_nothing(tmp_path):
    reference_load_all()
    file = official_positive_file(tmp_path / "list.csv", [("04022100", "乳")])

    result = list_load(kind="positive", path=file, dry_run=True)

    assert (result.dry_run, result.created, result.updated, result.deleted) == (True, 0, 1, 122)
    assert models.PositiveListEntry.objects.count() == 123
    assert models.ReferenceDataset.objects.get(name="cbec_positive_list").row_count == 123


@pytest.mark.django_db
def test_hooks_run_after_commit(django_capture_on_commit_callbacks, monkeypatch):
    seen = []
    monkeypatch.setitem(AFTER_LOAD_HOOKS, "cbec_limits", [])
    after_load_register(name="cbec_limits", hook=seen.append)

    with django_capture_on_commit_callbacks(execute=True):
        dataset_load(name="cbec_limits")

    assert [(r.name, r.row_count) for r in seen] == [("cbec_limits", 2)]


def test_a_hook_for_an_unknown_dataset_is_refused():
    with pytest.raises(DomainError, match="Unknown reference dataset 'nope'"):
        after_load_register(name="nope", hook=print)


@pytest.mark.django_db
def test_tariff_measures_keep_how_they_combine():
    reference_load_all()

    def row(measure_id):
        return models.TariffMeasure.objects.get(measure_id=measure_id)

    recip = row("IEEPA-RECIP-CN-125")
    assert (recip.kind, recip.stacks, recip.yields_to) == ("ieepa", False, "section_232")
    assert recip.rate_percent == Decimal("125")
    fentanyl = row("IEEPA-FENT-2")
    assert (fentanyl.stacks, fentanyl.yields_to, fentanyl.shared_measure_id) == (
        True,
        "",
        "IEEPA-FENT-2",
    )
    ev = row("301-4YR-2024-EV")
    assert (ev.shared_measure_id, ev.stacks) == ("301-4YR-2024", False)
    s122 = row("S122-2026")
    assert (s122.stacks, s122.yields_to) == (True, "section_232")
    dm = row("DM-800")
    assert (dm.stacks, dm.threshold_usd, dm.min_usd, dm.max_usd) == (
        False,
        Decimal("800.00"),
        None,
        None,
    )
    assert models.TariffMeasure.objects.filter(stacks=True).count() == 5
