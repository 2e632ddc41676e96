"""A Chinese draft of a listing's title and description, made offline (pure, no Django imports).

Inputs are data the caller chose: glossary terms (``twoway/reference/data/catalog/
glossary_en_zh.csv``, sourced in its SOURCES.md), US state names in Chinese (``display/
us_states_zh.csv``), and the seller's own listings that already have a Chinese title (a
translation memory: "Wisconsin American Ginseng Root" → the title the seller wrote before).

The title is mapped phrase by phrase, longest phrase first: the seller's own earlier title for the
longest shared beginning, then glossary phrases (up to six words), then units of measure
(ounces and pounds are also given in grams, as Chinese labels show them). Words nobody knows
(brand names) stay as written and are listed, so the seller sees what to check. The description is
built from the product's attributes (what it is, where it is made, size, colour, weight) and the
glossary words found in the English description — short plain sentences, not a word-by-word
rendering of English prose. The result is a *draft*: the caller keeps the listing unpublished until
the seller confirms it.

``draft_en`` is the other direction for Chinese sellers: the Chinese title is segmented (jieba,
passed in as ``segment``) and mapped word by word through the same glossary.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*|\d+(?:[.,]\d+)?|[^\sA-Za-z\d]")
_CJK = re.compile(r"[\u3400-\u9fff]")
_PAREN = re.compile(r"\([^)]*\)|（[^）]*）")
#: Function words a Chinese title leaves out.
STOPWORDS = frozenset(
    {"a", "an", "the", "and", "of", "for", "with", "in", "from", "by", "to", "our", "your", "&"}
)
#: Units of measure → Chinese unit word, and grams per unit (None: no conversion shown).
UNITS: dict[str, tuple[str, Decimal | None]] = {
    "oz": ("盎司", Decimal("28.349523125")),
    "ounce": ("盎司", Decimal("28.349523125")),
    "ounces": ("盎司", Decimal("28.349523125")),
    "lb": ("磅", Decimal("453.59237")),
    "lbs": ("磅", Decimal("453.59237")),
    "pound": ("磅", Decimal("453.59237")),
    "pounds": ("磅", Decimal("453.59237")),
    "kg": ("千克", None),
    "g": ("克", None),
    "ml": ("毫升", None),
    "l": ("升", None),
    "pack": ("装", None),
    "pcs": ("件", None),
    "count": ("粒", None),
}
_PUNCT_ZH = {",": "，", ";": "；", ":": "：", "-": " ", "/": "/", "(": "（", ")": "）", "·": "·"}


@dataclass(frozen=True)
class Term:
    en: str  # lower case, cleaned ("american ginseng")
    zh: str
    kind: str = "product"  # product | place | attribute
    hs: str = ""


@dataclass(frozen=True)
class Memory:
    """One of the seller's own listings with a Chinese title they confirmed."""

    sku: str
    title_en: str
    title_zh: str


@dataclass(frozen=True)
class Attributes:
    hs_description_zh: str = ""  # e.g. the HS chapter title in Chinese
    origin_zh: str = ""  # "威斯康星州"
    maker_zh: str = ""
    size: str = ""
    colour: str = ""
    weight_kg: Decimal | None = None


@dataclass(frozen=True)
class Draft:
    title: str
    description: str
    #: words kept as written because no glossary row or earlier listing knows them
    untranslated: tuple[str, ...] = ()
    #: where the words came from ("glossary", "your listing GINSENG-1" ...), for the seller
    sources: tuple[str, ...] = ()
    terms_used: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def clean_en(term: str) -> tuple[str, ...]:
    """Glossary English cell → its terms: parenthesised notes dropped, slash alternatives split."""
    out = []
    for piece in _PAREN.sub(" ", term or "").split("/"):
        text = " ".join(piece.split()).strip().lower()
        if text:
            out.append(text)
    return tuple(out)


def terms_from_rows(rows: Iterable[Mapping[str, str]]) -> list[Term]:
    """Glossary CSV rows (term_en, term_zh, hs6, kind) → terms; the first row of a term wins."""
    terms: list[Term] = []
    seen: set[str] = set()
    for row in rows:
        zh = _PAREN.sub("", row.get("term_zh") or "").strip()
        if not zh:
            continue
        hs = "".join(ch for ch in (row.get("hs6") or "") if ch.isdigit())
        for en in clean_en(row.get("term_en") or ""):
            if en in seen:
                continue
            seen.add(en)
            terms.append(Term(en=en, zh=zh, kind=(row.get("kind") or "product"), hs=hs))
    return terms


def _tokens(text: str) -> list[str]:
    return _WORD.findall(text or "")


def _norm(token: str) -> str:
    return token.lower().strip("'")


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _number(token: str) -> Decimal | None:
    try:
        return Decimal(token.replace(",", ""))
    except ArithmeticError:
        return None


def _grams(amount: Decimal, per: Decimal) -> str:
    grams = (amount * per).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return f"{grams}克"


def _join(parts: Sequence[str]) -> str:
    """Chinese runs join without spaces; a Latin word keeps a space on each side (from another
    Latin word or from Chinese, as Chinese typography spaces mixed text)."""
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        latin_before = bool(out) and out[-1].isascii() and out[-1].isalnum()
        latin_now = part[0].isascii() and part[0].isalnum()
        cjk_before = bool(out) and bool(_CJK.match(out[-1]))
        cjk_now = bool(_CJK.match(part[0]))
        if (latin_before and (latin_now or cjk_now)) or (cjk_before and latin_now):
            out += " "
        out += part
    return out.strip()


class _Phrasebook:
    def __init__(self, terms: Iterable[Term]) -> None:
        self.by_words: dict[tuple[str, ...], Term] = {}
        for term in terms:
            words = tuple(_singular(_norm(w)) for w in _tokens(term.en) if w.strip())
            if words and words not in self.by_words:
                self.by_words[words] = term
        self.longest = max((len(k) for k in self.by_words), default=1)

    def match(self, words: Sequence[str], start: int) -> tuple[int, Term] | None:
        for size in range(min(self.longest, len(words) - start), 0, -1):
            key = tuple(_singular(_norm(w)) for w in words[start : start + size])
            term = self.by_words.get(key)
            if term is not None:
                return size, term
        return None


#: The phrasebook of the last ``terms`` object seen (held, so its identity stays its own): an
#: import drafting thousands of rows with one glossary builds it once.
_last_book: tuple[Sequence[Term], _Phrasebook] | None = None


def _book_for(terms: Sequence[Term]) -> _Phrasebook:
    global _last_book  # noqa: PLW0603 - a one-entry cache
    cached = _last_book
    if cached is not None and cached[0] is terms:
        return cached[1]
    book = _Phrasebook(terms)
    _last_book = (terms, book)
    return book


def _memory_prefix(words: list[str], memory: Sequence[Memory]) -> tuple[int, Memory] | None:
    """The seller's earlier listing whose English title is the longest beginning (2+ words) of
    this one: its Chinese title is reused for those words."""
    best: tuple[int, Memory] | None = None
    lowered = [_norm(w) for w in words]
    for item in memory:
        if not item.title_zh.strip():
            continue
        theirs = [_norm(w) for w in _tokens(item.title_en)]
        if len(theirs) < 2 or len(theirs) > len(lowered) or lowered[: len(theirs)] != theirs:
            continue
        if best is None or len(theirs) > best[0]:
            best = (len(theirs), item)
    return best


def _translate(
    words: list[str], book: _Phrasebook, *, untranslated: list[str], used: list[tuple[str, str]]
) -> list[str]:
    parts: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        number = _number(word) if word[0].isdigit() else None
        if number is not None:
            unit = _norm(words[i + 1]) if i + 1 < len(words) else ""
            if unit in UNITS:
                zh_unit, per = UNITS[unit]
                parts.append(_grams(number, per) if per is not None else f"{word}{zh_unit}")
                i += 2
                continue
            parts.append(word)
            i += 1
            continue
        found = book.match(words, i)
        if found is not None:
            size, term = found
            parts.append(term.zh)
            used.append((" ".join(words[i : i + size]), term.zh))
            i += size
            continue
        low = _norm(word)
        if low in STOPWORDS:
            i += 1
            continue
        if not word[0].isalnum():
            parts.append(_PUNCT_ZH.get(word, word))
            i += 1
            continue
        parts.append(word)
        untranslated.append(word)
        i += 1
    # No stray punctuation at either end.
    while parts and parts[-1] in {"，", "；", "：", " "}:
        parts.pop()
    while parts and parts[0] in {"，", "；", "：", " "}:
        parts.pop(0)
    return parts


def draft_zh(  # noqa: C901 — one step per part of the draft (memory, glossary, units, attributes)
    *,
    title_en: str,
    description_en: str = "",
    terms: Sequence[Term],
    memory: Sequence[Memory] = (),
    attributes: Attributes = Attributes(),
) -> Draft:
    """The Chinese draft of a listing (see the module docstring)."""
    book = _book_for(terms)
    words = _tokens(title_en)
    untranslated: list[str] = []
    used: list[tuple[str, str]] = []
    sources: list[str] = []
    parts: list[str] = []
    reused = _memory_prefix(words, memory)
    if reused is not None:
        size, item = reused
        parts.append(item.title_zh.strip())
        used.append((" ".join(words[:size]), item.title_zh.strip()))
        sources.append(item.sku)
        words = words[size:]
    parts.extend(_translate(words, book, untranslated=untranslated, used=used))
    # Size and colour stay out of the title: variants share it (their label is shown apart).
    title = _join(parts)
    # The description: what it is, where from, who makes it, sizes, and the known keywords.
    kinds = {term.zh: term.kind for term in terms}
    product_zh = (
        next((zh for _en, zh in used if kinds.get(zh, "product") == "product"), "")
        or attributes.hs_description_zh
    )
    lines: list[str] = []
    if product_zh:
        lines.append(f"{product_zh}。")
    if attributes.origin_zh:
        lines.append(
            f"产地：美国{attributes.origin_zh}。"
            if not attributes.origin_zh.startswith("中国")
            else f"产地：{attributes.origin_zh}。"
        )
    if attributes.maker_zh:
        lines.append(f"生产商：{attributes.maker_zh}。")
    if attributes.size:
        lines.append(
            f"规格：{_join(_translate(_tokens(attributes.size), book, untranslated=[], used=[]))}。"
        )
    if attributes.colour:
        lines.append(
            f"颜色：{_join(_translate(_tokens(attributes.colour), book, untranslated=[], used=[]))}。"
        )
    if attributes.weight_kg:
        lines.append(f"毛重约{attributes.weight_kg.normalize():f}千克。")
    keywords: list[str] = []
    desc_words = _tokens(description_en)
    i = 0
    while i < len(desc_words):
        found = book.match(desc_words, i)
        if found is None:
            i += 1
            continue
        size, term = found
        if term.zh not in keywords and term.zh not in title:
            keywords.append(term.zh)
        i += size
    if keywords:
        lines.append("特点：" + "、".join(keywords[:8]) + "。")
    if (
        used
        and "glossary" not in sources
        and any(zh != (reused[1].title_zh if reused else None) for _e, zh in used)
    ):
        sources.append("glossary")
    seen: set[str] = set()
    first_seen: list[str] = []
    for w in untranslated:
        if w.lower() not in seen:
            seen.add(w.lower())
            first_seen.append(w)
    unknown = tuple(first_seen)
    return Draft(
        title=title,
        description="".join(lines),
        untranslated=unknown,
        sources=tuple(sources),
        terms_used=tuple(used),
    )


def draft_en(*, title_zh: str, terms: Sequence[Term], segment: Callable[[str], list[str]]) -> Draft:
    """An English draft title from a Chinese one (Chinese sellers listing for US buyers): the
    title is segmented (jieba), each word mapped through the glossary, unknown words listed."""
    zh_to_en: dict[str, str] = {}
    for term in terms:
        zh_to_en.setdefault(term.zh, term.en)
    longest = max((len(z) for z in zh_to_en), default=1)
    parts: list[str] = []
    untranslated: list[str] = []
    used: list[tuple[str, str]] = []
    for chunk in segment(title_zh or ""):
        chunk = chunk.strip()
        if not chunk:
            continue
        if chunk in zh_to_en:
            parts.append(zh_to_en[chunk])
            used.append((chunk, zh_to_en[chunk]))
            continue
        if not _CJK.search(chunk):
            parts.append(chunk)
            continue
        # Longest glossary words inside the chunk, left to right.
        i, unknown = 0, ""
        while i < len(chunk):
            for size in range(min(longest, len(chunk) - i), 0, -1):
                piece = chunk[i : i + size]
                if piece in zh_to_en:
                    if unknown:
                        parts.append(unknown)
                        untranslated.append(unknown)
                        unknown = ""
                    parts.append(zh_to_en[piece])
                    used.append((piece, zh_to_en[piece]))
                    i += size
                    break
            else:
                unknown += chunk[i]
                i += 1
        if unknown:
            parts.append(unknown)
            untranslated.append(unknown)
    title = " ".join(p for p in parts if p.strip())
    title = title[:1].upper() + title[1:]
    return Draft(
        title=title,
        description="",
        untranslated=tuple(dict.fromkeys(untranslated)),
        sources=("glossary",) if used else (),
        terms_used=tuple(used),
    )


#: The phrasebook of the last variant-word list seen (one entry, as ``_last_book``).
_last_variant_book: tuple[Sequence[Term], _Phrasebook] | None = None


def draft_variant_zh(text: str, *, terms: Sequence[Term]) -> Draft:
    """A Chinese draft of a variant's size or colour ("Orange" → 橙色, "8 oz" → 227克, "Navy
    Blue" → 藏青色) from ``terms`` (colour and size words first, then the glossary). Words
    nobody knows stay as written and are listed in ``untranslated``; "" when ``text`` is empty."""
    global _last_variant_book  # noqa: PLW0603 - a one-entry cache
    cached = _last_variant_book
    if cached is not None and cached[0] is terms:
        book = cached[1]
    else:
        book = _Phrasebook(terms)
        _last_variant_book = (terms, book)
    untranslated: list[str] = []
    used: list[tuple[str, str]] = []
    parts = _translate(_tokens(text), book, untranslated=untranslated, used=used)
    return Draft(
        title=_join(parts),
        description="",
        untranslated=tuple(dict.fromkeys(untranslated)),
        sources=("glossary",) if used else (),
        terms_used=tuple(used),
    )
