"""Annual CBEC quota: examples, validation and properties (no Django)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from twoway.checkout.rules.money import RuleInputError
from twoway.checkout.rules.quota import OVER_ANNUAL_LIMIT, CbecLimits, QuotaDecision, quota_check

D = Decimal
LIMITS = CbecLimits(per_transaction=D("5000"), annual=D("26000"), within_limit_factor=D("0.7"))


def check(used: str, amount: str, limits: CbecLimits = LIMITS) -> QuotaDecision:
    return quota_check(used_this_year=D(used), order_amount=D(amount), limits=limits)


def test_order_within_quota_is_allowed_with_remaining_before_the_order() -> None:
    assert check("10000", "500") == QuotaDecision(
        allowed=True, reason_code=None, message=None, remaining=D("16000")
    )


def test_order_reaching_the_annual_limit_exactly_is_allowed() -> None:
    decision = check("25500.50", "499.50")

    assert decision.allowed
    assert decision.remaining == D("499.50")


def test_order_over_the_annual_limit_is_refused_with_the_remaining_amount() -> None:
    decision = check("24766", "1234.01")

    assert decision == QuotaDecision(
        allowed=False,
        reason_code="over_annual_limit",
        message=(
            "Annual CBEC quota exceeded: ¥1,234.00 remaining of ¥26,000.00; "
            "this order needs ¥1,234.01."
        ),
        remaining=D("1234"),
    )
    assert decision.reason_code == OVER_ANNUAL_LIMIT


def test_remaining_is_never_negative_when_used_is_already_over() -> None:
    decision = check("26000.01", "0")

    assert not decision.allowed
    assert decision.remaining == D("0.00")
    assert decision.message is not None
    assert decision.message.startswith("Annual CBEC quota exceeded: ¥0.00 remaining of ¥26,000.00")


def test_zero_amount_order_is_allowed_at_the_limit() -> None:
    assert check("26000", "0").allowed


def test_quota_uses_the_annual_limit_it_is_given() -> None:
    limits_2016 = CbecLimits(D("2000"), D("20000"), D("0.7"))

    decision = check("19000", "1500", limits_2016)

    assert not decision.allowed
    assert decision.message == (
        "Annual CBEC quota exceeded: ¥1,000.00 remaining of ¥20,000.00; this order needs ¥1,500.00."
    )


@pytest.mark.parametrize("field", ["used_this_year", "order_amount"])
def test_negative_amounts_are_rejected_naming_the_field(field: str) -> None:
    kwargs = {"used_this_year": D("0"), "order_amount": D("0"), field: D("-0.01")}

    with pytest.raises(ValueError, match=f"{field} must not be negative") as info:
        quota_check(limits=LIMITS, **kwargs)

    assert isinstance(info.value, RuleInputError)
    assert info.value.field == field


def test_floats_are_rejected_with_type_error() -> None:
    with pytest.raises(TypeError, match="order_amount must be a Decimal, not float"):
        quota_check(used_this_year=D("0"), order_amount=1.5, limits=LIMITS)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="annual must be a Decimal, not int"):
        CbecLimits(D("5000"), 26000, D("0.7"))  # type: ignore[arg-type]


amounts = st.integers(0, 6_000_000).map(lambda n: Decimal(n).scaleb(-2))
limits = st.builds(
    CbecLimits,
    per_transaction=st.integers(1, 10_000).map(Decimal),
    annual=st.integers(1, 50_000).map(Decimal),
    within_limit_factor=st.just(D("0.7")),
)


@given(amounts, amounts, limits)
def test_quota_never_allows_going_over_the_annual_limit(
    used: Decimal, amount: Decimal, lim: CbecLimits
) -> None:
    decision = quota_check(used_this_year=used, order_amount=amount, limits=lim)

    assert decision.allowed == (used + amount <= lim.annual)
    assert decision.remaining >= 0
    if decision.allowed:
        assert decision.remaining == lim.annual - used
        assert decision.reason_code is None
        assert decision.message is None
    else:
        assert decision.reason_code == OVER_ANNUAL_LIMIT
        assert decision.message is not None
        assert decision.message.startswith("Annual CBEC quota exceeded: ¥")
        assert decision.remaining == max(lim.annual - used, D("0"))
        assert used + amount > lim.annual


@given(amounts, amounts, amounts, limits)
def test_quota_is_monotone_in_used_and_amount(
    used: Decimal, amount: Decimal, extra: Decimal, lim: CbecLimits
) -> None:
    """If a bigger order or a fuller year is allowed, the smaller one is too."""
    if quota_check(used_this_year=used + extra, order_amount=amount, limits=lim).allowed:
        assert quota_check(used_this_year=used, order_amount=amount, limits=lim).allowed
    if quota_check(used_this_year=used, order_amount=amount + extra, limits=lim).allowed:
        assert quota_check(used_this_year=used, order_amount=amount, limits=lim).allowed
