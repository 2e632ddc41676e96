"""The listing editor's pure parts: the Chinese draft, the HS search and the line proposals."""

from __future__ import annotations

from decimal import Decimal

from twoway.catalog.rules.hs_search import Nomen, hs_search, propose_lines
from twoway.catalog.rules.zh_draft import (
    Attributes,
    Memory,
    Term,
    draft_en,
    draft_zh,
    terms_from_rows,
)

TERMS = [
    Term("wisconsin", "威斯康星州", "place"),
    Term("american ginseng", "西洋参", "product", "121120"),
    Term("ginseng", "人参", "product", "121120"),
    Term("organic", "有机", "attribute"),
    Term("maple syrup", "枫糖浆", "product", "1702"),
    Term("honey", "蜂蜜", "product", "040900"),
]
NOMEN = [
    Nomen("12", "Oil seeds and oleaginous fruits", 2),
    Nomen("1211", "Plants and parts of plants, used primarily in perfumery, pharmacy", 4),
    Nomen("121120", "Ginseng roots, of a kind used primarily in pharmacy", 6),
    Nomen("1702", "Other sugars, including maple sugar and maple syrup", 4),
    Nomen("170220", "Sugars; maple sugar and maple syrup", 6),
    Nomen("170290", "Sugars; other, including invert sugar", 6),
    Nomen("0409", "Natural honey", 4),
    Nomen("040900", "Honey; natural", 6),
    Nomen("040610", "Dairy produce; fresh cheese", 6),
]


def test_title_maps_phrases_longest_first_and_converts_ounces_to_grams():
    draft = draft_zh(title_en="Wisconsin American Ginseng, 4 oz", terms=TERMS)
    assert draft.title == "威斯康星州西洋参，113克"
    assert draft.untranslated == ()
    assert draft.terms_used == (("Wisconsin", "威斯康星州"), ("American Ginseng", "西洋参"))
    assert draft.sources == ("glossary",)


def test_unknown_words_stay_as_written_and_are_listed_once():
    draft = draft_zh(title_en="Acme Acme organic honey", terms=TERMS)
    assert draft.title == "Acme Acme 有机蜂蜜"
    assert draft.untranslated == ("Acme",)


def test_the_sellers_earlier_title_is_reused_for_the_longest_shared_beginning():
    memory = [
        Memory("G-1", "Prairie Farm Ginseng", "草原农场人参"),
        Memory("G-2", "Prairie Farm", "草原农场"),
    ]
    draft = draft_zh(title_en="Prairie Farm Ginseng, 1 lb", terms=TERMS, memory=memory)
    assert draft.title == "草原农场人参 454克"
    assert draft.sources == ("G-1",)


def test_description_is_built_from_attributes_and_known_keywords():
    draft = draft_zh(
        title_en="American ginseng",
        description_en="Organic roots, organic farm.",
        terms=TERMS,
        attributes=Attributes(
            origin_zh="威斯康星州", maker_zh="草原农场", size="4 oz", weight_kg=Decimal("0.180")
        ),
    )
    assert draft.description == (
        "西洋参。产地：美国威斯康星州。生产商：草原农场。规格：113克。毛重约0.18千克。特点：有机。"
    )
    assert draft.title == "西洋参"  # the size is the variant's label, not the shared title


def test_english_draft_from_chinese_maps_segmented_words():
    draft = draft_en(
        title_zh="有机蜂蜜礼盒", terms=TERMS, segment=lambda text: ["有机", "蜂蜜", "礼盒"]
    )
    assert draft.title == "Organic honey 礼盒"
    assert draft.untranslated == ("礼盒",)


def test_glossary_rows_are_cleaned_like_the_search_glossary():
    terms = terms_from_rows(
        [
            {
                "term_en": "maple sugar / maple syrup",
                "term_zh": "枫糖（浆）",
                "hs6": "1702",
                "kind": "product",
            },
            {
                "term_en": "American ginseng (trade name)",
                "term_zh": "花旗参",
                "hs6": "121120",
                "kind": "product",
            },
        ]
    )
    assert [(t.en, t.zh, t.hs) for t in terms] == [
        ("maple sugar", "枫糖", "1702"),
        ("maple syrup", "枫糖", "1702"),
        ("american ginseng", "花旗参", "121120"),
    ]


def test_hs_search_in_chinese_goes_through_the_glossary():
    hits = hs_search("枫糖浆", entries=NOMEN, terms=TERMS)
    assert hits[0].code == "170220"
    assert hits[0].via == "枫糖浆 = maple syrup"


def test_hs_search_in_english_finds_glossary_and_description_words():
    hits = hs_search("ginseng", entries=NOMEN, terms=TERMS)
    assert [h.code for h in hits] == ["121120"]
    honey = hs_search("honeys", entries=NOMEN, terms=TERMS)
    assert honey[0].code == "040900"


def test_hs_search_by_digits_and_nothing_for_nonsense():
    assert [h.code for h in hs_search("0409", entries=NOMEN, terms=TERMS)] == ["040900"]
    assert hs_search("qqqq", entries=NOMEN, terms=TERMS) == []
    assert hs_search("  ", entries=NOMEN, terms=TERMS) == []


def test_line_proposals_rank_listed_then_used_then_named():
    proposals = propose_lines(
        "121120",
        length=8,
        listed=[("12112099", "Other ginseng"), ("12119000", "not this subheading")],
        used=[("12112011", 3), ("12112099", 1), ("1211201", 9)],
    )
    assert [(p.line, p.why) for p in proposals] == [
        ("12112099", "positive_list"),
        ("12112011", "used:3"),
    ]
    us = propose_lines("620520", length=10, named=["6205202066", "62052020"])
    assert [(p.line, p.why) for p in us] == [("6205202066", "tariff_measure")]
    assert propose_lines("12", length=8) == []
