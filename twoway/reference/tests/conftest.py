from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from twoway.reference import models
from twoway.reference.datasets import DATA_DIR

MODELS = (
    models.UsState,
    models.ChinaProvince,
    models.ExchangeRate,
    models.CbecLimits,
    models.CbecTaxCategory,
    models.PositiveListEntry,
    models.UsChinaTradeYear,
    models.StateExportToChina,
    models.JobsRatio,
    models.IlabGood,
    models.UflpaEntity,
    models.TariffMeasure,
    models.FreightRate,
    models.MfnRate,
    models.EeiRuleSet,
    models.ReferenceDataset,
)


def table_counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS}


@pytest.fixture
def data_copy(tmp_path, monkeypatch) -> Path:
    """A writable copy of the shipped data folder, used as the repo's data folder."""
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    monkeypatch.setattr("twoway.reference.services.DATA_DIR", copy)
    return copy


def rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
