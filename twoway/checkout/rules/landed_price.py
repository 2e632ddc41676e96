"""What a buyer in China pays for a US export, in CNY (pure, no Django).

The breakdown mirrors the CEB311 order message (``ceb_messages.md`` §3.1):
``acturalPaid = goodsValue + freight + taxTotal - discount``. CEB311's ``freight`` is "freight and
charges not included in the goods price", so it is shipping plus insurance here
(``LandedPrice.ceb_freight``); the buyer sees the two as separate charges.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from twoway.checkout.rules.cbec_tax import CbecChannel, CbecLineTax, CbecTaxResult
from twoway.checkout.rules.money import (
    CNY,
    FEN,
    RuleInputError,
    format_cny,
    format_percent,
    require_decimal,
    require_whole_fen,
    round_exact,
    to_fraction,
)

ZERO = Decimal("0.00")


def cny_from_usd(usd: Decimal, rate: Decimal) -> Decimal:
    """``usd`` converted at ``rate`` (CNY per 1 USD), rounded to the fen, ROUND_HALF_UP."""
    amount = require_decimal(usd, "usd")
    if require_decimal(rate, "rate") <= 0:
        raise RuleInputError("rate", "positive", f"rate must be positive, got {rate}")
    return round_exact(to_fraction(amount) * to_fraction(rate), FEN)


@dataclass(frozen=True)
class Charge:
    """One row of the buyer-facing breakdown; a discount is a negative amount."""

    label: str
    amount: Decimal


@dataclass(frozen=True)
class LandedLine:
    """One item: its price, its share of shipping and insurance, and the import tax on it."""

    line_id: str
    name: str
    goods_value: Decimal
    shipping_share: Decimal
    tax: Decimal
    tax_label: str

    @property
    def total(self) -> Decimal:
        return self.goods_value + self.shipping_share + self.tax


@dataclass(frozen=True)
class LandedPrice:
    """All CNY. ``charges`` is the breakdown in display order and sums to ``total_payable``."""

    channel: CbecChannel
    lines: tuple[LandedLine, ...]
    goods_value: Decimal
    freight: Decimal
    insurance: Decimal
    tax_total: Decimal
    discount: Decimal
    total_payable: Decimal
    charges: tuple[Charge, ...]
    currency: str = CNY

    @property
    def ceb_freight(self) -> Decimal:
        """CEB311 ``freight``: shipping plus insurance."""
        return self.freight + self.insurance


def _tax_label(line: CbecLineTax, name: str, channel: CbecChannel) -> str:
    share = (
        f"{format_percent(line.comprehensive_rate)} of {format_cny(line.dutiable_value)} "
        f"(price plus its share of shipping)"
    )
    if channel is CbecChannel.FULL_TAX_SINGLE_ITEM:
        return (
            f"Import tax on {name}: {share}. This single item is over the per-order "
            f"cross-border limit, so tariff, consumption tax and VAT are charged in full."
        )
    return (
        f"Import tax on {name}: {share}. Cross-border rate: no tariff, and VAT and "
        f"consumption tax at a reduced share."
    )


def export_landed_price(
    tax: CbecTaxResult,
    *,
    discount: Decimal = ZERO,
    item_names: Mapping[str, str] | None = None,
) -> LandedPrice:
    """The buyer-facing price of an order ``cbec_tax`` accepted.

    ``discount`` is the non-cash deduction (points, vouchers); it lowers what the buyer pays but
    not the dutiable value or the tax. ``item_names`` maps line ids to display names (default:
    the line id). A refused order has no landed price: ValueError.
    """
    if tax.is_refused:
        raise RuleInputError(
            "tax", "not_refused", f"cannot price a refused order: {tax.message or tax.reason_code}"
        )
    discount = require_whole_fen(discount, "discount").quantize(FEN)
    before_discount = tax.goods_total + tax.freight + tax.insurance + tax.tax_total
    if discount > before_discount:
        raise RuleInputError(
            "discount",
            "not_above_total",
            f"discount {format_cny(discount)} is more than the order total "
            f"{format_cny(before_discount)}",
        )
    names = item_names or {}
    lines = tuple(
        LandedLine(
            line_id=line.line_id,
            name=names.get(line.line_id, line.line_id),
            goods_value=line.goods_value,
            shipping_share=line.freight_share + line.insurance_share,
            tax=line.tax,
            tax_label=_tax_label(line, names.get(line.line_id, line.line_id), tax.channel),
        )
        for line in tax.lines
    )
    charges = [
        Charge("Goods: the price of the items", tax.goods_total),
        Charge("Shipping to China", tax.freight),
    ]
    if tax.insurance:
        charges.append(Charge("Shipping insurance", tax.insurance))
    charges.append(Charge("Import tax collected for China Customs", tax.tax_total))
    if discount:
        charges.append(Charge("Discount: points or vouchers", -discount))
    return LandedPrice(
        channel=tax.channel,
        lines=lines,
        goods_value=tax.goods_total,
        freight=tax.freight,
        insurance=tax.insurance,
        tax_total=tax.tax_total,
        discount=discount,
        total_payable=before_discount - discount,
        charges=tuple(charges),
    )
