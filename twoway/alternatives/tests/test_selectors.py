from decimal import Decimal

import pytest

from twoway.alternatives.selectors import alternatives_for, trade_impact_for
from twoway.alternatives.services import candidates_refresh
from twoway.catalog.models import Currency
from twoway.catalog.tests.factories import CnImportProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shirts(us_product, maker):
    made = {
        "ozark": us_product(maker("IL", legal_name="Ozark Mills LLC"),
                            title_en="Ozark cotton shirt, long sleeve", title_zh="纯棉长袖衬衫",
                            price="34.00"),
        "vase": us_product(maker("IA"), title_en="Ceramic flower vase", hs="620590"),
        "dress": us_product(maker("NY"), title_en="Cotton summer dress", hs="620442"),
        "linen": us_product(maker("CA"), title_en="Linen shirt", hs="620590", price="80.00"),
        # never shown: not attested, or not sold in the US
        "plain": us_product(maker("IA", attested=False), title_en="Men's cotton shirt, long sleeve"),
        "export": us_product(title_en="Men's cotton shirt, long sleeve", market_us_domestic=False),
    }  # fmt: skip
    candidates_refresh()
    return made


def test_the_similar_same_heading_us_product_comes_first_with_its_reason(
    shirts, cotton_shirt_import
):
    alts = alternatives_for(product=cotton_shirt_import, buyer_state="IA", k=5)
    # The vase (same heading, but 38% name similarity) and the dress (chapter 62 only) rank
    # but fall below the relevance floor: a shirt buyer is not offered a vase.
    assert [a.product_id for a in alts] == [shirts["ozark"].id, shirts["linen"].id]
    assert [a.similarity for a in alts] == [100, 62]
    assert alts[1].score == 0.4425
    first = alts[0]
    assert (first.title_en, first.seller_name, first.state_code, first.state_name) == (
        "Ozark cotton shirt, long sleeve", "Ozark Mills LLC", "IL", "Illinois",
    )  # fmt: skip
    assert first.price_usd == Decimal("34.00")
    assert first.price_difference_usd == Decimal("4.00")
    assert first.similarity == 100
    assert first.distance_km == 391
    assert first.match == "subheading"
    assert first.reason == "Same product heading 6205; similar name 100%; 390 km from you; $4 more"


def test_non_attested_and_non_domestic_products_never_appear(shirts, cotton_shirt_import):
    shown = {
        a.product_id for a in alternatives_for(product=cotton_shirt_import, buyer_state=None, k=50)
    }
    assert shirts["plain"].id not in shown
    assert shirts["export"].id not in shown
    assert cotton_shirt_import.id not in shown


def test_chinese_only_import_matches_by_jieba_tokens(shirts):
    product = CnImportProductFactory(
        title_en="", title_zh="长袖纯棉衬衫", hs_code="620520", us_hts_line="6205202016",
        unit_price=Decimal("200.00"), currency=Currency.CNY,
    )  # fmt: skip
    alts = alternatives_for(product=product, buyer_state=None, k=1)
    assert [a.product_id for a in alts] == [shirts["ozark"].id]
    assert alts[0].breakdown.similarity_zh == 100
    assert alts[0].price_difference_usd is None  # priced in CNY: price does not count
    assert alts[0].reason == "Same product heading 6205; similar name 100%"


def test_at_most_three_queries(shirts, cotton_shirt_import, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        alts = alternatives_for(product=cotton_shirt_import, buyer_state="NY", k=5)
    assert len(alts) == 2  # the two shirts; the vase and the dress are below the floor
    with django_assert_max_num_queries(3):
        assert len(alternatives_for(product=cotton_shirt_import, buyer_state="NY", k=1)) == 1


def test_no_alternative_below_the_relevance_floor(shirts, us_product, maker):
    """A wooden puzzle is no alternative to Christmas ornaments, though both are chapter 95."""
    from twoway.alternatives.rules.ranking import is_relevant

    assert is_relevant("chapter", 33) is False
    assert is_relevant("heading", 45) is True
    assert is_relevant("subheading", 34) is False


def test_nothing_in_the_heading_or_chapter_gives_no_alternatives(shirts):
    lamp = CnImportProductFactory()
    assert alternatives_for(product=lamp, buyer_state="IA", k=5) == []


def test_trade_impact_cites_the_latest_ita_ratio(reference_data, shirts, cotton_shirt_import):
    alt = alternatives_for(product=cotton_shirt_import, buyer_state="IA", k=1)[0]
    impact = trade_impact_for(import_value_usd=Decimal("30.00"), alternative=alt)
    assert impact.deficit_text == "Adds $30.00 to the US–China goods deficit"
    assert impact.kept_text == "$34.00 stays in Illinois with the US-made alternative"
    assert impact.jobs.jobs == Decimal("0.0001394")  # 34 × 4,100 / 1e9
    assert (impact.jobs.ratio.year, impact.jobs.ratio.jobs_per_usd_bn) == (2022, 4100)
    assert impact.jobs.ratio.basis == "total"
    assert impact.jobs.ratio.source.startswith("S57")
    assert "indicative figure only" in impact.jobs.caveat
    alone = trade_impact_for(import_value_usd=Decimal("30.00"), alternative=None)
    assert (alone.deficit_added_usd, alone.jobs, alone.kept_in_state_usd) == (
        Decimal("30.00"), None, None,
    )  # fmt: skip
