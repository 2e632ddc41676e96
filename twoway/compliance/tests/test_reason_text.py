"""Labor-risk reasons read in Chinese: every message and every piece of evidence the rule writes has
a Chinese sentence, the English reader gets the sentence as written, an unknown message passes
through."""

from __future__ import annotations

import html

import pytest
from django.utils import translation
from django.utils.html import strip_tags

from twoway.compliance.reason_text import labor_evidence_html, labor_reason_text
from twoway.compliance.rules import labor_risk as rule
from twoway.compliance.rules.name_match import UflpaEntity

ENTITY = UflpaEntity(name="Xinjiang Example Cotton Group", aliases=())
GARMENTS = rule.IlabGood(
    good="Garments",
    country_code="CN",
    child_labor=False,
    forced_labor=True,
    list_date="2022-09-28",
    list_edition="2022",
    removed=False,
    source="S1",
)


def _reasons() -> tuple[rule.RiskReason, ...]:
    """One reason of each kind, as the pure rule writes them."""
    return rule.labor_risk(
        good_terms=["Men's cotton shirt", "shirt"],
        origin_country="CN",
        origin_province_code="65",
        hs_code="620520",
        party_names=[
            ("manufacturer", "Xinjiang Example Cotton Group"),
            ("supplier", "Kashgar Weaving Co."),
        ],
        ilab_goods=[GARMENTS],
        uflpa_entities=[ENTITY],
        high_priority_sectors=rule.DEFAULT_HIGH_PRIORITY_SECTORS,
        match_threshold=86.0,
    ).reasons


def _messages() -> list[str]:
    return [r.message for r in _reasons()]


def test_every_reason_reads_in_chinese_and_english_is_unchanged():
    messages = _messages()
    assert len(messages) >= 4
    with translation.override("zh-hans"):
        chinese = [labor_reason_text(m) for m in messages]
    for english, text in zip(messages, chinese, strict=True):
        assert text != english, english
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text), text
    assert any("新疆维吾尔自治区" in text for text in chinese)
    assert any("生产商" in text or "制造商" in text for text in chinese)
    assert any("原产于中国的 Garments" in text for text in chinese)
    with translation.override("en"):
        for message in messages:
            assert labor_reason_text(message) == message.replace(" from CN ", " from China ")


@pytest.mark.parametrize("message", ["", "A regulator's own note."])
def test_unknown_text_passes_through(message):
    with translation.override("zh-hans"):
        assert labor_reason_text(message) == message


def test_every_piece_of_evidence_reads_in_chinese_and_english_is_unchanged():
    evidence = [r.evidence for r in _reasons() if r.evidence]
    assert len(evidence) >= 4
    with translation.override("zh-hans"):
        chinese = [labor_evidence_html(e) for e in evidence]
    for english, text in zip(evidence, chinese, strict=True):
        words = html.unescape(strip_tags(text))
        assert words != english, english
        assert any("\u4e00" <= ch <= "\u9fff" for ch in words), words
    assert "HS 620520 以 62 开头" in chinese
    assert any(
        '商品词 <span lang="en">&quot;Men&#x27;s cotton shirt&quot;</span>' in text
        for text in chinese
    )
    assert any("原产地 CN，省份代码 65" in text for text in chinese)
    with translation.override("en"):
        for english in evidence:
            assert html.unescape(strip_tags(labor_evidence_html(english))) == english


def test_quoted_names_in_evidence_are_escaped():
    with translation.override("zh-hans"):
        text = labor_evidence_html("manufacturer '<b>Acme</b>' ~ 'ACME'")
    assert "<b>" not in text
    assert text.startswith("制造商 ")
    assert (
        labor_evidence_html("<i>unknown</i>") == '<span lang="en">&lt;i&gt;unknown&lt;/i&gt;</span>'
    )
