"""Rows of a dataset file as the loader parses them, unsaved (for pure tests of the converters
production uses on loaded rows): the file goes through ``datasets`` exactly as ``twoway
loadreference`` reads it, without a database."""

from __future__ import annotations

from pathlib import Path

from django.db import models

from twoway.reference.csvparse import read_csv
from twoway.reference.datasets import BY_NAME, DATA_DIR, ParseContext


def unsaved_rows(name: str, path: Path | None = None) -> list[models.Model]:
    dataset = BY_NAME[name]
    file = path or dataset.shipped_file(DATA_DIR)
    csv_file = read_csv(file, label=file.name, required=dataset.required, one_of=dataset.one_of)
    context = ParseContext(file_name=file.name)
    rows = []
    for row in csv_file.rows:
        values = dataset.parse(row, context)
        if values is not None:
            rows.append(dataset.model(**values))
    return rows
