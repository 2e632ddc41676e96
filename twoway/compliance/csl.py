"""The Consolidated Screening List (CSL) file and name matching, without Django.

ITA publishes the CSL as a CSV with a fixed header (``CSL_COLUMNS``; reference/data/us/export_rules.md
§2 and the public test fixtures cited there). ``parse_csl`` checks the header and every row and either
returns all records or raises ``CslFileInvalid`` naming each bad line and column, so a loader can
refuse a bad file before it changes anything.

Names are compared after ``normalize_name`` (Unicode NFKC, upper case, punctuation to spaces,
legal-form words such as CO/LTD/INC dropped) with rapidfuzz's token-sort ratio, which tolerates
word order ("PETROV, Vasiliy" = "Vasiliy Petrov"), hyphens and small spelling variants.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from rapidfuzz import fuzz

from twoway.core.errors import DomainError, FieldProblem

CSL_COLUMNS: tuple[str, ...] = (
    "_id",
    "source",
    "entity_number",
    "type",
    "programs",
    "name",
    "title",
    "addresses",
    "federal_register_notice",
    "start_date",
    "end_date",
    "standard_order",
    "license_requirement",
    "license_policy",
    "call_sign",
    "vessel_type",
    "gross_tonnage",
    "gross_registered_tonnage",
    "vessel_flag",
    "vessel_owner",
    "remarks",
    "source_list_url",
    "alt_names",
    "citizenships",
    "dates_of_birth",
    "nationalities",
    "places_of_birth",
    "source_information_url",
    "ids",
)
REQUIRED_COLUMNS = ("_id", "source", "name")
DATE_COLUMNS = ("start_date", "end_date")
FICTITIOUS_MARK = "fictitious test entry"

# Words that say what kind of company it is, not which one.
LEGAL_FORM_WORDS = frozenset(
    "AG BV CO COMPANY CORP CORPORATION GMBH INC INCORPORATED JSC LIMITED LLC LLP LTD OOO PJSC "
    "PLC PTE PVT SA SAS SPA SRL THE".split()
)
_CJK_LEGAL_FORMS = ("有限责任公司", "股份有限公司", "有限公司", "公司")


@dataclass(frozen=True)
class CslProblem:
    line: int  # 1 = header
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"


class CslFileInvalid(DomainError):
    """The file is not a CSL CSV we can load; ``csl_problems`` names each line and column."""

    def __init__(self, problems: list[CslProblem]) -> None:
        self.csl_problems = list(problems)
        shown = "; ".join(str(p) for p in self.csl_problems[:20])
        more = len(self.csl_problems) - 20
        summary = f"CSL file refused: {shown}" + (f" (and {more} more)" if more > 0 else "")
        super().__init__(
            summary,
            [FieldProblem(p.column, "csl_file", str(p)) for p in self.csl_problems],
            400,
        )


@dataclass(frozen=True)
class CslRecord:
    """One data row: the CSV's cells (``values``) plus parsed dates and derived fields."""

    line: int
    values: dict[str, str]
    start_date: date | None
    end_date: date | None
    countries: tuple[str, ...] = field(default=())
    match_names: tuple[str, ...] = field(default=())

    def __getitem__(self, column: str) -> str:
        return self.values[column]

    @property
    def is_fictitious(self) -> bool:
        return FICTITIOUS_MARK in self.values.get("remarks", "").lower()


def split_list(cell: str) -> list[str]:
    """CSL multi-value cells are separated by semicolons."""
    return [part.strip() for part in (cell or "").split(";") if part.strip()]


def normalize_name(name: str) -> str:
    text = unicodedata.normalize("NFKC", name or "").upper().replace("&", " AND ")
    for form in _CJK_LEGAL_FORMS:
        text = text.replace(form, " ")
    tokens = re.sub(r"[^\w]+|_", " ", text).split()
    kept = [t for t in tokens if t not in LEGAL_FORM_WORDS]
    return " ".join(kept or tokens)


def name_score(a: str, b: str) -> float:
    """Similarity 0–100 of two names already normalized."""
    if not a or not b:
        return 0.0
    return float(fuzz.token_sort_ratio(a, b))


def countries_of(addresses: str, *others: str) -> tuple[str, ...]:
    """ISO alpha-2 codes: the last part of each address when it is two letters (the CSL writes
    ``street, city, state, postal code, country``), plus two-letter citizenship and nationality
    cells."""
    found: list[str] = []
    for address in split_list(addresses):
        last = address.rsplit(",", 1)[-1].strip().upper()
        if re.fullmatch(r"[A-Z]{2}", last):
            found.append(last)
    for cell in others:
        for part in split_list(cell.replace(",", ";")):
            if re.fullmatch(r"[A-Za-z]{2}", part):
                found.append(part.upper())
    return tuple(dict.fromkeys(found))


def _parse_date(value: str) -> date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError
    return date.fromisoformat(value)


def parse_csl(text: str) -> list[CslRecord]:  # noqa: C901 — one branch per CSL column, read top to bottom
    """All records of a CSL CSV, or ``CslFileInvalid`` listing every problem."""
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    problems: list[CslProblem] = []
    try:
        header = next(reader)
    except StopIteration:
        raise CslFileInvalid([CslProblem(1, "-", "the file is empty")]) from None
    header = [h.strip() for h in header]
    if tuple(header) != CSL_COLUMNS:
        missing = [c for c in CSL_COLUMNS if c not in header]
        unexpected = [c for c in header if c not in CSL_COLUMNS]
        if missing:
            problems.append(CslProblem(1, ", ".join(missing), "missing column(s)"))
        if unexpected:
            problems.append(CslProblem(1, ", ".join(unexpected), "unexpected column(s)"))
        if not missing and not unexpected:
            problems.append(
                CslProblem(1, "-", "columns are not in the CSL order: " + ",".join(CSL_COLUMNS))
            )
        raise CslFileInvalid(problems)

    records: list[CslRecord] = []
    seen_ids: dict[str, int] = {}
    for cells in reader:
        line = reader.line_num
        if not cells or all(not c.strip() or c.strip() == "\x1a" for c in cells):
            continue  # blank line or the DOS end-of-file mark some downloads carry
        if len(cells) != len(CSL_COLUMNS):
            problems.append(
                CslProblem(line, "-", f"{len(cells)} cells, expected {len(CSL_COLUMNS)}")
            )
            continue
        values = {column: cell.strip() for column, cell in zip(CSL_COLUMNS, cells, strict=True)}
        for column in REQUIRED_COLUMNS:
            if not values[column]:
                problems.append(CslProblem(line, column, "is empty"))
        if values["_id"]:
            if values["_id"] in seen_ids:
                problems.append(
                    CslProblem(line, "_id", f"duplicate of line {seen_ids[values['_id']]}")
                )
            seen_ids.setdefault(values["_id"], line)
        dates: dict[str, date | None] = {}
        for column in DATE_COLUMNS:
            raw = values[column]
            dates[column] = None
            if raw:
                try:
                    dates[column] = _parse_date(raw)
                except ValueError:
                    problems.append(CslProblem(line, column, f"{raw!r} is not a date (YYYY-MM-DD)"))
        names = [values["name"], *split_list(values["alt_names"])]
        match_names = tuple(dict.fromkeys(n for n in map(normalize_name, names) if n))
        records.append(
            CslRecord(
                line=line,
                values=values,
                start_date=dates["start_date"],
                end_date=dates["end_date"],
                countries=countries_of(
                    values["addresses"], values["citizenships"], values["nationalities"]
                ),
                match_names=match_names,
            )
        )
    if not records and not problems:
        problems.append(CslProblem(2, "-", "the file has a header but no entries"))
    if problems:
        raise CslFileInvalid(problems)
    return records
