"""Ranking US-made alternatives to an import product (pure: values in, values out).

Order of candidates:

1. **Match tier.** Candidates in the import's HS heading (4 digits) always come before candidates
   that only share its chapter (2 digits); the chapter is a fallback the caller adds when the
   heading has fewer than k candidates.
2. **Score** (0–1, higher is better) = the weighted sum below; ties go to the lower product id.

   ============  =======  ==============================================================
   part          weight   points (0–1)
   ============  =======  ==============================================================
   text          0.60     rapidfuzz ``token_set_ratio`` of the normalised titles / 100,
                          the better of English and Chinese (jieba tokens)
   price         0.20     1 if the alternative is cheaper or at most 10 % dearer; then
                          falling linearly to 0 at twice the import's price
   distance      0.15     1 in the buyer's state; falling linearly to 0 at 4,500 km
                          (haversine between state capitals)
   subheading    0.05     1 if the 6-digit HS subheading is the same too
   ============  =======  ==============================================================

   With these weights 10 points of name similarity (0.06) weigh as much as being 30 % dearer
   than the tolerance allows, or 1,800 km further away. A part that cannot be computed (no
   buyer state, no price in USD, no title in a shared language) scores 0 for every candidate,
   so it does not change the order.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from rapidfuzz import fuzz, process

WEIGHT_TEXT = 0.60
WEIGHT_PRICE = 0.20
WEIGHT_DISTANCE = 0.15
WEIGHT_SUBHEADING = 0.05

PRICE_TOLERANCE = Decimal("0.10")  # up to 10 % dearer counts as "about the same price"
PRICE_ZERO_AT_RATIO = Decimal("2")  # twice the import's price or more: no price points
DISTANCE_ZERO_AT_KM = 4500.0  # about coast to coast
EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)

MATCH_SUBHEADING = "subheading"
MATCH_HEADING = "heading"
MATCH_CHAPTER = "chapter"
_TIER = {MATCH_SUBHEADING: 0, MATCH_HEADING: 0, MATCH_CHAPTER: 1}

CENT = Decimal("0.01")

#: Relevance floor: below these name similarities an alternative is not offered at all (a wooden
#: puzzle is no alternative to Christmas ornaments just because both are in chapter 95). A
#: candidate in the same heading needs less name similarity than one sharing only the chapter.
MIN_SIMILARITY = {MATCH_SUBHEADING: 35, MATCH_HEADING: 45, MATCH_CHAPTER: 60}


def is_relevant(match: str, similarity: int) -> bool:
    """True when a ranked candidate is close enough to offer as an alternative."""
    return similarity >= MIN_SIMILARITY.get(match, 100)


def _(message: str) -> str:
    """Marks a message for translation; the caller passes the real ``translate``."""
    return message


@dataclass(frozen=True)
class Query:
    hs_code: str  # 6 digits
    tokens_en: str  # normalised, space-separated (twoway.search.text)
    tokens_zh: str
    price_usd: Decimal | None  # None: not priced in USD, price does not count
    lat: float | None = None  # the buyer's state capital; None: unknown buyer state
    lon: float | None = None


@dataclass(frozen=True)
class Candidate:
    product_id: int
    hs_code: str
    tokens_en: str
    tokens_zh: str
    price_usd: Decimal
    lat: float | None
    lon: float | None
    payload: Any = None  # carried through untouched (the read-model row)


@dataclass(frozen=True)
class Breakdown:
    similarity_en: int | None  # 0–100, None when a side has no title in that language
    similarity_zh: int | None
    text: float  # weighted points
    price: float
    distance: float
    subheading: float
    total: float


@dataclass(frozen=True)
class Ranked:
    candidate: Candidate
    match: str  # subheading | heading | chapter
    similarity: int  # 0–100, the better language
    distance_km: int | None
    price_difference_usd: Decimal | None  # alternative minus import; negative = cheaper
    breakdown: Breakdown
    reason: str


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def price_points(import_price: Decimal | None, price: Decimal) -> float:
    if import_price is None or import_price <= 0:
        return 0.0
    return _price_points_cents(int(import_price * 100), int(price * 100))


_TOLERANCE_PERCENT = int(PRICE_TOLERANCE * 100)
_PRICE_SPAN = float(PRICE_ZERO_AT_RATIO - 1 - PRICE_TOLERANCE)


def _price_points_cents(import_cents: int, cents: int) -> float:
    # Exact integer test of the tolerance, so "10 % dearer" is never lost to float rounding.
    if cents * 100 <= import_cents * (100 + _TOLERANCE_PERCENT):
        return 1.0
    over = cents / import_cents - 1 - _TOLERANCE_PERCENT / 100
    return max(0.0, 1.0 - over / _PRICE_SPAN)


def distance_points(km: float | None) -> float:
    if km is None:
        return 0.0
    return max(0.0, 1.0 - km / DISTANCE_ZERO_AT_KM)


def match_of(query_hs: str, hs_code: str) -> str:
    if hs_code == query_hs:
        return MATCH_SUBHEADING
    if hs_code[:4] == query_hs[:4]:
        return MATCH_HEADING
    return MATCH_CHAPTER


def _similarities(query: str, choices: Sequence[str]) -> list[int | None]:
    """token_set_ratio of the query against each choice; None where either side is empty.

    Each distinct choice is scored once (titles of one product line repeat)."""
    out: list[int | None] = [None] * len(choices)
    if not query:
        return out
    distinct = [c for c in dict.fromkeys(choices) if c]
    if not distinct:
        return out
    hits = process.extract(query, distinct, scorer=fuzz.token_set_ratio, processor=None, limit=None)
    score_of = {choice: round(score) for choice, score, _pos in hits}
    return [score_of.get(c) if c else None for c in choices]


def money_text(amount: Decimal) -> str:
    amount = abs(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    if amount == amount.to_integral_value():
        return f"${amount:,.0f}"
    return f"${amount:,.2f}"


def reason_text(
    *,
    match: str,
    hs_code: str,
    similarity: int,
    distance_km: int | None,
    price_difference_usd: Decimal | None,
    translate: Callable[[str], str] = _,
) -> str:
    """E.g. "Same product heading 6205; similar name 82%; 1,150 km from you; $4 more"."""
    if match == MATCH_CHAPTER:
        parts = [translate(_("Same product chapter %(code)s")) % {"code": hs_code[:2]}]
    else:
        parts = [translate(_("Same product heading %(code)s")) % {"code": hs_code[:4]}]
    parts.append(translate(_("similar name %(percent)s%%")) % {"percent": similarity})
    if distance_km is not None:
        if distance_km == 0:
            parts.append(translate(_("in your state")))
        else:
            shown = distance_km if distance_km < 100 else int(round(distance_km, -1))
            parts.append(translate(_("%(km)s km from you")) % {"km": f"{shown:,}"})
    if price_difference_usd is not None:
        diff = price_difference_usd.quantize(CENT, rounding=ROUND_HALF_UP)
        if diff > 0:
            parts.append(translate(_("%(amount)s more")) % {"amount": money_text(diff)})
        elif diff < 0:
            parts.append(translate(_("%(amount)s less")) % {"amount": money_text(diff)})
        else:
            parts.append(translate(_("same price")))
    return "; ".join(parts)


def rank(
    query: Query,
    candidates: Sequence[Candidate],
    *,
    k: int = 5,
    translate: Callable[[str], str] = _,
) -> list[Ranked]:
    """The best ``k`` candidates, best first, each with its score breakdown and reason."""
    if k <= 0 or not candidates:
        return []
    sims_en = _similarities(query.tokens_en, [c.tokens_en for c in candidates])
    sims_zh = _similarities(query.tokens_zh, [c.tokens_zh for c in candidates])
    has_position = query.lat is not None and query.lon is not None
    import_cents = (
        int(query.price_usd * 100) if query.price_usd is not None and query.price_usd > 0 else 0
    )
    distances: dict[tuple[float | None, float | None], float | None] = {}
    heading = query.hs_code[:4]
    keys: list[tuple[int, float, int, int]] = []
    for i, cand in enumerate(candidates):
        position = (cand.lat, cand.lon)
        if position in distances:
            km = distances[position]
        else:
            km = None
            if has_position and cand.lat is not None and cand.lon is not None:
                km = haversine_km(query.lat, query.lon, cand.lat, cand.lon)  # type: ignore[arg-type]
            distances[position] = km
        score_en, score_zh = sims_en[i] or 0, sims_zh[i] or 0
        total = WEIGHT_TEXT / 100 * (score_en if score_en > score_zh else score_zh)
        if import_cents:
            total += WEIGHT_PRICE * _price_points_cents(import_cents, int(cand.price_usd * 100))
        if km is not None:
            total += WEIGHT_DISTANCE * max(0.0, 1.0 - km / DISTANCE_ZERO_AT_KM)
        code = cand.hs_code
        if code == query.hs_code:
            total += WEIGHT_SUBHEADING
        tier = 0 if code[:4] == heading else 1
        keys.append((tier, -total, cand.product_id, i))
    best = heapq.nsmallest(k, keys)
    scored = []
    for *_key, i in best:
        cand = candidates[i]
        match = match_of(query.hs_code, cand.hs_code)
        sim_en, sim_zh = sims_en[i], sims_zh[i]
        similarity = max(sim_en or 0, sim_zh or 0)
        km = distances[(cand.lat, cand.lon)]
        text = WEIGHT_TEXT * similarity / 100
        price = WEIGHT_PRICE * price_points(query.price_usd, cand.price_usd)
        dist = WEIGHT_DISTANCE * distance_points(km)
        sub = WEIGHT_SUBHEADING if match == MATCH_SUBHEADING else 0.0
        breakdown = Breakdown(
            similarity_en=sim_en,
            similarity_zh=sim_zh,
            text=round(text, 4),
            price=round(price, 4),
            distance=round(dist, 4),
            subheading=round(sub, 4),
            total=round(text + price + dist + sub, 4),
        )
        scored.append((i, km, breakdown))
    out: list[Ranked] = []
    for i, km, breakdown in scored:
        cand = candidates[i]
        match = match_of(query.hs_code, cand.hs_code)
        similarity = max(breakdown.similarity_en or 0, breakdown.similarity_zh or 0)
        distance_km = None if km is None else int(round(km))
        diff = None if query.price_usd is None else cand.price_usd - query.price_usd
        out.append(
            Ranked(
                candidate=cand,
                match=match,
                similarity=similarity,
                distance_km=distance_km,
                price_difference_usd=diff,
                breakdown=breakdown,
                reason=reason_text(
                    match=match,
                    hs_code=cand.hs_code,
                    similarity=similarity,
                    distance_km=distance_km,
                    price_difference_usd=diff,
                    translate=translate,
                ),
            )
        )
    return out
