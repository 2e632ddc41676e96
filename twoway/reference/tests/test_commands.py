from __future__ import annotations

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
    assert second.count("skipped, unchanged since the last load") == 12
    assert models.ReferenceDataset.objects.count() == 12


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
    real = run("loadlist", "positive", str(file))

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
