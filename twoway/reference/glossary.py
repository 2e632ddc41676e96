"""The catalogue glossary: English and Chinese names of goods, with the HS subheading a name
belongs to (``data/catalog/glossary_en_zh.csv``, sourced row by row in that folder's SOURCES.md).

One loader, read once per process: the catalogue (listing drafts, the HS finder, jieba's words)
and search (the analyzer) both take their terms from ``glossary_rows``.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

GLOSSARY_FILE = Path(__file__).resolve().parent / "data" / "catalog" / "glossary_en_zh.csv"
#: Colour and size words for variant labels (same columns; sourced in the same SOURCES.md).
VARIANT_WORDS_FILE = GLOSSARY_FILE.with_name("variant_words_en_zh.csv")


def _rows(path: Path) -> tuple[Mapping[str, str], ...]:
    """A word file's rows as read (columns term_en, term_zh, hs6, kind, source, confidence), in
    file order, read-only."""
    with path.open(encoding="utf-8", newline="") as fh:
        return tuple(MappingProxyType(row) for row in csv.DictReader(fh))


@lru_cache(maxsize=1)
def glossary_rows() -> tuple[Mapping[str, str], ...]:
    """The catalogue glossary's rows, read once per process and shared by every reader."""
    return _rows(GLOSSARY_FILE)


@lru_cache(maxsize=1)
def variant_word_rows() -> tuple[Mapping[str, str], ...]:
    """``variant_words_en_zh.csv``: colour and size words ("orange" → 橙色, the colour, not the
    fruit), which the draft of a variant's size and colour reads before the glossary."""
    return _rows(VARIANT_WORDS_FILE)
