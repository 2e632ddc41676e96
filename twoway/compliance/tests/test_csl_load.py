"""``twoway loadcsl``: checks the file, replaces all entries in one go, records the dataset."""

from __future__ import annotations

import hashlib
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from twoway.compliance.csl import CslFileInvalid
from twoway.compliance.models import CslEntry
from twoway.compliance.services import csl_load
from twoway.reference.models import ReferenceDataset

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "csl_sample.csv"
pytestmark = pytest.mark.django_db


def load(*args: str) -> str:
    out = StringIO()
    call_command("loadcsl", *args, stdout=out)
    return out.getvalue()


def snapshot() -> tuple[list[tuple], list[tuple]]:
    entries = list(CslEntry.objects.order_by("csl_id").values_list("csl_id", "name", "loaded_at"))
    datasets = list(
        ReferenceDataset.objects.values_list("name", "sha256", "row_count", "loaded_at")
    )
    return entries, datasets


def edited_sample(tmp_path: Path, old: str, new: str) -> Path:
    text = SAMPLE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "csl.csv"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_loadcsl_loads_the_sample_as_a_partial_dataset():
    output = load(str(SAMPLE))

    sha = hashlib.sha256(SAMPLE.read_bytes()).hexdigest()
    assert output == f"Loaded: 15 CSL entries from csl_sample.csv (partial; sha256 {sha[:12]})\n"
    assert CslEntry.objects.count() == 15
    entry = CslEntry.objects.get(csl_id="TEST-CSL-0001")
    assert entry.name == "Northwind Dual-Use Trading Co., Ltd."
    assert entry.source == "Entity List (EL) - Bureau of Industry and Security"
    assert entry.entry_type == "Entity"
    assert entry.alt_name_list == ["Northwind DU Trading", "北风两用贸易有限公司"]
    assert entry.country_list == ["CN"]
    assert entry.start_date.isoformat() == "2021-06-01"
    assert entry.end_date is None
    assert entry.line_number == 2
    vessel = CslEntry.objects.get(csl_id="TEST-CSL-0010")
    assert (vessel.entry_type, vessel.call_sign, vessel.gross_tonnage) == (
        "Vessel",
        "TEST1",
        "10000",
    )
    dataset = ReferenceDataset.objects.get(name="csl")
    assert (dataset.file_name, dataset.sha256, dataset.row_count, dataset.completeness) == (
        "csl_sample.csv", sha, 15, "partial",
    )  # fmt: skip
    assert "Fictitious test entries" in dataset.completeness_note
    assert dataset.loaded_at == entry.loaded_at


def test_loading_again_replaces_the_entries(tmp_path):
    load(str(SAMPLE))
    smaller = tmp_path / "csl.csv"
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    smaller.write_text("".join(lines[:4]), encoding="utf-8")

    load(str(smaller))

    assert sorted(CslEntry.objects.values_list("csl_id", flat=True)) == [
        "TEST-CSL-0001", "TEST-CSL-0002", "TEST-CSL-0003",
    ]  # fmt: skip
    assert ReferenceDataset.objects.get(name="csl").row_count == 3
    assert ReferenceDataset.objects.filter(name="csl").count() == 1


def test_dry_run_checks_and_writes_nothing():
    output = load(str(SAMPLE), "--dry-run")

    assert output.startswith(
        "Checked (dry run, nothing written): 15 CSL entries from csl_sample.csv"
    )
    assert CslEntry.objects.count() == 0
    assert ReferenceDataset.objects.count() == 0


def test_bad_header_is_refused_and_nothing_changes(tmp_path):
    load(str(SAMPLE))
    before = snapshot()
    path = edited_sample(tmp_path, ",federal_register_notice,", ",fr_notice,")

    with pytest.raises(CommandError) as caught:
        load(str(path))

    assert str(caught.value) == (
        "csl.csv refused, nothing changed (2 problem(s)):\n"
        "  line 1, column federal_register_notice: missing column(s)\n"
        "  line 1, column fr_notice: unexpected column(s)"
    )
    assert snapshot() == before


def test_bad_date_is_refused_with_line_and_column_and_nothing_changes(tmp_path):
    load(str(SAMPLE))
    before = snapshot()
    path = edited_sample(tmp_path, ",2023-02-07,", ",2023-02-30,")  # TEST-CSL-0006, line 7

    with pytest.raises(CommandError) as caught:
        load(str(path))

    assert str(caught.value) == (
        "csl.csv refused, nothing changed (1 problem(s)):\n"
        "  line 7, column start_date: '2023-02-30' is not a date (YYYY-MM-DD)"
    )
    assert snapshot() == before


def test_bad_file_on_an_empty_database_writes_nothing(tmp_path):
    path = edited_sample(tmp_path, "TEST-CSL-0004", "TEST-CSL-0003")  # duplicate _id
    with pytest.raises(CommandError, match="line 5, column _id: duplicate of line 4"):
        load(str(path))
    assert snapshot() == ([], [])


def test_too_long_value_is_refused_by_the_model_check(tmp_path):
    path = edited_sample(tmp_path, "Northwind Dual-Use Trading Co., Ltd.", "N" * 501)
    with pytest.raises(CslFileInvalid) as caught:
        csl_load(path=path)
    assert [str(p) for p in caught.value.csl_problems] == [
        "line 2, column name: Ensure this value has at most 500 characters (it has 501)."
    ]
    assert CslEntry.objects.count() == 0


def test_real_rows_make_a_complete_dataset(tmp_path):
    text = SAMPLE.read_text(encoding="utf-8").replace(
        "fictitious test entry; not a real listed party", ""
    )
    path = tmp_path / "consolidated.csv"
    path.write_text(text, encoding="utf-8")

    result = csl_load(path=path)

    assert (result.completeness, result.row_count) == ("complete", 15)
    dataset = ReferenceDataset.objects.get(name="csl")
    assert (dataset.completeness, dataset.completeness_note) == ("complete", "")


def test_completeness_can_be_set(tmp_path):
    load(str(SAMPLE), "--completeness", "complete")
    assert ReferenceDataset.objects.get(name="csl").completeness == "complete"


def test_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        load(str(tmp_path / "nope.csv"))
