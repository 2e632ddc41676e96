"""The registry of reference datasets: file → model, natural key, row parser, completeness.

Adding a dataset is adding one ``Dataset`` entry here; ``services`` does the loading. Row parsers
check every cell (via ``csvparse.Row``) and return the model's field values. Cross-row checks
(duplicate keys, overlapping periods) run over the parsed rows before anything is written.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import models

from twoway.core.errors import DomainError

from .csvparse import YES_NO_NOT_STATED, Row, cell_error
from .models import (
    CarrierTrackingFormat,
    CbecLimits,
    CbecTaxCategory,
    CensusRegion,
    ChinaProvince,
    DatasetCompleteness,
    EeiRuleSet,
    ExchangeRate,
    FreightRate,
    IlabGood,
    JobsRatio,
    MfnRate,
    PlatformFee,
    PositiveListEntry,
    PositiveListStatus,
    ReturnPolicy,
    StateExportToChina,
    TariffMeasure,
    UflpaEntity,
    UsChinaTradeYear,
    UsState,
)

DATA_DIR = Path(__file__).resolve().parent / "data"

# GB/T 2260: the first digit of a province-level code is its region (1 North … 6 Northwest).
GB2260_REGIONS = {
    "1": "North",
    "2": "Northeast",
    "3": "East",
    "4": "South Central",
    "5": "Southwest",
    "6": "Northwest",
}


@dataclass
class ParseContext:
    """What a row parser may need besides the row: rows already in force in other datasets."""

    state_regions: dict[str, str] = field(default_factory=dict)
    official: bool = False  # an operator's official file (twoway loadlist), not the repo's file
    file_name: str = ""
    today: dt.date | None = None


@dataclass
class ParsedRow:
    line: int
    key: tuple
    values: dict[str, Any]


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    path: str  # relative to DATA_DIR
    model: type[models.Model]
    key: tuple[str, ...]
    parse: Callable[[Row, ParseContext], dict[str, Any] | None]  # None: a row to skip
    required: tuple[str, ...] = ()
    one_of: tuple[tuple[str, ...], ...] = ()
    completeness: str = DatasetCompleteness.COMPLETE
    official_size: int | None = None
    completeness_note: str = ""
    check: Callable[[str, Sequence[ParsedRow]], None] | None = None
    list_kind: str | None = None  # name used by `twoway loadlist`
    fallback_paths: tuple[str, ...] = ()  # used while ``path`` is not in the repo yet

    @property
    def shipped_paths(self) -> tuple[str, ...]:
        return (self.path, *self.fallback_paths)

    def shipped_file(self, data_dir: Path) -> Path:
        """The repo file to load: ``path``, or the first fallback that exists."""
        for relative in self.shipped_paths:
            if (data_dir / relative).exists():
                return data_dir / relative
        return data_dir / self.path


def sourced(row: Row, *, folder: str, ctx: ParseContext) -> dict[str, Any]:
    """source, confidence and notes of a row; ``source_ids`` tags point into the folder's SOURCES.md."""
    if row.has("source"):
        source = row.text("source")
    elif row.has("source_ids"):
        ids = row.text("source_ids")
        source = f"{ids} (see reference/data/{folder}/SOURCES.md)"
    else:
        source = f"official file {ctx.file_name}"
    confidence = row.confidence() if row.has("confidence") else "high"
    notes = row.raw("notes") if row.has("notes") else ""
    return {"source": source, "confidence": confidence, "notes": notes}


# ---------------------------------------------------------------- regions


def parse_state(row: Row, ctx: ParseContext) -> dict[str, Any]:
    code = row.text("state_code")
    if not re.fullmatch(r"[A-Z]{2}", code):
        raise row.error("state_code", "code", f"'{code}' is not a 2-letter USPS state code")
    notes = "; ".join(x for x in (row.raw("coord_type"), row.raw("notes")) if x)
    return {
        "code": code,
        "name": row.text("name", max_length=64),
        "region": row.choice("region", CensusRegion.values),
        "division": row.text("division", max_length=64),
        "capital": row.text("capital", required=False, max_length=64),
        "latitude": row.decimal(
            "lat", required=False, min_value=Decimal(-90), max_value=Decimal(90)
        ),
        "longitude": row.decimal(
            "lon", required=False, min_value=Decimal(-180), max_value=Decimal(180)
        ),
        **sourced(row, folder="us", ctx=ctx),
        "notes": notes,
    }


def parse_province(row: Row, ctx: ParseContext) -> dict[str, Any]:
    code = row.raw("gb2260_code")
    if not re.fullmatch(r"\d{2}", code):
        raise row.error("gb2260_code", "code", f"'{code}' is not a 2-digit GB/T 2260 code")
    region = GB2260_REGIONS.get(code[0])
    if region is None:
        raise row.error(
            "gb2260_code", "unknown_code", f"'{code}' is not a GB/T 2260 mainland province code"
        )
    region_text = row.text("region", max_length=32)
    if not region_text.startswith(region + " ") and region_text != region:
        raise row.error(
            "region", "region", f"'{region_text}' does not match code {code} (region {region})"
        )
    return {
        "code": code,
        "name_en": row.text("name_en", max_length=64),
        "name_zh": row.text("name_zh", max_length=32),
        "region": region_text,
        **sourced(row, folder="china", ctx=ctx),
    }


# ---------------------------------------------------------------- China CBEC


def parse_rate(row: Row, ctx: ParseContext) -> dict[str, Any]:
    date_from, date_to = row.period()
    if date_from is None:
        raise row.error("effective_from", "required", "a date (YYYY-MM-DD) is required")
    notes = "; ".join(x for x in (row.raw("basis"), row.raw("notes")) if x)
    return {
        "base_currency": _currency(row, "base_currency"),
        "quote_currency": _currency(row, "quote_currency"),
        "rate": row.decimal("rate", min_value=Decimal("0.000001")),
        "effective_from": date_from,
        "effective_to": date_to,
        **sourced(row, folder="us", ctx=ctx),
        "notes": notes,
    }


def _currency(row: Row, column: str) -> str:
    value = row.text(column)
    if not re.fullmatch(r"[A-Z]{3}", value):
        raise row.error(column, "currency", f"'{value}' is not an ISO 4217 currency code")
    return value


def parse_limits(row: Row, ctx: ParseContext) -> dict[str, Any]:
    date_from, date_to = row.period()
    if date_from is None:
        raise row.error("effective_from", "required", "a date (YYYY-MM-DD) is required")
    return {
        "per_transaction_cny": row.decimal("per_transaction_cny", min_value=Decimal(0)),
        "annual_cny": row.decimal("annual_cny", min_value=Decimal(0)),
        "within_limit_factor": row.decimal(
            "within_limit_factor", percent=True, min_value=Decimal(0), max_value=Decimal(1)
        ),
        "effective_from": date_from,
        "effective_to": date_to,
        **sourced(row, folder="china", ctx=ctx),
    }


def parse_return_policy(row: Row, ctx: ParseContext) -> dict[str, Any]:
    date_from, date_to = row.period()
    if date_from is None:
        raise row.error("effective_from", "required", "a date (YYYY-MM-DD) is required")
    yes_no = {"yes": True, "no": False}
    return {
        "direction": row.choice("direction", ("us_export", "us_import")),
        "window_days": row.integer("window_days", min_value=0),
        "window_starts": row.choice("window_starts", ("customs_release", "delivery")),
        "refunds_tax": row.flag("refunds_tax", yes_no),
        "refunds_freight": row.flag("refunds_freight", yes_no),
        "restores_quota": row.flag("restores_quota", yes_no),
        "effective_from": date_from,
        "effective_to": date_to,
        **sourced(row, folder="platform", ctx=ctx),
    }


CHECKSUMS = ("none", "mod10", "mod7", "mod11_10", "s10")


def parse_carrier_format(row: Row, ctx: ParseContext) -> dict[str, Any]:
    date_from, date_to = row.period()
    if date_from is None:
        raise row.error("effective_from", "required", "a date (YYYY-MM-DD) is required")
    pattern = row.text("pattern", max_length=200)
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise row.error("pattern", "regex", f"not a regular expression: {exc}") from None
    checksum = row.choice("checksum", CHECKSUMS)
    if checksum != "none" and not {"serial", "check"} <= set(compiled.groupindex):
        raise row.error(
            "pattern", "groups", "a pattern with a check digit names (?P<serial>) and (?P<check>)"
        )
    weightings = row.text("weightings", required=False, max_length=80)
    if weightings and not re.fullmatch(r"\d+( \d+)*", weightings):
        raise row.error("weightings", "format", "space-separated whole numbers")
    if checksum == "mod11_10" and not weightings:
        raise row.error("weightings", "required", "mod11_10 needs weightings")
    example = row.text("example", max_length=40)
    if not compiled.fullmatch(example):
        raise row.error("example", "pattern", f"'{example}' does not match the pattern")
    return {
        "carrier": row.text("carrier", max_length=24),
        "carrier_name_en": row.text("carrier_name_en", max_length=80),
        "carrier_name_zh": row.text("carrier_name_zh", max_length=40),
        "format_name": row.text("format_name", max_length=80),
        "pattern": pattern,
        "checksum": checksum,
        "evens_multiplier": row.integer("evens_multiplier", min_value=1)
        if row.raw("evens_multiplier")
        else 1,
        "odds_multiplier": row.integer("odds_multiplier", min_value=1)
        if row.raw("odds_multiplier")
        else 1,
        "weightings": weightings,
        "example": example,
        "effective_from": date_from,
        "effective_to": date_to,
        **sourced(row, folder="platform", ctx=ctx),
    }


def parse_platform_fee(row: Row, ctx: ParseContext) -> dict[str, Any]:
    date_from, date_to = row.period()
    if date_from is None:
        raise row.error("effective_from", "required", "a date (YYYY-MM-DD) is required")
    return {
        "direction": row.choice("direction", ("us_export", "us_import")),
        "rate": row.decimal("rate", percent=True, min_value=Decimal(0), max_value=Decimal(1)),
        "basis": row.text("basis", max_length=120),
        "effective_from": date_from,
        "effective_to": date_to,
        **sourced(row, folder="platform", ctx=ctx),
    }


def parse_category(row: Row, ctx: ParseContext) -> dict[str, Any]:
    code = row.text("code", max_length=48)
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", code):
        raise row.error("code", "slug", f"'{code}' is not a lower-case slug")
    date_from, date_to = row.period()
    if date_from is None:
        raise row.error("effective_from", "required", "a date (YYYY-MM-DD) is required")
    rate: dict[str, Any] = {"percent": True, "min_value": Decimal(0), "max_value": Decimal(1)}
    return {
        "code": code,
        "name_en": row.text("name_en", max_length=300),
        "name_zh": row.text("name_zh", required=False, max_length=120),
        "hs_prefixes": row.prefixes("hs_prefixes", min_len=4, max_len=10),
        "vat_rate": row.decimal("vat_rate", **rate),
        "consumption_tax_rate": row.decimal("consumption_tax_rate", **rate),
        "mfn_tariff_rate": row.decimal("mfn_tariff_rate", **rate),
        "effective_from": date_from,
        "effective_to": date_to,
        **sourced(row, folder="china", ctx=ctx),
    }


POSITIVE_CODE = ("hs_code_cn", "hs_code", "tariff_line", "税则号列", "商品编号", "税号")
POSITIVE_NAME_ZH = ("description_zh", "name_zh", "商品名称", "货品名称")
POSITIVE_NAME_EN = ("description_en", "name_en")
POSITIVE_REMARKS = ("remarks", "备注")


def parse_positive(row: Row, ctx: ParseContext) -> dict[str, Any]:
    code_col = row.pick(*POSITIVE_CODE) or POSITIVE_CODE[0]
    zh_col = row.pick(*POSITIVE_NAME_ZH) or POSITIVE_NAME_ZH[0]
    en_col = row.pick(*POSITIVE_NAME_EN)
    remarks_col = row.pick(*POSITIVE_REMARKS)
    code = row.digits(code_col, (8, 10), "China tariff line")
    name_zh = row.text(zh_col, required=ctx.official, max_length=200)
    name_en = row.text(en_col, required=False, max_length=400) if en_col else ""
    if not (name_zh or name_en):
        raise row.error(zh_col, "required", "a Chinese or English description is required")
    date_from, date_to = row.period() if row.has("effective_from") else (None, None)
    return {
        "hs_code_cn": code,
        "description_en": name_en,
        "description_zh": name_zh,
        "list_version": row.text("list_version", max_length=32)
        if row.has("list_version")
        else "official",
        "status": row.choice("status", PositiveListStatus.values, default="listed")
        if row.has("status")
        else PositiveListStatus.LISTED,
        "remarks": row.raw(remarks_col) if remarks_col else "",
        "effective_from": date_from,
        "effective_to": date_to,
        **sourced(row, folder="china", ctx=ctx),
    }


# ---------------------------------------------------------------- US trade and jobs


def parse_trade_year(row: Row, ctx: ParseContext) -> dict[str, Any]:
    return {
        "year": row.integer("year", min_value=1990),
        "months": _months(row),
        "exports_usd_m": row.decimal("exports_usd_m", min_value=Decimal(0)),
        "imports_usd_m": row.decimal("imports_usd_m", required=False, min_value=Decimal(0)),
        "balance_usd_m": row.decimal("balance_usd_m"),
        "basis": row.text("basis", max_length=200),
        **sourced(row, folder="us", ctx=ctx),
        "notes": "; ".join(x for x in (row.raw("vintage"), row.raw("notes")) if x),
    }


def _months(row: Row) -> int:
    months = row.integer("months")
    if months is None or not 1 <= months <= 12:
        raise row.error("months", "range", f"'{months}' is not between 1 and 12")
    return months


def parse_state_export(row: Row, ctx: ParseContext) -> dict[str, Any]:
    code = row.text("state_code")
    if code not in ctx.state_regions:
        raise row.error("state_code", "unknown_state", f"'{code}' is not a loaded US state code")
    region = row.raw("census_region")
    if region and region != ctx.state_regions[code]:
        raise row.error(
            "census_region",
            "region",
            f"'{region}' does not match {code}'s Census region {ctx.state_regions[code]}",
        )
    return {
        "state_id": code,
        "year": row.integer("year", min_value=1990),
        "goods_exports_usd_bn": row.decimal("goods_exports_to_china_usd_bn", min_value=Decimal(0)),
        "data_basis": row.text("data_basis", max_length=300),
        **sourced(row, folder="us", ctx=ctx),
    }


def parse_jobs(row: Row, ctx: ParseContext) -> dict[str, Any]:
    positive: dict[str, Any] = {"required": False, "min_value": Decimal(0)}
    # validated though not stored as columns: goods and services job counts
    row.decimal("goods_jobs_m", **positive)
    row.decimal("services_jobs_m", **positive)
    row.integer("jobs_per_usd_bn_services", required=False, min_value=0)
    return {
        "year": row.integer("year", min_value=1990),
        "total_jobs_m": row.decimal("total_jobs_m", **positive),
        "jobs_per_usd_bn_total": row.integer("jobs_per_usd_bn_total", required=False, min_value=0),
        "jobs_per_usd_bn_goods": row.integer("jobs_per_usd_bn_goods", required=False, min_value=0),
        "publication": row.text("publication", max_length=300),
        **sourced(row, folder="us", ctx=ctx),
    }


# ---------------------------------------------------------------- labor lists


ILAB_STATUS = ("listed", "removed")


def parse_ilab(row: Row, ctx: ParseContext) -> dict[str, Any]:
    date_from, date_to = row.period() if row.has("effective_from") else (None, None)
    return {
        "country": row.text("country", max_length=64),
        "good": row.text("good", max_length=120),
        "child_labor": row.flag("child_labor", YES_NO_NOT_STATED),
        "forced_labor": row.flag("forced_labor", YES_NO_NOT_STATED),
        "list_edition": row.text("list_edition", max_length=64),
        "status": row.choice("status", ILAB_STATUS, default="listed"),
        "effective_from": date_from,
        "effective_to": date_to,
        **sourced(row, folder="us", ctx=ctx),
    }


UFLPA_NAME = ("name", "entity", "entity_name", "Entity Name", "Entity")
UFLPA_ALIASES = ("aliases", "aliases_or_notes", "Aliases", "alias")
UFLPA_SECTION = ("list_section", "uflpa_list_section", "List", "list")
UFLPA_FROM = ("effective_from", "effective_date", "date_added", "Date Added")
UFLPA_BASIS = ("basis", "Basis", "reason")


def parse_uflpa(row: Row, ctx: ParseContext) -> dict[str, Any]:
    name_col = row.pick(*UFLPA_NAME) or UFLPA_NAME[0]
    from_col = row.pick(*UFLPA_FROM)
    date_from = row.date(from_col) if from_col else None
    date_to = row.date("effective_to") if row.has("effective_to") else None
    if date_from and date_to and date_to < date_from:
        raise row.error("effective_to", "period", f"'{date_to}' is before {date_from}")
    return {
        "name": row.text(name_col, max_length=300),
        "aliases": _optional(row, UFLPA_ALIASES),
        "list_section": _optional(row, UFLPA_SECTION)[:120],
        "basis": _optional(row, UFLPA_BASIS),
        "effective_from": date_from,
        "effective_to": date_to,
        **sourced(row, folder="us", ctx=ctx),
    }


def _optional(row: Row, columns: Sequence[str]) -> str:
    column = row.pick(*columns)
    return row.raw(column) if column else ""


# ---------------------------------------------------------------- US tariff measures

TARIFF_KINDS = (
    "mfn",
    "de_minimis",
    "section_301",
    "ieepa",
    "section_122",
    "section_232",
    "fee",
    "other",
)
#: Kinds the pricing engine charges: each row needs a rate or a per-item amount.
TARIFF_CHARGED_KINDS = ("section_301", "ieepa", "section_122", "section_232", "fee")
#: How a measure combines when its file has no ``stacks``/``yields_to`` column (or an empty
#: ``stacks`` cell): additional duties of one kind add up, except Section 301 rates (a review
#: rate replaces a list rate); Section 122 does not apply to goods under Section 232.
TARIFF_KIND_DEFAULTS: dict[str, tuple[bool, str]] = {
    "mfn": (True, ""),
    "de_minimis": (False, ""),
    "section_301": (False, ""),
    "ieepa": (True, ""),
    "section_122": (True, "section_232"),
    "section_232": (True, ""),
    "fee": (True, ""),
    "other": (False, ""),
}


def _yields_to(row: Row, kind: str) -> str:
    if not row.has("yields_to"):
        return TARIFF_KIND_DEFAULTS[kind][1]
    kinds = row.raw("yields_to").split()
    for name in kinds:
        if name not in TARIFF_KINDS:
            raise row.error(
                "yields_to", "choice", f"'{name}' is not one of {', '.join(TARIFF_KINDS)}"
            )
    return " ".join(kinds)


def parse_tariff(row: Row, ctx: ParseContext) -> dict[str, Any]:
    date_from, date_to = row.period()
    optional_money: dict[str, Any] = {"required": False, "min_value": Decimal(0)}
    origin = row.raw("origin_country")  # empty: every origin (e.g. MFN, the global de minimis)
    if origin and not re.fullmatch(r"[A-Z]{2}", origin):
        raise row.error("origin_country", "country", f"'{origin}' is not an ISO 3166 code")
    kind = row.choice("kind", TARIFF_KINDS)
    rate_percent = row.decimal("rate_percent", required=False, min_value=Decimal(0))
    per_item_usd = row.decimal("per_item_usd", **optional_money)
    if kind in TARIFF_CHARGED_KINDS and rate_percent is None and per_item_usd is None:
        raise row.error(
            "rate_percent", "required", f"a {kind} measure needs rate_percent or per_item_usd"
        )
    threshold_usd = row.decimal("threshold_usd", **optional_money)
    if kind == "de_minimis" and threshold_usd is None:
        raise row.error("threshold_usd", "required", "a de_minimis measure needs threshold_usd")
    min_usd = row.decimal("min_usd", **optional_money)
    max_usd = row.decimal("max_usd", **optional_money)
    if min_usd is not None and max_usd is not None and max_usd < min_usd:
        raise row.error("max_usd", "min_max", f"'{max_usd}' is below min_usd {min_usd}")
    if row.raw("stacks"):
        stacks = bool(row.flag("stacks", {"yes": True, "no": False, "true": True, "false": False}))
    else:
        stacks = TARIFF_KIND_DEFAULTS[kind][0]
    return {
        "measure_id": row.text("measure_id", max_length=40),
        "shared_measure_id": row.text("shared_measure_id", required=False, max_length=40),
        "label": row.text("label", max_length=300),
        "kind": kind,
        "legal_authority": row.text("legal_authority", required=False, max_length=200),
        "origin_country": origin,
        "rate_percent": rate_percent,
        "per_item_usd": per_item_usd,
        "threshold_usd": threshold_usd,
        "min_usd": min_usd,
        "max_usd": max_usd,
        "hts_prefixes": row.prefixes("hts_prefixes", min_len=2, max_len=10)
        if row.has("hts_prefixes")
        else "",
        "excluded_hts_prefixes": row.prefixes("excluded_hts_prefixes", min_len=2, max_len=10)
        if row.has("excluded_hts_prefixes")
        else "",
        "stacks": stacks,
        "yields_to": _yields_to(row, kind),
        "effective_from": date_from,
        "effective_to": date_to,
        **sourced(row, folder="us", ctx=ctx),
    }


# ---------------------------------------------------------------- freight, MFN, EEI


def parse_freight(row: Row, ctx: ParseContext) -> dict[str, Any]:
    lane = row.text("lane")
    if not re.fullmatch(r"[A-Z]{2}-[A-Z]{2}", lane):
        raise row.error("lane", "lane", f"'{lane}' is not an origin-destination pair like US-CN")
    date_from, date_to = row.period()
    if date_from is None:
        raise row.error("effective_from", "required", "a date (YYYY-MM-DD) is required")
    return {
        "lane": lane,
        "currency": _currency(row, "currency"),
        "base_per_shipment": row.decimal("base_per_shipment", min_value=Decimal(0)),
        "per_kg": row.decimal("per_kg", min_value=Decimal(0)),
        "effective_from": date_from,
        "effective_to": date_to,
        **sourced(row, folder="platform", ctx=ctx),
    }


MFN_CODE = ("hts_prefix", "HTS Number")
MFN_RATE = ("rate_percent", "General Rate of Duty")
MFN_DESCRIPTION = ("description", "Description")


def parse_mfn(row: Row, ctx: ParseContext) -> dict[str, Any] | None:
    """A row of the repo's file, or of the USITC HTS export (``HTS Number``, ``General Rate of
    Duty``): headings without a rate and specific or compound rates are skipped, never guessed."""
    code_col = row.pick(*MFN_CODE) or MFN_CODE[0]
    rate_col = row.pick(*MFN_RATE) or MFN_RATE[0]
    description_col = row.pick(*MFN_DESCRIPTION) or MFN_DESCRIPTION[0]
    if rate_col == "General Rate of Duty":  # the official schedule
        general = row.raw(rate_col).strip()
        code = row.raw(code_col).replace(".", "").strip()
        if not general or not code:
            return None
        if general.lower() == "free":
            rate = Decimal(0)
        elif re.fullmatch(r"\d+(\.\d+)?%", general):
            rate = Decimal(general[:-1])
        else:
            return None  # specific or compound rate: not an ad valorem percentage
        if not code.isdigit() or not 4 <= len(code) <= 10:
            raise row.error(code_col, "prefix", f"'{row.raw(code_col)}' is not an HTS number")
        return {
            "hts_prefix": code,
            "rate_percent": rate,
            "description": row.raw(description_col)[:400],
            "effective_from": row.date("effective_from") if row.has("effective_from") else None,
            "effective_to": None,
            **sourced(row, folder="us", ctx=ctx),
        }
    date_from, date_to = row.period()
    prefix = row.prefixes(code_col, min_len=4, max_len=10)
    if not prefix or " " in prefix:
        raise row.error(code_col, "prefix", "one HTS prefix (4 to 10 digits) is required")
    return {
        "hts_prefix": prefix,
        "rate_percent": row.decimal(rate_col, min_value=Decimal(0), max_value=Decimal(1000)),
        "description": row.text(description_col, max_length=400),
        "effective_from": date_from,
        "effective_to": date_to,
        **sourced(row, folder="us", ctx=ctx),
    }


def _countries(row: Row, column: str) -> str:
    codes = row.raw(column).upper().split()
    for code in codes:
        if not re.fullmatch(r"[A-Z]{2}", code):
            raise row.error(column, "country", f"'{code}' is not an ISO 3166 alpha-2 code")
    return " ".join(codes)


def parse_eei(row: Row, ctx: ParseContext) -> dict[str, Any]:
    date_from, date_to = row.period()
    return {
        "threshold_usd": row.decimal("threshold_usd", min_value=Decimal(0)),
        "embargoed_destinations": _countries(row, "embargoed_destinations"),
        "ccl_destinations": _countries(row, "ccl_destinations"),
        "exempt_destinations": _countries(row, "exempt_destinations"),
        "effective_from": date_from,
        "effective_to": date_to,
        **sourced(row, folder="us", ctx=ctx),
    }


# ---------------------------------------------------------------- cross-row checks


def no_overlap(group_fields: Sequence[str]) -> Callable[[str, Sequence[ParsedRow]], None]:
    """Rows of the same group must not be in force on the same day."""

    def check(label: str, rows: Sequence[ParsedRow]) -> None:
        groups: dict[tuple, list[ParsedRow]] = {}
        for row in rows:
            groups.setdefault(tuple(row.values[f] for f in group_fields), []).append(row)
        for members in groups.values():
            ordered = sorted(members, key=lambda r: r.values["effective_from"] or dt.date.min)
            for before, after in zip(ordered, ordered[1:], strict=False):
                end = before.values["effective_to"]
                if end is None or end >= (after.values["effective_from"] or dt.date.min):
                    raise cell_error(
                        label,
                        after.line,
                        "effective_from",
                        "overlap",
                        f"the period overlaps the row on line {before.line}",
                    )

    return check


def categories_check(label: str, rows: Sequence[ParsedRow]) -> None:
    """Per-code periods do not overlap; a prefix belongs to one category at a time; one default."""
    no_overlap(("code",))(label, rows)
    defaults = {r.values["code"] for r in rows if not r.values["hs_prefixes"]}
    if len(defaults) != 1:
        raise DomainError.one(
            "hs_prefixes",
            "default_category",
            f"{label}: exactly one category code must have empty hs_prefixes (the default); "
            f"found {len(defaults)}",
        )
    owners: dict[str, list[ParsedRow]] = {}
    for row in rows:
        for prefix in row.values["hs_prefixes"].split():
            owners.setdefault(prefix, []).append(row)
    for prefix, members in owners.items():
        for i, first in enumerate(members):
            for second in members[i + 1 :]:
                if first.values["code"] != second.values["code"] and _overlaps(first, second):
                    raise cell_error(
                        label,
                        second.line,
                        "hs_prefixes",
                        "prefix_taken",
                        f"prefix {prefix} is already in category "
                        f"{first.values['code']} (line {first.line}) for the same dates",
                    )


def _overlaps(a: ParsedRow, b: ParsedRow) -> bool:
    a_from = a.values["effective_from"] or dt.date.min
    a_to = a.values["effective_to"] or dt.date.max
    b_from = b.values["effective_from"] or dt.date.min
    b_to = b.values["effective_to"] or dt.date.max
    return a_from <= b_to and b_from <= a_to


# ---------------------------------------------------------------- the registry

POSITIVE_LIST_OFFICIAL_SIZE = 1476  # 2022 adjustment, cbec_tax_policy.md §9 [S54][S55]
UFLPA_OFFICIAL_SIZE = 144  # from 2025-01-15, labor/uflpa.md [S152][S133]

DATASETS: tuple[Dataset, ...] = (
    Dataset(
        name="us_states",
        title="US states and Census regions",
        path="us/census_regions.csv",
        model=UsState,
        key=("code",),
        parse=parse_state,
        required=("state_code", "name", "region", "division", "confidence"),
    ),
    Dataset(
        name="china_provinces",
        title="Chinese provinces (GB/T 2260)",
        path="china/provinces.csv",
        model=ChinaProvince,
        key=("code",),
        parse=parse_province,
        required=("gb2260_code", "name_en", "name_zh", "region", "source", "confidence"),
    ),
    Dataset(
        name="exchange_rates",
        title="USD/CNY exchange rates",
        path="us/exchange_rates.csv",
        model=ExchangeRate,
        key=("base_currency", "quote_currency", "effective_from"),
        parse=parse_rate,
        required=(
            "base_currency",
            "quote_currency",
            "rate",
            "effective_from",
            "effective_to",
            "source",
            "confidence",
        ),
        check=no_overlap(("base_currency", "quote_currency")),
    ),
    Dataset(
        name="cbec_limits",
        title="CBEC retail import value limits",
        path="china/cbec_limits.csv",
        model=CbecLimits,
        key=("effective_from",),
        parse=parse_limits,
        required=(
            "per_transaction_cny",
            "annual_cny",
            "within_limit_factor",
            "effective_from",
            "effective_to",
            "source",
            "confidence",
        ),
        check=no_overlap(()),
    ),
    Dataset(
        name="return_policies",
        title="Return windows and what a return refunds",
        path="platform/return_policies.csv",
        model=ReturnPolicy,
        key=("direction", "effective_from"),
        parse=parse_return_policy,
        required=(
            "direction",
            "window_days",
            "window_starts",
            "refunds_tax",
            "refunds_freight",
            "restores_quota",
            "effective_from",
            "effective_to",
            "source",
            "confidence",
        ),
        check=no_overlap(("direction",)),
    ),
    Dataset(
        name="carrier_tracking_formats",
        title="Carrier tracking-number formats",
        path="platform/carrier_tracking_formats.csv",
        model=CarrierTrackingFormat,
        key=("carrier", "format_name", "effective_from"),
        parse=parse_carrier_format,
        required=(
            "carrier",
            "carrier_name_en",
            "carrier_name_zh",
            "format_name",
            "pattern",
            "checksum",
            "evens_multiplier",
            "odds_multiplier",
            "weightings",
            "example",
            "effective_from",
            "effective_to",
            "source",
            "confidence",
        ),
        check=no_overlap(("carrier", "format_name")),
    ),
    Dataset(
        name="platform_fees",
        title="Platform fee schedule",
        path="platform/fees.csv",
        model=PlatformFee,
        key=("direction", "effective_from"),
        parse=parse_platform_fee,
        required=(
            "direction",
            "rate",
            "basis",
            "effective_from",
            "effective_to",
            "source",
            "confidence",
        ),
        check=no_overlap(("direction",)),
    ),
    Dataset(
        name="cbec_tax_categories",
        title="CBEC tax categories (VAT and consumption tax)",
        path="china/cbec_tax_categories.csv",
        model=CbecTaxCategory,
        key=("code", "effective_from"),
        parse=parse_category,
        required=(
            "code",
            "name_en",
            "name_zh",
            "hs_prefixes",
            "vat_rate",
            "consumption_tax_rate",
            "mfn_tariff_rate",
            "effective_from",
            "effective_to",
            "source",
            "confidence",
        ),
        check=categories_check,
    ),
    Dataset(
        name="cbec_positive_list",
        title="CBEC retail import positive list",
        path="china/cbec_positive_list.csv",
        model=PositiveListEntry,
        key=("hs_code_cn",),
        parse=parse_positive,
        one_of=(POSITIVE_CODE, POSITIVE_NAME_ZH),
        completeness=DatasetCompleteness.PARTIAL,
        official_size=POSITIVE_LIST_OFFICIAL_SIZE,
        completeness_note=(
            "Sample of the list: {rows} tariff lines (listed, deleted or not confirmed) against "
            "{official_size} in the 2022 list (cbec_tax_policy.md §9). Load the official list "
            "with `twoway loadlist positive FILE`."
        ),
        list_kind="positive",
    ),
    Dataset(
        name="us_china_trade",
        title="US goods trade with China by year",
        path="us/us_china_trade_by_year.csv",
        model=UsChinaTradeYear,
        key=("year",),
        parse=parse_trade_year,
        required=(
            "year",
            "months",
            "exports_usd_m",
            "imports_usd_m",
            "balance_usd_m",
            "basis",
            "source_ids",
            "confidence",
        ),
    ),
    Dataset(
        name="state_exports_to_china",
        title="State goods exports to China",
        path="us/state_exports_to_china.csv",
        model=StateExportToChina,
        key=("state_id", "year", "source"),
        parse=parse_state_export,
        required=(
            "state_code",
            "census_region",
            "year",
            "goods_exports_to_china_usd_bn",
            "data_basis",
            "source_ids",
            "confidence",
        ),
    ),
    Dataset(
        name="jobs_ratio",
        title="Jobs supported per USD 1 billion of exports (ITA)",
        path="us/jobs_supported_by_exports.csv",
        model=JobsRatio,
        key=("year",),
        parse=parse_jobs,
        required=(
            "year",
            "total_jobs_m",
            "jobs_per_usd_bn_total",
            "jobs_per_usd_bn_goods",
            "publication",
            "source_ids",
            "confidence",
        ),
    ),
    Dataset(
        name="ilab_goods",
        title="DOL ILAB List of Goods Produced by Child or Forced Labor",
        path="us/labor/ilab_goods.csv",
        model=IlabGood,
        key=("country", "good", "list_edition"),
        parse=parse_ilab,
        required=("country", "good", "child_labor", "forced_labor", "list_edition"),
        completeness=DatasetCompleteness.PARTIAL,
        completeness_note=(
            "China rows of the 2022 edition are complete; the 2024 edition (204 goods from 82 "
            "countries; 31 goods from China) was not captured row by row, and other countries "
            "are a 2018 summary (us/SOURCES.md S133, S137). Load the official list with "
            "`twoway loadlist ilab FILE`."
        ),
        list_kind="ilab",
    ),
    Dataset(
        name="uflpa_entities",
        title="UFLPA Entity List",
        path="us/labor/uflpa_entities.csv",
        model=UflpaEntity,
        key=("name",),
        parse=parse_uflpa,
        one_of=(UFLPA_NAME,),
        completeness=DatasetCompleteness.PARTIAL,
        official_size=UFLPA_OFFICIAL_SIZE,
        completeness_note=(
            "{rows} names found with dates only; the DHS list had {official_size} entities from "
            "2025-01-15 "
            "(us/labor/uflpa.md). Load the official list with `twoway loadlist uflpa FILE`."
        ),
        list_kind="uflpa",
        fallback_paths=("us/labor/uflpa_entities_research.csv",),
    ),
    Dataset(
        name="us_tariff_measures",
        title="US tariff measures on goods from China",
        path="us/us_tariff_measures.csv",
        model=TariffMeasure,
        key=("measure_id",),
        parse=parse_tariff,
        required=("measure_id", "label", "kind", "effective_from", "effective_to", "confidence"),
        list_kind="tariffs",
    ),
    Dataset(
        name="freight_rates",
        title="Freight price per seller shipment, by lane (platform rate card)",
        path="platform/freight_rates.csv",
        model=FreightRate,
        key=("lane", "effective_from"),
        parse=parse_freight,
        required=(
            "lane",
            "currency",
            "base_per_shipment",
            "per_kg",
            "effective_from",
            "effective_to",
            "source_ids",
            "confidence",
        ),
        check=no_overlap(("lane",)),
    ),
    Dataset(
        name="us_mfn_rates",
        title="US MFN (HTSUS column 1 general) rates by HTS line",
        path="us/us_mfn_rates.csv",
        model=MfnRate,
        key=("hts_prefix", "effective_from"),
        parse=parse_mfn,
        one_of=(MFN_CODE, MFN_RATE, MFN_DESCRIPTION),
        completeness=DatasetCompleteness.PARTIAL,
        completeness_note=(
            "The {rows} HTS lines of the demo import catalogue, not the whole schedule "
            "(us/SOURCES.md S200); a line not listed is priced with MFN 0% and the page says the "
            "rate is unknown. Load the official schedule (the USITC HTS CSV export) with "
            "`twoway loadlist mfn FILE`."
        ),
        check=no_overlap(("hts_prefix",)),
        list_kind="mfn",
    ),
    Dataset(
        name="eei_rules",
        title="EEI (AES) filing rules: threshold and destinations",
        path="us/eei_rules.csv",
        model=EeiRuleSet,
        key=("effective_from",),
        parse=parse_eei,
        required=(
            "effective_from",
            "effective_to",
            "threshold_usd",
            "embargoed_destinations",
            "ccl_destinations",
            "exempt_destinations",
            "source_ids",
            "confidence",
        ),
        check=no_overlap(()),
    ),
)

BY_NAME: dict[str, Dataset] = {d.name: d for d in DATASETS}
BY_LIST_KIND: dict[str, Dataset] = {d.list_kind: d for d in DATASETS if d.list_kind}
