"""The import channel: a consumer in the US buys from Chinese sellers (US landed cost).

US landed cost of imports from Chinese sellers: chooses the tariff measures in force on the
import date (``reference.TariffMeasure``), the MFN rate of the HTS line and the CN-US freight
rate, then runs the pure rule ``rules.us_landed_cost``. Nothing here writes.

``us_landed_cost_for`` prices one product line (the product page); ``import_quote`` prices a
cart split per seller shipment (cart, checkout, ``services.purchase_place`` with ``IMPORT``).

Mapping of reference rows to the rule's ``TariffMeasure``
---------------------------------------------------------
``tariff_measure_of`` maps one ``reference.TariffMeasure`` row field by field, including how
measures combine (``stacks``, ``yields_to``) and fee bounds (``min_usd``/``max_usd``): whatever
list was loaded (the repo's file or an operator's ``twoway loadlist tariffs FILE``) is the truth;
no file is read here. Kind spellings (``section_301``) are the rule's aliases.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from twoway.catalog.models import Currency, Product, ProductStatus
from twoway.core.errors import DomainError, FieldProblem
from twoway.identity.models import Role
from twoway.reference import selectors as reference
from twoway.reference.models import MfnRate
from twoway.reference.models import TariffMeasure as TariffMeasureRow

from ..errors import CheckoutErrorCode
from ..models import Direction, Order, OrderLine, OrderStatus, TaxChannel
from ..rules import us_landed_cost as rule
from .base import CartItem, ChannelPolicy, Consignee, Delivery

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
LANE = "CN-US"

#: What each kind of measure is, in words a consumer understands.
KIND_TEXT = {
    "mfn": _("Normal US duty on this kind of good, paid on imports from most countries."),
    "section301": _(
        "Extra duty on certain Chinese goods after the USTR Section 301 investigation."
    ),
    "ieepa": _("Emergency tariff ordered by the President under IEEPA."),
    "section122": _("Temporary surcharge on imports to address the balance of payments."),
    "section232": _("National-security tariff on certain goods (Section 232)."),
    "de_minimis": _("Low-value shipments may enter free of duty; the threshold applies per day."),
    "fee": _("Customs processing fee."),
}

#: The rule's notes (``rules.us_landed_cost.NOTES``, the same English words) in the reader's
#: language.
NOTE_TEXT = {
    "de_minimis_suspended": _("De minimis not available on %(date)s: suspended by %(measures)s."),
    "above_de_minimis": _("Value %(value)s is above the de minimis threshold of %(threshold)s."),
    "yields_to": _("%(measure)s does not apply with %(kinds)s."),
    "replaces": _("%(measure)s replaces %(replaced)s."),
}


def note_text(note: str) -> str:
    """One of the rule's notes in the active language (any other text as it is)."""
    code = getattr(note, "code", "")
    if code not in NOTE_TEXT:
        return str(note)
    return str(NOTE_TEXT[code]) % getattr(note, "values", {})


# --- data: MFN rates and the tariff measures ------------------------------------------------


def tariff_measure_of(row: TariffMeasureRow) -> rule.TariffMeasure:
    """One reference row as the pure rule's ``TariffMeasure``."""
    return rule.TariffMeasure(
        measure_id=row.measure_id,
        label=row.label,
        kind=row.kind,
        rate_percent=row.rate_percent,
        per_item_usd=row.per_item_usd,
        hts_prefixes=tuple(row.hts_prefixes.replace(".", "").split()),
        excluded_hts_prefixes=tuple(row.excluded_hts_prefixes.replace(".", "").split()),
        effective_from=row.effective_from or dt.date.min,
        effective_to=row.effective_to,
        stacks=row.stacks,
        source=row.source,
        origins=(row.origin_country,) if row.origin_country else (),
        threshold_usd=row.threshold_usd,
        min_usd=row.min_usd,
        max_usd=row.max_usd,
        yields_to=tuple(row.yields_to.split()),
        confidence=row.confidence,
    )


@dataclass(frozen=True)
class MeasureInfo:
    """What the consumer is told about one measure besides its amount."""

    legal_authority: str
    confidence: str
    notes: str
    effective_from: dt.date | None
    effective_to: dt.date | None


@dataclass(frozen=True)
class MeasuresInForce:
    day: dt.date
    measures: tuple[rule.TariffMeasure, ...]
    info: dict[str, MeasureInfo]


def tariff_measures_in_force(day: dt.date) -> MeasuresInForce:
    """The measures the engine can apply on ``day`` (``other`` reference-only rows left out)."""
    rows = [
        r
        for r in reference.tariff_measures_on(day).order_by("effective_from", "measure_id")
        if rule.KIND_ALIASES.get(r.kind, r.kind) != "other"
    ]
    return MeasuresInForce(
        day=day,
        measures=tuple(tariff_measure_of(r) for r in rows),
        info={
            r.measure_id: MeasureInfo(
                legal_authority=r.legal_authority,
                confidence=r.confidence,
                notes=r.notes,
                effective_from=r.effective_from,
                effective_to=r.effective_to,
            )
            for r in rows
        },
    )


# --- one line -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DutyView:
    """One duty or fee line as the consumer sees it."""

    measure_id: str
    label: str
    kind: str
    what: str
    rate_percent: Decimal | None
    amount_usd: Decimal
    legal_authority: str
    source: str
    confidence: str
    effective_from: dt.date | None
    effective_to: dt.date | None


@dataclass(frozen=True)
class UsLandedCost:
    """Price + each duty + fees of ``quantity`` units entered on ``day``."""

    product_id: int
    hts_code: str
    day: dt.date
    quantity: int
    unit_price_usd: Decimal
    customs_value_usd: Decimal
    duties: tuple[DutyView, ...]
    fees: tuple[DutyView, ...]
    total_duty: Decimal
    total_fees: Decimal
    total_landed: Decimal  # customs value + duties + fees (freight is charged per shipment)
    de_minimis_applied: bool
    de_minimis_text: str
    notes: tuple[str, ...]
    mfn: MfnRate | None
    measure_ids: tuple[str, ...]

    @property
    def duty_and_fees(self) -> Decimal:
        return self.total_duty + self.total_fees


def unit_price_usd(product: Product, day: dt.date) -> Decimal:
    """The product's price in USD (a CNY price converts at the USD/CNY rate in force)."""
    if product.currency == Currency.USD:
        return product.unit_price
    rate = reference.rate_on(day).rate
    return (product.unit_price / rate).quantize(CENT, rounding=ROUND_HALF_UP)


def _view(line: rule.DutyLine, info: dict[str, MeasureInfo], mfn: MfnRate | None) -> DutyView:
    meta = info.get(line.measure_id)
    source = line.source
    if line.kind == "mfn" and mfn is not None:
        source = f"{mfn.source}; {source}" if source else mfn.source
    return DutyView(
        measure_id=line.measure_id,
        label=line.label,
        kind=line.kind,
        what=str(KIND_TEXT.get(line.kind, "")),
        rate_percent=line.rate_percent,
        amount_usd=line.amount_usd,
        legal_authority=meta.legal_authority if meta else "",
        source=source,
        confidence=(
            mfn.confidence if line.kind == "mfn" and mfn else (meta.confidence if meta else "")
        ),
        effective_from=meta.effective_from if meta else None,
        effective_to=meta.effective_to if meta else None,
    )


def _de_minimis_text(result: rule.LandedCost) -> str:
    if result.de_minimis_applied:
        return str(_("De minimis applies: this shipment enters free of duty and fees."))
    codes = {note.code for note in result.notes}
    if "de_minimis_suspended" in codes:
        return str(
            _("No de minimis: duty-free entry of low-value shipments is suspended on this date.")
        )
    if "above_de_minimis" in codes:
        return str(_("No de minimis: the value is above the duty-free threshold."))
    return str(_("No de minimis measure applies to this line."))


def landed_cost_of(
    *,
    product: Product,
    quantity: int,
    day: dt.date,
    in_force: MeasuresInForce,
    customs_value_usd: Decimal | None = None,
    without_de_minimis: bool = False,
) -> UsLandedCost:
    """The pure rule on one line, with the measures already chosen for ``day``."""
    price = unit_price_usd(product, day)
    value = (
        customs_value_usd if customs_value_usd is not None else (price * quantity).quantize(CENT)
    )
    mfn = reference.mfn_rate_for(product.us_hts_line, day)
    measures: Sequence[rule.TariffMeasure] = in_force.measures
    if without_de_minimis:
        measures = [m for m in measures if m.kind != "de_minimis"]
    result = rule.us_landed_cost(
        customs_value_usd=value,
        hts_code=product.us_hts_line,
        origin_country=product.origin_country,
        import_date=day,
        measures=measures,
        mfn_rate_percent=mfn.rate_percent if mfn else Decimal(0),
        quantity=quantity,
    )
    notes = [note_text(note) for note in result.notes]
    if mfn is None:
        notes.append(
            str(
                _(
                    "The MFN rate of HTS %(line)s is not in Twoway's table: shown as 0%%, so the duty "
                    "may be higher."
                )
            )
            % {"line": product.us_hts_line}
        )
    if without_de_minimis:
        notes.append(str(_("The shipment's total value is above the de minimis threshold.")))
    return UsLandedCost(
        product_id=product.pk,
        hts_code=product.us_hts_line,
        day=day,
        quantity=quantity,
        unit_price_usd=price,
        customs_value_usd=value,
        duties=tuple(_view(d, in_force.info, mfn) for d in result.duties),
        fees=tuple(_view(f, in_force.info, mfn) for f in result.fees),
        total_duty=result.total_duty,
        total_fees=result.total_fees,
        total_landed=result.total_landed,
        de_minimis_applied=result.de_minimis_applied,
        de_minimis_text=(
            str(_("No de minimis: the shipment's total value is above the duty-free threshold."))
            if without_de_minimis
            else _de_minimis_text(result)
        ),
        notes=tuple(notes),
        mfn=mfn,
        measure_ids=result.measure_ids,
    )


def us_landed_cost_for(*, product: Product, quantity: int = 1, day: dt.date) -> UsLandedCost:
    """Price + each duty (with what it is) + fees of ``quantity`` units imported on ``day``."""
    return landed_cost_of(
        product=product, quantity=quantity, day=day, in_force=tariff_measures_in_force(day)
    )


# --- a cart ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportQuoteLine:
    product: Product
    quantity: int
    unit_price_usd: Decimal
    goods_value: Decimal
    freight_share: Decimal
    cost: UsLandedCost

    @property
    def duty(self) -> Decimal:
        return self.cost.total_duty

    @property
    def fees(self) -> Decimal:
        return self.cost.total_fees


@dataclass(frozen=True)
class ImportSellerQuote:
    """One seller's shipment from China: one order, one entry at US customs."""

    business_id: int
    business_name: str
    lines: tuple[ImportQuoteLine, ...]
    goods_value: Decimal
    freight: Decimal
    duty_total: Decimal
    fees_total: Decimal
    total_payable: Decimal
    customs_value_usd: Decimal
    de_minimis_applied: bool
    business: object | None = field(default=None, compare=False, repr=False)  # the seller row


@dataclass(frozen=True)
class ImportQuote:
    day: dt.date
    currency: str
    freight_source: str
    sellers: tuple[ImportSellerQuote, ...]
    problems: tuple[FieldProblem, ...] = field(default_factory=tuple)

    @property
    def goods_value(self) -> Decimal:
        return sum((s.goods_value for s in self.sellers), ZERO)

    @property
    def freight(self) -> Decimal:
        return sum((s.freight for s in self.sellers), ZERO)

    @property
    def duty_total(self) -> Decimal:
        return sum((s.duty_total for s in self.sellers), ZERO)

    @property
    def fees_total(self) -> Decimal:
        return sum((s.fees_total for s in self.sellers), ZERO)

    @property
    def total_payable(self) -> Decimal:
        return sum((s.total_payable for s in self.sellers), ZERO)

    @property
    def customs_value_usd(self) -> Decimal:
        return sum((s.customs_value_usd for s in self.sellers), ZERO)

    @property
    def lines(self) -> list[ImportQuoteLine]:
        return [line for s in self.sellers for line in s.lines]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def all_problems(self) -> list[FieldProblem]:
        return list(self.problems)


def import_problems(product: Product, quantity: int) -> list[FieldProblem]:
    """Why this line cannot be bought by a US consumer (empty = it can)."""
    key = f"items.{product.pk}"
    if not product.market_us_import:
        return [
            FieldProblem(
                key,
                CheckoutErrorCode.WRONG_MARKET,
                str(
                    _("'%(title)s' is not listed for import to the US.")
                    % {"title": product.title_en}
                ),
            )
        ]
    if product.status == ProductStatus.BLOCKED:
        return [
            FieldProblem(
                key,
                CheckoutErrorCode.BLOCKED_LISTING,
                str(
                    _("'%(title)s' is blocked pending a labor-risk review and cannot be bought.")
                    % {"title": product.title_en}
                ),
            )
        ]
    if product.status != ProductStatus.ACTIVE:
        return [
            FieldProblem(
                key,
                CheckoutErrorCode.NOT_FOR_SALE,
                str(_("'%(title)s' is not on sale.") % {"title": product.title_en}),
            )
        ]
    if quantity > product.stock_on_hand:
        return [
            FieldProblem(
                key,
                CheckoutErrorCode.OUT_OF_STOCK,
                str(
                    _("Only %(stock)s of '%(title)s' left; you asked for %(qty)s.")
                    % {"stock": product.stock_on_hand, "title": product.title_en, "qty": quantity}
                ),
            )
        ]
    return []


def _shares(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split ``total`` over ``weights`` to the cent; the last share takes the remainder."""
    whole = sum(weights, Decimal(0))
    if not weights:
        return []
    if whole == 0:
        shares = [ZERO] * len(weights)
        shares[-1] = total
        return shares
    shares = [(total * w / whole).quantize(CENT, rounding=ROUND_HALF_UP) for w in weights[:-1]]
    return [*shares, total - sum(shares, ZERO)]


def _seller_quote(
    items: list[CartItem], *, day: dt.date, in_force: MeasuresInForce, freight_price
) -> ImportSellerQuote:
    costs = [
        landed_cost_of(product=i.product, quantity=i.quantity, day=day, in_force=in_force)
        for i in items
    ]
    shipment_value = sum((c.customs_value_usd for c in costs), ZERO)
    # De minimis is per entry (the seller's shipment), not per line: a line under the threshold
    # in a shipment over it pays duty.
    threshold = _de_minimis_threshold(in_force.measures, day)
    if (
        len(costs) > 1
        and any(c.de_minimis_applied for c in costs)
        and (threshold is not None and shipment_value > threshold)
    ):
        costs = [
            landed_cost_of(
                product=i.product,
                quantity=i.quantity,
                day=day,
                in_force=in_force,
                without_de_minimis=True,
            )
            for i in items
        ]
    weight = sum((i.product.weight_kg * i.quantity for i in items), Decimal(0))
    freight = freight_price(weight)
    shares = _shares(freight, [c.customs_value_usd for c in costs])
    lines = tuple(
        ImportQuoteLine(
            product=i.product,
            quantity=i.quantity,
            unit_price_usd=c.unit_price_usd,
            goods_value=c.customs_value_usd,
            freight_share=share,
            cost=c,
        )
        for i, c, share in zip(items, costs, shares, strict=True)
    )
    duty = sum((c.total_duty for c in costs), ZERO)
    fees = sum((c.total_fees for c in costs), ZERO)
    business = items[0].product.business
    return ImportSellerQuote(
        business_id=business.pk,
        business_name=business.legal_name,
        business=business,
        lines=lines,
        goods_value=shipment_value,
        freight=freight,
        duty_total=duty,
        fees_total=fees,
        total_payable=shipment_value + freight + duty + fees,
        customs_value_usd=shipment_value,
        de_minimis_applied=all(c.de_minimis_applied for c in costs),
    )


def _de_minimis_threshold(measures: Iterable[rule.TariffMeasure], day: dt.date) -> Decimal | None:
    thresholds = [
        m.threshold_usd
        for m in measures
        if m.kind == "de_minimis" and m.in_force(day) and m.threshold_usd is not None
    ]
    return min(thresholds) if thresholds else None


def import_quote(*, items: list[CartItem], day: dt.date) -> ImportQuote:
    """Price a cart for a US consumer: per seller shipment, goods + CN-US freight + duties and
    fees of each line on ``day``. Lines that cannot be bought are reported in ``problems``."""
    problems: list[FieldProblem] = []
    by_seller: dict[int, list[CartItem]] = defaultdict(list)
    for item in sorted(items, key=lambda i: i.product.pk):
        line_problems = import_problems(item.product, item.quantity)
        problems.extend(line_problems)
        if not line_problems or line_problems[0].rule == CheckoutErrorCode.OUT_OF_STOCK:
            by_seller[item.product.business_id].append(item)
    if not items:
        problems.append(
            FieldProblem("items", CheckoutErrorCode.EMPTY_CART, str(_("The cart is empty.")))
        )
    in_force = tariff_measures_in_force(day)
    rate = reference.freight_rate_on(LANE, day)
    sellers = tuple(
        _seller_quote(seller_items, day=day, in_force=in_force, freight_price=rate.price)
        for _business_id, seller_items in sorted(by_seller.items())
    )
    return ImportQuote(
        day=day,
        currency="USD",
        freight_source=rate.source,
        sellers=sellers,
        problems=tuple(problems),
    )


def import_quote_for(*, items: dict[int, int], day: dt.date) -> ImportQuote:
    """``import_quote`` from product ids and quantities (read-only)."""
    return ImportChannel().quote_for(items=items, day=day)


def shipping_for_one(*, product: Product, day: dt.date) -> Decimal:
    """Freight of a one-unit shipment of ``product`` (the product page's delivered price)."""
    return reference.freight_rate_on(LANE, day).price(product.weight_kg)


class ImportChannel(ChannelPolicy):
    """US landed cost: USD, CN-US freight per seller shipment, each duty and fee in force (MFN,
    tariff measures, de minimis per entry); lines listed for import and not blocked; a consignee
    and a US state of delivery. No quota."""

    code = "us"
    name = "import"
    direction = Direction.US_IMPORT
    currency = "USD"
    buyer_role = Role.CONSUMER_US
    namespace = "us_import"
    seller_country = "CN"
    market = "us_import"

    def quote(self, *, items: list[CartItem], day: dt.date, identity=None) -> ImportQuote:
        return import_quote(items=items, day=day)

    def cart_line_check(self, product: Product, quantity: int) -> None:
        if quantity <= 0:
            return
        problems = [
            p
            for p in import_problems(product, quantity)
            if p.rule != CheckoutErrorCode.OUT_OF_STOCK
        ]
        if problems:
            raise DomainError(
                problems[0].message,
                [FieldProblem("product", problems[0].rule, problems[0].message)],
            )

    def delivery_check(self, *, consignee: Consignee, identity, state: str) -> Delivery:
        from twoway.reference.models import UsState

        for field_name, value in (
            ("consignee.name", consignee.name),
            ("consignee.address", consignee.address),
        ):
            if not value.strip():
                raise DomainError.one(
                    field_name, "required", f"{field_name} is required for delivery."
                )
        state = (state or "").strip().upper()
        if not UsState.objects.filter(pk=state).exists():
            raise DomainError.one(
                "consignee_state", "state_unknown", "Choose the US state of delivery."
            )
        return Delivery(consignee=consignee, state=state)

    def order_for(
        self,
        *,
        purchase,
        buyer,
        seller: ImportSellerQuote,
        quote: ImportQuote,
        delivery: Delivery,
        number: str,
        now: dt.datetime,
    ) -> Order:
        consignee = delivery.consignee
        return Order(
            number=number,
            purchase=purchase,
            buyer=buyer,
            business_id=seller.business_id,
            direction=Direction.US_IMPORT,
            status=OrderStatus.CREATED,
            buyer_name=consignee.name,
            consignee_name=consignee.name,
            consignee_phone=consignee.phone,
            consignee_address=consignee.address,
            consignee_state=delivery.state,
            currency="USD",
            goods_value=seller.goods_value,
            freight=seller.freight,
            insurance=ZERO,
            discount=ZERO,
            # What is remitted to US customs on the buyer's behalf: the duties and the fees.
            tax_total=seller.duty_total + seller.fees_total,
            total_payable=seller.total_payable,
            customs_value_usd=seller.customs_value_usd,
            tax_channel=TaxChannel.US_IMPORT,
            created_at=now,
        )

    def lines_for(self, *, order: Order, seller: ImportSellerQuote) -> list[OrderLine]:
        lines = []
        for q in seller.lines:
            product = q.product
            lines.append(
                OrderLine(
                    order=order,
                    product_id=product.pk,
                    sku=product.sku,
                    title=product.title_en,
                    title_zh=product.title_zh,
                    variant_label=product.variant_label,
                    variant_label_zh=product.variant_label_zh,
                    hs_code=product.hs_code,
                    national_line=product.us_hts_line,
                    origin_province=product.origin_cn_province_id or "",
                    quantity=q.quantity,
                    unit_price_usd=q.unit_price_usd,
                    unit_price=q.unit_price_usd,
                    goods_value=q.goods_value,
                    freight_share=q.freight_share,
                    tariff=q.duty,
                    tax_total=q.duty + q.fees,
                    tax_category=" ".join(q.cost.measure_ids)[:48],
                    customs_value_usd=q.goods_value,
                )
            )
        return lines

    def placed_reason(self, *, order: Order, reserved_until: dt.datetime, now: dt.datetime) -> str:
        return (
            f"placed; stock reserved until {reserved_until:%Y-%m-%d %H:%M} UTC; "
            f"US duties ${order.tax_total} as of {now:%Y-%m-%d}"
        )


__all__ = [
    "DutyView",
    "ImportChannel",
    "ImportQuote",
    "ImportQuoteLine",
    "ImportSellerQuote",
    "UsLandedCost",
    "import_problems",
    "import_quote",
    "import_quote_for",
    "shipping_for_one",
    "tariff_measure_of",
    "tariff_measures_in_force",
    "us_landed_cost_for",
]
