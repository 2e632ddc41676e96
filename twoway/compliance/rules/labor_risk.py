"""Forced- and child-labor risk of an imported good (pure rule: no Django imports).

The lists come in as arguments (rows in force on the date, chosen by the service):

* DOL ILAB List of Goods Produced by Child Labor or Forced Labor (TVPRA list): a risk signal
  about a good from a country, no import consequence by itself. Listed for forced labor ->
  HIGH; for child labor only, or listed without the type stated -> ELEVATED.
* FLETF UFLPA Strategy high-priority sectors (by HS prefix) -> ELEVATED, whatever the origin
  (a garment from Vietnam can carry Xinjiang cotton).
* UFLPA rebuttable presumption: goods made wholly or in part in Xinjiang (origin CN, province
  code 65, GB/T 2260) -> BLOCKED; a manufacturer or supplier matching a UFLPA Entity List
  entity at ``match_threshold`` or above -> BLOCKED; between ``review_threshold`` and the
  match threshold -> HIGH (a person checks the name); a party whose name places it in
  Xinjiang (Xinjiang, Urumqi, Kashgar, Hotan, XPCC ...) without being a listed entity -> HIGH.

The level is the highest level among the reasons (NONE without reasons). Every reason names
its list and the list's date, as recorded in the data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from .name_match import REVIEW_THRESHOLD, Match, UflpaEntity, best_match, name_tokens, near_match

__all__ = [
    "DEFAULT_HIGH_PRIORITY_SECTORS",
    "ILAB_LIST",
    "UFLPA_ENTITY_LIST",
    "UFLPA_PRESUMPTION",
    "UFLPA_SECTORS_LIST",
    "IlabGood",
    "LaborRiskAssessment",
    "RiskLevel",
    "RiskReason",
    "Sector",
    "ilab_goods_from_rows",
    "labor_risk",
]

ILAB_LIST = "DOL ILAB List of Goods Produced by Child Labor or Forced Labor"
UFLPA_ENTITY_LIST = "UFLPA Entity List (DHS / FLETF)"
UFLPA_SECTORS_LIST = "UFLPA Strategy high-priority sectors (FLETF)"
UFLPA_PRESUMPTION = "Uyghur Forced Labor Prevention Act, Pub. L. 117-78 (rebuttable presumption)"
UFLPA_PRESUMPTION_DATE = "2022-06-21"  # presumption in force (labor/uflpa.md, S155, S156)
UFLPA_SOURCE = "S155;S156"


@lru_cache(maxsize=4096)
def _best_match_cached(name: str, entities: tuple[UflpaEntity, ...]) -> Match | None:
    return best_match(name, entities)


def _best_match(name: str, entities: Sequence[UflpaEntity]) -> Match | None:
    """``best_match``, remembered for a tuple of entities: a seller's manufacturer and suppliers
    repeat on every listing, and re-assessing a catalogue matches each name once."""
    if isinstance(entities, tuple):
        return _best_match_cached(name, entities)
    return best_match(name, entities)


class RiskLevel(StrEnum):
    NONE = "none"
    ELEVATED = "elevated"
    HIGH = "high"
    BLOCKED = "blocked"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {RiskLevel.NONE: 0, RiskLevel.ELEVATED: 1, RiskLevel.HIGH: 2, RiskLevel.BLOCKED: 3}


@dataclass(frozen=True, slots=True)
class IlabGood:
    """A good x country on the ILAB list. ``None`` in a labor flag = the source does not say."""

    country_code: str  # ISO 3166 alpha-2
    good: str
    child_labor: bool | None
    forced_labor: bool | None
    list_edition: str  # "2022", "2024" ...
    list_date: str  # publication date as recorded (ISO date) or the edition year
    source: str = ""
    removed: bool = False


@dataclass(frozen=True, slots=True)
class Sector:
    hs_prefix: str
    name: str
    source: str
    designated: str = ""  # when FLETF made it a high-priority sector, as recorded


@dataclass(frozen=True, slots=True)
class RiskReason:
    code: str
    message: str
    list_name: str
    list_date: str
    evidence: str
    score: float | None
    level: RiskLevel
    source: str = ""


@dataclass(frozen=True, slots=True)
class LaborRiskAssessment:
    level: RiskLevel
    reasons: tuple[RiskReason, ...]

    @property
    def blocked(self) -> bool:
        return self.level is RiskLevel.BLOCKED


#: The 12 FLETF high-priority sectors (labor/uflpa.md) mapped to HS prefixes. The sector
#: names, dates and sources are the list's; the HS mapping is ours (general knowledge of the
#: HS), kept here until reference data carries it.
DEFAULT_HIGH_PRIORITY_SECTORS: tuple[Sector, ...] = tuple(
    Sector(hs_prefix=prefix, name=name, source=source, designated=designated)
    for name, designated, source, prefixes in (
        ("Apparel", "2022", "S160;S133", "61 62"),
        ("Cotton and cotton products", "2022", "S160;S133", "5201 5202 5203 5204 5205 5206 5207 5208 5209 5210 5211 5212 6302"),
        ("Silica-based products (incl. polysilicon)", "2022", "S160;S133", "280461 280469 3818 854142 854143"),
        ("Tomatoes and downstream products", "2022", "S160;S133", "0702 2002 210320"),
        ("Aluminum", "2024-07-09", "S160", "76"),
        ("Polyvinyl chloride (PVC)", "2024-07-09", "S160", "3904"),
        ("Seafood", "2024-07-09", "S160", "03 1604 1605"),
        ("Steel", "2025-08", "S133;S161", "72 73"),
        ("Lithium", "2025-08", "S133;S161", "282520 283691 850650 850760"),
        ("Copper", "2025-08", "S133;S161", "74"),
        ("Caustic soda", "2025-08", "S133;S161", "281511 281512"),
        ("Jujubes (red dates)", "2025-08", "S133;S161", "081340"),
    )
    for prefix in prefixes.split()
)  # fmt: skip

#: Tokens (as produced by ``name_tokens``) that place a company in Xinjiang.
XINJIANG_NAME_TOKENS = frozenset(
    {
        "xinjiang", "uyghur", "xuar", "xpcc", "urumqi", "kashgar", "hotan", "aksu", "turpan",
        "changji", "hami", "karamay", "shihezi", "yili", "korla", "bazhou", "bayingolin",
        "kuitun", "wujiaqu", "altay", "tacheng", "bortala", "kizilsu", "yining",
    }
)  # fmt: skip

#: ILAB country names -> ISO 3166 alpha-2 (the countries in the research file).
ILAB_COUNTRY_CODES: dict[str, str] = {
    "china": "CN", "bangladesh": "BD", "india": "IN", "malaysia": "MY", "thailand": "TH",
    "vietnam": "VN", "viet nam": "VN", "azerbaijan": "AZ", "benin": "BJ", "brazil": "BR",
    "burkina faso": "BF", "egypt": "EG", "kazakhstan": "KZ", "kyrgyz republic": "KG",
    "kyrgyzstan": "KG", "pakistan": "PK", "tajikistan": "TJ", "turkey": "TR", "turkiye": "TR",
    "turkmenistan": "TM", "uzbekistan": "UZ", "argentina": "AR", "cambodia": "KH",
    "mongolia": "MN", "paraguay": "PY", "indonesia": "ID", "philippines": "PH",
    "myanmar": "MM", "burma": "MM", "north korea": "KP", "russia": "RU", "mexico": "MX",
}  # fmt: skip

#: Plain-language good names -> the ILAB good they fall under (after normalisation).
GOOD_SYNONYMS: dict[str, str] = {
    "apparel": "garment", "clothing": "garment", "clothes": "garment", "shirt": "garment",
    "t shirt": "garment", "shoe": "footwear", "shoes": "footwear", "yarn": "thread/yarn",
    "thread": "thread/yarn", "tomato paste": "tomato product", "tomato": "tomato product",
    "solar polysilicon": "polysilicon", "red date": "jujube", "fabric": "textile",
    "laptop": "electronics", "computer": "electronics", "smartphone": "electronics",
    "phone": "electronics", "charger": "electronics", "seafood": "fish",
    "aluminium": "aluminum",
}  # fmt: skip


def _singular_word(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us")):
        return word[:-1]
    return word


def _good_key(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.casefold())
    return " ".join(_singular_word(w) for w in words)


_SYNONYMS: dict[str, str] = {_good_key(k): v for k, v in GOOD_SYNONYMS.items()}


def _good_names(good: str) -> set[str]:
    """Keys one ILAB good answers to: "Thread/yarn" -> thread, yarn, thread yarn;
    "Jujubes (red dates)" -> jujube, red date; "Tomato products" -> tomato product."""
    names = {_good_key(good)}
    inner = re.findall(r"\(([^)]*)\)", good)
    outer = re.sub(r"\([^)]*\)", " ", good)
    for part in [outer, *inner, *outer.split("/")]:
        if part.strip():
            names.add(_good_key(part))
    return {n for n in names if n}


#: Words naming what a good is made of: they count wherever they stand in a term
#: ("cotton tote bag" -> cotton). Other words count only as the head noun (last word).
MATERIAL_WORDS = frozenset(
    {"cotton", "aluminum", "aluminium", "polysilicon", "textile", "yarn", "tomato"}
)


def _term_keys(term: str) -> set[str]:
    """Keys a good term answers to: the whole term, its head noun (last word: "nitrile
    gloves" -> glove), material words anywhere in it ("cotton tote bag" -> cotton), and
    their synonyms ("cotton shirt" -> shirt -> garment)."""
    key = _good_key(term)
    if not key:
        return set()
    words = key.split()
    keys = {key, words[-1], *(w for w in words if w in MATERIAL_WORDS)}
    for k in list(keys):
        synonym = _SYNONYMS.get(k)
        if synonym:
            keys |= _good_names(synonym)
    return keys


def _flag(text: str) -> tuple[bool | None, bool]:
    """(listed for this type?, removed?) from a cell like "yes", "no", "removed", "not_stated"."""
    value = text.strip().casefold()
    if value.startswith("yes"):
        return True, False
    if value == "no":
        return False, False
    if value.startswith("removed"):
        return False, True
    return None, False


def ilab_goods_from_rows(rows: Iterable[Mapping[str, str]]) -> tuple[IlabGood, ...]:
    """ILAB goods from rows shaped like ``us/labor/ilab_goods.csv``.

    Accepts the research file (editions such as "2022 (published 2022-09-28)", several goods
    in one cell separated by ";", "removed" in a labor column) and the normalised reference
    copy (list_edition "2022", status listed/removed, effective_from = publication date).
    Rows for an unknown country or a summary good ("(total)") are skipped.
    """
    goods: list[IlabGood] = []
    for row in rows:
        country = (row.get("country") or "").strip()
        code = ILAB_COUNTRY_CODES.get(country.casefold())
        if code is None:
            continue
        edition_cell = (row.get("list_edition") or "").strip()
        published = re.search(r"\d{4}-\d{2}-\d{2}", edition_cell)
        list_date = (row.get("effective_from") or "").strip() or (
            published.group(0) if published else edition_cell
        )
        year = re.match(r"\d{4}", edition_cell)
        edition = year.group(0) if year else edition_cell
        child, child_removed = _flag(row.get("child_labor") or "")
        forced, forced_removed = _flag(row.get("forced_labor") or "")
        removed = (
            child_removed
            or forced_removed
            or (row.get("status") or "").strip().casefold().startswith("removed")
        )
        for good in (row.get("good") or "").split(";"):
            good = good.strip()
            if not good or good.startswith("("):
                continue
            goods.append(
                IlabGood(
                    country_code=code,
                    good=good,
                    child_labor=child,
                    forced_labor=forced,
                    list_edition=edition,
                    list_date=list_date,
                    source=(row.get("source_ids") or row.get("source") or "").strip(),
                    removed=removed,
                )
            )
    return tuple(goods)


def _ilab_reasons(  # noqa: C901 — one branch per ILAB list and match kind
    good_terms: Sequence[str], origin: str, ilab_goods: Sequence[IlabGood]
) -> list[RiskReason]:
    # key -> the term cited for it: a term that *is* the key beats one that only contains it
    ranked: dict[str, tuple[int, str]] = {}
    for term in good_terms:
        exact = _good_key(term)
        for key in _term_keys(term):
            rank = (0 if key == exact else 1, term)
            if key not in ranked or rank[0] < ranked[key][0]:
                ranked[key] = rank
    keys = {key: term for key, (_, term) in ranked.items()}
    by_good: dict[str, list[tuple[IlabGood, str]]] = {}
    for row in ilab_goods:
        if row.country_code != origin:
            continue
        hit = next((keys[n] for n in sorted(_good_names(row.good)) if n in keys), None)
        if hit is not None:
            by_good.setdefault(_good_key(row.good), []).append((row, hit))
    reasons: list[RiskReason] = []
    for rows in by_good.values():
        current = [(r, t) for r, t in rows if not r.removed]
        if not current:
            continue  # removed from the list (e.g. 2024 edition): no longer a signal
        forced = [(r, t) for r, t in current if r.forced_labor]
        child = [(r, t) for r, t in current if r.child_labor]
        if forced:
            row, term = max(forced, key=lambda rt: (rt[0].list_date, rt[0].list_edition))
            reasons.append(
                _ilab_reason("ilab_forced_labor", "forced labor", RiskLevel.HIGH, row, term)
            )
        if child:
            row, term = max(child, key=lambda rt: (rt[0].list_date, rt[0].list_edition))
            reasons.append(
                _ilab_reason("ilab_child_labor", "child labor", RiskLevel.ELEVATED, row, term)
            )
        if not forced and not child:
            unknown = [
                (r, t) for r, t in current if r.forced_labor is None or r.child_labor is None
            ]
            if unknown:
                row, term = max(unknown, key=lambda rt: (rt[0].list_date, rt[0].list_edition))
                reasons.append(
                    _ilab_reason(
                        "ilab_listed",
                        "child or forced labor (type not stated)",
                        RiskLevel.ELEVATED,
                        row,
                        term,
                    )
                )
    return reasons


def _ilab_reason(code: str, what: str, level: RiskLevel, row: IlabGood, term: str) -> RiskReason:
    return RiskReason(
        code=code,
        message=(
            f"{row.good} from {row.country_code} is on the ILAB list for {what} "
            f"({row.list_edition} edition)."
        ),
        list_name=ILAB_LIST,
        list_date=row.list_date,
        evidence=f"good term {term!r} matches ILAB good {row.good!r} ({row.country_code})",
        score=None,
        level=level,
        source=row.source,
    )


def _sector_reasons(hs_code: str, sectors: Sequence[Sector]) -> list[RiskReason]:
    hs = re.sub(r"\D", "", hs_code)
    reasons: list[RiskReason] = []
    seen: set[str] = set()
    matching = sorted(
        (s for s in sectors if hs and hs.startswith(s.hs_prefix)), key=lambda s: -len(s.hs_prefix)
    )
    for sector in matching:
        if sector.name in seen:
            continue
        seen.add(sector.name)
        reasons.append(
            RiskReason(
                code="uflpa_high_priority_sector",
                message=(
                    f"HS {hs} is in the UFLPA high-priority sector '{sector.name}': CBP expects "
                    "supply-chain tracing to show no Xinjiang input."
                ),
                list_name=UFLPA_SECTORS_LIST,
                list_date=sector.designated,
                evidence=f"HS {hs} starts with {sector.hs_prefix}",
                score=None,
                level=RiskLevel.ELEVATED,
                source=sector.source,
            )
        )
    return reasons


def labor_risk(
    *,
    good_terms: Sequence[str],
    hs_code: str,
    origin_country: str,
    origin_province_code: str | None,
    party_names: Sequence[tuple[str, str]],
    ilab_goods: Sequence[IlabGood],
    uflpa_entities: Sequence[UflpaEntity],
    high_priority_sectors: Sequence[Sector],
    xinjiang_province_code: str = "65",
    match_threshold: float,
    review_threshold: float | None = REVIEW_THRESHOLD,
) -> LaborRiskAssessment:
    """Assess one good. ``party_names`` are (role, name) pairs, e.g. ("manufacturer", "...").

    ``origin_province_code`` is a GB/T 2260 code of the province (2 digits) or a finer
    division (6 digits; its first two digits are the province). ``review_threshold`` None
    turns the "possible match" reasons off.
    """
    origin = origin_country.strip().upper()
    reasons: list[RiskReason] = []

    province = (origin_province_code or "").strip()
    if origin == "CN" and province[:2] == xinjiang_province_code:
        reasons.append(
            RiskReason(
                code="uflpa_xinjiang_origin",
                message=(
                    "Made in the Xinjiang Uyghur Autonomous Region: presumed made with forced "
                    "labor and barred from entry unless the importer rebuts the presumption."
                ),
                list_name=UFLPA_PRESUMPTION,
                list_date=UFLPA_PRESUMPTION_DATE,
                evidence=f"origin {origin}, province code {province}",
                score=None,
                level=RiskLevel.BLOCKED,
                source=UFLPA_SOURCE,
            )
        )

    for role, name in party_names:
        if not name.strip():
            continue
        match = _best_match(name, uflpa_entities)
        if match is not None and match.score >= match_threshold:
            entity = match.entity
            reasons.append(
                RiskReason(
                    code="uflpa_entity_match",
                    message=(
                        f"The {role} matches '{entity.name}' on the UFLPA Entity List: its goods "
                        "are presumed made with forced labor and barred from entry."
                    ),
                    list_name=UFLPA_ENTITY_LIST,
                    list_date=entity.list_date,
                    evidence=(
                        f"{role} {name!r} ~ {match.matched_alias!r} "
                        f"(entity {entity.name!r}, section {entity.list_section or 'n/a'})"
                    ),
                    score=match.score,
                    level=RiskLevel.BLOCKED,
                    source=entity.source,
                )
            )
            continue
        near = (
            near_match(name, uflpa_entities, threshold=match_threshold)
            if review_threshold is not None
            else None
        )
        if near is not None:
            # Issue 9: a near match (score 81-85, or the listed name without its region word)
            # holds the listing until a person decides; it is not a finding of a match.
            entity = near.entity
            reasons.append(
                RiskReason(
                    code="uflpa_entity_near_match",
                    message=(
                        f"The {role} nearly matches '{entity.name}' on the UFLPA Entity List; "
                        "the listing is held until a person confirms it is a different company."
                    ),
                    list_name=UFLPA_ENTITY_LIST,
                    list_date=entity.list_date,
                    evidence=f"{role} {name!r} ~ {near.matched_alias!r} (near match)",
                    score=near.score,
                    level=RiskLevel.BLOCKED,
                    source=entity.source,
                )
            )
        elif match is not None and review_threshold is not None and match.score >= review_threshold:
            entity = match.entity
            reasons.append(
                RiskReason(
                    code="uflpa_entity_possible_match",
                    message=(
                        f"The {role} resembles '{entity.name}' on the UFLPA Entity List; "
                        "a person must confirm it is a different company."
                    ),
                    list_name=UFLPA_ENTITY_LIST,
                    list_date=entity.list_date,
                    evidence=f"{role} {name!r} ~ {match.matched_alias!r}",
                    score=match.score,
                    level=RiskLevel.HIGH,
                    source=entity.source,
                )
            )
        places = sorted(set(name_tokens(name)) & XINJIANG_NAME_TOKENS)
        if places:
            reasons.append(
                RiskReason(
                    code="party_in_xinjiang",
                    message=(
                        f"The {role}'s name places it in Xinjiang; goods made there fall under "
                        "the UFLPA presumption. Confirm where the goods were made."
                    ),
                    list_name=UFLPA_PRESUMPTION,
                    list_date=UFLPA_PRESUMPTION_DATE,
                    evidence=f"{role} {name!r} contains {', '.join(places)}",
                    score=None,
                    level=RiskLevel.HIGH,
                    source=UFLPA_SOURCE,
                )
            )

    reasons.extend(_ilab_reasons(good_terms, origin, ilab_goods))
    reasons.extend(_sector_reasons(hs_code, high_priority_sectors))

    reasons.sort(key=lambda r: (-r.level.rank, r.code, r.evidence))
    level = max((r.level for r in reasons), key=lambda lv: lv.rank, default=RiskLevel.NONE)
    return LaborRiskAssessment(level=level, reasons=tuple(reasons))
