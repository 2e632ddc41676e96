"""Strict reading of reference CSV files: every cell is checked, the first bad one is reported.

No Django here. A bad cell raises ``DomainError`` whose message names the file, the line and the
column, e.g. ``provinces.csv line 7, column gb2260_code: '1X' is not a 2-digit GB/T 2260 code``.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from twoway.core.errors import DomainError

CONFIDENCE_VALUES = ("high", "medium", "low")
YES_NO = {"yes": True, "no": False}
YES_NO_NOT_STATED = {"yes": True, "no": False, "not_stated": None}


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cell_error(file_label: str, line: int, column: str, rule: str, message: str) -> DomainError:
    text = f"{file_label} line {line}, column {column}: {message}"
    return DomainError.one(column, rule, text)


@dataclass
class Row:
    """One data line of a CSV file with typed, validating accessors."""

    file_label: str
    line: int
    cells: dict[str, str]

    def error(self, column: str, rule: str, message: str) -> DomainError:
        return cell_error(self.file_label, self.line, column, rule, message)

    def has(self, column: str) -> bool:
        return column in self.cells

    def raw(self, column: str) -> str:
        return (self.cells.get(column) or "").strip()

    def pick(self, *columns: str) -> str | None:
        """The first of ``columns`` present in the file (for files with alternative headers)."""
        return next((c for c in columns if c in self.cells), None)

    def text(self, column: str, *, required: bool = True, max_length: int | None = None) -> str:
        value = self.raw(column)
        if required and not value:
            raise self.error(column, "required", "a value is required")
        if max_length is not None and len(value) > max_length:
            raise self.error(
                column, "max_length", f"'{value[:40]}…' is longer than {max_length} characters"
            )
        return value

    def choice(self, column: str, choices: Iterable[str], *, default: str | None = None) -> str:
        value = self.raw(column)
        if not value and default is not None:
            return default
        allowed = tuple(choices)
        if value not in allowed:
            raise self.error(column, "choice", f"'{value}' is not one of {', '.join(allowed)}")
        return value

    def flag(self, column: str, mapping: Mapping[str, bool | None]) -> bool | None:
        value = self.raw(column).lower()
        if value not in mapping:
            raise self.error(column, "choice", f"'{value}' is not one of {', '.join(mapping)}")
        return mapping[value]

    def confidence(self, column: str = "confidence") -> str:
        return self.choice(column, CONFIDENCE_VALUES)

    def decimal(
        self,
        column: str,
        *,
        required: bool = True,
        percent: bool = False,
        min_value: Decimal | None = None,
        max_value: Decimal | None = None,
    ) -> Decimal | None:
        """A decimal; with ``percent=True`` '13%' reads as 0.13 and a bare '0.13' is kept as is."""
        value = self.raw(column).replace(",", "")
        if not value:
            if required:
                raise self.error(column, "required", "a number is required")
            return None
        is_percent = value.endswith("%")
        if is_percent:
            if not percent:
                raise self.error(
                    column, "decimal", f"'{value}' is a percentage; a number is expected"
                )
            value = value[:-1].strip()
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise self.error(column, "decimal", f"'{self.raw(column)}' is not a number") from None
        if not number.is_finite():
            raise self.error(column, "decimal", f"'{self.raw(column)}' is not a number")
        if is_percent:
            number = number / 100
        if min_value is not None and number < min_value:
            raise self.error(column, "min_value", f"'{self.raw(column)}' is below {min_value}")
        if max_value is not None and number > max_value:
            raise self.error(column, "max_value", f"'{self.raw(column)}' is above {max_value}")
        return number

    def integer(
        self, column: str, *, required: bool = True, min_value: int | None = None
    ) -> int | None:
        value = self.raw(column).replace(",", "")
        if not value:
            if required:
                raise self.error(column, "required", "a whole number is required")
            return None
        if not re.fullmatch(r"-?\d+", value):
            raise self.error(column, "integer", f"'{self.raw(column)}' is not a whole number")
        number = int(value)
        if min_value is not None and number < min_value:
            raise self.error(column, "min_value", f"'{value}' is below {min_value}")
        return number

    def date(self, column: str, *, required: bool = False) -> dt.date | None:
        value = self.raw(column)
        if not value:
            if required:
                raise self.error(column, "required", "a date (YYYY-MM-DD) is required")
            return None
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise ValueError
            return dt.date.fromisoformat(value)
        except ValueError:
            raise self.error(column, "date", f"'{value}' is not an ISO date (YYYY-MM-DD)") from None

    def period(self, start: str = "effective_from", end: str = "effective_to") -> tuple:
        date_from = self.date(start)
        date_to = self.date(end)
        if date_from and date_to and date_to < date_from:
            raise self.error(end, "period", f"'{date_to}' is before {start} {date_from}")
        return date_from, date_to

    def digits(self, column: str, lengths: Sequence[int], what: str) -> str:
        value = self.raw(column).replace(".", "").replace(" ", "")
        if not value.isdigit() or len(value) not in lengths:
            sizes = " or ".join(str(n) for n in lengths)
            raise self.error(column, "code", f"'{self.raw(column)}' is not a {sizes}-digit {what}")
        return value

    def prefixes(self, column: str, *, min_len: int = 2, max_len: int = 10) -> str:
        """Space-separated digit prefixes, normalised to single spaces."""
        parts = self.raw(column).replace(".", "").split()
        for part in parts:
            if not part.isdigit() or not min_len <= len(part) <= max_len:
                raise self.error(
                    column,
                    "prefix",
                    f"'{part}' is not a {min_len}–{max_len} digit tariff prefix",
                )
        if len(set(parts)) != len(parts):
            raise self.error(column, "prefix", "a prefix is listed twice")
        return " ".join(parts)


@dataclass
class CsvFile:
    label: str
    header: list[str]
    rows: list[Row]


def read_csv(
    path: Path,
    *,
    label: str,
    required: Sequence[str] = (),
    one_of: Sequence[Sequence[str]] = (),
) -> CsvFile:
    """Read the whole file; refuse a missing column, a short or long row, or a bad encoding."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DomainError.one("file", "missing", f"{label}: file not found ({path})") from None
    except UnicodeDecodeError:
        raise DomainError.one("file", "encoding", f"{label}: not UTF-8 text") from None
    reader = csv.reader(text.splitlines(keepends=True))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise DomainError.one("file", "empty", f"{label}: the file is empty") from None
    for column in required:
        if column not in header:
            raise cell_error(
                label, 1, column, "missing_column", "the column is missing from the header"
            )
    for group in one_of:
        if not any(c in header for c in group):
            raise cell_error(
                label,
                1,
                group[0],
                "missing_column",
                f"the header needs one of: {', '.join(group)}",
            )
    if len(set(header)) != len(header):
        raise DomainError.one("file", "header", f"{label} line 1: a column name is repeated")
    rows = list(_rows(reader, header, label))
    return CsvFile(label=label, header=header, rows=rows)


def _rows(reader: Any, header: list[str], label: str) -> Iterator[Row]:
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise DomainError.one("file", "csv", f"{label} line {reader.line_num}: {exc}") from None
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise DomainError.one(
                "file",
                "row_length",
                f"{label} line {reader.line_num}: {len(cells)} cells for {len(header)} columns",
            )
        yield Row(label, reader.line_num, dict(zip(header, cells, strict=True)))
