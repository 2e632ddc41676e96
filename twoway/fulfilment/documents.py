"""What goes on an order's papers: one read of the order, its seller, its lines and what was
declared to customs, as plain values (the PDF builders in ``pdf.py`` only lay them out).

Personal data on papers: the consignee's name and address (the carrier needs them), the phone
with its middle digits hidden, and the buyer's ID number only masked — the masked form kept on the
order; the clear number is never read here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from twoway.checkout.models import Direction, Order
from twoway.checkout.rules.order_status import SHIPPED_STATES, has_papers
from twoway.customs.selectors import DeclarationRefs, declaration_refs
from twoway.reference.models import ChinaProvince, TariffMeasure, UsState
from twoway.reference.selectors import carrier_formats_on, in_force_on

KINDS = ("invoice", "packing-list", "label")


def papers_available(order: Order) -> bool:
    """The order has papers to print: paid, and not cancelled or refunded before it shipped."""
    shipped = order.shipped_at is not None or order.status in SHIPPED_STATES
    return has_papers(order.status, shipped=shipped, held_from=order.held_from)


@dataclass(frozen=True)
class PaperLine:
    sku: str
    title_en: str
    title_zh: str
    variant: str  # the size and colour bought ("454 g · Orange"); "" for a product without
    #: the same in Chinese ("454 g · 橙色"); the English one where there is no Chinese
    variant_zh: str
    hs_code: str
    national_line: str  # China 8/10-digit line (exports) or US HTS 10-digit (imports)
    origin: str
    quantity: int
    unit_price: Decimal
    value: Decimal
    currency: str
    unit_price_usd: Decimal
    customs_value_usd: Decimal
    weight_kg: Decimal

    @property
    def variant_both(self) -> str:
        """The variant in both languages, part by part ("454 g · Orange 橙色"), for the packer."""
        en, zh = self.variant.split(" · "), self.variant_zh.split(" · ")
        if not self.variant_zh or len(en) != len(zh):
            return self.variant if not self.variant_zh else f"{self.variant} / {self.variant_zh}"
        return " · ".join(a if a == b else f"{a} {b}" for a, b in zip(en, zh, strict=True))


@dataclass(frozen=True)
class Party:
    name: str
    name_zh: str
    lines: tuple[str, ...]
    phone: str = ""
    id_masked: str = ""
    reference: str = ""  # EIN / USCC for a business


@dataclass(frozen=True)
class DeMinimis:
    measure_id: str
    label: str
    threshold_usd: Decimal | None
    available: bool
    source: str


@dataclass(frozen=True)
class Papers:
    order_number: str
    purchase_number: str
    direction: str
    status: str
    issued_on: dt.date
    seller: Party
    consignee: Party
    lines: tuple[PaperLine, ...]
    currency: str
    goods_value: Decimal
    freight: Decimal
    tax_total: Decimal
    total_payable: Decimal
    customs_value_usd: Decimal
    exchange_rate: Decimal | None
    exchange_rate_source: str
    tax_channel: str
    gross_weight_kg: Decimal
    carrier: str
    tracking_number: str
    carrier_name: str = ""  # "China Post 中国邮政" (the carrier's names in both languages)
    refs: DeclarationRefs = field(default_factory=DeclarationRefs)
    de_minimis: DeMinimis | None = None

    @property
    def is_export(self) -> bool:
        return self.direction == Direction.US_EXPORT

    @property
    def hts_lines(self) -> tuple[str, ...]:
        """The US HTS 10-digit numbers of the goods (imports), each once, in line order."""
        return tuple(dict.fromkeys(x.national_line or x.hs_code for x in self.lines))

    @property
    def units(self) -> int:
        return sum(x.quantity for x in self.lines)

    @property
    def waybill(self) -> str:
        return self.refs.get("CEB511", "logisticsNo")

    @property
    def barcode_value(self) -> str:
        """The number the label's barcode carries: the carrier's tracking number once known,
        else the CBEC waybill number declared to customs, else the order number."""
        return self.tracking_number or self.waybill or self.order_number


def mask_phone(phone: str) -> str:
    digits = "".join(c for c in phone if c.isdigit())
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def _seller(order: Order) -> Party:
    business = order.business
    if business.country == "US":
        region = business.us_state_id or ""
        country = "United States 美国"
    else:
        province = business.cn_province
        region = f"{province.name_en} {province.name_zh}" if province else ""
        country = "China 中国"
    return Party(
        name=business.legal_name,
        name_zh=business.display_name_zh,
        lines=(f"{business.city}, {region} {business.postal_code}".strip(), country),
        reference=business.registration_number,
    )


def _consignee(order: Order) -> Party:
    if order.direction == Direction.US_EXPORT:
        province = ChinaProvince.objects.filter(code=order.consignee_district[:2]).first()
        region = f"{province.name_zh} {province.name_en}" if province else ""
        return Party(
            name=order.consignee_name,
            name_zh=order.consignee_name,
            lines=(
                order.consignee_address,
                f"{region} {order.consignee_district}".strip(),
                "China 中国",
            ),
            phone=mask_phone(order.consignee_phone),
            id_masked=order.buyer_id_masked,
        )
    state = UsState.objects.filter(code=order.consignee_state).first()
    return Party(
        name=order.consignee_name,
        name_zh="",
        lines=(
            order.consignee_address,
            f"{state.name if state else order.consignee_state} {order.consignee_state}".strip(),
            "United States 美国",
        ),
        phone=mask_phone(order.consignee_phone),
    )


def _de_minimis(day: dt.date) -> DeMinimis | None:
    """The de minimis (Section 321) row in force for goods from China: the lowest threshold of
    the rows in force wins (a suspension is a row with threshold 0)."""
    rows = [
        r
        for r in TariffMeasure.objects.filter(in_force_on(day), kind="de_minimis")
        if r.origin_country in ("", "CN")
    ]
    if not rows:
        return None
    row = min(
        rows, key=lambda r: r.threshold_usd if r.threshold_usd is not None else Decimal("Infinity")
    )
    threshold = row.threshold_usd
    return DeMinimis(
        measure_id=row.measure_id,
        label=row.label,
        threshold_usd=threshold,
        available=bool(threshold and threshold > 0),
        source=row.source,
    )


def _carrier_name(code: str, day: dt.date) -> str:
    for row in carrier_formats_on(day):
        if row.carrier == code:
            return f"{row.carrier_name_en} {row.carrier_name_zh}".strip()
    return code


def papers_for(order: Order, *, day: dt.date | None = None) -> Papers:
    """Everything the invoice, packing list and label of ``order`` show."""
    day = day or timezone.now().date()
    lines = []
    for line in order.lines.select_related("product").order_by("pk"):
        origin = (
            line.origin_state
            and f"US-{line.origin_state}"
            or (line.origin_province and f"CN-{line.origin_province}")
            or ""
        )
        lines.append(
            PaperLine(
                sku=line.sku,
                title_en=line.title,
                title_zh=line.title_zh,
                variant=line.variant_label,
                variant_zh=line.variant_label_zh or line.variant_label,
                hs_code=line.hs_code,
                national_line=line.national_line,
                origin=origin,
                quantity=line.quantity,
                unit_price=line.unit_price,
                value=line.goods_value,
                currency=order.currency,
                unit_price_usd=line.unit_price_usd,
                customs_value_usd=line.customs_value_usd,
                weight_kg=(line.product.weight_kg or Decimal("0")) * line.quantity,
            )
        )
    export = order.direction == Direction.US_EXPORT
    return Papers(
        order_number=order.number,
        purchase_number=order.purchase.number,
        direction=order.direction,
        status=order.status,
        issued_on=day,
        seller=_seller(order),
        consignee=_consignee(order),
        lines=tuple(lines),
        currency=order.currency,
        goods_value=order.goods_value,
        freight=order.freight + order.insurance,
        tax_total=order.tax_total,
        total_payable=order.total_payable,
        customs_value_usd=order.customs_value_usd,
        exchange_rate=order.exchange_rate,
        exchange_rate_source=order.exchange_rate_source,
        tax_channel=order.tax_channel,
        gross_weight_kg=sum((x.weight_kg for x in lines), Decimal("0")).quantize(Decimal("0.001")),
        carrier=order.carrier,
        tracking_number=order.tracking_number,
        carrier_name=_carrier_name(order.carrier, day) if order.carrier else "",
        refs=declaration_refs(order_id=order.pk) if export else DeclarationRefs(),
        de_minimis=None if export else _de_minimis(day),
    )
