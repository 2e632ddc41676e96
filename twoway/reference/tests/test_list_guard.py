"""Issue 9: a header-only or truncated list file cannot silently replace the list in force."""

from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from twoway.reference import models
from twoway.reference.datasets import BY_LIST_KIND, DATA_DIR
from twoway.reference.services import reference_load_all

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def header_only(kind: str, tmp_path: Path) -> Path:
    shipped = BY_LIST_KIND[kind].shipped_file(DATA_DIR)
    header = shipped.read_text(encoding="utf-8").splitlines()[0]
    path = tmp_path / f"{kind}_header_only.csv"
    path.write_text(header + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", ["positive", "ilab", "uflpa", "tariffs"])
def test_a_header_only_file_is_refused_and_the_list_in_force_stays(kind, tmp_path):
    reference_load_all()
    model = BY_LIST_KIND[kind].model
    before = model.objects.count()
    assert before > 0

    with pytest.raises(CommandError, match=r"would remove .* rows .*--allow-shrink"):
        run("loadlist", kind, str(header_only(kind, tmp_path)), "--actor", "ops@example")

    assert model.objects.count() == before
    record = models.ListLoad.objects.get()
    assert (record.kind, record.outcome, record.actor) == (kind, "refused", "ops@example")
    assert (record.row_count, record.rows_before, record.removed) == (0, before, before)
    assert len(record.sha256) == 64


def test_allow_shrink_accepts_a_smaller_official_list_and_records_it(tmp_path):
    reference_load_all()
    file = tmp_path / "positive.csv"
    file.write_text("序号,税则号列,商品名称,备注\n1,0402210000,固状乳及奶油,\n", encoding="utf-8")

    out = run("loadlist", "positive", str(file), "--allow-shrink", "--actor", "ops")

    assert "loaded 1 rows" in out
    assert models.PositiveListEntry.objects.count() == 1
    record = models.ListLoad.objects.get()
    assert (record.outcome, record.allow_shrink, record.added, record.removed) == (
        "loaded",
        True,
        1,
        123,
    )


def test_a_small_reload_within_the_share_needs_no_flag(tmp_path):
    reference_load_all()
    in_force = models.PositiveListEntry.objects.order_by("hs_code_cn")
    rows = [(e.hs_code_cn, e.description_zh or "商品") for e in in_force][:-3]  # 120 of 123
    file = tmp_path / "positive.csv"
    with file.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["序号", "税则号列", "商品名称", "备注"])
        writer.writerows([i, code, name, ""] for i, (code, name) in enumerate(rows, start=1))

    out = run("loadlist", "positive", str(file))

    assert "-3)" in out
    assert models.PositiveListEntry.objects.count() == 120
    assert models.ListLoad.objects.get().outcome == "loaded"


def test_dry_run_prints_the_diff_and_writes_nothing(tmp_path):
    reference_load_all()
    file = tmp_path / "positive.csv"
    file.write_text(
        "序号,税则号列,商品名称,备注\n1,0402210000,固状乳及奶油,\n2,02101900,干、熏、盐制的其他猪肉,\n",
        encoding="utf-8",
    )

    out = run("loadlist", "positive", str(file), "--dry-run")

    assert "added: 1" in out
    assert "+ 0402210000" in out
    assert "changed: 1" in out
    assert "~ 02101900" in out
    assert "removed: 122" in out
    assert "- 02102000" in out
    assert models.PositiveListEntry.objects.count() == 123
    assert models.ListLoad.objects.get().outcome == "dry_run"


def test_every_load_is_listed_in_the_admin(admin_client, tmp_path):
    reference_load_all()
    with pytest.raises(CommandError):
        run("loadlist", "uflpa", str(header_only("uflpa", tmp_path)))
    response = admin_client.get("/admin/reference/listload/")
    assert response.status_code == 200
    assert "uflpa_header_only.csv" in response.content.decode()
