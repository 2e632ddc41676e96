"""CBEC retail import tax: worked examples, channels, validation and properties (no Django)."""

from __future__ import annotations

import ast
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from twoway.checkout.rules.cbec_tax import (
    CbecChannel,
    CbecLimits,
    CbecRefusal,
    CbecTaxResult,
    DutiableLine,
    TaxRates,
    cbec_tax,
)
from twoway.checkout.rules.money import RuleInputError, allocate_pro_rata

D = Decimal
ZERO = D("0.00")
LIMITS_2019 = CbecLimits(per_transaction=D("5000"), annual=D("26000"), within_limit_factor=D("0.7"))
LIMITS_2016 = CbecLimits(per_transaction=D("2000"), annual=D("20000"), within_limit_factor=D("0.7"))
NO_LIMITS = CbecLimits(per_transaction=D("1E12"), annual=D("1E13"), within_limit_factor=D("0.7"))

GENERAL = TaxRates(vat=D("0.13"), consumption=D("0"), tariff=D("0"))
HIGH_END_COSMETICS = TaxRates(vat=D("0.13"), consumption=D("0.15"), tariff=D("0.01"))
WINE = TaxRates(vat=D("0.13"), consumption=D("0.10"), tariff=D("0.14"))


def tax(
    *lines: DutiableLine,
    freight: str = "0",
    insurance: str = "0",
    limits: CbecLimits = LIMITS_2019,
    used: str = "0",
) -> CbecTaxResult:
    return cbec_tax(
        lines, freight=D(freight), insurance=D(insurance), limits=limits, used_this_year=D(used)
    )


def line(
    price: str, quantity: int = 1, rates: TaxRates = GENERAL, line_id: str = "A"
) -> DutiableLine:
    return DutiableLine(line_id=line_id, unit_price=D(price), quantity=quantity, rates=rates)


# --- purity ----------------------------------------------------------------------------------------

RULE_MODULES = ["money.py", "quota.py", "cbec_tax.py", "landed_price.py"]


@pytest.mark.parametrize("module", RULE_MODULES)
def test_rule_modules_import_only_the_standard_library_and_each_other(module: str) -> None:
    source = (Path(__file__).parents[1] / "rules" / module).read_text()
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)

    for name in imported:
        top = name.split(".")[0]
        assert top in sys.stdlib_module_names or name.startswith("twoway.checkout.rules."), name


# --- cbec_tax_policy.md §7, worked examples 1-5 -------------------------------------------------


def test_example_1_ordinary_item_500_pays_9_1_percent() -> None:
    result = tax(line("500"))

    assert result.channel is CbecChannel.WITHIN_LIMITS
    (only,) = result.lines
    assert (only.tariff, only.consumption_tax, only.vat) == (ZERO, ZERO, D("45.50"))
    assert only.tax == D("45.50")
    assert only.comprehensive_rate == D("0.091000")
    assert result.tax_total == D("45.50")
    assert result.reason_code is None
    assert result.message is None


def test_example_2_high_end_skin_care_425() -> None:
    result = tax(line("425", rates=HIGH_END_COSMETICS))

    (only,) = result.lines
    assert only.tariff == ZERO
    assert only.consumption_tax == D("52.50")
    assert only.vat == D("45.50")
    assert only.tax == D("98.00")
    assert only.comprehensive_rate == D("0.230588")  # 23.06%
    assert (result.consumption_tax_total, result.vat_total, result.tax_total) == (
        D("52.50"),
        D("45.50"),
        D("98.00"),
    )


def test_example_3_supplements_300_plus_freight_20() -> None:
    result = tax(line("300"), freight="20")

    assert result.goods_total == D("300.00")
    assert result.freight == D("20.00")
    assert result.dutiable_total == D("320.00")
    (only,) = result.lines
    assert (only.goods_value, only.freight_share, only.dutiable_value) == (
        D("300.00"),
        D("20.00"),
        D("320.00"),
    )
    assert only.tax == D("29.12")
    assert result.tax_total == D("29.12")


def test_example_4_wine_two_bottles_plus_freight() -> None:
    result = tax(line("180", quantity=2, rates=WINE), freight="40")

    (only,) = result.lines
    assert only.dutiable_value == D("400.00")
    assert only.tariff == ZERO
    assert only.consumption_tax == D("31.11")  # exact 31.1111
    assert only.vat == D("40.44")  # exact 40.4444, on the full CT
    assert only.tax == D("71.56")  # exact 71.5556, rounded once
    assert only.comprehensive_rate == D("0.178889")  # 17.89%
    assert result.tax_total == D("71.56")


def test_example_4_documents_that_components_are_rounded_separately_from_the_total() -> None:
    """31.11 + 40.44 = 71.55: the policy file's own figures; see the cbec_tax docstring."""
    result = tax(line("180", quantity=2, rates=WINE), freight="40")

    assert result.consumption_tax_total + result.vat_total == D("71.55")
    assert result.tax_total == D("71.56")


def test_example_5_single_high_end_cream_6000_is_taxed_in_full() -> None:
    result = tax(line("6000", rates=HIGH_END_COSMETICS))

    assert result.channel is CbecChannel.FULL_TAX_SINGLE_ITEM
    (only,) = result.lines
    assert only.tariff == D("60.00")
    assert only.consumption_tax == D("1069.41")  # exact 1,069.4118
    assert only.vat == D("926.82")  # exact 926.8235
    assert only.tax == D("2056.24")  # exact 2,056.2353
    assert only.comprehensive_rate == D("0.342706")  # 34.27%
    assert result.tariff_total == D("60.00")
    assert result.tax_total == D("2056.24")


# --- channels -------------------------------------------------------------------------------------


def test_dutiable_value_exactly_at_the_transaction_limit_is_within_limits() -> None:
    result = tax(line("4980"), freight="20")

    assert result.dutiable_total == D("5000.00")
    assert result.channel is CbecChannel.WITHIN_LIMITS
    assert result.tax_total == D("455.00")


def test_freight_counts_towards_the_transaction_limit() -> None:
    result = tax(line("4990"), freight="10.01")

    assert result.dutiable_total == D("5000.01")
    assert result.channel is CbecChannel.FULL_TAX_SINGLE_ITEM


def test_insurance_counts_towards_the_transaction_limit() -> None:
    result = tax(line("4990", line_id="A"), line("9", line_id="B"), insurance="1.01")

    assert result.dutiable_total == D("5000.01")
    assert result.channel is CbecChannel.REFUSED
    assert result.reason_code is CbecRefusal.OVER_TRANSACTION_LIMIT


def test_single_item_over_limit_without_consumption_tax_pays_tariff_and_full_vat() -> None:
    handbag = TaxRates(vat=D("0.13"), consumption=D("0"), tariff=D("0.10"))

    result = tax(line("8000", rates=handbag))

    assert result.channel is CbecChannel.FULL_TAX_SINGLE_ITEM
    (only,) = result.lines
    assert (only.tariff, only.consumption_tax, only.vat) == (D("800.00"), ZERO, D("1144.00"))
    assert only.tax == D("1944.00")


def test_multi_line_order_over_transaction_limit_is_refused_with_no_tax() -> None:
    result = tax(line("3000", line_id="A"), line("2000.01", line_id="B"))

    assert result.channel is CbecChannel.REFUSED
    assert result.is_refused
    assert result.reason_code == "over_transaction_limit"
    assert result.message == (
        "Orders over the ¥5,000.00 per-order CBEC limit must be a single item; this order is "
        "¥5,000.01 for 2 items. Split it into orders of at most ¥5,000.00."
    )
    assert result.tax_total == ZERO
    assert all(t.tax == t.tariff == t.consumption_tax == t.vat == ZERO for t in result.lines)
    assert [t.dutiable_value for t in result.lines] == [D("3000.00"), D("2000.01")]


def test_one_line_of_two_units_over_transaction_limit_is_refused() -> None:
    result = tax(line("2600", quantity=2))

    assert result.channel is CbecChannel.REFUSED
    assert result.reason_code is CbecRefusal.OVER_TRANSACTION_LIMIT
    assert "for 2 items" in (result.message or "")


def test_multi_item_order_within_limit_is_fine() -> None:
    result = tax(line("2500", quantity=2))

    assert result.channel is CbecChannel.WITHIN_LIMITS
    assert result.tax_total == D("455.00")


def test_order_that_would_exceed_annual_quota_is_refused() -> None:
    result = tax(line("500"), used="25600")

    assert result.channel is CbecChannel.REFUSED
    assert result.reason_code is CbecRefusal.OVER_ANNUAL_LIMIT
    assert result.message == (
        "Annual CBEC quota exceeded: ¥400.00 remaining of ¥26,000.00; this order needs ¥500.00."
    )
    assert result.tax_total == ZERO


def test_order_reaching_annual_quota_exactly_is_allowed() -> None:
    result = tax(line("500"), used="25500")

    assert result.channel is CbecChannel.WITHIN_LIMITS
    assert result.tax_total == D("45.50")


def test_annual_quota_counts_freight() -> None:
    result = tax(line("500"), freight="0.01", used="25500")

    assert result.reason_code is CbecRefusal.OVER_ANNUAL_LIMIT


def test_single_item_full_tax_still_refused_over_annual_quota() -> None:
    result = tax(line("6000", rates=HIGH_END_COSMETICS), used="20000.01")

    assert result.channel is CbecChannel.REFUSED
    assert result.reason_code is CbecRefusal.OVER_ANNUAL_LIMIT


def test_annual_refusal_is_reported_before_transaction_refusal() -> None:
    result = tax(line("3000", quantity=2), used="21000")

    assert result.reason_code is CbecRefusal.OVER_ANNUAL_LIMIT


def test_limits_come_from_the_arguments_2016_rules() -> None:
    within_2019 = tax(line("2500"))
    over_2016 = tax(line("2500"), limits=LIMITS_2016)

    assert within_2019.channel is CbecChannel.WITHIN_LIMITS
    assert over_2016.channel is CbecChannel.FULL_TAX_SINGLE_ITEM
    assert over_2016.tax_total == D("325.00")


def test_within_limit_factor_comes_from_the_arguments() -> None:
    full_factor = CbecLimits(D("5000"), D("26000"), within_limit_factor=D("1"))

    assert tax(line("500"), limits=full_factor).tax_total == D("65.00")


def test_zero_price_gift_line_gets_no_freight_and_no_tax() -> None:
    result = tax(line("100", line_id="A"), line("0", line_id="GIFT"), freight="10")

    gift = result.lines[1]
    assert (gift.goods_value, gift.freight_share, gift.tax) == (ZERO, ZERO, ZERO)
    assert gift.comprehensive_rate == D("0.091000")
    assert result.lines[0].freight_share == D("10.00")


def test_each_line_uses_its_own_rates() -> None:
    result = tax(
        line("425", rates=HIGH_END_COSMETICS, line_id="cream"),
        line("500", line_id="toy"),
    )

    assert [t.tax for t in result.lines] == [D("98.00"), D("45.50")]
    assert result.tax_total == D("143.50")
    assert result.consumption_tax_total == D("52.50")
    assert result.vat_total == D("91.00")


def test_freight_is_allocated_pro_rata_to_goods_value() -> None:
    result = tax(
        line("100", line_id="A"), line("200", line_id="B"), line("700", line_id="C"), freight="30"
    )

    assert [t.freight_share for t in result.lines] == [D("3.00"), D("6.00"), D("21.00")]
    assert [t.dutiable_value for t in result.lines] == [D("103.00"), D("206.00"), D("721.00")]


def test_freight_remainder_goes_to_largest_fraction_then_first_line() -> None:
    result = tax(
        line("1", line_id="A"), line("1", line_id="B"), line("1", line_id="C"), freight="0.02"
    )

    assert [t.freight_share for t in result.lines] == [D("0.01"), D("0.01"), ZERO]


def test_freight_and_insurance_are_allocated_separately() -> None:
    result = tax(line("100", line_id="A"), line("300", line_id="B"), freight="10", insurance="2")

    assert [t.freight_share for t in result.lines] == [D("2.50"), D("7.50")]
    assert [t.insurance_share for t in result.lines] == [D("0.50"), D("1.50")]
    assert result.dutiable_total == D("412.00")


# --- allocate_pro_rata --------------------------------------------------------------------------


def test_allocate_splits_a_fen_remainder_by_largest_remainder() -> None:
    assert allocate_pro_rata(D("10.00"), [D("1"), D("1"), D("1")]) == (
        D("3.34"),
        D("3.33"),
        D("3.33"),
    )
    assert allocate_pro_rata(D("1.00"), [D("1"), D("2")]) == (D("0.33"), D("0.67"))


def test_allocate_with_all_zero_weights_splits_equally() -> None:
    assert allocate_pro_rata(D("0.05"), [ZERO, ZERO]) == (D("0.03"), D("0.02"))


def test_allocate_zero_total() -> None:
    assert allocate_pro_rata(ZERO, [D("5"), D("7")]) == (ZERO, ZERO)


def test_allocate_rejects_sub_fen_totals_and_empty_weights() -> None:
    with pytest.raises(RuleInputError, match="total must be a whole number of fen"):
        allocate_pro_rata(D("0.001"), [D("1")])
    with pytest.raises(RuleInputError, match="weights must not be empty"):
        allocate_pro_rata(D("1"), [])


# --- validation ----------------------------------------------------------------------------------


def test_negative_unit_price_is_rejected_naming_the_field() -> None:
    with pytest.raises(ValueError, match=r"unit_price must not be negative.*line 'A'") as info:
        line("-0.01")

    assert isinstance(info.value, RuleInputError)
    assert (info.value.field, info.value.rule) == ("unit_price", "non_negative")


@pytest.mark.parametrize("quantity", [-1, 0])
def test_quantity_below_one_is_rejected_naming_the_field(quantity: int) -> None:
    with pytest.raises(ValueError, match="quantity must be at least 1") as info:
        line("1", quantity=quantity)

    assert isinstance(info.value, RuleInputError)
    assert info.value.field == "quantity"


@pytest.mark.parametrize("field", ["freight", "insurance"])
def test_negative_freight_or_insurance_is_rejected_naming_the_field(field: str) -> None:
    amounts = {"freight": "0", "insurance": "0", field: "-1"}

    with pytest.raises(ValueError, match=f"{field} must not be negative") as info:
        tax(line("1"), freight=amounts["freight"], insurance=amounts["insurance"])

    assert isinstance(info.value, RuleInputError)
    assert info.value.field == field


def test_negative_used_this_year_is_rejected() -> None:
    with pytest.raises(ValueError, match="used_this_year must not be negative"):
        tax(line("1"), used="-1")


def test_sub_fen_amounts_are_rejected() -> None:
    with pytest.raises(ValueError, match="unit_price must be a whole number of fen"):
        line("1.005")
    with pytest.raises(ValueError, match="freight must be a whole number of fen"):
        tax(line("1"), freight="0.001")


def test_floats_are_rejected_with_type_error() -> None:
    with pytest.raises(TypeError, match="unit_price must be a Decimal, not float"):
        DutiableLine("A", 1.0, 1, GENERAL)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="freight must be a Decimal, not float"):
        cbec_tax(
            [line("1")],
            freight=1.0,  # type: ignore[arg-type]
            insurance=ZERO,
            limits=LIMITS_2019,
            used_this_year=ZERO,
        )
    with pytest.raises(TypeError, match="vat must be a Decimal"):
        TaxRates(vat=0.13, consumption=ZERO, tariff=ZERO)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="quantity must be an int"):
        DutiableLine("A", D("1"), 1.0, GENERAL)  # type: ignore[arg-type]


def test_non_finite_amounts_are_rejected() -> None:
    with pytest.raises(ValueError, match="unit_price must be a finite number"):
        line("NaN")
    with pytest.raises(ValueError, match="freight must be a finite number"):
        tax(line("1"), freight="Infinity")


@pytest.mark.parametrize("field", ["vat", "consumption"])
def test_vat_and_consumption_rates_must_be_below_one(field: str) -> None:
    rates = {"vat": ZERO, "consumption": ZERO, "tariff": ZERO, field: D("1")}

    with pytest.raises(ValueError, match=f"{field} must be below 1"):
        TaxRates(**rates)


def test_tariff_rate_may_exceed_one_but_not_be_negative() -> None:
    assert TaxRates(vat=D("0.13"), consumption=ZERO, tariff=D("1.25")).tariff == D("1.25")
    with pytest.raises(ValueError, match="tariff must not be negative"):
        TaxRates(vat=D("0.13"), consumption=ZERO, tariff=D("-0.01"))


def test_empty_order_and_duplicate_line_ids_are_rejected() -> None:
    with pytest.raises(ValueError, match="lines must not be empty"):
        tax()
    with pytest.raises(ValueError, match="line_id must be unique"):
        tax(line("1", line_id="A"), line("2", line_id="A"))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"per_transaction": D("0")}, "per_transaction must be positive"),
        ({"annual": D("-1")}, "annual must not be negative"),
        ({"within_limit_factor": D("1.01")}, "within_limit_factor must be between 0 and 1"),
    ],
)
def test_limits_are_validated(kwargs: dict[str, Decimal], message: str) -> None:
    values = {"per_transaction": D("5000"), "annual": D("26000"), "within_limit_factor": D("0.7")}

    with pytest.raises(ValueError, match=message):
        CbecLimits(**{**values, **kwargs})


# --- properties ------------------------------------------------------------------------------------


def fen_amounts(max_fen: int = 300_000) -> st.SearchStrategy[Decimal]:
    return st.integers(0, max_fen).map(lambda n: Decimal(n).scaleb(-2))


def percent(max_percent: int) -> st.SearchStrategy[Decimal]:
    return st.integers(0, max_percent).map(lambda n: Decimal(n).scaleb(-2))


tax_rates = st.builds(TaxRates, vat=percent(30), consumption=percent(60), tariff=percent(150))


@st.composite
def orders(draw: st.DrawFn, max_lines: int = 5) -> list[DutiableLine]:
    count = draw(st.integers(1, max_lines))
    return [
        DutiableLine(f"L{i}", draw(fen_amounts()), draw(st.integers(1, 4)), draw(tax_rates))
        for i in range(count)
    ]


fractions_of_one = st.integers(0, 100).map(lambda n: Decimal(n).scaleb(-2))
limits = st.builds(
    CbecLimits,
    per_transaction=st.integers(1, 10_000).map(Decimal),
    annual=st.integers(1, 50_000).map(Decimal),
    within_limit_factor=fractions_of_one,
)


def exact_within_limits(dutiable: Decimal, rates: TaxRates, factor: Decimal) -> Fraction:
    """The closed form P * (c + v) / (1 - c) * k, written independently of the rule."""
    c, v = Fraction(rates.consumption), Fraction(rates.vat)
    return Fraction(dutiable) * (c + v) / (1 - c) * Fraction(factor)


HALF_FEN = Fraction(1, 200)


@given(orders(), fen_amounts(10_000), fen_amounts(1_000), limits, fen_amounts(5_000_000))
def test_tax_is_never_negative_and_totals_are_sums(
    lines: list[DutiableLine],
    freight: Decimal,
    insurance: Decimal,
    lim: CbecLimits,
    used: Decimal,
) -> None:
    result = cbec_tax(lines, freight=freight, insurance=insurance, limits=lim, used_this_year=used)

    for t in result.lines:
        assert min(t.tariff, t.consumption_tax, t.vat, t.tax, t.comprehensive_rate) >= 0
        assert t.dutiable_value == t.goods_value + t.freight_share + t.insurance_share
    assert result.tax_total == sum((t.tax for t in result.lines), ZERO)
    assert result.tariff_total == sum((t.tariff for t in result.lines), ZERO)
    assert result.consumption_tax_total == sum((t.consumption_tax for t in result.lines), ZERO)
    assert result.vat_total == sum((t.vat for t in result.lines), ZERO)
    assert result.dutiable_total == sum((t.dutiable_value for t in result.lines), ZERO)
    assert result.dutiable_total == result.goods_total + freight + insurance
    assert [t.line_id for t in result.lines] == [ln.line_id for ln in lines]


@given(orders(), fen_amounts(10_000), fen_amounts(1_000), limits, fen_amounts(5_000_000))
def test_channel_follows_the_limits(
    lines: list[DutiableLine],
    freight: Decimal,
    insurance: Decimal,
    lim: CbecLimits,
    used: Decimal,
) -> None:
    result = cbec_tax(lines, freight=freight, insurance=insurance, limits=lim, used_this_year=used)

    dutiable = result.dutiable_total
    single_item = len(lines) == 1 and lines[0].quantity == 1
    over_annual = used + dutiable > lim.annual
    over_transaction = dutiable > lim.per_transaction
    if over_annual:
        assert result.reason_code is CbecRefusal.OVER_ANNUAL_LIMIT
    elif over_transaction and not single_item:
        assert result.reason_code is CbecRefusal.OVER_TRANSACTION_LIMIT
    elif over_transaction:
        assert result.channel is CbecChannel.FULL_TAX_SINGLE_ITEM
    else:
        assert result.channel is CbecChannel.WITHIN_LIMITS
    assert (result.channel is CbecChannel.REFUSED) == (result.reason_code is not None)
    assert (result.message is None) == (result.reason_code is None)
    if result.is_refused:
        assert result.tax_total == ZERO


@given(orders(), fen_amounts(10_000), fen_amounts(1_000), fractions_of_one)
def test_within_limits_tax_matches_the_comprehensive_rate_within_rounding(
    lines: list[DutiableLine], freight: Decimal, insurance: Decimal, factor: Decimal
) -> None:
    lim = CbecLimits(D("1E12"), D("1E13"), factor)

    result = cbec_tax(lines, freight=freight, insurance=insurance, limits=lim, used_this_year=ZERO)

    assert result.channel is CbecChannel.WITHIN_LIMITS
    exact_total = Fraction(0)
    for t, ln in zip(result.lines, lines, strict=True):
        exact = exact_within_limits(t.dutiable_value, ln.rates, factor)
        exact_total += exact
        assert t.tariff == ZERO
        assert abs(Fraction(t.tax) - exact) <= HALF_FEN
        assert abs(Fraction(t.consumption_tax + t.vat) - exact) <= 2 * HALF_FEN
        assert abs(t.consumption_tax + t.vat - t.tax) <= D("0.01")
        rate = exact_within_limits(D("1"), ln.rates, factor)
        assert abs(Fraction(t.comprehensive_rate) - rate) <= Fraction(1, 2_000_000)
    assert abs(Fraction(result.tax_total) - exact_total) <= HALF_FEN * len(lines)


@given(orders(), fen_amounts(100_000), fen_amounts(10_000))
def test_freight_and_insurance_shares_sum_exactly_and_are_pro_rata(
    lines: list[DutiableLine], freight: Decimal, insurance: Decimal
) -> None:
    result = cbec_tax(
        lines, freight=freight, insurance=insurance, limits=NO_LIMITS, used_this_year=ZERO
    )

    assert sum((t.freight_share for t in result.lines), ZERO) == freight
    assert sum((t.insurance_share for t in result.lines), ZERO) == insurance
    goods = Fraction(result.goods_total)
    for t in result.lines:
        assert t.freight_share >= 0
        assert t.freight_share == t.freight_share.quantize(D("0.01"))
        if goods:
            exact = Fraction(freight) * Fraction(t.goods_value) / goods
            assert abs(Fraction(t.freight_share) - exact) < Fraction(1, 100)


@given(
    st.lists(fen_amounts(), min_size=1, max_size=8),
    fen_amounts(1_000_000),
)
def test_allocate_pro_rata_sums_exactly(weights: list[Decimal], total: Decimal) -> None:
    parts = allocate_pro_rata(total, weights)

    assert len(parts) == len(weights)
    assert sum(parts, ZERO) == total
    assert all(part >= 0 for part in parts)


@given(st.integers(0, 2_000_000), st.integers(0, 2_000_000), tax_rates, limits, fen_amounts(5_000))
def test_single_item_tax_is_monotone_in_price(
    fen_a: int, fen_b: int, rates: TaxRates, lim: CbecLimits, freight: Decimal
) -> None:
    low, high = sorted((Decimal(fen_a).scaleb(-2), Decimal(fen_b).scaleb(-2)))
    no_annual = CbecLimits(lim.per_transaction, D("1E13"), lim.within_limit_factor)

    def total(price: Decimal) -> Decimal:
        return cbec_tax(
            [DutiableLine("A", price, 1, rates)],
            freight=freight,
            insurance=ZERO,
            limits=no_annual,
            used_this_year=ZERO,
        ).tax_total

    assert total(low) <= total(high)


@given(st.integers(100, 2_000_000), tax_rates, fractions_of_one)
def test_single_item_full_tax_is_at_least_the_within_limits_tax(
    price_fen: int, rates: TaxRates, factor: Decimal
) -> None:
    price = Decimal(price_fen).scaleb(-2)
    item = [DutiableLine("A", price, 1, rates)]
    within_limits = CbecLimits(D("1E12"), D("1E13"), factor)
    over_limit = CbecLimits(D("0.01"), D("1E13"), factor)

    reduced = cbec_tax(
        item, freight=ZERO, insurance=ZERO, limits=within_limits, used_this_year=ZERO
    )
    full = cbec_tax(item, freight=ZERO, insurance=ZERO, limits=over_limit, used_this_year=ZERO)

    assert reduced.channel is CbecChannel.WITHIN_LIMITS
    assert full.channel is CbecChannel.FULL_TAX_SINGLE_ITEM
    assert full.tax_total >= reduced.tax_total
    assert full.lines[0].comprehensive_rate >= reduced.lines[0].comprehensive_rate


@given(st.integers(0, 2_000_000), tax_rates)
def test_full_tax_matches_the_statutory_chain_within_rounding(
    price_fen: int, rates: TaxRates
) -> None:
    price = Decimal(price_fen).scaleb(-2)
    over_limit = CbecLimits(D("0.01"), D("1E13"), D("0.7"))

    result = cbec_tax(
        [DutiableLine("A", price, 1, rates)],
        freight=ZERO,
        insurance=ZERO,
        limits=over_limit,
        used_this_year=ZERO,
    )

    p, t = Fraction(price), Fraction(rates.tariff)
    c, v = Fraction(rates.consumption), Fraction(rates.vat)
    exact = p * t + p * (1 + t) * (c + v) / (1 - c)  # tariff + CT + VAT in closed form
    (only,) = result.lines
    if price > D("0.01"):
        assert result.channel is CbecChannel.FULL_TAX_SINGLE_ITEM
        assert abs(Fraction(only.tax) - exact) <= HALF_FEN
        assert abs(Fraction(only.tariff) - p * t) <= HALF_FEN
