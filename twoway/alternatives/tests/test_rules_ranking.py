from decimal import Decimal

import pytest

from twoway.alternatives.rules.ranking import (
    Candidate,
    Query,
    haversine_km,
    price_points,
    rank,
    reason_text,
)
from twoway.search.text import tokens_en_text, tokens_zh_text

IOWA = (41.5868, -93.625)
NEW_YORK = (42.6526, -73.7562)
CALIFORNIA = (38.5816, -121.4944)


def query(title_en="Men's cotton shirt, long sleeve", title_zh="", hs="620520", price="30.00",
          at=IOWA) -> Query:  # fmt: skip
    return Query(
        hs_code=hs,
        tokens_en=tokens_en_text(title_en),
        tokens_zh=tokens_zh_text(title_zh),
        price_usd=None if price is None else Decimal(price),
        lat=at[0] if at else None,
        lon=at[1] if at else None,
    )


def cand(pid, title_en, hs="620520", price="30.00", at=IOWA, title_zh="") -> Candidate:
    return Candidate(
        product_id=pid,
        hs_code=hs,
        tokens_en=tokens_en_text(title_en),
        tokens_zh=tokens_zh_text(title_zh),
        price_usd=Decimal(price),
        lat=at[0],
        lon=at[1],
    )


def test_same_heading_similarly_named_product_comes_first():
    ranked = rank(
        query(),
        [
            cand(1, "Ceramic flower vase", hs="620590"),
            cand(2, "Cotton dress with pockets", hs="620442"),  # chapter 62 only
            cand(3, "Ozark Mills cotton shirt, long sleeve", hs="620520"),
            cand(4, "Linen blend shirt", hs="620590"),
        ],
        k=4,
    )
    assert [r.candidate.product_id for r in ranked] == [3, 4, 1, 2]
    first = ranked[0]
    assert first.match == "subheading"
    assert first.similarity == 92
    assert first.breakdown.similarity_en == 92
    assert first.breakdown.similarity_zh is None
    assert first.breakdown.total == pytest.approx(0.60 * 0.92 + 0.20 + 0.15 + 0.05)
    assert first.reason == "Same product heading 6205; similar name 92%; in your state; same price"
    assert ranked[-1].match == "chapter"


def test_chapter_candidates_never_outrank_heading_candidates():
    ranked = rank(
        query(),
        [
            cand(1, "Men's cotton shirt, long sleeve", hs="620442"),  # identical name, chapter
            cand(2, "Wool scarf", hs="620590", price="90.00", at=CALIFORNIA),
        ],
        k=2,
    )
    assert [(r.candidate.product_id, r.match) for r in ranked] == [(2, "heading"), (1, "chapter")]


def test_chinese_only_titles_match_through_jieba_tokens():
    q = query(title_en="", title_zh="男士纯棉长袖衬衫")
    ranked = rank(
        q,
        [
            Candidate(1, "620590", "", tokens_zh_text("陶瓷花瓶"), Decimal("30"), *IOWA),
            Candidate(2, "620590", "", tokens_zh_text("纯棉衬衫 长袖"), Decimal("30"), *IOWA),
            Candidate(3, "620590", "", tokens_zh_text("羊毛围巾"), Decimal("30"), *IOWA),
        ],
        k=3,
    )
    assert ranked[0].candidate.product_id == 2
    assert ranked[0].breakdown.similarity_en is None
    assert ranked[0].breakdown.similarity_zh == 100  # {纯棉, 衬衫, 长袖} ⊂ the query's tokens
    assert ranked[1].similarity < 50


def test_a_cheaper_alternative_ranks_before_a_dearer_one_with_the_same_name():
    ranked = rank(
        query(price="30.00"),
        [
            cand(1, "Cotton shirt, long sleeve", price="45.00"),  # 50 % dearer
            cand(2, "Cotton shirt, long sleeve", price="33.00"),  # within 10 %
        ],
        k=2,
    )
    assert [r.candidate.product_id for r in ranked] == [2, 1]
    assert ranked[0].breakdown.price == 0.2
    # 1.5 × the price: (1.5 − 1.1) / 0.9 of the way to no points.
    assert ranked[1].breakdown.price == pytest.approx(0.2 * (1 - 0.4 / 0.9), abs=1e-4)
    assert ranked[0].price_difference_usd == Decimal("3.00")
    assert ranked[1].reason.endswith("; $15 more")


def test_a_nearer_alternative_ranks_before_a_farther_one_at_the_same_price():
    ranked = rank(
        query(at=NEW_YORK),
        [
            cand(1, "Cotton shirt, long sleeve", at=CALIFORNIA),
            cand(2, "Cotton shirt, long sleeve", at=IOWA),
            cand(3, "Cotton shirt, long sleeve", at=NEW_YORK),
        ],
        k=3,
    )
    assert [r.candidate.product_id for r in ranked] == [3, 2, 1]
    assert [r.distance_km for r in ranked] == [0, 1639, 4001]
    assert ranked[1].reason == (
        "Same product heading 6205; similar name 100%; 1,640 km from you; same price"
    )


def test_text_similarity_outweighs_a_small_price_and_distance_advantage():
    ranked = rank(
        query(at=NEW_YORK),
        [
            cand(1, "Cotton tote bag", price="25.00", at=NEW_YORK),
            cand(2, "Cotton shirt, long sleeve", price="34.00", at=IOWA),
        ],
        k=2,
    )
    assert ranked[0].candidate.product_id == 2


def test_without_buyer_state_or_price_those_parts_score_nothing_for_everyone():
    ranked = rank(query(price=None, at=None), [cand(1, "Cotton shirt", price="99.00")], k=1)
    assert ranked[0].distance_km is None
    assert ranked[0].price_difference_usd is None
    assert ranked[0].breakdown.price == 0.0
    assert ranked[0].breakdown.distance == 0.0
    assert ranked[0].reason == "Same product heading 6205; similar name 100%"


def test_top_k_and_ties_broken_by_product_id():
    ranked = rank(query(), [cand(pid, "Cotton shirt") for pid in (9, 4, 7)], k=2)
    assert [r.candidate.product_id for r in ranked] == [4, 7]
    assert rank(query(), [], k=5) == []
    assert rank(query(), [cand(1, "Cotton shirt")], k=0) == []


def test_haversine_and_price_points():
    assert round(haversine_km(*IOWA, *NEW_YORK)) == 1639
    assert haversine_km(*IOWA, *IOWA) == 0
    assert price_points(Decimal("10.00"), Decimal("4.00")) == 1.0
    assert price_points(Decimal("10.00"), Decimal("11.00")) == 1.0
    assert price_points(Decimal("10.00"), Decimal("20.00")) == 0.0
    assert price_points(None, Decimal("20.00")) == 0.0


def test_reason_text_formats_money_distance_and_chapter():
    assert reason_text(
        match="heading", hs_code="620520", similarity=82, distance_km=1146,
        price_difference_usd=Decimal("4.00"),
    ) == "Same product heading 6205; similar name 82%; 1,150 km from you; $4 more"  # fmt: skip
    assert reason_text(
        match="chapter", hs_code="620442", similarity=40, distance_km=7,
        price_difference_usd=Decimal("-2.5"),
    ) == "Same product chapter 62; similar name 40%; 7 km from you; $2.50 less"  # fmt: skip
