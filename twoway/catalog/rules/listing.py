"""The listing rules, pure: one row of listing values in, every problem out (field, code, params).

One set of rules for every way a listing is written: ``Product.clean`` (the form, the API's
``product_create``/``product_update``) runs ``cross_field_problems``; the bulk import runs
``row_validate`` (field-level parsing like ``full_clean``'s, then the same cross-field rules) on
raw spreadsheet cells. Reference data (HS subheadings, regions) comes in as arguments — sets the
caller loads once per file — so 100,000 rows never query per row. Messages live on the Django side
(``twoway.catalog.messages``) keyed by the code, so a stored problem renders in either language.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

SKU_MAX = 40
TITLE_EN_MAX = 200
TITLE_ZH_MAX = 120
VARIANT_MAX = 60  # variant_size, variant_colour and their Chinese columns
MANUFACTURER_MAX = 200
MAX_STOCK = 2_147_483_647  # stock_on_hand is a 32-bit integer column on every database
PRICE_MAX_DIGITS = 14  # settings.MONEY_MAX_DIGITS / MONEY_DECIMAL_PLACES
PRICE_PLACES = 2
WEIGHT_MAX_DIGITS = 9
WEIGHT_PLACES = 3
CURRENCIES = frozenset({"USD", "CNY"})
COUNTRIES = frozenset({"US", "CN"})
SELLER_STATUSES = frozenset({"draft", "active"})
MARKETS = {
    "cn_export": "market_cn_export",
    "us_domestic": "market_us_domestic",
    "us_import": "market_us_import",
}
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029"
)
_TRUE = frozenset({"1", "true", "yes", "y", "x", "是", "对", "✓"})
_FALSE = frozenset({"", "0", "false", "no", "n", "否"})


@dataclass(frozen=True)
class Problem:
    field: str
    code: str
    params: Mapping[str, object] = dataclasses.field(default_factory=dict)


def compact_code(code: str) -> str:
    """Sellers type "0901.11" or "0901 11 00": the digits only."""
    return (code or "").replace(".", "").replace(" ", "").strip()


def national_line_extends(line: str, hs6: str, length: int) -> bool:
    line = compact_code(line)
    return (
        len(line) == length
        and line.isascii()
        and line.isdigit()
        and line.startswith(compact_code(hs6))
    )


# Unicode category Cc is exactly U+0000-U+001F and U+007F-U+009F.
_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f" + "".join(sorted(BIDI_CONTROLS)) + "]")
_FORBIDDEN_MULTILINE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" + "".join(sorted(BIDI_CONTROLS)) + "]"
)


def forbidden_character(value: str, *, multiline: bool = False) -> str | None:
    """The first control or bidi character of ``value`` (as twoway.core.text refuses), or None."""
    found = (_FORBIDDEN_MULTILINE if multiline else _FORBIDDEN).search(value)
    return found.group() if found else None


#: Latin words a Chinese buyer reads as they are: metric units and garment size codes.
_LATIN_READ_AS_IS = frozenset({"g", "kg", "mg", "ml", "l", "cm", "mm", "m"})
_SIZE_CODE = re.compile(r"^(?:x{0,3}s|m|x{0,4}l|[2-5]xl)$", re.IGNORECASE)
_LATIN_WORD = re.compile(r"[A-Za-z]+")


def needs_chinese(text: str) -> bool:
    """Whether a size or colour has Latin words a Chinese buyer may not read ("Orange", "8 oz",
    "Family size"), as opposed to numbers, metric units and size codes ("454 g", "XL", "38")."""
    return any(
        w.lower() not in _LATIN_READ_AS_IS and not _SIZE_CODE.match(w)
        for w in _LATIN_WORD.findall(text or "")
    )


def variant_problems(
    *,
    market_cn_export: bool,
    variant_size: str,
    variant_colour: str,
    variant_size_zh: str,
    variant_colour_zh: str,
) -> list[Problem]:
    """A variant sold to China names its size and colour in Chinese when they have Latin words
    (buyers there choose "橙色", not "Orange")."""
    problems: list[Problem] = []
    if not market_cn_export:
        return problems
    for field, value, zh in (
        ("variant_size_zh", variant_size, variant_size_zh),
        ("variant_colour_zh", variant_colour, variant_colour_zh),
    ):
        if needs_chinese(value) and not (zh or "").strip():
            problems.append(Problem(field, "variant_zh_required_for_china", {"value": value}))
    return problems


def cross_field_problems(  # noqa: C901 — one check per listing rule, in the order the form shows them
    *,
    hs_code: str,
    cn_tariff_line: str,
    us_hts_line: str,
    stock_on_hand: int | None,
    market_cn_export: bool,
    market_us_import: bool,
    title_zh: str,
    origin_country: str,
    origin_us_state: str | None,
    origin_cn_province: str | None,
    is_subheading: Callable[[str], bool],
    variant_size: str = "",
    variant_colour: str = "",
    variant_size_zh: str = "",
    variant_colour_zh: str = "",
) -> list[Problem]:
    """The rules between fields of one listing (what ``Product.clean`` enforces)."""
    problems: list[Problem] = []
    add = problems.append
    if not is_subheading(hs_code):
        add(Problem("hs_code", "hs_unknown", {"code": hs_code or "''"}))
    if cn_tariff_line and not national_line_extends(cn_tariff_line, hs_code, 8):
        add(Problem("cn_tariff_line", "cn_line_format"))
    if us_hts_line and not national_line_extends(us_hts_line, hs_code, 10):
        add(Problem("us_hts_line", "hts_line_format"))
    if stock_on_hand is not None and stock_on_hand < 0:
        add(Problem("stock_on_hand", "stock_negative"))
    if market_cn_export:
        if not (title_zh or "").strip():
            add(Problem("title_zh", "title_zh_required_for_china"))
        if not cn_tariff_line:
            add(Problem("cn_tariff_line", "cn_line_required_for_china"))
        problems.extend(
            variant_problems(
                market_cn_export=market_cn_export,
                variant_size=variant_size,
                variant_colour=variant_colour,
                variant_size_zh=variant_size_zh,
                variant_colour_zh=variant_colour_zh,
            )
        )
    if market_us_import:
        if origin_country == "US":
            add(Problem("market_us_import", "import_needs_foreign_origin"))
        if not us_hts_line:
            add(Problem("us_hts_line", "hts_line_required_for_import"))
    if origin_country == "US" and origin_cn_province:
        add(Problem("origin_cn_province", "origin_region_mismatch"))
    if origin_country == "CN" and origin_us_state:
        add(Problem("origin_us_state", "origin_region_mismatch"))
    if origin_country == "US" and not origin_us_state:
        add(Problem("origin_us_state", "origin_state_required"))
    if origin_country == "CN" and not origin_cn_province:
        add(Problem("origin_cn_province", "origin_province_required"))
    return problems


# --- one spreadsheet row ------------------------------------------------------------------------


@dataclass(frozen=True)
class RowDefaults:
    """What a row leaves out comes from the seller's business."""

    origin_country: str
    currency: str
    region: str | None  # the business's US state or Chinese province


@dataclass(frozen=True)
class RowReference:
    """Reference data for a whole file, loaded once by the caller."""

    hs_subheadings: Collection[str]
    us_states: Collection[str]
    cn_provinces: Collection[str]
    business_verified: bool


#: Clean values of a row → (Chinese title, Chinese description), generated (``rules.zh_draft``).
ZhDrafter = Callable[[Mapping[str, object]], tuple[str, str]]
#: A size or colour → its Chinese draft (``rules.zh_draft.draft_variant_zh``).
VariantDrafter = Callable[[str], str]


@dataclass
class RowResult:
    values: dict[str, object]
    problems: list[Problem]


def _decimal(
    raw: str, name: str, digits: int, places: int, minimum: Decimal, problems: list[Problem]
) -> Decimal | None:
    text = raw.replace(",", "").replace("¥", "").replace("$", "").strip()
    if not text:
        problems.append(Problem(name, "required"))
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        problems.append(Problem(name, "not_a_number", {"value": raw}))
        return None
    if not value.is_finite():
        problems.append(Problem(name, "not_a_number", {"value": raw}))
        return None
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        problems.append(Problem(name, "too_many_places", {"places": places}))
        return None
    if value.adjusted() + 1 > digits - places:
        problems.append(Problem(name, "too_large", {"digits": digits - places}))
        return None
    if value < minimum:
        problems.append(Problem(name, "min_value", {"min": str(minimum)}))
        return None
    return value


def _int(raw: str, name: str, problems: list[Problem]) -> int | None:
    text = raw.replace(",", "").strip()
    if text.endswith(".0"):  # spreadsheets write whole numbers as 12.0
        text = text[:-2]
    if not text.lstrip("-").isdigit() or not text.isascii():
        problems.append(Problem(name, "not_a_whole_number", {"value": raw}))
        return None
    value = int(text)
    if value < 0:
        problems.append(Problem(name, "stock_negative"))
        return None
    if value > MAX_STOCK:
        problems.append(Problem(name, "too_large", {"digits": len(str(MAX_STOCK))}))
        return None
    return value


def _text(
    raw: str, name: str, max_length: int | None, problems: list[Problem], *, multiline: bool = False
) -> str:
    if not raw:
        return ""
    char = forbidden_character(raw, multiline=multiline)
    if char is not None:
        problems.append(Problem(name, "control_character", {"code": ord(char)}))
        return ""
    text = raw.strip()
    if max_length is not None and len(text) > max_length:
        problems.append(Problem(name, "max_length", {"max": max_length, "length": len(text)}))
    return text


def parse_markets(raw: str) -> tuple[dict[str, bool], list[str]]:
    """``cn_export, us_domestic`` → the three market flags; unknown words returned apart."""
    flags, unknown = _markets(raw)
    return dict(flags), list(unknown)


@lru_cache(maxsize=256)  # a file repeats a handful of market lists
def _markets(raw: str) -> tuple[tuple[tuple[str, bool], ...], tuple[str, ...]]:
    flags = dict.fromkeys(MARKETS.values(), False)
    unknown = []
    for word in raw.replace("，", ",").replace(";", ",").replace(" ", ",").split(","):
        word = word.strip().lower()
        if not word:
            continue
        if word in MARKETS:
            flags[MARKETS[word]] = True
        else:
            unknown.append(word)
    return tuple(flags.items()), tuple(unknown)


def parse_bool(raw: str) -> bool | None:
    text = raw.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def stock_row_validate(cells: Mapping[str, str]) -> RowResult:
    """A daily stock & price row: sku plus unit_price and/or stock_on_hand (nothing else)."""
    problems: list[Problem] = []
    values: dict[str, object] = {}
    sku = _text(cells.get("sku", ""), "sku", SKU_MAX, problems)
    if not sku:
        problems.append(Problem("sku", "required"))
    values["sku"] = sku
    if cells.get("unit_price", "").strip():
        values["unit_price"] = _decimal(
            cells["unit_price"],
            "unit_price",
            PRICE_MAX_DIGITS,
            PRICE_PLACES,
            Decimal("0.01"),
            problems,
        )
    if cells.get("stock_on_hand", "").strip():
        values["stock_on_hand"] = _int(cells["stock_on_hand"], "stock_on_hand", problems)
    if "unit_price" not in values and "stock_on_hand" not in values and sku:
        problems.append(Problem("unit_price", "nothing_to_update"))
    return RowResult(values, problems)


def row_validate(  # noqa: C901 - one block per column, each naming its column
    cells: Mapping[str, str],
    *,
    defaults: RowDefaults,
    reference: RowReference,
    existing_status: str | None = None,
    zh_draft: ZhDrafter | None = None,
    existing_zh_draft: bool = False,
    variant_draft: VariantDrafter | None = None,
) -> RowResult:
    """One listing row (raw cell text by column key) → clean values and every problem.

    ``existing_status``: the status of the product this SKU already is (an update), or None.
    ``zh_draft``: writes the Chinese title and description of a row sold to China that has no
    Chinese title (from the row's clean values); such a row is a *draft*: ``zh_is_draft`` is set
    and it stays (or becomes) a draft listing until the seller confirms the text, as in the
    listing editor. ``existing_zh_draft``: the product's Chinese text is an unconfirmed draft the
    row keeps (the file has no Chinese title column), so the row stays a draft too.
    ``variant_draft``: the same for a size or colour with Latin words and no Chinese cell.
    """
    problems: list[Problem] = []
    v: dict[str, object] = {}
    v["sku"] = sku = _text(cells.get("sku", ""), "sku", SKU_MAX, problems)
    if not sku:
        problems.append(Problem("sku", "required"))
    v["title_en"] = _text(cells.get("title_en", ""), "title_en", TITLE_EN_MAX, problems)
    if not v["title_en"]:
        problems.append(Problem("title_en", "required"))
    v["title_zh"] = _text(cells.get("title_zh", ""), "title_zh", TITLE_ZH_MAX, problems)
    v["description_en"] = _text(
        cells.get("description_en", ""), "description_en", None, problems, multiline=True
    )
    v["description_zh"] = _text(
        cells.get("description_zh", ""), "description_zh", None, problems, multiline=True
    )
    v["manufacturer"] = _text(
        cells.get("manufacturer", ""), "manufacturer", MANUFACTURER_MAX, problems
    )
    suppliers = _text(
        cells.get("raw_material_suppliers", ""),
        "raw_material_suppliers",
        None,
        problems,
        multiline=True,
    )
    v["raw_material_suppliers"] = "\n".join(
        s.strip() for s in suppliers.replace("；", ";").replace("\n", ";").split(";") if s.strip()
    )
    for name in ("variant_size", "variant_colour", "variant_size_zh", "variant_colour_zh"):
        v[name] = _text(cells.get(name, ""), name, VARIANT_MAX, problems)
    hs_code = compact_code(_text(cells.get("hs_code", ""), "hs_code", None, problems))
    cn_line = compact_code(_text(cells.get("cn_tariff_line", ""), "cn_tariff_line", None, problems))
    us_line = compact_code(_text(cells.get("us_hts_line", ""), "us_hts_line", None, problems))
    v["hs_code"], v["cn_tariff_line"], v["us_hts_line"] = hs_code, cn_line, us_line
    if len(cn_line) > 8:
        problems.append(Problem("cn_tariff_line", "cn_line_format"))
    if len(us_line) > 10:
        problems.append(Problem("us_hts_line", "hts_line_format"))

    country = cells.get("origin_country", "").strip().upper() or defaults.origin_country
    if country not in COUNTRIES:
        problems.append(Problem("origin_country", "invalid_choice", {"value": country}))
    v["origin_country"] = country
    region_raw = cells.get("origin_region", "").strip().upper()
    region = region_raw or (defaults.region if country == defaults.origin_country else None)
    state = province = None
    if country == "US" and region:
        if region in reference.us_states:
            state = region
        else:
            problems.append(Problem("origin_region", "region_unknown", {"code": region}))
    elif country == "CN" and region:
        if region in reference.cn_provinces:
            province = region
        else:
            problems.append(Problem("origin_region", "region_unknown", {"code": region}))
    v["origin_us_state_id"], v["origin_cn_province_id"] = state, province

    v["unit_price"] = _decimal(
        cells.get("unit_price", ""),
        "unit_price",
        PRICE_MAX_DIGITS,
        PRICE_PLACES,
        Decimal("0.01"),
        problems,
    )
    currency = cells.get("currency", "").strip().upper() or defaults.currency
    if currency not in CURRENCIES:
        problems.append(Problem("currency", "invalid_choice", {"value": currency}))
    v["currency"] = currency
    v["weight_kg"] = _decimal(
        cells.get("weight_kg", ""),
        "weight_kg",
        WEIGHT_MAX_DIGITS,
        WEIGHT_PLACES,
        Decimal("0.001"),
        problems,
    )
    stock_raw = cells.get("stock_on_hand", "")
    v["stock_on_hand"] = _int(stock_raw, "stock_on_hand", problems) if stock_raw.strip() else None

    flags, unknown = parse_markets(cells.get("markets", ""))
    for word in unknown:
        problems.append(Problem("markets", "market_unknown", {"value": word}))
    v.update(flags)

    status = cells.get("status", "").strip().lower()
    if existing_status in ("suspended", "blocked"):
        if status and status != existing_status:
            problems.append(Problem("status", "status_locked"))
        status = existing_status
    elif not status:
        status = existing_status or "draft"
    elif status not in SELLER_STATUSES:
        problems.append(Problem("status", "status_not_allowed"))
    elif status == "active" and not reference.business_verified:
        problems.append(Problem("status", "business_not_verified"))
    drafted = False
    if flags["market_cn_export"] and not v["title_zh"] and zh_draft is not None and v["title_en"]:
        title_zh, description_zh = zh_draft(v)
        if title_zh.strip():
            v["title_zh"] = title_zh.strip()[:TITLE_ZH_MAX]
            v["description_zh"] = v["description_zh"] or description_zh
            drafted = True
    if flags["market_cn_export"] and variant_draft is not None:
        for name in ("variant_size", "variant_colour"):
            value = str(v[name])
            if needs_chinese(value) and not v[f"{name}_zh"]:
                zh = variant_draft(value).strip()[:VARIANT_MAX]
                if zh:
                    v[f"{name}_zh"] = zh
                    drafted = True
    v["zh_is_draft"] = drafted or existing_zh_draft
    if v["zh_is_draft"] and status == "active":
        status = "draft"  # generated text goes on sale only once the seller confirms it
    v["status"] = status

    problems.extend(
        Problem("origin_region", p.code, p.params)
        if p.field in ("origin_us_state", "origin_cn_province")
        else p
        for p in cross_field_problems(
            hs_code=hs_code,
            cn_tariff_line=cn_line,
            us_hts_line=us_line,
            stock_on_hand=None,  # checked above
            market_cn_export=bool(flags["market_cn_export"]),
            market_us_import=bool(flags["market_us_import"]),
            title_zh=str(v["title_zh"]),
            origin_country=country,
            origin_us_state=state,
            origin_cn_province=province,
            is_subheading=reference.hs_subheadings.__contains__,
            variant_size=str(v["variant_size"]),
            variant_colour=str(v["variant_colour"]),
            variant_size_zh=str(v["variant_size_zh"]),
            variant_colour_zh=str(v["variant_colour_zh"]),
        )
        if not (
            p.field in ("origin_us_state", "origin_cn_province")
            and any(q.field == "origin_region" for q in problems)
        )
    )
    return RowResult(v, problems)
