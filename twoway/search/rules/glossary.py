"""The English–Chinese glossary as search uses it (pure, no Django imports).

Rows come from the catalogue glossary (``twoway.reference.glossary``, sourced, see its SOURCES.md)
and ``twoway/search/data/glossary_extra_en_zh.csv`` (the search app's extension, sourced in
``twoway/search/data/SOURCES.md``). English terms lose their parenthesised notes ("American
ginseng (trade name, esp. Cantonese/HK)" → "american ginseng") and slash alternatives split
("maple sugar / maple syrup" → two terms). A row's ``hs6`` ties the term to an HS subheading, so a
product in that subheading (or heading, for 4-digit rows) is found by the term in either language.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

_PAREN = re.compile(r"\([^)]*\)|（[^）]*）")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class GlossaryRow:
    en: tuple[str, ...]  # cleaned English terms, lower case
    zh: str
    hs: str  # "" or 4/6 digits
    kind: str


@dataclass
class Glossary:
    rows: list[GlossaryRow] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.zh_to_en: dict[str, set[str]] = {}
        self.en_to_zh: dict[str, set[str]] = {}
        self.hs_terms: dict[str, list[GlossaryRow]] = {}
        for row in self.rows:
            for en in row.en:
                self.en_to_zh.setdefault(en, set()).add(row.zh)
                self.zh_to_en.setdefault(row.zh, set()).add(en)
            if row.hs:
                self.hs_terms.setdefault(row.hs, []).append(row)
        # Zh terms sharing an English term are synonyms (西洋参 ~ 花旗参 ~ 洋参).
        self.zh_synonyms: dict[str, set[str]] = {}
        for row in self.rows:
            mates = {z for en in row.en for z in self.en_to_zh.get(en, ())}
            self.zh_synonyms[row.zh] = mates | self.zh_synonyms.get(row.zh, set())
        self.en_terms = sorted(self.en_to_zh, key=len, reverse=True)
        self.zh_terms = sorted(self.zh_to_en, key=len, reverse=True)

    def for_hs(self, hs_code: str) -> list[GlossaryRow]:
        """Rows tied to the product's subheading or its heading."""
        return self.hs_terms.get(hs_code[:6], []) + self.hs_terms.get(hs_code[:4], [])


def clean_en(term: str) -> tuple[str, ...]:
    parts = []
    for piece in _PAREN.sub(" ", term or "").split("/"):
        text = _SPACES.sub(" ", piece).strip().lower()
        if text:
            parts.append(text)
    return tuple(parts)


def rows_from_records(records: Iterable[Mapping[str, str]]) -> list[GlossaryRow]:
    """Glossary CSV records (term_en, term_zh, hs6, kind) → rows; records without both names are
    left out."""
    rows = []
    for record in records:
        zh = _PAREN.sub("", (record.get("term_zh") or "")).strip()
        en = clean_en(record.get("term_en") or "")
        hs = "".join(ch for ch in (record.get("hs6") or "") if ch.isdigit())
        if zh and en:
            rows.append(GlossaryRow(en=en, zh=zh, hs=hs, kind=(record.get("kind") or "")))
    return rows


def rows_from_csv(path: Path) -> list[GlossaryRow]:
    with path.open(encoding="utf-8", newline="") as fh:
        return rows_from_records(csv.DictReader(fh))


def glossary_from(*sources: Iterable[GlossaryRow]) -> Glossary:
    """One glossary of the rows of every source, in order."""
    return Glossary(rows=[row for source in sources for row in source])
