"""How search reads text, in both scripts (pure, no Django imports).

The same analyzer turns a product into index terms and a buyer's query into a plan of terms, so
both sides always agree:

- **Folding**: NFKC (full-width letters and digits to half-width), lower case, and Traditional
  Chinese to Simplified with OpenCC (楓糖漿 → 枫糖浆), because buyers paste names from Hong Kong
  and Taiwan sites.
- **Chinese**: jieba in search mode (枫糖浆 → 枫糖, 糖浆, 枫糖浆) with the glossary's and the
  catalogue's own words added to its dictionary (a private ``jieba.Tokenizer``, so the global
  dictionary that ``search.text`` and the alternatives read model use is untouched).
- **English**: Snowball English stemming (PyStemmer), so "cherries" and "cherry" meet; one typo
  is tolerated in words of five letters or more (a fuzzy term at edit distance 1).
- **Pinyin**: every Chinese word is also indexed as full pinyin and as initials (枫糖浆 →
  ``fengtangjiang``, ``ftj``), with pypinyin.
- **Cross-lingual**: glossary terms found in a product's English title add their Chinese terms
  (and synonyms) to the product, and the other way round; rows tied to an HS subheading or heading
  add their terms to every product classified there (西洋参 finds "American ginseng").
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .glossary import Glossary

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN = re.compile(r"[a-z0-9]+")

STOPWORDS_EN: frozenset[str] = frozenset(
    "a an and are as at be by for from in into is it its of on or per s the to with without "
    "x our your".split()
)
STOPWORDS_ZH: frozenset[str] = frozenset("的 了 和 与 及 或 是 在 为 款 个 件 只 之 跟 同".split())
FUZZY_MIN_LETTERS = 5
MAX_SUGGEST_PER_DOC = 48
SUGGEST_SEP = "\x1f"

# Field names of the index, with the boosts queries give them.
TITLE_BOOST = 3.0
ALIAS_BOOST = 2.0
DESC_BOOST = 0.5


@dataclass(frozen=True)
class DocText:
    """A product's text as index terms (each field: space-separated terms)."""

    zh_title: str
    zh_alias: str
    zh_desc: str
    zh_chars: str
    en_title: str
    en_alias: str
    en_desc: str
    en_raw: str
    py: str
    py_init: str
    suggest: tuple[str, ...]


@dataclass(frozen=True)
class Variant:
    field: str
    term: str
    boost: float
    fuzzy: bool = False


@dataclass(frozen=True)
class Group:
    """One word of the query with every form that can match it; ``required`` groups must all
    match (AND), the others only add to the score."""

    word: str
    variants: tuple[Variant, ...]
    required: bool = True
    chars: tuple[str, ...] = ()  # a short Chinese word also matches a title with all its characters


@dataclass(frozen=True)
class QueryPlan:
    text: str  # the folded query
    language: str  # "zh" when it carries Chinese characters, else "en"
    groups: tuple[Group, ...]
    alternatives: tuple[Variant, ...] = ()  # any one of these alone also matches (pinyin run)
    words: tuple[str, ...] = field(default=())  # plain words, for a database fallback

    @property
    def empty(self) -> bool:
        return not self.groups and not self.alternatives


@lru_cache(maxsize=1)
def _converter() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=100_000)
def fold(text: str) -> str:
    """Half-width, lower case, Simplified Chinese."""
    text = unicodedata.normalize("NFKC", text or "").lower().strip()
    if CJK.search(text):
        text = _converter().convert(text)
    return text


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def stem(word: str) -> str:
    return word if word.isdigit() else _stemmer().stemWord(word)


MAX_READINGS = 4


@lru_cache(maxsize=200_000)
def pinyin_readings(word: str) -> tuple[tuple[str, str], ...]:
    """(full pinyin, initials) of a Chinese word, the usual reading first: 枫糖浆 →
    (("fengtangjiang", "ftj"),). A character with several readings adds the others (参: can,
    shen → 花旗参 is found as ``huaqishen`` too), at most ``MAX_READINGS`` in all."""
    from pypinyin import Style, lazy_pinyin, pinyin

    usual = [s for s in lazy_pinyin(word, errors="ignore") if s.isascii() and s.isalpha()]
    readings = [usual]
    options = pinyin(word, style=Style.NORMAL, heteronym=True, errors="ignore")
    if len(options) == len(usual):
        for i, choices in enumerate(options):
            for choice in choices[:3]:
                if choice != usual[i] and choice.isascii() and choice.isalpha():
                    readings.append(usual[:i] + [choice] + usual[i + 1 :])
    out = []
    for syllables in readings[:MAX_READINGS]:
        pair = ("".join(syllables), "".join(x[0] for x in syllables if x))
        if pair[0] and pair not in out:
            out.append(pair)
    return tuple(out)


def pinyin_of(word: str) -> tuple[str, str]:
    """(full pinyin, initials) in the usual reading: 枫糖浆 → ("fengtangjiang", "ftj")."""
    readings = pinyin_readings(word)
    return readings[0] if readings else ("", "")


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))


class Analyzer:
    """Built once per process (loading jieba's dictionary takes about a second)."""

    def __init__(self, glossary: Glossary, words: Iterable[str] = ()) -> None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        self.glossary = glossary
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        for word in _unique([*glossary.zh_terms, *words]):
            folded = fold(word)
            if CJK.search(folded) and " " not in folded:
                self._jieba.add_word(folded, freq=20_000)
        # English glossary phrases by their first word: one pass over a title finds them all.
        self._en_phrases: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for term in glossary.en_terms:
            parts = tuple(_LATIN.findall(term))
            if parts:
                self._en_phrases.setdefault(parts[0], []).append((term, parts))
        self._zh_first: dict[str, list[str]] = {}
        for term in glossary.zh_terms:
            self._zh_first.setdefault(term[0], []).append(term)
        # Titles and glossary terms repeat across a catalogue: tokenise each distinct text once.
        self.zh_words = lru_cache(maxsize=100_000)(self.zh_words)  # type: ignore[method-assign]
        self.zh_search_tokens = lru_cache(maxsize=200_000)(self.zh_search_tokens)  # type: ignore[method-assign]
        self.en_stems = lru_cache(maxsize=200_000)(self.en_stems)  # type: ignore[method-assign]
        self._zh_part = lru_cache(maxsize=100_000)(self._zh_part)  # type: ignore[method-assign]
        self._en_part = lru_cache(maxsize=100_000)(self._en_part)  # type: ignore[method-assign]
        self._alias = lru_cache(maxsize=50_000)(self._alias)  # type: ignore[method-assign]

    # --- Chinese ---------------------------------------------------------------------------

    def zh_words(self, text: str) -> tuple[str, ...]:
        """Accurate-mode words carrying a Chinese character (stopwords out)."""
        return tuple(
            _unique(
                w.strip()
                for w in self._jieba.lcut(fold(text))
                if CJK.search(w) and w.strip() not in STOPWORDS_ZH
            )
        )

    def zh_search_tokens(self, text: str) -> tuple[str, ...]:
        """Search-mode tokens: every word and the dictionary words inside it."""
        return tuple(
            _unique(
                w.strip()
                for w in self._jieba.cut_for_search(fold(text))
                if CJK.search(w) and w.strip() not in STOPWORDS_ZH
            )
        )

    # --- English ---------------------------------------------------------------------------

    @staticmethod
    def en_words(text: str) -> list[str]:
        return [w for w in _LATIN.findall(fold(text)) if w not in STOPWORDS_EN]

    def en_stems(self, text: str) -> tuple[str, ...]:
        return tuple(_unique(stem(w) for w in self.en_words(text)))

    def _en_glossary_hits(self, text: str) -> list[str]:
        words = tuple(_LATIN.findall(fold(text)))
        hits = []
        for i, word in enumerate(words):
            for term, parts in self._en_phrases.get(word, ()):
                if words[i : i + len(parts)] == parts:
                    hits.append(term)
        return _unique(hits)

    def zh_glossary_hits(self, text: str) -> list[str]:
        folded = fold(text)
        hits = []
        for i, ch in enumerate(folded):
            for term in self._zh_first.get(ch, ()):
                if folded.startswith(term, i):
                    hits.append(term)
        return _unique(hits)

    # --- documents -------------------------------------------------------------------------

    def document(
        self,
        *,
        title_en: str,
        title_zh: str,
        desc_en: str = "",
        desc_zh: str = "",
        hs_code: str = "",
    ) -> DocText:
        zh = self._zh_part(title_zh or "")
        en = self._en_part(title_en or "")
        alias = self._alias(zh["hits"], en["hits"], hs_code or "")
        suggest = _unique([*zh["suggest"], *alias["suggest"], *en["suggest"]])[:MAX_SUGGEST_PER_DOC]
        return DocText(
            zh_title=zh["tokens"],
            zh_alias=alias["zh"],
            zh_desc=" ".join(self.zh_search_tokens(desc_zh)) if desc_zh else "",
            zh_chars=" ".join(_unique([*zh["chars"], *alias["chars"]])),
            en_title=en["stems"],
            en_alias=alias["en"],
            en_desc=" ".join(self.en_stems(desc_en)) if desc_en else "",
            en_raw=" ".join(_unique([*en["raw"], *alias["raw"]])),
            py=" ".join(_unique([*zh["py"], *alias["py"]])),
            py_init=" ".join(_unique([*zh["py_init"], *alias["py_init"]])),
            suggest=tuple(suggest),
        )

    @staticmethod
    def _pinyin(words: Iterable[str]) -> tuple[list[str], list[str]]:
        full, init = [], []
        for word in words:
            for f, i in pinyin_readings(word):
                full.append(f)
                if len(i) >= 2:
                    init.append(i)
        return full, init

    def _word_suggestions(self, words: Iterable[str]) -> list[str]:
        """``key<SEP>display`` entries: what a buyer may type (the word, its pinyin, its
        initials) and the word to offer."""
        out = []
        for word in words:
            out.append(f"{word}{SUGGEST_SEP}{word}")
            full, initials = pinyin_of(word)
            if full:
                out.append(f"{full}{SUGGEST_SEP}{word}")
            if len(initials) >= 2:
                out.append(f"{initials}{SUGGEST_SEP}{word}")
        return out

    def _zh_part(self, title_zh: str) -> dict[str, Any]:
        folded = fold(title_zh)
        tokens = self.zh_search_tokens(title_zh)
        runs = [run for run in _CJK_RUN.findall(folded) if 2 <= len(run) <= 8]
        py, py_init = self._pinyin(_unique([*(t for t in tokens if len(t) >= 2), *runs]))
        words = [w for w in self.zh_words(title_zh) if len(w) >= 2]
        return {
            "hits": tuple(self.zh_glossary_hits(title_zh)),
            "tokens": " ".join(tokens),
            "chars": _unique(CJK.findall(folded)),
            "py": py, "py_init": py_init,
            "suggest": self._word_suggestions(words),
        }  # fmt: skip

    def _en_part(self, title_en: str) -> dict[str, Any]:
        words = self.en_words(title_en)
        hits = self._en_glossary_hits(title_en)
        return {
            "hits": tuple(hits),
            "stems": " ".join(self.en_stems(title_en)),
            "raw": _unique(w for w in words if len(w) >= 4),
            "suggest": [f"{p}{SUGGEST_SEP}{p}" for p in hits]
            + [f"{w}{SUGGEST_SEP}{w}" for w in words if len(w) >= 3 and not w.isdigit()],
        }

    def _alias(
        self, zh_hits: tuple[str, ...], en_hits: tuple[str, ...], hs_code: str
    ) -> dict[str, Any]:
        """Cross-lingual terms: the other language's names of the glossary terms a title names,
        their synonyms, and the terms tied to the product's HS code. Category terms (kind
        "category": nuts, pet food) always; product terms only when neither title names a
        glossary term itself (a dog food is not also "cat food" because both are in 2309.10)."""
        g = self.glossary
        named = bool(zh_hits or en_hits)
        hs_rows = [
            row for row in (g.for_hs(hs_code) if hs_code else [])
            if row.kind == "category" or not named
        ]  # fmt: skip
        zh_terms = _unique(
            [z for en in en_hits for z in g.en_to_zh.get(en, ())]
            + [syn for z in zh_hits for syn in g.zh_synonyms.get(z, ())]
            + [row.zh for row in hs_rows]
        )
        en_terms = _unique(
            [en for z in zh_hits for en in g.zh_to_en.get(z, ())]
            + [en for row in hs_rows for en in row.en]
        )
        zh_tokens = _unique(t for term in zh_terms for t in self.zh_search_tokens(term))
        py, py_init = self._pinyin(t for t in zh_tokens if len(t) >= 2)
        return {
            "zh": " ".join(zh_tokens),
            "en": " ".join(_unique(st for term in en_terms for st in self.en_stems(term))),
            "raw": _unique(w for t in en_terms for w in self.en_words(t) if len(w) >= 4),
            "chars": _unique(CJK.findall("".join(zh_terms))),
            "py": py, "py_init": py_init,
            "suggest": self._word_suggestions(t for t in zh_terms if " " not in t)
            + [f"{t}{SUGGEST_SEP}{t}" for t in en_terms],
        }  # fmt: skip

    # --- queries ---------------------------------------------------------------------------

    def query(self, text: str) -> QueryPlan:
        folded = fold(text)[:200]
        groups: list[Group] = []
        words: list[str] = []
        for word in self.zh_words(folded):
            subs = _unique([word, *self.zh_search_tokens(word)])
            synonyms = [s for s in self.glossary.zh_synonyms.get(word, ()) if s != word]
            variants = []
            for sub in subs:
                factor = 1.0 if sub == word else 0.5
                variants += [
                    Variant("zh_title", sub, TITLE_BOOST * factor),
                    Variant("zh_alias", sub, ALIAS_BOOST * factor),
                ]
            for syn in synonyms:
                variants += [
                    Variant("zh_title", t, ALIAS_BOOST * 0.75) for t in self.zh_search_tokens(syn)
                ]
            if len(word) == 1:
                variants.append(Variant("zh_chars", word, DESC_BOOST))
            chars = tuple(word) if 2 <= len(word) <= 3 else ()
            groups.append(
                Group(word=word, variants=tuple(variants), required=len(word) >= 2, chars=chars)
            )
            words.append(word)
        latin = [w for w in _LATIN.findall(folded) if w not in STOPWORDS_EN]
        for word in latin:
            s = stem(word)
            variants = [
                Variant("en_title", s, TITLE_BOOST),
                Variant("en_alias", s, ALIAS_BOOST),
                Variant("en_desc", s, DESC_BOOST),
            ]
            if word.isdigit():
                variants.append(Variant("hs", word, ALIAS_BOOST))
            else:
                variants += [Variant("py", word, TITLE_BOOST * 0.9)]
                if len(word) <= 6:
                    variants.append(Variant("py_init", word, ALIAS_BOOST * 0.75))
                if len(word) >= FUZZY_MIN_LETTERS:
                    # One edit against the unstemmed words, as a prefix ("chocolat" → chocolates).
                    variants.append(Variant("en_raw", word, TITLE_BOOST * 0.4, fuzzy=True))
            groups.append(Group(word=word, variants=tuple(variants)))
            words.append(word)
        alternatives: tuple[Variant, ...] = ()
        letters = [w for w in latin if w.isalpha()]
        if len(letters) >= 2:
            joined = "".join(letters)
            alternatives = (
                Variant("py", joined, TITLE_BOOST),
                Variant("py_init", joined, ALIAS_BOOST),
            )
        return QueryPlan(
            text=folded,
            language="zh" if CJK.search(folded) else "en",
            groups=tuple(groups),
            alternatives=alternatives,
            words=tuple(words),
        )

    def suggest_key(self, prefix: str) -> str:
        """The folded prefix as the suggestion field stores keys (letters kept as typed)."""
        return re.sub(r"\s+", " ", fold(prefix))[:60]
