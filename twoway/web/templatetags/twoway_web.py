"""Template filters that pick the active language's text of a row."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from twoway.compliance.reason_text import labor_evidence_html, labor_reason_text
from twoway.reference import labels

register = template.Library()


@register.filter
def l10n_title(product) -> str:
    if labels.is_chinese() and product.title_zh:
        return product.title_zh
    return product.title_en


@register.filter
def other_title(product) -> str:
    """The title in the other language, if it differs (shown small under the main one)."""
    other = product.title_en if labels.is_chinese() else product.title_zh
    return other if other and other != l10n_title(product) else ""


@register.filter
def l10n_description(product) -> str:
    if labels.is_chinese() and product.description_zh:
        return product.description_zh
    return product.description_en


@register.filter
def seller_name(business) -> str:
    if labels.is_chinese() and business.display_name_zh:
        return business.display_name_zh
    return business.legal_name


@register.filter
def origin_name(product) -> str:
    if product.origin_us_state_id and product.origin_us_state:
        state = product.origin_us_state
        return labels.state_name(state.code, state.name)
    if product.origin_cn_province_id and product.origin_cn_province:
        province = product.origin_cn_province
        return province.name_zh if labels.is_chinese() else province.name_en
    return product.get_origin_country_display()


@register.filter
def state_label(state) -> str:
    """A UsState row's name in the active language."""
    return labels.state_name(state.code, state.name) if state else ""


@register.simple_tag
def path_without_lang(request) -> str:
    """The current path and query string minus ``lang``: where the language switch returns."""
    params = [(k, v) for k, values in request.GET.lists() if k != "lang" for v in values]
    return request.path + ("?" + urlencode(params) if params else "")


@register.filter
def lookup(mapping, key):
    """``mapping[key]`` in a template (empty when absent)."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


@register.filter
def title_lang(product) -> str:
    """The language of the title ``l10n_title`` shows (an English original on a Chinese page is
    marked ``lang="en"``, as it is a name, not text to translate)."""
    return "zh-Hans" if labels.is_chinese() and product.title_zh else "en"


@register.filter
def line_title(line) -> str:
    """An order line's title in the reader's language when the seller gave one."""
    if labels.is_chinese() and getattr(line, "title_zh", None):
        return line.title_zh
    return line.title


@register.filter
def text_lang(text: str) -> str:
    """ "zh-Hans" for text with Chinese characters, else "en" (for lang attributes on names)."""
    return "zh-Hans" if any("\u4e00" <= ch <= "\u9fff" for ch in (text or "")) else "en"


@register.filter
def l10n_size(product) -> str:
    """A variant's size in the reader's language (the seller's own when no Chinese one)."""
    return product.size_zh if labels.is_chinese() else product.variant_size


@register.filter
def l10n_colour(product) -> str:
    return product.colour_zh if labels.is_chinese() else product.variant_colour


@register.filter
def l10n_option(option) -> str:
    """A variant selector option's label in the reader's language."""
    return (option.label_zh or option.label) if labels.is_chinese() else option.label


@register.filter
def card_colours(card) -> str:
    """A variant group card's colours in the reader's language ("白色 · 橙色"), up to five;
    "" for a card with fewer than two colours."""
    chinese = labels.is_chinese()
    names: dict[str, str] = {}
    for v in card.options:
        if v.variant_colour and v.variant_colour not in names:
            names[v.variant_colour] = v.colour_zh if chinese else v.variant_colour
    shown = list(dict.fromkeys(names.values()))
    return " · ".join(shown[:5]) + (" …" if len(shown) > 5 else "") if len(shown) > 1 else ""


def variant_text(row) -> str:
    """The variant of a product or an order line ("454 g · Orange"; "454 g · 橙色" to a Chinese
    reader, the English one where no Chinese was given or snapshotted)."""
    label = getattr(row, "variant_label", "") or ""
    if labels.is_chinese():
        return getattr(row, "variant_label_zh", "") or label
    return label


@register.filter
def line_variant(line) -> SafeString | str:
    """The variant an order line (or a return line's order line, or a cart line's product) was
    bought in, as the cart showed it ("454 g · Orange", "454 g · 橙色" in Chinese): a tag after
    the title, nothing for a product without one, marked with its language."""
    label = variant_text(line)
    if not label:
        return ""
    return format_html(
        ' <span class="line-variant" data-testid="line-variant" lang="{}">{}</span>',
        text_lang(label),
        label,
    )


@register.filter
def labor_reason(message: str) -> str:
    """A labor-risk reason in the page's language (the rule writes it in English)."""
    return labor_reason_text(message)


@register.filter
def labor_evidence(evidence: str) -> str:
    """A labor-risk reason's evidence in the page's language (what it quotes kept as written)."""
    return labor_evidence_html(evidence)


@register.filter
def as_written(name: str) -> str:
    """A name or title kept as its source spells it (English), marked up so for the reader."""
    return format_html('<span lang="en">{}</span>', name or "")
