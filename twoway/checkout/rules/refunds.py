"""What a return or a cancellation gives back (pure; no Django).

A line returned in parts must add up, over all its parts, to exactly the line: each part's share is
the difference of two cumulative roundings (``total × returned_so_far / quantity``, rounded half-up
to the cent or fen), so rounding never leaks a cent between parts.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cumulative_share(total: Decimal, *, units: int, before: int, whole: int) -> Decimal:
    """The part of ``total`` carried by ``units`` more units when ``before`` of ``whole`` units
    were taken already. Summed over any split of ``whole`` it equals ``total`` exactly."""
    if whole <= 0 or units < 0 or before < 0 or before + units > whole:
        raise ValueError(f"cannot take {units} units after {before} of {whole}")
    upto = (Decimal(total) * (before + units) / whole).quantize(CENT, rounding=ROUND_HALF_UP)
    prior = (Decimal(total) * before / whole).quantize(CENT, rounding=ROUND_HALF_UP)
    return upto - prior


@dataclass(frozen=True)
class LineValues:
    """One order line as ordered (amounts in the buyer's currency, customs value in USD)."""

    quantity: int
    goods_value: Decimal
    tax_total: Decimal
    freight_share: Decimal
    customs_value_usd: Decimal


@dataclass(frozen=True)
class ReturnPolicyTerms:
    refunds_tax: bool
    refunds_freight: bool
    restores_quota: bool


@dataclass(frozen=True)
class ReturnAmounts:
    goods: Decimal
    tax: Decimal
    freight: Decimal
    quota: Decimal
    customs_value_usd: Decimal

    @property
    def refund(self) -> Decimal:
        return self.goods + self.tax + self.freight


def return_amounts(
    line: LineValues, *, units: int, returned_before: int, terms: ReturnPolicyTerms
) -> ReturnAmounts:
    """Money, quota and customs value that ``units`` returned units of ``line`` give back."""
    if units < 1:
        raise ValueError("return at least one unit")

    def share(total: Decimal) -> Decimal:
        return cumulative_share(total, units=units, before=returned_before, whole=line.quantity)

    goods = share(line.goods_value)
    freight_part = share(line.freight_share)
    return ReturnAmounts(
        goods=goods,
        tax=share(line.tax_total) if terms.refunds_tax else ZERO,
        freight=freight_part if terms.refunds_freight else ZERO,
        # The CBEC annual total counts the dutiable value: goods plus their freight share.
        quota=goods + freight_part if terms.restores_quota else ZERO,
        customs_value_usd=share(line.customs_value_usd),
    )


@dataclass(frozen=True)
class MoneyView:
    """An order's money as the buyer and the seller see it; always adds up."""

    paid: Decimal
    refunded: Decimal
    refund_pending: Decimal

    @property
    def kept(self) -> Decimal:
        """What the platform keeps for this order once pending refunds complete."""
        return self.paid - self.refunded - self.refund_pending


def money_view(*, paid: Decimal, refunds: list[tuple[str, Decimal]]) -> MoneyView:
    """``refunds`` as (status, amount); failed refunds count for nothing (they are retried or
    re-issued as new refunds)."""
    refunded = sum((a for s, a in refunds if s == "succeeded"), ZERO)
    pending = sum((a for s, a in refunds if s in ("pending", "submitted")), ZERO)
    if refunded + pending > paid:
        raise ValueError(f"refunds {refunded + pending} exceed the payment {paid}")
    return MoneyView(paid=paid, refunded=refunded, refund_pending=pending)
