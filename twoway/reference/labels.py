"""Display labels the pages need in both languages, read once from the small sourced CSV files
in ``twoway/reference/data/display`` (see its SOURCES.md). Display only: no business rule reads them."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils import translation

from . import hs

DATA_DIR = Path(__file__).resolve().parent / "data" / "display"


def _rows(file_name: str) -> list[dict[str, str]]:
    with (DATA_DIR / file_name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=1)
def chapter_titles_zh() -> dict[str, str]:
    return {row["chapter"]: row["title_zh"] for row in _rows("hs_chapters_zh.csv")}


@lru_cache(maxsize=1)
def chapter_titles_en() -> dict[str, str]:
    return {entry.code: entry.description for entry in hs.chapters()}


@lru_cache(maxsize=1)
def state_names_zh() -> dict[str, str]:
    return {row["state_code"]: row["name_zh"] for row in _rows("us_states_zh.csv")}


def is_chinese(language: str | None = None) -> bool:
    return (language or translation.get_language() or "").lower().startswith("zh")


def chapter_title(code: str, language: str | None = None) -> str:
    """The chapter's title in the active language; English when no Chinese title is known."""
    if is_chinese(language) and code in chapter_titles_zh():
        return chapter_titles_zh()[code]
    return chapter_titles_en().get(code, "")


def is_known_chapter(code: str) -> bool:
    return code in chapter_titles_en()


def state_name(code: str, name_en: str, language: str | None = None) -> str:
    if is_chinese(language):
        return state_names_zh().get(code, name_en)
    return name_en


@dataclass(frozen=True)
class PledgeFact:
    key: str
    date: str
    businesses: int | None
    jobs: int | None
    statement_en: str
    statement_zh: str
    source: str
    confidence: str

    @property
    def statement(self) -> str:
        return self.statement_zh if is_chinese() else self.statement_en


@lru_cache(maxsize=1)
def pledge_facts() -> tuple[PledgeFact, ...]:
    return tuple(
        PledgeFact(
            key=row["key"],
            date=row["date"],
            businesses=int(row["businesses"]) if row["businesses"] else None,
            jobs=int(row["jobs"]) if row["jobs"] else None,
            statement_en=row["statement_en"],
            statement_zh=row["statement_zh"],
            source=row["source"],
            confidence=row["confidence"],
        )
        for row in _rows("pledge.csv")
    )
