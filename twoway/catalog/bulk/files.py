"""Files a seller downloads: the import template (XLSX or CSV, headers and notes in their
language, an example row) and the error report of a job (CSV, safe to open in a spreadsheet)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.utils import translation
from django.utils.translation import gettext as _

from ..messages import message_for
from ..models import ImportJob
from .columns import column_label, columns_for

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A cell a spreadsheet shows as text, never runs (CSV formula injection, OWASP)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _label(column, language: str) -> str:
    return column.label_zh if language.startswith("zh") else column.label_en


def template_xlsx(mode: str, language: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    zh = language.startswith("zh")
    cols = columns_for(mode)
    book = Workbook()
    sheet = book.active
    sheet.title = "商品" if zh else "Products"
    sheet.append([_label(c, language) for c in cols])
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for i, column in enumerate(cols, start=1):
        sheet.column_dimensions[sheet.cell(1, i).column_letter].width = max(
            12, len(column.label_en) + 4
        )
        sheet.cell(1, i).number_format = "@"
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("说明" if zh else "Notes")
    with translation.override(language):
        notes.append([_("Column"), _("Key"), _("Required"), _("What to enter"), _("Example")])
        for cell in notes[1]:
            cell.font = bold
        for column in cols:
            notes.append(
                [
                    _label(column, language),
                    column.key,
                    _("yes") if column.required else "",
                    str(column.note),
                    column.example,
                ]
            )
        notes.append([])
        notes.append(
            [
                _(
                    "Fill the first sheet from row 2, one product per row. Headers may be "
                    "in English or Chinese. Rows whose first cell starts with # are skipped."
                )
            ]
        )
    notes.column_dimensions["D"].width = 80
    notes.column_dimensions["A"].width = 24
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_csv(mode: str, language: str) -> bytes:
    cols = columns_for(mode)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_label(c, language) for c in cols])
    with translation.override(language):
        for column in cols:
            required = f" ({_('required')})" if column.required else ""
            writer.writerow([f"# {column.key}{required}: {column.note}"])
        writer.writerow(["# " + cols[0].example, *[c.example for c in cols[1:]]])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens it as UTF-8


def error_lines(errors: Iterable[dict], language: str) -> list[dict]:
    """Each stored error as the reader sees it: row, column (label), value, message."""
    lines = []
    with translation.override(language):
        for e in errors:
            params = dict(e.get("params") or {})
            code = e["code"]
            if code.startswith("file_") or code in (
                "column_unknown",
                "column_missing",
                "column_not_in_stock_mode",
                "too_many_rows",
            ):
                message = _file_message(code, params)
            else:
                message = message_for(code, params, e["column"])
            lines.append({
                "row": e["row"], "column": e["column"],
                "label": column_label(e["column"], language), "value": e.get("value", ""),
                "message": message,
                "text": _("Row %(row)s, column %(column)s: %(message)s")
                % {"row": e["row"], "column": e["column"], "message": message},
            })  # fmt: skip
    return lines


def _file_message(code: str, params: dict) -> str:
    messages = {
        "file_encoding": _(
            "The file is not UTF-8 or GB18030 text; save it as CSV UTF-8 or XLSX, "
            "or choose its encoding."
        ),
        "file_xlsx": _("The file is not a readable XLSX workbook."),
        "file_empty": _("The file has no header row."),
        "column_unknown": _("%(column)s is not a column of the template."),
        "column_missing": _("The required column %(column)s is missing."),
        "column_not_in_stock_mode": _(
            "A stock and price file has only the columns SKU, unit price and stock; "
            "%(column)s is not one of them."
        ),
        "too_many_rows": _("A file has at most %(max)s rows; split it."),
    }
    text = messages.get(code, code)
    try:
        return text % params if params and "%(" in text else text
    except (KeyError, TypeError, ValueError):
        return text


def errors_csv(job: ImportJob, language: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    with translation.override(language):
        writer.writerow([_("Row"), _("Column"), _("Value"), _("Error")])
    for line in error_lines(job.errors, language):
        writer.writerow(
            [
                safe_cell(line["row"]),
                safe_cell(line["column"]),
                safe_cell(line["value"]),
                safe_cell(line["message"]),
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
