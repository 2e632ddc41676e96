"""The analyzer, as a buyer would notice it: the forms a query can take reach the same terms."""

from __future__ import annotations

from twoway.search.documents import analyzer
from twoway.search.rules.analyze import fold, pinyin_of, pinyin_readings
from twoway.search.rules.demand import demand_rose


def test_folding_makes_traditional_simplified_and_full_width_half_width():
    assert fold("楓糖漿") == "枫糖浆"
    assert fold("花旗參 禮盒") == "花旗参 礼盒"
    assert fold("ＭＡＰＬＥ Syrup") == "maple syrup"


def test_pinyin_full_and_initials_with_other_readings_of_polyphones():
    assert pinyin_of("枫糖浆") == ("fengtangjiang", "ftj")
    readings = pinyin_readings("花旗参")
    assert ("huaqishen", "hqs") in readings


def test_a_product_is_indexed_in_both_scripts_with_pinyin_and_glossary_aliases():
    doc = analyzer().document(title_en="Pure Maple Syrup", title_zh="纯枫糖浆", hs_code="170220")
    assert {"枫糖浆", "枫糖", "糖浆"} <= set(doc.zh_title.split())
    assert "fengtangjiang" in doc.py.split()
    assert "ftj" in doc.py_init.split()
    assert {"mapl", "syrup"} <= set(doc.en_title.split())
    # An English-only title gets the Chinese names of the goods it names (西洋参 finds it).
    ginseng = analyzer().document(
        title_en="Wisconsin American Ginseng Root", title_zh="", hs_code="121120"
    )
    assert "西洋参" in ginseng.zh_alias.split()


def test_a_query_plan_has_one_required_group_per_word_and_a_pinyin_run():
    plan = analyzer().query("feng tang jiang")
    assert plan.language == "en"
    assert [g.word for g in plan.groups] == ["feng", "tang", "jiang"]
    assert any(v.term == "fengtangjiang" for v in plan.alternatives)
    zh = analyzer().query("楓糖漿")
    assert zh.language == "zh"
    assert zh.groups[0].word == "枫糖浆"


def test_typos_are_tolerated_only_in_english_words_of_five_letters_or_more():
    fuzzy = {g.word: any(v.fuzzy for v in g.variants) for g in analyzer().query("tea sirup").groups}
    assert fuzzy == {"tea": False, "sirup": True}


def test_demand_rises_when_a_week_has_at_least_five_searches_and_half_again_the_week_before():
    assert demand_rose(previous=0, current=5)
    assert demand_rose(previous=4, current=6)
    assert not demand_rose(previous=0, current=4)
    assert not demand_rose(previous=10, current=14)


def test_the_catalogue_glossary_is_read_once_for_the_catalogue_and_search(monkeypatch):
    from pathlib import Path

    from twoway.catalog.selectors import glossary_terms
    from twoway.reference import glossary

    opened = []
    real_open = Path.open

    def counting_open(self, *args, **kwargs):
        if self == glossary.GLOSSARY_FILE:
            opened.append(self)
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", counting_open)
    for cached in (glossary.glossary_rows, glossary_terms, analyzer):
        cached.cache_clear()
    try:
        assert any(t.zh == "西洋参" for t in glossary_terms())  # the listing editor's terms
        assert "西洋参" in analyzer().glossary.en_to_zh["american ginseng"]  # search's
        assert len(opened) == 1
    finally:
        for cached in (glossary.glossary_rows, glossary_terms, analyzer):
            cached.cache_clear()
