"""Schemas of the checkout API: the quote of each channel, and ONE order / purchase shape for
both channels (``channel`` says which; the parts only one channel has are null in the other)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from ninja import Field, Schema

from twoway.checkout.channels import channel_for
from twoway.checkout.models import Direction, Order
from twoway.core.schemas import Id


class ItemIn(Schema):
    product_id: Id
    quantity: int = Field(..., ge=1, le=999)


class ProblemOut(Schema):
    field: str
    rule: str
    message: str


# --- export quote (CNY, CBEC tax, quota) ----------------------------------------------------


class QuoteIn(Schema):
    items: list[ItemIn] = Field(..., min_length=1)
    identity_id: Id | None = None


class QuoteLineOut(Schema):
    product_id: int
    title: str
    title_zh: str
    #: The variant ("454 g · Orange"); empty for a product without sizes or colours.
    variant_label: str = ""
    #: The variant in Chinese ("454 g · 橙色"; the English where the seller gave no Chinese).
    variant_label_zh: str = ""
    quantity: int
    unit_price_usd: Decimal
    unit_price: Decimal
    goods_value: Decimal
    freight_share: Decimal
    tariff: Decimal
    consumption_tax: Decimal
    vat: Decimal
    tax_total: Decimal
    tax_category: str
    comprehensive_rate: Decimal


class SellerQuoteOut(Schema):
    business_id: int
    business_name: str
    channel: str
    goods_value: Decimal
    freight: Decimal
    tax_total: Decimal
    total_payable: Decimal
    dutiable_value: Decimal
    lines: list[QuoteLineOut]
    refusal: dict | None


class QuoteOut(Schema):
    currency: str = "CNY"
    exchange_rate: Decimal
    exchange_rate_source: str
    goods_value: Decimal
    freight: Decimal
    tax_total: Decimal
    total_payable: Decimal
    quota_annual: Decimal
    quota_remaining_before: Decimal
    quota_remaining_after: Decimal
    per_transaction_limit: Decimal
    sellers: list[SellerQuoteOut]
    problems: list[dict]


# --- import quote (USD, each US duty and fee) ------------------------------------------------


class ImportQuoteIn(Schema):
    items: list[ItemIn] = Field(..., min_length=1)


class DutyLineOut(Schema):
    """One duty or fee: the measure it comes from, its rate and amount, and where it is stated."""

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


class ImportQuoteLineOut(Schema):
    product_id: int
    title: str
    #: The variant ("L · Blue"); empty for a product without sizes or colours.
    variant_label: str = ""
    quantity: int
    unit_price_usd: Decimal
    goods_value: Decimal
    freight_share: Decimal
    duties: list[DutyLineOut]
    fees: list[DutyLineOut]
    duty_total: Decimal
    fees_total: Decimal
    de_minimis_applied: bool
    de_minimis_text: str
    notes: list[str]


class ImportSellerQuoteOut(Schema):
    business_id: int
    business_name: str
    goods_value: Decimal
    freight: Decimal
    duty_total: Decimal
    fees_total: Decimal
    total_payable: Decimal
    customs_value_usd: Decimal
    de_minimis_applied: bool
    lines: list[ImportQuoteLineOut]


class ImportQuoteOut(Schema):
    currency: str
    day: dt.date
    freight_source: str
    goods_value: Decimal
    freight: Decimal
    duty_total: Decimal
    fees_total: Decimal
    total_payable: Decimal
    sellers: list[ImportSellerQuoteOut]
    problems: list[ProblemOut]


# --- placing ---------------------------------------------------------------------------------


class ConsigneeIn(Schema):
    name: str = Field(..., min_length=1, max_length=64)
    phone: str = Field(..., min_length=5, max_length=30)
    address: str = Field(..., min_length=4, max_length=200)
    district: str = Field("", pattern=r"^([0-9]{6})?$")


class PurchaseIn(Schema):
    items: list[ItemIn] = Field(..., min_length=1)
    identity_id: Id
    consignee: ConsigneeIn


class ImportConsigneeIn(Schema):
    name: str = Field(..., min_length=1, max_length=64)
    phone: str = Field(..., min_length=5, max_length=30)
    address: str = Field(..., min_length=4, max_length=200)


class ImportPurchaseIn(Schema):
    items: list[ItemIn] = Field(..., min_length=1)
    consignee_state: str = Field(..., pattern=r"^[A-Za-z]{2}$")
    consignee: ImportConsigneeIn


# --- one order shape for both channels -------------------------------------------------------


def _is_import(order: Order) -> bool:
    return order.direction == Direction.US_IMPORT


class OrderLineOut(Schema):
    #: The line's id (the ``line_id`` a return request names).
    id: int
    product_id: int
    sku: str
    title: str
    title_zh: str
    #: The variant bought ("454 g · Orange"), as it was when the order was placed; empty for a
    #: product without sizes or colours.
    variant_label: str
    #: The same in Chinese ("454 g · 橙色"), snapshotted with it; the English one on older lines.
    variant_label_zh: str
    quantity: int
    unit_price_usd: Decimal | None
    unit_price: Decimal
    goods_value: Decimal
    freight_share: Decimal
    tax_total: Decimal
    #: Import: the US duties of the line (its ``tariff``); null for an export line.
    duty: Decimal | None = None
    #: Import: duties and fees of the line (its ``tax_total``); null for an export line.
    duty_and_fees: Decimal | None = None


class OrderEventOut(Schema):
    from_status: str
    to_status: str
    actor_label: str
    reason: str
    created_at: dt.datetime


class OrderOut(Schema):
    number: str
    #: "export" (a buyer in China, CBEC) or "import" (a buyer in the US).
    channel: str
    status: str
    business_id: int
    seller: str = Field(..., alias="business.legal_name")
    currency: str
    exchange_rate: Decimal | None
    goods_value: Decimal
    freight: Decimal
    tax_total: Decimal
    #: Import: the US duties and fees (its ``tax_total``); null for an export order.
    duty_total: Decimal | None = None
    total_payable: Decimal
    tax_channel: str
    customs_value_usd: Decimal | None
    buyer_name: str
    #: Export: the real-name buyer's ID, masked; empty for an import order.
    buyer_id_masked: str
    consignee_name: str
    #: Import: the US state of delivery; empty for an export order.
    consignee_state: str
    customs_status: str
    customs_info: str
    hold_reason: str
    eei_required: bool
    tracking_number: str
    lines: list[OrderLineOut]
    events: list[OrderEventOut]

    @staticmethod
    def resolve_channel(obj: Order) -> str:
        return channel_for(obj.direction).name

    @staticmethod
    def resolve_duty_total(obj: Order):
        return obj.tax_total if _is_import(obj) else None

    @staticmethod
    def resolve_lines(obj: Order):
        imported = _is_import(obj)
        return [
            {
                "id": ln.pk,
                "product_id": ln.product_id,
                "sku": ln.sku,
                "title": ln.title,
                "title_zh": ln.title_zh,
                "variant_label": ln.variant_label,
                "variant_label_zh": ln.variant_label_zh or ln.variant_label,
                "quantity": ln.quantity,
                "unit_price_usd": ln.unit_price_usd,
                "unit_price": ln.unit_price,
                "goods_value": ln.goods_value,
                "freight_share": ln.freight_share,
                "tax_total": ln.tax_total,
                "duty": ln.tariff if imported else None,
                "duty_and_fees": ln.tax_total if imported else None,
            }
            for ln in obj.lines.all()
        ]

    # The customs state is the customs context's (its declaration of the order); "" until then.
    @staticmethod
    def resolve_customs_status(obj: Order) -> str:
        status = getattr(_declaration(obj), "status", "")
        return "" if status == "pending" else status

    @staticmethod
    def resolve_customs_info(obj: Order) -> str:
        return getattr(_declaration(obj), "info", "")

    @staticmethod
    def resolve_eei_required(obj: Order) -> bool:
        return bool(getattr(_declaration(obj), "eei_required", False))

    @staticmethod
    def resolve_events(obj: Order):
        return list(obj.events.all())


class PurchaseOut(Schema):
    number: str
    channel: str
    currency: str
    total_payable: Decimal
    reserved_until: dt.datetime | None
    paid_at: dt.datetime | None
    orders: list[OrderOut]

    @staticmethod
    def resolve_channel(obj) -> str:
        return channel_for(obj.direction).name

    @staticmethod
    def resolve_orders(obj):
        return list(obj.orders.all())


class CancelIn(Schema):
    reason: str = ""


class ShipIn(Schema):
    tracking_number: str = Field(..., min_length=4, max_length=40)
    carrier: str | None = Field(
        None,
        max_length=24,
        description="ups, usps, fedex, dhl, china_post or sf_express: the tracking number must "
        "then have that carrier's form and check digit (reference carrier formats).",
    )


def _declaration(order: Order):
    """The order's customs declaration (a reverse one-to-one of the customs app), or None."""
    try:
        return order.customs_declaration
    except ObjectDoesNotExist:
        return None
