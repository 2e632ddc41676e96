"""Read models of the listing editor: the live checks shown before saving, the HS picker's
proposals and the generated text draft. Reads only; every write goes through catalog.services."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from twoway.businesses.models import Business
from twoway.catalog import selectors as catalog
from twoway.catalog.models import Product, ProductStatus
from twoway.catalog.rules.hs_search import HsHit, LineProposal, propose_lines
from twoway.catalog.rules.zh_draft import Attributes, Draft, draft_en, draft_zh
from twoway.checkout.channels import us_import as import_pricing
from twoway.compliance.eligibility import Eligibility, cbec_line_eligibility
from twoway.compliance.labor import labor_risk_evaluate, lists_in_force
from twoway.core.errors import DomainError
from twoway.reference import hs, labels
from twoway.reference import selectors as reference_selectors
from twoway.reference.models import ChinaProvince, PositiveListEntry, UsState
from twoway.web.checkout.page_data import LandedPrice, landed_price_for

from .channels import ListingChannel


def _decimal(value: object) -> Decimal | None:
    """What the seller typed (text) or the saved listing holds (a Decimal) → a positive number."""
    try:
        number = Decimal(str(value if value is not None else "").strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() and number > 0 else None


def _digits(value: str | None) -> str:
    return "".join(ch for ch in (value or "") if ch.isdigit())


@dataclass(frozen=True)
class HsChoice:
    code: str
    description: str
    chapter_title: str
    cn_lines: list[LineProposal] = field(default_factory=list)
    us_lines: list[LineProposal] = field(default_factory=list)


def hs_choice(code: str) -> HsChoice | None:
    """A subheading with the national lines proposed under it (reference data + other listings)."""
    code = _digits(code)[:6]
    entry = hs.lookup(code)
    if entry is None or entry.level != 6:
        return None
    listed = PositiveListEntry.objects.filter(hs_code_cn__startswith=code).values_list(
        "hs_code_cn", "description_en"
    )
    named_us = [
        r.hts_prefix
        for r in reference_selectors.mfn_rates_on(timezone.now().date())
        if len(r.hts_prefix) == 10
    ]
    return HsChoice(
        code=code,
        description=entry.description,
        chapter_title=labels.chapter_title(code[:2]),
        cn_lines=propose_lines(
            code,
            length=8,
            listed=list(listed),
            used=catalog.lines_in_use(hs6=code, field="cn_tariff_line"),
        ),
        us_lines=propose_lines(
            code,
            length=10,
            used=catalog.lines_in_use(hs6=code, field="us_hts_line"),
            named=named_us,
        ),
    )


def hs_results(query: str) -> list[HsHit]:
    return catalog.hs_find(query, limit=8)


@dataclass(frozen=True)
class LiveChecks:
    channel: str
    hs_ok: bool
    hs_code: str = ""
    hs_description: str = ""
    eligibility: Eligibility | None = None
    landed: LandedPrice | None = None
    us_cost: object | None = None
    labor: object | None = None
    missing: list[str] = field(default_factory=list)


def _preview(business: Business, channel: ListingChannel, data) -> Product:
    """An unsaved product from what the seller typed so far (nothing is validated or written)."""
    product = Product(
        business=business,
        sku=(data.get("sku") or "")[:40],
        title_en=(data.get("title_en") or "")[:200],
        title_zh=(data.get("title_zh") or "")[:120],
        hs_code=_digits(data.get("hs_code"))[:6],
        cn_tariff_line=_digits(data.get("cn_tariff_line"))[:8],
        us_hts_line=_digits(data.get("us_hts_line"))[:10],
        unit_price=_decimal(data.get("unit_price")) or Decimal("0"),
        weight_kg=_decimal(data.get("weight_kg")) or Decimal("0"),
        currency="USD",
        status=ProductStatus.ACTIVE,  # "as if on sale": what a buyer would be quoted
        manufacturer=(data.get("manufacturer") or "")[:200],
        raw_material_suppliers=(data.get("raw_material_suppliers") or "")[:4000],
        stock_on_hand=1,
        **{k: v for k, v in channel.fixed.items() if k != "currency"},
    )
    if channel.code == "export":
        product.market_cn_export = True
        state = (data.get("origin_us_state") or "").upper()[:2]
        product.origin_us_state = UsState.objects.filter(pk=state).first() if state else None
    else:
        province = (data.get("origin_cn_province") or "")[:8]
        product.origin_cn_province = (
            ChinaProvince.objects.filter(pk=province).first() if province else None
        )
    return product


def live_checks(
    *, business: Business, channel: ListingChannel, data, day: dt.date | None = None
) -> LiveChecks:
    """What the listing would meet if saved as typed: for exports the positive list, the CBEC tax
    class and the landed price a buyer in China pays; for imports the labor-risk pre-check and the
    US landed cost. Missing inputs are named instead of guessed."""
    day = day or timezone.now().date()
    product = _preview(business, channel, data)
    entry = hs.lookup(product.hs_code)
    hs_ok = entry is not None and entry.level == 6
    missing: list[str] = []
    result: dict = {
        "channel": channel.code,
        "hs_ok": hs_ok,
        "hs_code": product.hs_code,
        "hs_description": entry.description if entry else "",
    }
    if channel.code == "export":
        if data.get("market_cn_export") in (None, "", "off", "false") and data.get("_checked"):
            return LiveChecks(**result)
        if len(product.cn_tariff_line) != 8:
            missing.append("cn_tariff_line")
            return LiveChecks(**result, missing=missing)
        result["eligibility"] = cbec_line_eligibility(cn_tariff_line=product.cn_tariff_line)
        if product.unit_price <= 0:
            missing.append("unit_price")
        if product.weight_kg <= 0:
            missing.append("weight_kg")
        if not missing:
            try:
                result["landed"] = landed_price_for(product=product, day=day)
            except DomainError:
                result["landed"] = None
        return LiveChecks(**result, missing=missing)
    # import channel
    result["labor"] = labor_risk_evaluate(product=product, lists=lists_in_force(day=day))
    if len(product.us_hts_line) != 10:
        missing.append("us_hts_line")
    if product.unit_price <= 0:
        missing.append("unit_price")
    if not missing:
        try:
            result["us_cost"] = import_pricing.us_landed_cost_for(product=product, day=day)
        except DomainError:
            result["us_cost"] = None
    return LiveChecks(**result, missing=missing)


def china_checks(*, product: Product, day: dt.date | None = None) -> LiveChecks | None:
    """What a saved listing meets in China, worked out as if it were on sale today (a draft is
    quoted as buyers would see it once published): the positive list, the CBEC tax class and the
    landed price of one unit. None when the product is not offered to buyers in China."""
    if not product.market_cn_export:
        return None
    day = day or timezone.now().date()
    entry = hs.lookup(product.hs_code)
    eligibility = cbec_line_eligibility(cn_tariff_line=product.cn_tariff_line)
    landed = None
    if eligibility.eligible and product.unit_price > 0 and product.weight_kg > 0:
        on_sale = copy.copy(product)
        on_sale.status = ProductStatus.ACTIVE
        try:
            landed = landed_price_for(product=on_sale, day=day)
        except DomainError:
            landed = None
    return LiveChecks(
        channel="export",
        hs_ok=entry is not None and entry.level == 6,
        hs_code=product.hs_code,
        hs_description=entry.description if entry else "",
        eligibility=eligibility,
        landed=landed,
    )


def text_draft(
    *, business: Business, channel: ListingChannel, data, exclude_id: int | None
) -> Draft:
    """The generated text in the language the seller does not write in (see catalog.rules)."""
    terms = catalog.glossary_terms()
    if channel.source_language == "zh":
        return draft_en(
            title_zh=data.get("title_zh") or "", terms=terms, segment=catalog.segment_zh
        )
    state = (data.get("origin_us_state") or "").upper()[:2]
    code = _digits(data.get("hs_code"))[:2]
    attributes = Attributes(
        hs_description_zh=labels.chapter_titles_zh().get(code, "") if code else "",
        origin_zh=labels.state_names_zh().get(state, ""),
        maker_zh=business.display_name_zh,
        size=(data.get("variant_size") or "")[:60],
        colour=(data.get("variant_colour") or "")[:60],
        weight_kg=_decimal(data.get("weight_kg")),
    )
    return draft_zh(
        title_en=(data.get("title_en") or "")[:200],
        description_en=(data.get("description_en") or "")[:4000],
        terms=terms,
        memory=catalog.seller_memory(business_id=business.pk, exclude_id=exclude_id),
        attributes=attributes,
    )
