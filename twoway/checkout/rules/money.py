"""Money helpers for the pure rules: ``Decimal`` only, never ``float``.

Rounding, stated once: amounts are rounded to the currency's minor unit (CNY fen, USD cent) with
``ROUND_HALF_UP`` (halves away from zero, the "四舍五入" Chinese customs uses for tax amounts).
Each rule names the points where it rounds; everything before such a point is exact.

Exact intermediate values are ``fractions.Fraction``: ``P / (1 - c)`` does not terminate in
decimal, and computing it as a 28-digit ``Decimal`` could turn an exact half fen into
0.00499… and round it the wrong way. ``round_exact`` rounds a ``Fraction`` with the same rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

FEN = Decimal("0.01")
CENT = Decimal("0.01")
CNY = "CNY"
USD = "USD"
_MINOR_UNIT = {CNY: FEN, USD: CENT}


class RuleInputError(ValueError):
    """An input a rule refuses. ``field`` names the argument, ``rule`` the check that failed."""

    def __init__(self, field: str, rule: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.rule = rule
        self.message = message


def require_decimal(value: object, field: str) -> Decimal:
    """Return ``value`` if it is a finite ``Decimal``; floats (and anything else) raise TypeError."""
    if not isinstance(value, Decimal):
        raise TypeError(
            f"{field} must be a Decimal, not {type(value).__name__}; "
            f"build it from a string, e.g. Decimal('1.10')"
        )
    if not value.is_finite():
        raise RuleInputError(field, "finite", f"{field} must be a finite number, got {value}")
    return value


def require_non_negative(value: object, field: str) -> Decimal:
    amount = require_decimal(value, field)
    if amount < 0:
        raise RuleInputError(field, "non_negative", f"{field} must not be negative, got {amount}")
    return amount


def require_whole_fen(value: object, field: str) -> Decimal:
    """A non-negative CNY amount with no fraction of a fen (e.g. 12.30, not 12.305)."""
    amount = require_non_negative(value, field)
    if amount != amount.quantize(FEN):
        raise RuleInputError(
            field, "whole_fen", f"{field} must be a whole number of fen (0.01), got {amount}"
        )
    return amount


def quantize_cny(amount: Decimal) -> Decimal:
    """Round a CNY amount to the fen, ROUND_HALF_UP."""
    return require_decimal(amount, "amount").quantize(FEN, rounding=ROUND_HALF_UP)


def quantize_usd(amount: Decimal) -> Decimal:
    """Round a USD amount to the cent, ROUND_HALF_UP."""
    return require_decimal(amount, "amount").quantize(CENT, rounding=ROUND_HALF_UP)


def to_fraction(amount: Decimal) -> Fraction:
    """The exact value of a finite ``Decimal``."""
    return Fraction(require_decimal(amount, "amount"))


def round_exact(value: Fraction, quantum: Decimal = FEN) -> Decimal:
    """Round an exact value to a multiple of ``quantum``, ROUND_HALF_UP (halves away from zero)."""
    steps = abs(value) / Fraction(quantum)
    units = (2 * steps.numerator + steps.denominator) // (2 * steps.denominator)
    return (Decimal(-units if value < 0 else units) * quantum).quantize(quantum)


def allocate_pro_rata(total: Decimal, weights: Sequence[Decimal]) -> tuple[Decimal, ...]:
    """Split ``total`` (whole fen) over ``weights`` so the parts sum to ``total`` exactly.

    Largest remainder: each part first gets the fen below its exact share
    ``total * weight / sum(weights)``; the fen left over go one each to the parts with the
    largest remaining fraction, ties to the earlier part. If every weight is zero the parts are
    equal (as equal as whole fen allow).
    """
    total_fen = int(require_whole_fen(total, "total") / FEN)
    if not weights:
        raise RuleInputError("weights", "not_empty", "weights must not be empty")
    exact_weights = [to_fraction(require_non_negative(w, "weights")) for w in weights]
    weight_sum = sum(exact_weights, Fraction(0))
    if weight_sum == 0:
        exact_weights = [Fraction(1)] * len(weights)
        weight_sum = Fraction(len(weights))
    shares = [total_fen * w / weight_sum for w in exact_weights]
    fen = [share.numerator // share.denominator for share in shares]
    leftover = total_fen - sum(fen)
    by_remainder = sorted(range(len(shares)), key=lambda i: (-(shares[i] - fen[i]), i))
    for i in by_remainder[:leftover]:
        fen[i] += 1
    return tuple(Decimal(n) * FEN for n in fen)


def format_cny(amount: Decimal) -> str:
    """``Decimal("1234.5")`` -> ``"¥1,234.50"`` (rounded to the fen for display)."""
    rounded = quantize_cny(amount)
    sign = "-" if rounded < 0 else ""
    return f"{sign}¥{abs(rounded):,.2f}"


def format_percent(rate: Decimal) -> str:
    """A fraction as a percentage to at most two places: 0.091 -> "9.1%", 0.2306 -> "23.06%"."""
    percent = (require_decimal(rate, "rate") * 100).quantize(FEN, rounding=ROUND_HALF_UP)
    text = f"{percent:f}".rstrip("0").rstrip(".")
    return f"{text}%"


@dataclass(frozen=True)
class Money:
    """An amount with its currency (ISO 4217 code). Arithmetic only within one currency."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        require_decimal(self.amount, "amount")
        if self.currency not in _MINOR_UNIT:
            raise RuleInputError(
                "currency", "known_currency", f"currency must be one of {sorted(_MINOR_UNIT)}"
            )

    def __add__(self, other: Money) -> Money:
        if other.currency != self.currency:
            raise RuleInputError(
                "currency", "same_currency", f"cannot add {other.currency} to {self.currency}"
            )
        return Money(self.amount + other.amount, self.currency)

    def quantized(self) -> Money:
        """Rounded to the currency's minor unit, ROUND_HALF_UP."""
        quantum = _MINOR_UNIT[self.currency]
        return Money(self.amount.quantize(quantum, rounding=ROUND_HALF_UP), self.currency)
