"""China cross-border e-commerce (CBEC) retail import tax (pure, no Django).

Source: Cai Guan Shui [2016] No.18 [S37][S5][S2] and [2018] No.49 [S3][S4][S9] (entries of
twoway/reference/data/china/SOURCES.md), summarised with worked examples in
twoway/reference/data/china/cbec_tax_policy.md.

Dutiable value (完税价格) of a line = goods value (unit price x quantity) + its share of freight
+ its share of insurance. Freight and insurance are each split over the lines pro rata to goods
value, largest remainder, so the shares sum to the order's freight and insurance to the fen
(``money.allocate_pro_rata``). Non-cash discounts are not deducted.

Channel, checked in this order:
1. ``used_this_year + dutiable_total > annual``: REFUSED, ``over_annual_limit`` (general trade).
2. ``dutiable_total > per_transaction`` and the order is not exactly one line of quantity 1:
   REFUSED, ``over_transaction_limit``.
3. ``dutiable_total > per_transaction``, single item: FULL_TAX_SINGLE_ITEM, for dutiable value
   P and rates t, c, v:  tariff = P*t;  CT = (P + tariff) / (1 - c) * c;
   VAT = (P + tariff + CT) * v.
4. Otherwise WITHIN_LIMITS, with factor k (0.7): tariff = 0;  CT = P / (1 - c) * c * k;
   VAT = (P + P / (1 - c) * c) * v * k   (VAT on the *full* CT, then scaled by k),
   so CT + VAT = P * (c + v) / (1 - c) * k, the "comprehensive rate" formula.
A refused order gets no tax: every tax amount on it is 0.00 and must not be charged.

Rounding (ROUND_HALF_UP to the fen, see ``money``): tariff, CT and VAT are computed exactly per
line and each is rounded once; a line's ``tax`` is its exact tariff + CT + VAT rounded once.
No rounded figure feeds another calculation. Order totals are sums of the rounded line figures,
so ``tax_total`` (the CEB311 ``taxTotal``) is the sum of line ``tax``.

Why a line's ``tax`` is not the sum of its rounded components: worked example 4 of the policy
file (wine, dutiable 400, c 10%) gives CT 31.11 and VAT 40.44 but a total of 71.56 (400 x
17.888..% = 71.5556), and example 5 gives 60.00 + 1,069.41 + 926.82 but a total of 2,056.24
(exact 2,056.2353). 31.11 + 40.44 is 71.55, so no rule in which the total is the sum of the
rounded components can reproduce the examples. Rounding every reported figure once from its
exact value reproduces all five; the price is that a line's components may sum to 1 fen more or
less than its ``tax``. Customs messages carry only ``taxTotal`` (CEB311/CEB621), so the
buyer-facing and declared total is ``tax``; the components are informational.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from twoway.checkout.rules.money import (
    FEN,
    RuleInputError,
    allocate_pro_rata,
    format_cny,
    require_non_negative,
    require_whole_fen,
    round_exact,
    to_fraction,
)
from twoway.checkout.rules.quota import OVER_ANNUAL_LIMIT, CbecLimits, quota_check

__all__ = [
    "CbecChannel",
    "CbecLimits",
    "CbecLineTax",
    "CbecRefusal",
    "CbecTaxResult",
    "DutiableLine",
    "TaxRates",
    "cbec_tax",
]

ZERO = Decimal("0.00")
RATE_QUANTUM = Decimal("0.000001")
ZERO_RATE = Decimal("0.000000")


class CbecChannel(StrEnum):
    WITHIN_LIMITS = "within_limits"
    FULL_TAX_SINGLE_ITEM = "full_tax_single_item"
    REFUSED = "refused"


class CbecRefusal(StrEnum):
    OVER_TRANSACTION_LIMIT = "over_transaction_limit"
    OVER_ANNUAL_LIMIT = OVER_ANNUAL_LIMIT


@dataclass(frozen=True)
class TaxRates:
    """Statutory rates as fractions (0.13, not 13). ``tariff`` applies only outside the limits."""

    vat: Decimal
    consumption: Decimal
    tariff: Decimal

    def __post_init__(self) -> None:
        for name in ("vat", "consumption"):
            rate = require_non_negative(getattr(self, name), name)
            if rate >= 1:
                raise RuleInputError(name, "below_1", f"{name} must be below 1, got {rate}")
        require_non_negative(self.tariff, "tariff")


@dataclass(frozen=True)
class DutiableLine:
    """One order line in CNY. ``unit_price`` is in whole fen; ``quantity`` is at least 1."""

    line_id: str
    unit_price: Decimal
    quantity: int
    rates: TaxRates

    def __post_init__(self) -> None:
        where = f"line {self.line_id!r}"
        try:
            require_whole_fen(self.unit_price, "unit_price")
        except RuleInputError as error:
            raise RuleInputError(error.field, error.rule, f"{error.message} ({where})") from None
        if isinstance(self.quantity, bool) or not isinstance(self.quantity, int):
            raise TypeError(f"quantity must be an int, not {type(self.quantity).__name__}")
        if self.quantity < 1:
            message = f"quantity must be at least 1, got {self.quantity} ({where})"
            raise RuleInputError("quantity", "at_least_1", message)

    @property
    def goods_value(self) -> Decimal:
        return (self.unit_price * self.quantity).quantize(FEN)


@dataclass(frozen=True)
class CbecLineTax:
    """Tax of one line, CNY. ``tax`` is rounded from the exact sum (see module docstring).

    ``comprehensive_rate`` is exact tax / dutiable value for the line's channel, rounded to six
    places for display (0.178889 for wine within limits; 0.342706 for example 5).
    """

    line_id: str
    goods_value: Decimal
    freight_share: Decimal
    insurance_share: Decimal
    dutiable_value: Decimal
    tariff: Decimal
    consumption_tax: Decimal
    vat: Decimal
    tax: Decimal
    comprehensive_rate: Decimal


@dataclass(frozen=True)
class CbecTaxResult:
    channel: CbecChannel
    lines: tuple[CbecLineTax, ...]
    goods_total: Decimal
    freight: Decimal
    insurance: Decimal
    dutiable_total: Decimal
    tariff_total: Decimal
    consumption_tax_total: Decimal
    vat_total: Decimal
    tax_total: Decimal
    reason_code: CbecRefusal | None = None
    message: str | None = None

    @property
    def is_refused(self) -> bool:
        return self.channel is CbecChannel.REFUSED


@dataclass(frozen=True)
class _ExactTax:
    tariff: Fraction
    consumption: Fraction
    vat: Fraction


def _within_limits(base: Fraction, rates: TaxRates, factor: Fraction) -> _ExactTax:
    c, v = to_fraction(rates.consumption), to_fraction(rates.vat)
    full_ct = base / (1 - c) * c
    return _ExactTax(Fraction(0), full_ct * factor, (base + full_ct) * v * factor)


def _full_tax(base: Fraction, rates: TaxRates) -> _ExactTax:
    c, v, t = to_fraction(rates.consumption), to_fraction(rates.vat), to_fraction(rates.tariff)
    tariff = base * t
    ct = (base + tariff) / (1 - c) * c
    return _ExactTax(tariff, ct, (base + tariff + ct) * v)


def _exact_tax(
    channel: CbecChannel, base: Fraction, rates: TaxRates, factor: Fraction
) -> _ExactTax | None:
    if channel is CbecChannel.WITHIN_LIMITS:
        return _within_limits(base, rates, factor)
    if channel is CbecChannel.FULL_TAX_SINGLE_ITEM:
        return _full_tax(base, rates)
    return None


def _line_tax(
    line: DutiableLine,
    freight: Decimal,
    insurance: Decimal,
    channel: CbecChannel,
    factor: Fraction,
) -> CbecLineTax:
    dutiable = line.goods_value + freight + insurance
    exact = _exact_tax(channel, to_fraction(dutiable), line.rates, factor)
    # The rate is the tax on a dutiable value of 1, so it exists for zero-value lines too.
    per_unit = _exact_tax(channel, Fraction(1), line.rates, factor)
    if exact is None or per_unit is None:
        tariff = ct = vat = tax = ZERO
        rate = ZERO_RATE
    else:
        tariff, ct = round_exact(exact.tariff), round_exact(exact.consumption)
        vat, tax = round_exact(exact.vat), round_exact(exact.tariff + exact.consumption + exact.vat)
        rate = round_exact(per_unit.tariff + per_unit.consumption + per_unit.vat, RATE_QUANTUM)
    return CbecLineTax(
        line_id=line.line_id,
        goods_value=line.goods_value,
        freight_share=freight,
        insurance_share=insurance,
        dutiable_value=dutiable,
        tariff=tariff,
        consumption_tax=ct,
        vat=vat,
        tax=tax,
        comprehensive_rate=rate,
    )


def _refusal(
    lines: Sequence[DutiableLine], dutiable_total: Decimal, used: Decimal, limits: CbecLimits
) -> tuple[CbecRefusal, str] | None:
    quota = quota_check(used_this_year=used, order_amount=dutiable_total, limits=limits)
    if not quota.allowed:
        return CbecRefusal.OVER_ANNUAL_LIMIT, quota.message or ""
    single_item = len(lines) == 1 and lines[0].quantity == 1
    if dutiable_total > limits.per_transaction and not single_item:
        items = sum(line.quantity for line in lines)
        return CbecRefusal.OVER_TRANSACTION_LIMIT, (
            f"Orders over the {format_cny(limits.per_transaction)} per-order CBEC limit must be a "
            f"single item; this order is {format_cny(dutiable_total)} for {items} items. "
            f"Split it into orders of at most {format_cny(limits.per_transaction)}."
        )
    return None


def cbec_tax(
    lines: Sequence[DutiableLine],
    *,
    freight: Decimal,
    insurance: Decimal,
    limits: CbecLimits,
    used_this_year: Decimal,
) -> CbecTaxResult:
    """CBEC retail import tax for one order (one transaction); all amounts CNY."""
    if not lines:
        raise RuleInputError("lines", "not_empty", "lines must not be empty")
    if len({line.line_id for line in lines}) != len(lines):
        raise RuleInputError("lines", "unique_line_id", "line_id must be unique within an order")
    freight = require_whole_fen(freight, "freight").quantize(FEN)
    insurance = require_whole_fen(insurance, "insurance").quantize(FEN)
    used = require_non_negative(used_this_year, "used_this_year")
    goods_values = [line.goods_value for line in lines]
    freight_shares = allocate_pro_rata(freight, goods_values)
    insurance_shares = allocate_pro_rata(insurance, goods_values)
    goods_total = sum(goods_values, ZERO)
    dutiable_total = goods_total + freight + insurance

    refusal = _refusal(lines, dutiable_total, used, limits)
    if refusal is not None:
        channel = CbecChannel.REFUSED
    elif dutiable_total > limits.per_transaction:
        channel = CbecChannel.FULL_TAX_SINGLE_ITEM
    else:
        channel = CbecChannel.WITHIN_LIMITS
    factor = to_fraction(limits.within_limit_factor)
    line_taxes = tuple(
        _line_tax(line, f, i, channel, factor)
        for line, f, i in zip(lines, freight_shares, insurance_shares, strict=True)
    )
    return CbecTaxResult(
        channel=channel,
        lines=line_taxes,
        goods_total=goods_total,
        freight=freight,
        insurance=insurance,
        dutiable_total=dutiable_total,
        tariff_total=sum((t.tariff for t in line_taxes), ZERO),
        consumption_tax_total=sum((t.consumption_tax for t in line_taxes), ZERO),
        vat_total=sum((t.vat for t in line_taxes), ZERO),
        tax_total=sum((t.tax for t in line_taxes), ZERO),
        reason_code=refusal[0] if refusal else None,
        message=refusal[1] if refusal else None,
    )
