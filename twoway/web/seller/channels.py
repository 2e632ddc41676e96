"""Which listing fields and live checks each channel uses (a policy object, not if-chains).

US sellers list US-made goods for buyers in China (CBEC export) and/or in the US; Chinese sellers
list goods for buyers in the US (import). The editor, its form and its checks ask the channel.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ListingChannel:
    code: str  # "export" | "import"
    fields: frozenset[str]
    required: frozenset[str]
    #: set by the channel, never by the seller
    fixed: dict = field(default_factory=dict)
    #: the language the seller writes in; the draft button writes the other one
    source_language: str = "en"
    checks: tuple[str, ...] = ()


_COMMON = frozenset(
    {
        "sku",
        "title_en",
        "title_zh",
        "description_en",
        "description_zh",
        "text_is_draft",
        "text_confirmed",
        "hs_code",
        "unit_price",
        "weight_kg",
        "length_cm",
        "width_cm",
        "height_cm",
        "stock_on_hand",
        "variant_size",
        "variant_colour",
        "variant_size_zh",
        "variant_colour_zh",
        "status",
    }
)

EXPORT = ListingChannel(
    code="export",
    fields=_COMMON
    | {
        "cn_tariff_line",
        "origin_us_state",
        "market_cn_export",
        "market_us_domestic",
        "made_in_usa_attested",
    },
    required=frozenset({"title_en", "origin_us_state"}),
    fixed={"origin_country": "US", "currency": "USD"},
    source_language="en",
    checks=("eligibility", "cbec_tax", "landed_price"),
)

IMPORT = ListingChannel(
    code="import",
    fields=_COMMON
    | {
        "us_hts_line",
        "origin_cn_province",
        "manufacturer",
        "raw_material_suppliers",
    },
    required=frozenset(
        {
            "title_zh",
            "us_hts_line",
            "origin_cn_province",
            "manufacturer",
            "raw_material_suppliers",
        }
    ),
    fixed={"origin_country": "CN", "currency": "USD", "market_us_import": True},
    source_language="zh",
    checks=("labor_risk", "us_landed_cost"),
)


def channel_for(business) -> ListingChannel:
    return IMPORT if business.country == "CN" else EXPORT
