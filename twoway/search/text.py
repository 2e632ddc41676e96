"""Text normalisation shared by the read models (pure, no Django imports).

English: lower case, split on anything but letters and digits, drop a short list of stopwords and
strip plural endings ("shirts" → "shirt", "berries" → "berry", "boxes" → "box"). Chinese: jieba's
accurate mode, keeping tokens that carry a CJK character, a letter or a digit. Both return the
tokens in first-seen order without repeats, and ``*_text`` joins them with single spaces (the form
stored in read models and fed to rapidfuzz's token scorers, which split on whitespace).

Results are memoised: catalogue titles repeat (one product line, many variants), and a full
rebuild of a read model over a million rows tokenises each distinct title once.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

_WORD_EN = re.compile(r"[a-z0-9]+")
_KEEP_ZH = re.compile(r"[0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

STOPWORDS_EN: frozenset[str] = frozenset(
    "a an and are as at be by for from in into is it its of on or per s the to with without "
    "x our your new".split()
)
# Function words and measure words that say nothing about what a product is.
STOPWORDS_ZH: frozenset[str] = frozenset("的 了 和 与 及 或 是 在 为 款 个 件 只 新款 之".split())

_NO_STRIP = ("ss", "us", "is", "ous", "ics")
_ES_AFTER = ("sh", "ch", "x", "z", "ss", "o")


def stem_en(word: str) -> str:
    """A light plural stemmer: enough to match "shirt"/"shirts", "cherry"/"cherries"."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("es") and word[:-2].endswith(_ES_AFTER):
        return word[:-2]
    if word.endswith("s") and not word.endswith(_NO_STRIP):
        return word[:-1]
    return word


def _unique(tokens: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(tokens))


@lru_cache(maxsize=200_000)
def tokens_en(text: str) -> tuple[str, ...]:
    words = _WORD_EN.findall((text or "").lower())
    return _unique([stem_en(w) for w in words if w not in STOPWORDS_EN])


_jieba = None


def _segmenter():
    global _jieba
    if _jieba is None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        _jieba = jieba
    return _jieba


@lru_cache(maxsize=200_000)
def tokens_zh(text: str) -> tuple[str, ...]:
    text = (text or "").strip().lower()
    if not text:
        return ()
    words = _segmenter().lcut(text)
    return _unique(
        [w.strip() for w in words if _KEEP_ZH.search(w) and w.strip() not in STOPWORDS_ZH]
    )


def tokens_en_text(text: str) -> str:
    return " ".join(tokens_en(text))


def tokens_zh_text(text: str) -> str:
    return " ".join(tokens_zh(text))
