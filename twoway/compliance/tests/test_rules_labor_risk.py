"""labor_risk: ILAB goods, UFLPA sectors, Xinjiang origin and UFLPA entity names."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twoway.compliance.labor import uflpa_entity_of
from twoway.compliance.rules.labor_risk import (
    DEFAULT_HIGH_PRIORITY_SECTORS,
    ILAB_LIST,
    UFLPA_ENTITY_LIST,
    UFLPA_PRESUMPTION,
    UFLPA_SECTORS_LIST,
    IlabGood,
    LaborRiskAssessment,
    RiskLevel,
    Sector,
    ilab_goods_from_rows,
    labor_risk,
)
from twoway.compliance.rules.name_match import DEFAULT_THRESHOLD
from twoway.reference.tests.rows import unsaved_rows

REFERENCE_ILAB = Path(__file__).resolve().parents[2] / "reference/data/us/labor/ilab_goods.csv"

# An excerpt of us/labor/ilab_goods.csv as researched (its quirks included).
ILAB_EXCERPT = """\
country,good,child_labor,forced_labor,list_edition,status,source_ids,confidence,notes
China,Garments,no,yes,2022 (published 2022-09-28),listed,S130,high,
China,Cotton,yes,yes,2022 (published 2022-09-28),listed,S130,high,
China,Electronics,yes,yes,2022 (published 2022-09-28),listed,S130,high,
China,Textiles,yes,yes,2022 (published 2022-09-28),listed,S130,high,
China,Gloves; Hair products; Textiles; Thread/yarn; Tomato products,,yes (forced labor of Uyghurs/Muslim minorities),2020,added 2020,S131,high,
China,Caustic soda,not_stated,not_stated,2024,on list per DOL Aug 2025 statement,S133,medium,
China,Jujubes (red dates),not_stated,not_stated,2024,on list per DOL Aug 2025 statement,S133;S134,medium,
China,(total),,,2024 (published 2024-09-05),"31 goods from China",S133,medium,
China,Textiles,yes,no,2018,listed (CL only in 2018),S135,medium,
Vietnam,Garments,not_stated,not_stated,2018,listed,S135,medium,
Thailand,Shrimp,removed,,2024,removed in 2024 edition,S134,high,
(various),"Jujubes, lead, nickel",,,2024,among 37 goods new,S134,medium,
"""
ILAB = ilab_goods_from_rows(csv.DictReader(io.StringIO(ILAB_EXCERPT)))

# The shipped list as production reads it: the reference loader's parser, then the converter
# ``labor.lists_in_force`` applies to loaded rows.
ENTITIES = tuple(uflpa_entity_of(row) for row in unsaved_rows("uflpa_entities"))


def assess(
    *,
    terms: tuple[str, ...] = (),
    hs: str = "9999999999",
    origin: str = "CN",
    province: str | None = "44",
    parties: tuple[tuple[str, str], ...] = (),
    review: float | None = 70.0,
) -> LaborRiskAssessment:
    return labor_risk(
        good_terms=terms,
        hs_code=hs,
        origin_country=origin,
        origin_province_code=province,
        party_names=parties,
        ilab_goods=ILAB,
        uflpa_entities=ENTITIES,
        high_priority_sectors=DEFAULT_HIGH_PRIORITY_SECTORS,
        match_threshold=DEFAULT_THRESHOLD,
        review_threshold=review,
    )


def codes(result: LaborRiskAssessment) -> list[tuple[str, str, str]]:
    return [(r.level.value, r.code, r.list_date) for r in result.reasons]


def test_parsing_the_research_rows() -> None:
    goods = {(g.country_code, g.good, g.list_edition): g for g in ILAB}

    assert len(ILAB) == 14  # 5 goods from the ";" row; "(total)" and "(various)" skipped
    assert goods[("CN", "Tomato products", "2020")] == IlabGood(
        country_code="CN",
        good="Tomato products",
        child_labor=None,
        forced_labor=True,
        list_edition="2020",
        list_date="2020",
        source="S131",
    )
    assert goods[("CN", "Cotton", "2022")].list_date == "2022-09-28"
    assert goods[("TH", "Shrimp", "2024")].removed is True
    assert goods[("VN", "Garments", "2018")].forced_labor is None


@pytest.mark.skipif(not REFERENCE_ILAB.exists(), reason="reference copy not in the tree")
def test_the_normalised_reference_copy_parses_to_the_same_goods() -> None:
    with REFERENCE_ILAB.open(encoding="utf-8", newline="") as handle:
        reference = ilab_goods_from_rows(csv.DictReader(handle))

    cotton = [g for g in reference if (g.country_code, g.good) == ("CN", "Cotton")]
    assert [(g.child_labor, g.forced_labor, g.list_date) for g in cotton] == [
        (True, True, "2022-09-28")
    ]
    assert any(g.removed and g.good == "Shrimp" for g in reference)


def test_cotton_shirt_from_guangdong_is_high_with_every_reason_cited() -> None:
    result = assess(terms=("Men's cotton shirt",), hs="6205200020")

    assert result.level is RiskLevel.HIGH
    assert codes(result) == [
        ("high", "ilab_forced_labor", "2022-09-28"),  # Cotton (material word)
        ("high", "ilab_forced_labor", "2022-09-28"),  # Garments (head noun "shirt")
        ("elevated", "ilab_child_labor", "2022-09-28"),  # Cotton
        ("elevated", "uflpa_high_priority_sector", "2022"),  # Apparel (HS 62)
    ]
    assert [r.evidence for r in result.reasons[:2]] == [
        "good term \"Men's cotton shirt\" matches ILAB good 'Cotton' (CN)",
        "good term \"Men's cotton shirt\" matches ILAB good 'Garments' (CN)",
    ]
    assert {r.list_name for r in result.reasons} == {ILAB_LIST, UFLPA_SECTORS_LIST}
    assert result.reasons[3].evidence == "HS 6205200020 starts with 62"


@pytest.mark.parametrize(
    ("term", "goods"),
    [
        ("nitrile gloves", ["Gloves"]),  # head noun
        ("cotton tote bag", ["Cotton"]),  # material word anywhere
        ("tomato ketchup", ["Tomato products"]),
        ("nail polish", []),  # "nail" is not the head noun
        ("hair dryer", []),
        ("fish tank", []),
    ],
)
def test_good_terms_match_by_head_noun_or_material(term: str, goods: list[str]) -> None:
    result = assess(terms=(term,))

    found = sorted(
        {r.evidence.split("ILAB good ")[1].split(" (")[0].strip("'") for r in result.reasons}
    )
    assert found == goods


def test_latest_edition_is_cited_when_a_good_is_listed_several_times() -> None:
    result = assess(terms=("textiles",))

    assert codes(result) == [
        ("high", "ilab_forced_labor", "2022-09-28"),
        ("elevated", "ilab_child_labor", "2022-09-28"),
    ]


@pytest.mark.parametrize("province", ["65", "650100", "6501"])
def test_made_in_xinjiang_is_blocked(province: str) -> None:
    result = assess(terms=("garments",), province=province)

    assert result.level is RiskLevel.BLOCKED
    assert result.blocked
    first = result.reasons[0]
    assert (first.code, first.list_name, first.list_date) == (
        "uflpa_xinjiang_origin",
        UFLPA_PRESUMPTION,
        "2022-06-21",
    )
    assert first.evidence == f"origin CN, province code {province}"


def test_province_code_65_counts_only_for_china() -> None:
    assert assess(origin="VN", province="65").level is RiskLevel.NONE
    assert assess(province="44").level is RiskLevel.NONE
    assert assess(province=None).level is RiskLevel.NONE


@pytest.mark.parametrize(
    ("name", "listed", "list_date"),
    [
        (
            "Xinjiang Zhongtai Chemical Co Ltd",
            "Xinjiang Zhongtai Chemical Co., Ltd.",
            "2023-06 (FR notice 2023-06-12)",
        ),
        (
            "新疆中泰化学股份有限公司",
            "Xinjiang Zhongtai Chemical Co., Ltd.",
            "2023-06 (FR notice 2023-06-12)",
        ),
        (
            "Hesheng Silicon Industry (Shanshan) Co., Ltd.",
            "Hoshine Silicon Industry (Shanshan) Co., Ltd and subsidiaries",
            "2022-06-21",
        ),
        ("XPCC", "Xinjiang Production and Construction Corps (XPCC)", "2022-06-21"),
        ("Tianjin Sanhe Fruit & Vegetable Co Ltd", "Tianjin Tianwei Food Co., Ltd.", "2024-11-25"),
    ],
)
def test_listed_entity_blocks_with_entity_score_and_list_date(
    name: str, listed: str, list_date: str
) -> None:
    result = assess(
        terms=("widgets",), parties=(("supplier", "Acme Trading"), ("manufacturer", name))
    )

    assert result.level is RiskLevel.BLOCKED
    match = next(r for r in result.reasons if r.code == "uflpa_entity_match")
    assert (match.list_name, match.list_date) == (UFLPA_ENTITY_LIST, list_date)
    assert match.score is not None
    assert match.score >= DEFAULT_THRESHOLD
    assert f"(entity {listed!r}" in match.evidence
    assert match.evidence.startswith(f"manufacturer {name!r} ~ ")
    assert not any(r.code == "party_in_xinjiang" for r in result.reasons)


def test_a_different_xinjiang_company_is_not_blocked_but_flagged() -> None:
    result = assess(parties=(("manufacturer", "Xinjiang Tianye Co., Ltd."),))

    assert result.level is RiskLevel.HIGH
    assert codes(result) == [("high", "party_in_xinjiang", "2022-06-21")]
    assert (
        result.reasons[0].evidence == "manufacturer 'Xinjiang Tianye Co., Ltd.' contains xinjiang"
    )


def test_a_near_match_is_held_for_review_and_a_weaker_one_is_high() -> None:
    # Issue 9: 81-85 (here 85.0) holds the listing for a person (BLOCKED until decided).
    result = assess(parties=(("supplier", "JA Solar Technology Co., Ltd."),))
    no_review = assess(parties=(("supplier", "JA Solar Technology Co., Ltd."),), review=None)

    assert result.level is RiskLevel.BLOCKED
    (reason,) = result.reasons
    assert (reason.code, reason.score, reason.list_date) == (
        "uflpa_entity_near_match",
        85.0,
        "2025-01-15",
    )
    assert reason.evidence == (
        "supplier 'JA Solar Technology Co., Ltd.' ~ 'Donghai JA Solar Technology Co., Ltd.' "
        "(near match)"
    )
    assert no_review.level is RiskLevel.NONE
    # below the near band (70-80): a possible match, HIGH, the listing stays on sale
    weaker = assess(parties=(("supplier", "Hami Gold Mine Co., Ltd."),))
    assert weaker.level is RiskLevel.HIGH
    assert "uflpa_entity_possible_match" in [r.code for r in weaker.reasons]


def test_listed_without_labor_type_is_elevated() -> None:
    garments_vn = assess(terms=("garments",), origin="VN", province=None, hs="6109100012")
    caustic = assess(terms=("caustic soda",), hs="2815120000")
    jujubes = assess(terms=("red dates",))

    assert codes(garments_vn) == [
        ("elevated", "ilab_listed", "2018"),
        ("elevated", "uflpa_high_priority_sector", "2022"),
    ]
    assert codes(caustic) == [
        ("elevated", "ilab_listed", "2024"),
        ("elevated", "uflpa_high_priority_sector", "2025-08"),
    ]
    assert codes(jujubes) == [("elevated", "ilab_listed", "2024")]


def test_a_good_removed_from_the_list_is_no_longer_a_signal() -> None:
    shrimp = assess(terms=("shrimp",), origin="TH", province=None, hs="0306170020")

    assert codes(shrimp) == [("elevated", "uflpa_high_priority_sector", "2024-07-09")]
    assert shrimp.reasons[0].message.startswith(
        "HS 0306170020 is in the UFLPA high-priority sector 'Seafood'"
    )


def test_a_laptop_from_china_is_high_through_electronics() -> None:
    result = assess(terms=("laptop",), hs="8471300100")

    assert codes(result) == [
        ("high", "ilab_forced_labor", "2022-09-28"),
        ("elevated", "ilab_child_labor", "2022-09-28"),
    ]


def test_nothing_found_is_none_with_no_reasons() -> None:
    result = assess(
        terms=("ceramic mug",), hs="6912004810", parties=(("supplier", "Jingdezhen Pottery Co"),)
    )

    assert result == LaborRiskAssessment(level=RiskLevel.NONE, reasons=())


def test_custom_sectors_and_province_code_are_used() -> None:
    sectors = (Sector(hs_prefix="9503", name="Toys (test)", source="test", designated="2030"),)
    result = labor_risk(
        good_terms=(),
        hs_code="9503.00.0073",
        origin_country="CN",
        origin_province_code="99",
        party_names=(),
        ilab_goods=(),
        uflpa_entities=(),
        high_priority_sectors=sectors,
        xinjiang_province_code="99",
        match_threshold=DEFAULT_THRESHOLD,
    )

    assert codes(result) == [
        ("blocked", "uflpa_xinjiang_origin", "2022-06-21"),
        ("elevated", "uflpa_high_priority_sector", "2030"),
    ]


# ------------------------------------------------------------------ properties

TERMS = st.lists(
    st.sampled_from(
        ["cotton", "garments", "laptop", "gloves", "shrimp", "tomato paste", "mug", "yarn"]
    ),
    max_size=3,
)
HS = st.sampled_from(
    ["6205200020", "8471300100", "0702000000", "7604100000", "9503000073", "2815110000"]
)
PARTIES = st.lists(
    st.tuples(
        st.sampled_from(["manufacturer", "supplier"]),
        st.sampled_from(
            [
                "Xinjiang Zhongtai Chemical Co Ltd",
                "Xinjiang Tianye Co Ltd",
                "JA Solar Technology Co Ltd",
                "Acme Trading",
                "Ninestar Corp",
                "",
            ]
        ),
    ),
    max_size=3,
)


@settings(max_examples=150, deadline=None)
@given(
    terms=TERMS,
    hs=HS,
    origin=st.sampled_from(["CN", "VN", "TH"]),
    province=st.sampled_from([None, "44", "65", "650100"]),
    parties=PARTIES,
)
def test_level_is_the_highest_reason_and_every_reason_is_cited(
    terms: list[str], hs: str, origin: str, province: str | None, parties: list[tuple[str, str]]
) -> None:
    result = assess(
        terms=tuple(terms), hs=hs, origin=origin, province=province, parties=tuple(parties)
    )

    expected = max((r.level.rank for r in result.reasons), default=0)
    assert result.level.rank == expected
    assert (result.level is RiskLevel.NONE) == (not result.reasons)
    for reason in result.reasons:
        assert reason.list_name
        assert reason.list_date
        assert reason.message
        assert reason.evidence
    ranks = [r.level.rank for r in result.reasons]
    assert ranks == sorted(ranks, reverse=True)
    # adding Xinjiang as the place of production never lowers the level
    xinjiang = assess(terms=tuple(terms), hs=hs, origin="CN", province="65", parties=tuple(parties))
    assert xinjiang.level is RiskLevel.BLOCKED
