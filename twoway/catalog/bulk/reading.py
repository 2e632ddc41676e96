"""Reading an import file into rows of cell text: CSV (UTF-8 with or without BOM, or the GB18030
family Excel writes on a Chinese Windows) or XLSX (openpyxl, read-only, cached values)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass

ENCODINGS = ("auto", "utf-8", "gb18030")


class FileUnreadable(Exception):
    """The file is not a CSV/XLSX we can read; ``code`` names why."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


@dataclass
class Sheet:
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (spreadsheet row number, cells)
    encoding: str


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def decode(data: bytes, encoding: str = "auto") -> tuple[str, str]:
    """The text of a CSV and the encoding it was read with."""
    if encoding == "gb18030":
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError as exc:
            raise FileUnreadable("encoding", "gb18030") from exc
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        if encoding == "utf-8":
            raise FileUnreadable("encoding", "utf-8") from None
    try:  # Excel on a Chinese Windows saves "CSV" in GBK (a subset of GB18030)
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise FileUnreadable("encoding", "auto") from exc


def is_xlsx(name: str, data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04" or name.lower().endswith((".xlsx", ".xlsm"))


def _skip(cells: list[str]) -> bool:
    """Blank rows and comment rows (first cell starting with #: the template's notes)."""
    return not any(c.strip() for c in cells) or cells[0].lstrip().startswith("#")


def read_csv(data: bytes, encoding: str = "auto") -> Sheet:
    text, used = decode(data, encoding)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    header: list[str] = []
    for row in reader:
        if any(c.strip() for c in row):
            header = row
            break
    if not header:
        raise FileUnreadable("empty")
    start = reader.line_num

    def rows() -> Iterator[tuple[int, list[str]]]:
        number = start
        for row in reader:
            number += 1
            if not _skip(row):
                yield number, row

    return Sheet(header, rows(), used)


def read_xlsx(data: bytes) -> Sheet:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileUnreadable("xlsx", str(exc)[:200]) from exc
    sheet = book.worksheets[0]
    for name in ("Products", "商品"):
        if name in book.sheetnames:
            sheet = book[name]
            break
    values = sheet.iter_rows(values_only=True)
    header: list[str] = []
    number = 0
    for row in values:
        number += 1
        cells = [_cell(v) for v in row]
        if any(c.strip() for c in cells):
            header = cells
            break
    if not header:
        raise FileUnreadable("empty")

    def rows() -> Iterator[tuple[int, list[str]]]:
        n = number
        for row in values:
            n += 1
            cells = [_cell(v) for v in row]
            if not _skip(cells):
                yield n, cells
        book.close()

    return Sheet(header, rows(), "xlsx")


def read(name: str, data: bytes, encoding: str = "auto") -> Sheet:
    if not data:
        raise FileUnreadable("empty")
    if is_xlsx(name, data):
        return read_xlsx(data)
    return read_csv(data, encoding)
