"""Company-name matching: normalisation, alias parsing, and quality on the labelled pair set.

The pair set (``data/uflpa_name_pairs.csv``) has variants of the listed entities labelled
``match`` and different companies with similar names labelled ``nonmatch``. A pair counts as
found when ``best_match`` over the whole entity list returns the labelled entity at the
default threshold; a non-match pair is a false positive when ``best_match`` returns any
entity at the threshold, and a match pair that lands on another entity is both a false
negative and a false positive.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from twoway.compliance.labor import uflpa_entity_of
from twoway.compliance.rules.name_match import (
    DEFAULT_THRESHOLD,
    NEAR_MATCH_THRESHOLD,
    UflpaEntity,
    best_match,
    clean_listed_name,
    name_score,
    name_tokens,
    near_match,
    normalize_name,
    parse_aliases,
    with_aliases,
)
from twoway.reference.tests.rows import unsaved_rows

HERE = Path(__file__).resolve().parent
PAIRS_CSV = HERE / "data" / "uflpa_name_pairs.csv"
MATCH_KINDS = {
    "suffix_variant",
    "transliteration",
    "alias",
    "typo",
    "word_order",
    "chinese_name",
    "region_dropped",  # the listed name without its region word: caught as a near match
}
NONMATCH_KINDS = {"near_miss_same_region", "near_miss_same_industry", "unrelated"}

# Floors a little under what was measured when DEFAULT_THRESHOLD was chosen
# (precision 1.000, recall 0.928 on 286 pairs; see the printed report).
PRECISION_FLOOR = 0.97
RECALL_FLOOR = 0.90


ZH_ALIASES = HERE.parents[1] / "reference" / "data" / "us" / "labor" / "uflpa_aliases_zh.csv"


def _load_entities() -> tuple[UflpaEntity, ...]:
    """The entity list with the registered Chinese names of ``uflpa_aliases_zh.csv``."""
    entities = tuple(uflpa_entity_of(row) for row in unsaved_rows("uflpa_entities"))
    aliases: dict[str, list[str]] = {}
    with ZH_ALIASES.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            aliases.setdefault(row["entity"], []).append(row["alias_zh"])
    return with_aliases(entities, aliases)


def _load_pairs() -> list[dict[str, str]]:
    with PAIRS_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


ENTITIES = _load_entities()
PAIRS = _load_pairs()


def _same_entity(entity: UflpaEntity, labelled: str) -> bool:
    return normalize_name(clean_listed_name(entity.name)) == normalize_name(
        clean_listed_name(labelled)
    )


Scorer = Callable[[str, str], float]


def _best(query: str, scorer: Scorer) -> tuple[UflpaEntity, float]:
    best: tuple[UflpaEntity, float] | None = None
    for entity in ENTITIES:
        for alias in entity.names:
            score = scorer(query, alias)
            if best is None or score > best[1]:
                best = (entity, score)
    assert best is not None
    return best


def evaluate(
    pairs: Sequence[dict[str, str]], threshold: float, scorer: Scorer | None = None
) -> tuple[float, float, list[str]]:
    """(precision, recall, misses) of best-entity matching at ``threshold``."""
    tp = fp = fn = 0
    misses: list[str] = []
    for pair in pairs:
        if scorer is None:
            found = best_match(pair["query"], ENTITIES)
            entity, score = (found.entity, found.score) if found else (None, 0.0)
        else:
            entity, score = _best(pair["query"], scorer)
        hit = entity is not None and score >= threshold
        if pair["label"] == "match":
            if hit and entity is not None and _same_entity(entity, pair["entity"]):
                tp += 1
                continue
            fn += 1
            fp += int(hit)
            misses.append(f"FN {pair['kind']}: {pair['query']} ({score:.1f})")
        elif hit:
            fp += 1
            misses.append(f"FP {pair['kind']}: {pair['query']} ({score:.1f})")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, misses


# ------------------------------------------------------------------ the pair set


def test_pair_set_is_large_balanced_and_labelled_against_listed_entities() -> None:
    labels = Counter(p["label"] for p in PAIRS)
    kinds = Counter(p["kind"] for p in PAIRS)

    assert len(PAIRS) >= 200
    assert set(labels) == {"match", "nonmatch"}
    assert 0.4 <= labels["match"] / len(PAIRS) <= 0.6
    assert set(kinds) == MATCH_KINDS | NONMATCH_KINDS
    for pair in PAIRS:
        kind_set = MATCH_KINDS if pair["label"] == "match" else NONMATCH_KINDS
        assert pair["kind"] in kind_set, pair
        assert any(_same_entity(e, pair["entity"]) for e in ENTITIES), pair["entity"]
    assert len({p["query"] for p in PAIRS}) == len(PAIRS)


AUTO_PAIRS = [p for p in PAIRS if p["kind"] != "region_dropped"]


def test_precision_and_recall_at_the_default_threshold() -> None:
    """The automatic tier (>= DEFAULT_THRESHOLD: blocked as a match) on every kind except the
    region-less names, which are meant for the review tier below."""
    precision, recall, misses = evaluate(AUTO_PAIRS, DEFAULT_THRESHOLD)

    by_kind: dict[str, list[int]] = {}
    for pair in AUTO_PAIRS:
        p, r, _ = evaluate([pair], DEFAULT_THRESHOLD)
        ok = r == 1.0 if pair["label"] == "match" else p == 1.0
        by_kind.setdefault(pair["kind"], []).append(int(ok))
    print(  # noqa: T201
        f"\nname match @ {DEFAULT_THRESHOLD:g}: precision {precision:.3f}, recall {recall:.3f} "
        f"on {len(AUTO_PAIRS)} pairs"
    )
    for kind, results in sorted(by_kind.items()):
        print(f"  {kind:24s} {sum(results)}/{len(results)} right")  # noqa: T201
    for miss in misses:
        print(f"  {miss}")  # noqa: T201

    assert precision >= PRECISION_FLOOR
    assert recall >= RECALL_FLOOR


def test_plain_rapidfuzz_scorers_for_comparison() -> None:
    """Not a gate: how WRatio / token_set_ratio / token_sort_ratio on normalised names do."""
    baselines: dict[str, Scorer] = {
        "WRatio": lambda a, b: fuzz.WRatio(normalize_name(a), normalize_name(b)),
        "token_set_ratio": lambda a, b: fuzz.token_set_ratio(normalize_name(a), normalize_name(b)),
        "token_sort_ratio": lambda a, b: fuzz.token_sort_ratio(
            normalize_name(a), normalize_name(b)
        ),
    }
    for name, scorer in baselines.items():
        precision, recall, misses = evaluate(PAIRS, DEFAULT_THRESHOLD, scorer)
        fps = [m for m in misses if m.startswith("FP")]
        print(  # noqa: T201
            f"\n{name} @ {DEFAULT_THRESHOLD:g}: precision {precision:.3f}, recall {recall:.3f}; "
            f"false positives: {fps}"
        )
    # the failure mode that rules out token_set_ratio alone: a subset name scores 100
    assert fuzz.token_set_ratio("xinjiang energy", "xinjiang energy real estate") == 100
    assert name_score("Xinjiang Energy Co Ltd", "Xinjiang Energy Real Estate Co Ltd") < 80


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Xinjiang Zhongtai Chemical Co., Ltd.", "Xinjiang Tianye Chemical Co., Ltd."),
        ("Xinjiang Zhongtai Chemical Co., Ltd.", "Xinjiang Zhonghe Co., Ltd."),
        ("Western Gold Co., Ltd.", "Western Gold Hami Gold Mine Co., Ltd."),
        ("Jiangsu Meike Solar Technology Co., Ltd.", "Baotou Meike Silicon Energy Co., Ltd."),
        ("Guangdong Esquel Textile Co., Ltd.", "Turpan Esquel Textile Co., Ltd."),
        ("Xinjiang Energy Co., Ltd.", "Xinjiang Daqo New Energy Co., Ltd."),
        ("Donghai JA Solar Technology Co., Ltd.", "JA Solar Technology Co., Ltd."),
    ],
)
def test_distinct_companies_stay_below_the_threshold(a: str, b: str) -> None:
    assert name_score(a, b) < DEFAULT_THRESHOLD
    assert name_score(b, a) < DEFAULT_THRESHOLD


# ------------------------------------------------------------------ normalisation


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        ("Xinjiang Zhongtai Chemical Co., Ltd.", ("xinjiang", "zhongtai", "chemical")),
        ("XINJIANG ZHONGTAI CHEMICAL COMPANY LIMITED", ("xinjiang", "zhongtai", "chemical")),
        ("Xinjiang Zhongtai Chemical Joint Stock Co.,Ltd", ("xinjiang", "zhongtai", "chemical")),
        ("Sinkiang Zhongtai Chemical Corp.", ("xinjiang", "zhongtai", "chemical")),
        ("新疆中泰化学股份有限公司", ("xinjiang", "zhongtai", "chemical")),
        ("Xinjiang Zhongtai Huaxue Gufen Youxian Gongsi", ("xinjiang", "zhongtai", "chemical")),
        (
            "Hoshine Silicon Industry (Shanshan) Co., Ltd and subsidiaries",
            ("hoshine", "silicon", "industry", "shanshan"),
        ),
        ("合盛硅业（鄯善）有限公司", ("hesheng", "silicon", "industry", "shanshan")),
        (
            "Xinjiang Production and Construction Corps (XPCC)",
            ("xinjiang", "production", "construction"),
        ),
        ("新疆生产建设兵团", ("xinjiang", "production", "construction")),
        ("Esquel Group", ("esquel",)),
        ("Esquel China Holdings Limited", ("esquel", "china")),
        (
            "Xinjiang East Hope Non-Ferrous Metals Co., Ltd.",
            ("xinjiang", "east", "hope", "nonferrous", "metal"),
        ),
        (
            "Xinjiang Nonferrous Metals Ind. (Group) Co., Ltd.",
            ("xinjiang", "nonferrous", "metal", "industry"),
        ),
        ("Jiangsu Meike Solar Tech. Co., Ltd.", ("jiangsu", "meike", "solar", "technology")),
        ("Acme Intl Mfg Co", ("acme", "international", "manufacturing")),
        ("Urumchi Hetian Kashi Akesu Trading", ("urumqi", "hotan", "kashgar", "aksu", "trading")),
        ("Western Gold Kumul Gold Mine Co., Ltd.", ("western", "gold", "hami", "gold", "mine")),
        (
            "西部黄金克拉玛依哈图金矿有限责任公司",
            ("western", "gold", "karamay", "hatu", "gold", "mine"),
        ),
        ("J.A. Solar S.A.", ("ja", "solar")),
        ("Tianjin Sanhe Fruit & Vegetable Co Ltd", ("tianjin", "sanhe", "fruit", "vegetable")),
    ],
)
def test_name_tokens(name: str, tokens: tuple[str, ...]) -> None:
    assert name_tokens(name) == tokens


def test_a_name_made_only_of_legal_words_keeps_them() -> None:
    assert normalize_name("Group Co., Ltd.") == "group co ltd"


@pytest.mark.parametrize(
    ("name", "notes", "aliases"),
    [
        (
            "Hoshine Silicon Industry (Shanshan) Co., Ltd and subsidiaries",
            "alias: Hesheng Silicon Industry (Shanshan) Co.",
            ("Hesheng Silicon Industry (Shanshan) Co.",),
        ),
        (
            "Xinjiang Daqo New Energy Co., Ltd.",
            "aka Xinjiang Great New Energy; Xinjiang Daxin Energy; Xinjiang Daqin Energy",
            ("Xinjiang Great New Energy", "Xinjiang Daxin Energy", "Xinjiang Daqin Energy"),
        ),
        (
            "Xinjiang East Hope Nonferrous Metals Co., Ltd.",
            "alias 'Xinjiang Nonferrous' removed Nov 2024",
            (),
        ),
        (
            "Xinjiang GCL New Energy Material Technology Co., Ltd.",
            "now Xinjiang Goens Energy Technology Co., Ltd. (name change seen in fixture; date of change not verified)",
            ("Xinjiang Goens Energy Technology Co., Ltd.",),
        ),
        ("Xinjiang Production and Construction Corps (XPCC)", "", ("XPCC",)),
        ("Ninestar Corporation and eight subsidiaries", "printing/imaging", ()),
        (
            "Changji Esquel Textile Co., Ltd.",
            "aka Changji Yida Textile Co., Ltd.; listed earlier, moved between sections on 2024-11-01",
            ("Changji Yida Textile Co., Ltd.",),
        ),
        (
            "Tianjin Tianwei Food Co., Ltd.",
            "formerly Tianjin Sanhe Fruit and Vegetable Co., Ltd.",
            ("Tianjin Sanhe Fruit and Vegetable Co., Ltd.",),
        ),
    ],
)
def test_parse_aliases(name: str, notes: str, aliases: tuple[str, ...]) -> None:
    assert parse_aliases(name, notes) == aliases


@pytest.mark.parametrize(
    ("listed", "clean"),
    [
        (
            "Xinjiang Energy Real Estate Co., Ltd. (subsidiary of Xinjiang Energy)",
            "Xinjiang Energy Real Estate Co., Ltd.",
        ),
        ("Ninestar Corporation and eight subsidiaries", "Ninestar Corporation"),
        (
            "Xinjiang Production and Construction Corps (XPCC)",
            "Xinjiang Production and Construction Corps",
        ),
        (
            "Shuangliang Silicon Materials (Baotou) Co., Ltd.",
            "Shuangliang Silicon Materials (Baotou) Co., Ltd.",
        ),
    ],
)
def test_clean_listed_name(listed: str, clean: str) -> None:
    assert clean_listed_name(listed) == clean


def test_best_match_returns_entity_alias_and_score() -> None:
    found = best_match("Xinjiang Joinworld Company Limited", ENTITIES)

    assert found is not None
    assert found.entity.name == "Xinjiang Zhonghe Co., Ltd."
    assert (found.matched_alias, found.score) == ("Xinjiang Joinworld Co., Ltd.", 100.0)
    assert best_match("", ENTITIES) is None
    assert best_match("Xinjiang Zhongtai Chemical", ()) is None
    assert best_match("Xinjiang Tianye Co Ltd", ENTITIES, min_score=DEFAULT_THRESHOLD) is None


# ------------------------------------------------------------------ properties

NAME_TEXT = st.lists(
    st.sampled_from(
        list("abcdefgsXYZ  .,&()-'")
        + ["Co", "Ltd", "Group", "Sinkiang", "Tech", "Industries", "and", "subsidiaries", "non"]
        + ["ferrous", "S.A.", "J", "(XPCC)", "Corps", "Production", "Construction", "Xinjiang"]
        + list("新疆中泰化学有限公司集团硅业鄯善龘")
        + ["（", "）", "ß", "Ⅸ", "ﬁ", "é", "e\u0301", "\u2019"]
    ),
    max_size=14,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(name=st.one_of(NAME_TEXT, st.text(max_size=30)))
def test_normalisation_is_idempotent(name: str) -> None:
    once = normalize_name(name)

    assert normalize_name(once) == once


@settings(max_examples=200, deadline=None)
@given(a=NAME_TEXT, b=NAME_TEXT)
def test_scores_are_between_0_and_100_and_a_name_matches_itself(a: str, b: str) -> None:
    assert 0.0 <= name_score(a, b) <= 100.0
    if name_tokens(a):
        assert name_score(a, a) == 100.0


def caught(query: str) -> UflpaEntity | None:
    """The entity a name is held for: an automatic match, else a near match (review)."""
    found = best_match(query, ENTITIES, min_score=DEFAULT_THRESHOLD)
    if found is not None:
        return found.entity
    near = near_match(query, ENTITIES)
    return near.entity if near is not None else None


def test_every_pair_caught_by_a_match_or_a_review_keeps_the_floors() -> None:
    """Issue 9: with near matches (score >= NEAR_MATCH_THRESHOLD, or the name without its region
    word) held for a person, the region-less variants are caught, and near-miss companies are
    still rarely held."""
    tp = fp = fn = 0
    misses = []
    for pair in PAIRS:
        entity = caught(pair["query"])
        if pair["label"] == "match":
            if entity is not None and _same_entity(entity, pair["entity"]):
                tp += 1
            else:
                fn += 1
                fp += int(entity is not None)
                misses.append(f"FN {pair['kind']}: {pair['query']}")
        elif entity is not None:
            fp += 1
            misses.append(f"FP/review {pair['kind']}: {pair['query']}")
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    print(  # noqa: T201
        f"\nmatch or review (>= {NEAR_MATCH_THRESHOLD:g}): precision {precision:.3f}, "
        f"recall {recall:.3f} on {len(PAIRS)} pairs; {misses}"
    )
    assert precision >= PRECISION_FLOOR
    assert recall >= RECALL_FLOOR
    region_dropped = [p for p in PAIRS if p["kind"] == "region_dropped"]
    assert len(region_dropped) >= 10
    for pair in region_dropped:
        entity = caught(pair["query"])
        assert entity is not None, pair["query"]
        assert _same_entity(entity, pair["entity"]), pair["query"]
