"""China CBEC limits and the buyer's annual quota check (pure, no Django).

Since 2019-01-01 the limits are CNY 5,000 per transaction and CNY 26,000 per person per year
(Cai Guan Shui [2018] No.49). The figures are never written here: they come from dated reference
rows, chosen by the service for the order date, and arrive as ``CbecLimits``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from twoway.checkout.rules.money import (
    RuleInputError,
    format_cny,
    require_decimal,
    require_non_negative,
)

OVER_ANNUAL_LIMIT = "over_annual_limit"


@dataclass(frozen=True)
class CbecLimits:
    """Limits in force on the order date, all CNY except the factor.

    ``within_limit_factor`` is the share of VAT and consumption tax charged within the limits
    (0.7 since 2016).
    """

    per_transaction: Decimal
    annual: Decimal
    within_limit_factor: Decimal

    def __post_init__(self) -> None:
        for name in ("per_transaction", "annual"):
            if require_non_negative(getattr(self, name), name) == 0:
                raise RuleInputError(name, "positive", f"{name} must be positive")
        factor = require_decimal(self.within_limit_factor, "within_limit_factor")
        if not 0 <= factor <= 1:
            raise RuleInputError(
                "within_limit_factor",
                "between_0_and_1",
                f"within_limit_factor must be between 0 and 1, got {factor}",
            )


@dataclass(frozen=True)
class QuotaDecision:
    """``remaining`` is the quota left *before* this order (never negative)."""

    allowed: bool
    reason_code: str | None
    message: str | None
    remaining: Decimal


def quota_check(
    *, used_this_year: Decimal, order_amount: Decimal, limits: CbecLimits
) -> QuotaDecision:
    """Allow the order iff ``used_this_year + order_amount <= limits.annual``.

    ``order_amount`` is what the order adds to the buyer's annual total (its dutiable value).
    Reaching the limit exactly is allowed; going over it means the goods would have to be
    imported as general trade, which this platform does not do.
    """
    used = require_non_negative(used_this_year, "used_this_year")
    amount = require_non_negative(order_amount, "order_amount")
    remaining = max(limits.annual - used, Decimal("0.00"))
    if used + amount <= limits.annual:
        return QuotaDecision(allowed=True, reason_code=None, message=None, remaining=remaining)
    message = (
        f"Annual CBEC quota exceeded: {format_cny(remaining)} remaining of "
        f"{format_cny(limits.annual)}; this order needs {format_cny(amount)}."
    )
    return QuotaDecision(
        allowed=False, reason_code=OVER_ANNUAL_LIMIT, message=message, remaining=remaining
    )
