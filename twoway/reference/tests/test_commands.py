from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from twoway.reference import models

from .conftest import rewrite, table_counts


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_loadreference_loads_every_dataset_then_skips_unchanged_ones():
    first = run("loadreference")
    second = run("loadreference", "--if-changed")

    assert "china_provinces: loaded 31 rows from china/provinces.csv (complete; +31 ~0 -0)" in first
    assert "cbec_positive_list: loaded 123 rows" in first
    assert "(partial; +123 ~0 -0)" in first
    assert "us_mfn_rates: loaded 12 rows from us/us_mfn_rates.csv (partial; +12 ~0 -0)" in first
    assert "freight_rates: loaded 2 rows" in first
    assert "eei_rules: loaded 1 rows" in first
    assert second.count("skipped, unchanged since the last load") == 18
    assert models.ReferenceDataset.objects.count() == 18


@pytest.mark.django_db
def test_loadreference_fails_with_the_file_line_and_column(data_copy):
    rewrite(data_copy / "china/provinces.csv", "21,Liaoning", "2X,Liaoning")

    with pytest.raises(CommandError) as caught:
        run("loadreference")

    assert str(caught.value) == (
        "china/provinces.csv line 7, column gb2260_code: '2X' is not a 2-digit GB/T 2260 code"
    )
    assert set(table_counts().values()) == {0}


@pytest.mark.django_db
def test_loadlist_positive_with_official_columns(tmp_path):
    run("loadreference")
    file = tmp_path / "positive.csv"
    file.write_text("序号,税则号列,商品名称,备注\n1,0402210000,固状乳及奶油,\n", encoding="utf-8")

    dry = run("loadlist", "positive", str(file), "--dry-run")
    assert models.PositiveListEntry.objects.count() == 123
    real = run("loadlist", "positive", str(file), "--allow-shrink")  # the sample has 123 rows

    assert dry.startswith("cbec_positive_list: would load 1 rows")
    assert real.startswith("cbec_positive_list: loaded 1 rows")
    assert "(partial; +1 ~0 -123)" in real
    assert list(models.PositiveListEntry.objects.values_list("hs_code_cn", flat=True)) == [
        "0402210000"
    ]


@pytest.mark.django_db
def test_loadlist_refuses_a_file_without_a_code_column(tmp_path):
    run("loadreference")
    file = tmp_path / "positive.csv"
    file.write_text("商品名称\n乳\n", encoding="utf-8")

    with pytest.raises(CommandError, match="line 1, column hs_code_cn: the header needs one of"):
        run("loadlist", "positive", str(file))

    assert models.PositiveListEntry.objects.count() == 123


TARIFF_HEADER = (
    "measure_id,shared_measure_id,label,kind,legal_authority,origin_country,rate_percent,"
    "per_item_usd,threshold_usd,min_usd,max_usd,hts_prefixes,excluded_hts_prefixes,"
    "effective_from,effective_to,stacks,yields_to,source_ids,confidence,notes\n"
)


@pytest.mark.django_db
def test_loadlist_tariffs_keeps_combination_columns_and_fee_bounds(tmp_path):
    run("loadreference")
    file = tmp_path / "tariffs.csv"
    # Figures of the fee row are test values, not the real MPF.
    file.write_text(
        TARIFF_HEADER
        + "R-CN,R,Reciprocal China,ieepa,IEEPA,CN,20,,,,,,,2025-04-10,,no,section_232,X1,high,\n"
        + "FEE-T,,Test processing fee,fee,19 CFR 24.23,CN,0.5,,,2.00,9.00,,,2025-01-01,,,,X2,"
        "medium,test figures\n",
        encoding="utf-8",
    )

    out = run("loadlist", "tariffs", str(file), "--allow-shrink")

    assert out.startswith("us_tariff_measures: loaded 2 rows")
    rows = {r.measure_id: r for r in models.TariffMeasure.objects.all()}
    assert set(rows) == {"R-CN", "FEE-T"}
    recip, fee = rows["R-CN"], rows["FEE-T"]
    assert (recip.shared_measure_id, recip.stacks, recip.yields_to) == ("R", False, "section_232")
    assert (fee.kind, fee.stacks, fee.yields_to, fee.shared_measure_id) == ("fee", True, "", "")
    assert (fee.rate_percent, fee.min_usd, fee.max_usd) == (
        Decimal("0.5"),
        Decimal("2.00"),
        Decimal("9.00"),
    )


@pytest.mark.django_db
def test_loadlist_tariffs_without_combination_columns_uses_kind_defaults(tmp_path):
    file = tmp_path / "tariffs.csv"
    file.write_text(
        "measure_id,label,kind,rate_percent,effective_from,effective_to,confidence\n"
        "S122-X,Surcharge,section_122,10,2026-02-24,,high\n"
        "301-X,Review rate,section_301,50,2025-01-01,,high\n",
        encoding="utf-8",
    )

    run("loadlist", "tariffs", str(file))

    rows = {r.measure_id: (r.stacks, r.yields_to) for r in models.TariffMeasure.objects.all()}
    assert rows == {"S122-X": (True, "section_232"), "301-X": (False, "")}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "F,,Fee,fee,,CN,,,,,,,,2025-01-01,,yes,,X,high,\n",
            "tariffs.csv line 2, column rate_percent: a fee measure needs rate_percent or "
            "per_item_usd",
        ),
        (
            "F,,Fee,fee,,CN,0.3,,,9,2,,,2025-01-01,,yes,,X,high,\n",
            "tariffs.csv line 2, column max_usd: '2' is below min_usd 9",
        ),
        (
            "F,,Fee,fee,,CN,0.3,,,,,,,2025-01-01,,maybe,,X,high,\n",
            "tariffs.csv line 2, column stacks: 'maybe' is not one of yes, no, true, false",
        ),
        (
            "R,,Recip,ieepa,,CN,10,,,,,,,2025-01-01,,no,section232,X,high,\n",
            "tariffs.csv line 2, column yields_to: 'section232' is not one of mfn, de_minimis, "
            "section_301, ieepa, section_122, section_232, fee, other",
        ),
    ],
)
def test_loadlist_tariffs_refuses_bad_combination_cells(tmp_path, row, message):
    run("loadreference")
    file = tmp_path / "tariffs.csv"
    file.write_text(TARIFF_HEADER + row, encoding="utf-8")

    with pytest.raises(CommandError) as caught:
        run("loadlist", "tariffs", str(file))

    assert str(caught.value) == f"{file} {message.removeprefix('tariffs.csv ')}"
    assert models.TariffMeasure.objects.count() == 41
