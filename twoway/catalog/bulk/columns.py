"""The columns of a catalogue import file: key, label in both languages, what goes in, an example.

A header cell may be the key (``hs_code``), the English or the Chinese label; both templates
read back. Row numbers are the spreadsheet's own (the header is row 1).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Column:
    key: str
    label_en: str
    label_zh: str
    note: object  # lazy translated text
    example: str
    required: bool = False


LISTING_COLUMNS: tuple[Column, ...] = (
    Column(
        "sku",
        "SKU",
        "SKU",
        _(
            "Your own product code, unique in your catalogue (at most 40 "
            "characters). A SKU you already have updates that product."
        ),
        "MAPLE-500",
        True,
    ),
    Column(
        "title_en",
        "Title (English)",
        "英文标题",
        _("Product name in English (at most 200 characters)."),
        "Pure maple syrup 500 ml",
        True,
    ),
    Column(
        "title_zh",
        "Title (Chinese)",
        "中文标题",
        _(
            "Product name in Chinese (at most 120 characters). Empty for a product sold to "
            "China: Twoway writes a Chinese draft, and the listing stays a draft until you "
            "confirm it."
        ),
        "纯枫糖浆 500毫升",
    ),
    Column(
        "description_en",
        "Description (English)",
        "英文描述",
        _("Optional."),
        "Grade A amber maple syrup from Vermont sugarbushes.",
    ),
    Column(
        "description_zh",
        "Description (Chinese)",
        "中文描述",
        _("Optional."),
        "来自佛蒙特州的A级琥珀色枫糖浆。",
    ),
    Column(
        "hs_code",
        "HS code",
        "HS编码",
        _("6-digit subheading of the HS nomenclature (dots and spaces are ignored)."),
        "1702.20",
        True,
    ),
    Column(
        "cn_tariff_line",
        "China tariff line",
        "中国税则号列",
        _("8 digits starting with the HS code; required to sell to China."),
        "17022000",
    ),
    Column(
        "us_hts_line",
        "US HTS line",
        "美国HTS税号",
        _("10 digits starting with the HS code; required to import to the US."),
        "",
    ),
    Column(
        "origin_country",
        "Country of origin",
        "原产国",
        _("US or CN; empty: your business's country."),
        "US",
    ),
    Column(
        "origin_region",
        "State or province",
        "原产州/省",
        _("US state (e.g. VT) or Chinese province code (e.g. 44); empty: your business's."),
        "VT",
    ),
    Column(
        "unit_price",
        "Unit price",
        "单价",
        _("Above zero, at most 2 decimal places."),
        "18.50",
        True,
    ),
    Column("currency", "Currency", "币种", _("USD or CNY; empty: your business's."), "USD"),
    Column(
        "weight_kg",
        "Weight (kg)",
        "重量（千克）",
        _("Shipping weight of one unit, at most 3 decimal places."),
        "0.750",
        True,
    ),
    Column(
        "stock_on_hand",
        "Stock",
        "库存",
        _(
            "Units on hand (a whole number); for an existing "
            "SKU the change is recorded as a stock adjustment."
        ),
        "120",
    ),
    Column(
        "markets",
        "Markets",
        "销售市场",
        _("Comma-separated: cn_export (China, CBEC), us_domestic, us_import."),
        "cn_export, us_domestic",
    ),
    Column(
        "status",
        "Status",
        "状态",
        _(
            "draft or active (active once your business is "
            "verified); empty: draft for a new product."
        ),
        "draft",
    ),
    Column("manufacturer", "Manufacturer", "制造商", _("Required for imports to the US."), ""),
    Column(
        "raw_material_suppliers",
        "Raw-material suppliers",
        "原材料供应商",
        _("Supplier names separated by semicolons."),
        "",
    ),
    Column(
        "variant_size",
        "Size",
        "尺寸",
        _("A variant's size (at most 60 characters); empty for a product without sizes."),
        "500 ml",
    ),
    Column(
        "variant_colour",
        "Colour",
        "颜色",
        _("A variant's colour (at most 60 characters); empty for a product without colours."),
        "Amber",
    ),
    Column(
        "variant_size_zh",
        "Size (Chinese)",
        "尺寸(中文)",
        _(
            "The size in Chinese. Needed for a product sold to China whose size has words "
            "(8 oz, Family size); numbers, metric units and sizes such as XL need nothing. "
            "Empty: Twoway writes a Chinese draft, and the listing stays a draft until you "
            "confirm it."
        ),
        "",
    ),
    Column(
        "variant_colour_zh",
        "Colour (Chinese)",
        "颜色(中文)",
        _(
            "The colour in Chinese, needed for a product sold to China (Orange: 橙色). Empty: "
            "Twoway writes a Chinese draft, and the listing stays a draft until you confirm it."
        ),
        "琥珀色",
    ),
)

STOCK_COLUMNS: tuple[Column, ...] = (
    Column("sku", "SKU", "SKU", _("The SKU of a product you already have."), "MAPLE-500", True),
    Column("unit_price", "Unit price", "单价", _("New price; empty: unchanged."), "18.50"),
    Column(
        "stock_on_hand",
        "Stock",
        "库存",
        _("Units on hand now; empty: unchanged. The change is recorded as a stock adjustment."),
        "95",
    ),
)


def columns_for(mode: str) -> tuple[Column, ...]:
    return STOCK_COLUMNS if mode == "stock" else LISTING_COLUMNS


def _norm(text: str) -> str:
    return " ".join(str(text).replace("\ufeff", "").strip().lower().split())


def header_index(mode: str) -> dict[str, str]:
    """Normalised header text → column key (key, English label, Chinese label)."""
    index: dict[str, str] = {}
    for column in LISTING_COLUMNS:
        for name in (column.key, column.label_en, column.label_zh):
            index[_norm(name)] = column.key
    return index


def column_label(key: str, language: str) -> str:
    for column in LISTING_COLUMNS:
        if column.key == key:
            return column.label_zh if language.startswith("zh") else column.label_en
    return key


def map_header(cells: list[str], mode: str) -> tuple[list[str | None], list[str]]:
    """The key of each header cell (None: empty) and the cells that name no column."""
    index = header_index(mode)
    keys: list[str | None] = []
    unknown: list[str] = []
    for cell in cells:
        text = _norm(cell or "")
        if not text:
            keys.append(None)
        elif text in index:
            keys.append(index[text])
        else:
            keys.append(None)
            unknown.append(str(cell).strip())
    return keys, unknown
