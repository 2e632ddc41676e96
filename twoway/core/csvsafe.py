"""CSV cells a spreadsheet would run as a formula are neutralised (OWASP "CSV injection").

A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
apostrophe, so ``=HYPERLINK(...)`` in a business name shows as text in Excel/LibreOffice/Sheets.
Numbers (int, Decimal, float) are left alone: a negative balance stays a number. Every CSV export
writes through ``safe_writer``; Parquet keeps the data as it is (typed columns, no formulas).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(cell: Any) -> Any:
    if isinstance(cell, str) and cell.startswith(FORMULA_PREFIXES):
        return "'" + cell
    return cell


class _SafeWriter:
    def __init__(self, out: Any, **kwargs: Any) -> None:
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([csv_safe(c) for c in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def safe_writer(out: Any, **kwargs: Any) -> _SafeWriter:
    """``csv.writer`` whose text cells are neutralised."""
    return _SafeWriter(out, **kwargs)
