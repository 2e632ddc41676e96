"""What each listing rule's code says to a person, in their language (``rules/listing.py``).

Kept apart from the pure rules so a problem stored as (field, code, params) — e.g. in an import
job's error list — renders in whichever language the reader uses.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "hs_unknown": _("%(code)s is not a 6-digit subheading of the HS nomenclature."),
    "cn_line_format": _("China's tariff line has 8 digits and starts with the HS code."),
    "hts_line_format": _("A US HTS line has 10 digits and starts with the HS code."),
    "stock_negative": _("Stock on hand cannot be negative."),
    "title_zh_required_for_china": _("A product sold to China needs a Chinese title."),
    "cn_line_required_for_china": _("A product sold to China needs its 8-digit China tariff line."),
    "variant_zh_required_for_china:variant_size_zh": _(
        "A variant sold to China needs its size in Chinese (buyers there do not read “%(value)s”)."
    ),
    "variant_zh_required_for_china:variant_colour_zh": _(
        "A variant sold to China needs its colour in Chinese (buyers there do not read "
        "“%(value)s”)."
    ),
    "import_needs_foreign_origin": _("US-made goods are not imports."),
    "hts_line_required_for_import": _("An import to the US needs its 10-digit HTS line."),
    "origin_region_mismatch": _("The region of origin does not belong to the country of origin."),
    "origin_region_mismatch:origin_cn_province": _(
        "US-origin goods have no Chinese province of origin."
    ),
    "origin_region_mismatch:origin_us_state": _("Chinese-origin goods have no US state of origin."),
    "origin_state_required": _("US-origin goods need their state of origin."),
    "origin_province_required": _("Chinese-origin goods need their province of origin."),
    "required": _("This column is required."),
    "not_a_number": _("%(value)s is not a number."),
    "not_a_whole_number": _("%(value)s is not a whole number."),
    "too_many_places": _("At most %(places)s decimal places."),
    "too_large": _("At most %(digits)s digits before the decimal point."),
    "min_value": _("At least %(min)s."),
    "max_length": _("At most %(max)s characters (this has %(length)s)."),
    "control_character": _(
        "Contains an invisible control character (U+%(code)04X); remove it and type the text again."
    ),
    "invalid_choice": _("%(value)s is not one of the allowed values."),
    "region_unknown": _("Unknown code %(code)s."),
    "market_unknown": _("%(value)s is not a market (cn_export, us_domestic, us_import)."),
    "status_locked": _(
        "A suspended or blocked product is released by an operator or regulator only."
    ),
    "status_not_allowed": _("Sellers set a product to draft or active only."),
    "business_not_verified": _("Products go on sale once the business is verified."),
    "sku_duplicate": _("SKU %(sku)s appears again in row %(first_row)s of this file."),
    "sku_unknown": _("No product of yours has SKU %(sku)s."),
    "nothing_to_update": _("Give a price or a stock figure to update."),
    "sku_taken": _("This business already has a product with this SKU."),
}


def message_for(code: str, params: Mapping[str, object] | None = None, field: str = "") -> str:
    """The message of ``code`` in the active language (the code itself if it has none)."""
    template = MESSAGES.get(f"{code}:{field}") or MESSAGES.get(code)
    if template is None:
        return code
    text = str(template)
    try:
        return text % dict(params or {}) if params else text
    except (KeyError, TypeError, ValueError):
        return text
