"""Buyer-facing landed price, currency conversion and money helpers (no Django)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from twoway.checkout.rules.cbec_tax import (
    CbecChannel,
    CbecLimits,
    CbecTaxResult,
    DutiableLine,
    TaxRates,
    cbec_tax,
)
from twoway.checkout.rules.landed_price import Charge, cny_from_usd, export_landed_price
from twoway.checkout.rules.money import (
    FEN,
    Money,
    RuleInputError,
    format_cny,
    format_percent,
    quantize_cny,
    quantize_usd,
    round_exact,
)

D = Decimal
ZERO = D("0.00")
LIMITS = CbecLimits(per_transaction=D("5000"), annual=D("26000"), within_limit_factor=D("0.7"))
GENERAL = TaxRates(vat=D("0.13"), consumption=D("0"), tariff=D("0"))
HIGH_END_COSMETICS = TaxRates(vat=D("0.13"), consumption=D("0.15"), tariff=D("0.01"))


def taxed(
    *lines: DutiableLine, freight: str = "0", insurance: str = "0", used: str = "0"
) -> CbecTaxResult:
    return cbec_tax(
        lines, freight=D(freight), insurance=D(insurance), limits=LIMITS, used_this_year=D(used)
    )


# --- money helpers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("1.005", "1.01"),
        ("1.004999", "1.00"),
        ("-1.005", "-1.01"),
        ("2", "2.00"),
        ("0.0049", "0.00"),
    ],
)
def test_quantize_cny_rounds_half_up(amount: str, expected: str) -> None:
    assert str(quantize_cny(D(amount))) == expected
    assert str(quantize_usd(D(amount))) == expected


def test_quantize_rejects_floats() -> None:
    with pytest.raises(TypeError, match="must be a Decimal, not float"):
        quantize_cny(1.005)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must be a Decimal, not float"):
        quantize_usd(1.005)  # type: ignore[arg-type]


def test_round_exact_rounds_an_exact_half_up_even_when_decimal_would_not_terminate() -> None:
    assert round_exact(Fraction(1, 200)) == D("0.01")
    assert round_exact(Fraction(1, 3)) == D("0.33")
    assert round_exact(Fraction(-1, 200)) == D("-0.01")
    assert round_exact(Fraction(2, 3), D("0.000001")) == D("0.666667")
    # 0.85 * x / 0.85 with x = 0.005: exactly half a fen
    assert round_exact(Fraction(D("0.85")) * Fraction(1, 200) / Fraction(D("0.85"))) == D("0.01")


def test_format_cny_and_percent() -> None:
    assert format_cny(D("1234")) == "¥1,234.00"
    assert format_cny(D("26000")) == "¥26,000.00"
    assert format_cny(D("-5.5")) == "-¥5.50"
    assert format_percent(D("0.091")) == "9.1%"
    assert format_percent(D("0.230588")) == "23.06%"
    assert format_percent(D("0.10")) == "10%"
    assert format_percent(D("0")) == "0%"


def test_money_adds_within_one_currency_only() -> None:
    total = Money(D("1.005"), "CNY") + Money(D("2"), "CNY")

    assert total == Money(D("3.005"), "CNY")
    assert total.quantized() == Money(D("3.01"), "CNY")
    with pytest.raises(ValueError, match="cannot add USD to CNY"):
        _ = total + Money(D("1"), "USD")
    with pytest.raises(ValueError, match="currency must be one of"):
        Money(D("1"), "EUR")
    with pytest.raises(TypeError, match="amount must be a Decimal"):
        Money(1.0, "CNY")  # type: ignore[arg-type]


# --- cny_from_usd --------------------------------------------------------------------------------


def test_cny_from_usd_rounds_to_the_fen_half_up() -> None:
    assert cny_from_usd(D("12.34"), D("7.1")) == D("87.61")  # 87.614
    assert cny_from_usd(D("0.50"), D("0.01")) == D("0.01")  # exactly 0.005
    assert cny_from_usd(D("100.00"), D("7.12345")) == D("712.35")  # 712.345
    assert cny_from_usd(D("0"), D("7.2")) == D("0.00")


def test_cny_from_usd_rejects_bad_inputs() -> None:
    with pytest.raises(ValueError, match="rate must be positive") as info:
        cny_from_usd(D("1"), D("0"))
    assert isinstance(info.value, RuleInputError)
    assert info.value.field == "rate"
    with pytest.raises(TypeError, match="usd must be a Decimal, not float"):
        cny_from_usd(1.0, D("7.1"))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="rate must be a Decimal, not float"):
        cny_from_usd(D("1"), 7.1)  # type: ignore[arg-type]


usd_amounts = st.integers(0, 10**9).map(lambda n: Decimal(n).scaleb(-2))
fx_rates = st.integers(1, 10**8).map(lambda n: Decimal(n).scaleb(-6))


@given(usd_amounts, usd_amounts, fx_rates)
def test_cny_from_usd_is_exact_within_half_a_fen_and_monotone(
    a: Decimal, b: Decimal, rate: Decimal
) -> None:
    low, high = sorted((a, b))
    converted = cny_from_usd(low, rate)

    assert converted == converted.quantize(FEN)
    assert abs(Fraction(converted) - Fraction(low) * Fraction(rate)) <= Fraction(1, 200)
    assert converted <= cny_from_usd(high, rate)
    assert cny_from_usd(-low, rate) == -converted


# --- export_landed_price ----------------------------------------------------------------------------


def test_example_3_landed_price_matches_the_ceb311_order_fields() -> None:
    price = export_landed_price(
        taxed(DutiableLine("vit", D("300"), 1, GENERAL), freight="20"),
        item_names={"vit": "Vitamin C tablets"},
    )

    assert price.currency == "CNY"
    assert price.channel is CbecChannel.WITHIN_LIMITS
    assert price.goods_value == D("300.00")  # goodsValue
    assert price.ceb_freight == D("20.00")  # freight
    assert price.discount == ZERO  # discount
    assert price.tax_total == D("29.12")  # taxTotal
    assert price.total_payable == D("349.12")  # acturalPaid
    assert price.charges == (
        Charge("Goods: the price of the items", D("300.00")),
        Charge("Shipping to China", D("20.00")),
        Charge("Import tax collected for China Customs", D("29.12")),
    )
    (only,) = price.lines
    assert (only.name, only.goods_value, only.shipping_share, only.tax) == (
        "Vitamin C tablets",
        D("300.00"),
        D("20.00"),
        D("29.12"),
    )
    assert only.total == D("349.12")
    assert only.tax_label == (
        "Import tax on Vitamin C tablets: 9.1% of ¥320.00 (price plus its share of shipping). "
        "Cross-border rate: no tariff, and VAT and consumption tax at a reduced share."
    )


def test_discount_lowers_the_payable_amount_but_not_the_tax() -> None:
    price = export_landed_price(
        taxed(DutiableLine("vit", D("300"), 1, GENERAL), freight="20"), discount=D("10")
    )

    assert price.tax_total == D("29.12")
    assert price.discount == D("10.00")
    assert price.total_payable == D("339.12")
    assert price.charges[-1] == Charge("Discount: points or vouchers", D("-10.00"))


def test_insurance_is_shown_separately_and_included_in_ceb_freight() -> None:
    price = export_landed_price(
        taxed(DutiableLine("vit", D("300"), 1, GENERAL), freight="20", insurance="3")
    )

    assert (price.freight, price.insurance, price.ceb_freight) == (
        D("20.00"),
        D("3.00"),
        D("23.00"),
    )
    assert Charge("Shipping insurance", D("3.00")) in price.charges
    assert price.tax_total == D("29.39")  # 323 x 9.1% = 29.393
    assert price.total_payable == D("352.39")


def test_example_5_full_tax_label_explains_the_single_item_rule() -> None:
    price = export_landed_price(
        taxed(DutiableLine("cream", D("6000"), 1, HIGH_END_COSMETICS)),
        item_names={"cream": "Face cream 50 ml"},
    )

    assert price.channel is CbecChannel.FULL_TAX_SINGLE_ITEM
    assert price.tax_total == D("2056.24")
    assert price.total_payable == D("8056.24")
    assert price.lines[0].tax_label == (
        "Import tax on Face cream 50 ml: 34.27% of ¥6,000.00 (price plus its share of shipping). "
        "This single item is over the per-order cross-border limit, so tariff, consumption tax "
        "and VAT are charged in full."
    )


def test_line_name_defaults_to_line_id() -> None:
    price = export_landed_price(taxed(DutiableLine("sku-1", D("10"), 1, GENERAL)))

    assert price.lines[0].name == "sku-1"


def test_refused_order_has_no_landed_price() -> None:
    refused = taxed(DutiableLine("A", D("500"), 1, GENERAL), used="26000")

    with pytest.raises(ValueError, match="cannot price a refused order: Annual CBEC quota"):
        export_landed_price(refused)


def test_discount_must_be_non_negative_and_not_above_the_total() -> None:
    result = taxed(DutiableLine("A", D("100"), 1, GENERAL))  # 100 + 9.10 tax

    assert export_landed_price(result, discount=D("109.10")).total_payable == ZERO
    with pytest.raises(ValueError, match="discount ¥109.11 is more than the order total ¥109.10"):
        export_landed_price(result, discount=D("109.11"))
    with pytest.raises(ValueError, match="discount must not be negative"):
        export_landed_price(result, discount=D("-1"))
    with pytest.raises(TypeError, match="discount must be a Decimal, not float"):
        export_landed_price(result, discount=1.0)  # type: ignore[arg-type]


fen_amounts = st.integers(0, 200_000).map(lambda n: Decimal(n).scaleb(-2))
rates = st.builds(
    TaxRates,
    vat=st.sampled_from([D("0.09"), D("0.13")]),
    consumption=st.sampled_from([D("0"), D("0.10"), D("0.15")]),
    tariff=st.sampled_from([D("0"), D("0.01"), D("0.10")]),
)


@st.composite
def landed_inputs(draw: st.DrawFn) -> tuple[CbecTaxResult, Decimal]:
    lines = [
        DutiableLine(f"L{i}", draw(fen_amounts), draw(st.integers(1, 3)), draw(rates))
        for i in range(draw(st.integers(1, 4)))
    ]
    result = cbec_tax(
        lines,
        freight=draw(fen_amounts),
        insurance=draw(st.integers(0, 500).map(lambda n: Decimal(n).scaleb(-2))),
        limits=CbecLimits(D("1E9"), D("1E10"), D("0.7")),
        used_this_year=ZERO,
    )
    before_discount = result.dutiable_total + result.tax_total
    discount = draw(st.integers(0, int(before_discount * 100)).map(lambda n: Decimal(n).scaleb(-2)))
    return result, discount


@given(landed_inputs())
def test_landed_price_adds_up(inputs: tuple[CbecTaxResult, Decimal]) -> None:
    result, discount = inputs

    price = export_landed_price(result, discount=discount)

    assert price.total_payable == (
        price.goods_value + price.ceb_freight + price.tax_total - price.discount
    )
    assert sum((c.amount for c in price.charges), ZERO) == price.total_payable
    assert sum((ln.total for ln in price.lines), ZERO) == price.total_payable + price.discount
    assert price.tax_total == result.tax_total
    assert price.total_payable >= 0
    assert all(c.label for c in price.charges)
