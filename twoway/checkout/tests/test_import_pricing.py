"""US landed cost of a cotton shirt from China on different dates, from the measures loaded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from twoway.checkout.channels import us_import as import_pricing
from twoway.checkout.channels.export import CartItem
from twoway.checkout.rules.us_landed_cost import us_landed_cost
from twoway.reference import selectors as reference
from twoway.reference.models import TariffMeasure

from .import_factories import cn_seller, shirt

pytestmark = pytest.mark.django_db

MARCH_2025 = dt.date(2025, 3, 1)  # de minimis still open for China: a $40 parcel enters free
JUNE_2025 = dt.date(2025, 6, 1)  # de minimis suspended; fentanyl 20% + reciprocal 10%
APRIL_2025 = dt.date(2025, 4, 15)  # reciprocal 125% (for a shipment over $800)
MARCH_2026 = dt.date(2026, 3, 1)  # IEEPA struck down; Section 122 surcharge 10%


def _expected(day: dt.date, value: Decimal, quantity: int = 1):
    """The pure rule over the rows loaded for ``day`` (mapped as the service maps them)."""
    rows = [
        r
        for r in TariffMeasure.objects.order_by("effective_from", "measure_id")
        if r.kind != "other"
        and r.effective_from <= day
        and (r.effective_to is None or day <= r.effective_to)
    ]
    return us_landed_cost(
        customs_value_usd=value,
        hts_code="6205200020",
        origin_country="CN",
        import_date=day,
        measures=[import_pricing.tariff_measure_of(r) for r in rows],
        mfn_rate_percent=Decimal("19.7"),
        quantity=quantity,
    )


def _lines(cost):
    return [(d.measure_id, d.rate_percent, d.amount_usd) for d in cost.duties]


def test_mfn_rate_of_the_shirt_line_is_the_longest_prefix(reference_data):
    assert reference.mfn_rate_for("6205200020", MARCH_2025).rate_percent == Decimal("19.7")
    assert reference.mfn_rate_for("6205.20.20.20", MARCH_2025).rate_percent == Decimal("19.7")
    assert reference.mfn_rate_for("0101210010", MARCH_2025) is None


def test_duty_stack_of_a_40_dollar_shirt_differs_by_date_and_matches_the_measures(reference_data):
    product = shirt(cn_seller())
    costs = {
        day: import_pricing.us_landed_cost_for(product=product, quantity=1, day=day)
        for day in (MARCH_2025, JUNE_2025, MARCH_2026)
    }
    for day, cost in costs.items():
        expected = _expected(day, Decimal("40.00"))
        assert [(d.measure_id, d.rate_percent, d.amount_usd) for d in expected.duties] == _lines(
            cost
        )
        assert cost.total_duty == expected.total_duty
        assert cost.total_landed == expected.total_landed
    assert len({costs[d].total_duty for d in costs}) == 3  # three dates, three different duties

    # By hand. 2025-03-01: de minimis ($800) open for China, the parcel enters free.
    march = costs[MARCH_2025]
    assert march.de_minimis_applied is True
    assert _lines(march) == [("DM-800", Decimal(0), Decimal("0.00"))]
    assert march.total_landed == Decimal("40.00")
    # 2025-06-01: MFN 19.7% + IEEPA fentanyl 20% + reciprocal 10% (China's 10% replaces the
    # 10% baseline: non-stacking, one line only).
    june = costs[JUNE_2025]
    assert june.de_minimis_applied is False
    assert _lines(june) == [
        ("MFN", Decimal("19.7"), Decimal("7.88")),
        ("IEEPA-FENT-2", Decimal("20.000"), Decimal("8.00")),
        ("IEEPA-RECIP-CN-10", Decimal("10.000"), Decimal("4.00")),
    ]
    assert june.total_duty == Decimal("19.88")
    assert june.total_landed == Decimal("59.88")
    # 2026-03-01: IEEPA duties ended; MFN + Section 122 10%.
    march26 = costs[MARCH_2026]
    assert _lines(march26) == [
        ("MFN", Decimal("19.7"), Decimal("7.88")),
        ("S122-2026", Decimal("10.000"), Decimal("4.00")),
    ]
    assert march26.total_duty == Decimal("11.88")
    # Each duty says what it is and cites its legal authority and source.
    fent = june.duties[1]
    assert fent.legal_authority == "IEEPA"
    assert fent.what.startswith("Emergency tariff")
    assert fent.source
    assert "suspended" in june.de_minimis_text


def test_a_shipment_over_800_dollars_on_2025_04_15_pays_the_125_percent_reciprocal(reference_data):
    product = shirt(cn_seller())
    cost = import_pricing.us_landed_cost_for(product=product, quantity=25, day=APRIL_2025)
    assert cost.customs_value_usd == Decimal("1000.00")
    assert _lines(cost) == [
        ("MFN", Decimal("19.7"), Decimal("197.00")),
        ("IEEPA-FENT-2", Decimal("20.000"), Decimal("200.00")),
        ("IEEPA-RECIP-CN-125", Decimal("125.000"), Decimal("1250.00")),
    ]
    assert cost.total_duty == Decimal("1647.00")
    assert cost.total_duty == _expected(APRIL_2025, Decimal("1000.00"), 25).total_duty


def test_de_minimis_is_per_shipment_not_per_line(reference_data):
    seller = cn_seller()
    a, b = shirt(seller, price="500.00"), shirt(seller, price="400.00")
    quote = import_pricing.import_quote(items=[CartItem(a, 1), CartItem(b, 1)], day=MARCH_2025)
    (shipment,) = quote.sellers
    # Each line alone is under $800, the shipment ($900) is not: both lines pay duty.
    assert shipment.de_minimis_applied is False
    assert [line.duty for line in shipment.lines] == [Decimal("148.50"), Decimal("118.80")]
    # CN-US freight: $9.00 + $3.00/kg × 0.6 kg.
    assert shipment.freight == Decimal("10.80")
    assert shipment.total_payable == Decimal("900.00") + Decimal("10.80") + Decimal("267.30")
    assert sum(line.freight_share for line in shipment.lines) == Decimal("10.80")


def test_blocked_and_export_products_are_refused_in_the_quote(reference_data):
    seller = cn_seller()
    blocked = shirt(seller, status="blocked")
    quote = import_pricing.import_quote(items=[CartItem(blocked, 1)], day=JUNE_2025)
    assert not quote.ok
    assert [p.rule for p in quote.problems] == ["blocked_listing"]
    assert quote.sellers == ()


def test_a_loaded_list_is_priced_from_its_rows_alone(reference_data, tmp_path):
    """An operator's list (``twoway loadlist tariffs``) with its own combination columns and a
    fee row: no repo file decides how the measures combine. Figures are test values."""
    from twoway.reference.services import list_load

    file = tmp_path / "tariffs.csv"
    file.write_text(
        "measure_id,label,kind,origin_country,rate_percent,min_usd,max_usd,effective_from,"
        "effective_to,stacks,yields_to,confidence\n"
        "T-A,Test duty A,ieepa,CN,10,,,2025-01-01,,yes,,high\n"
        "T-B,Test duty B,ieepa,CN,5,,,2025-01-01,,yes,,high\n"
        "T-FEE,Test processing fee,fee,CN,1,2.50,3.00,2025-01-01,,,,medium\n",
        encoding="utf-8",
    )
    list_load(kind="tariffs", path=file, allow_shrink=True)

    cost = import_pricing.us_landed_cost_for(product=shirt(cn_seller()), quantity=1, day=JUNE_2025)

    assert _lines(cost) == [
        ("MFN", Decimal("19.7"), Decimal("7.88")),
        ("T-A", Decimal("10.000"), Decimal("4.00")),
        ("T-B", Decimal("5.000"), Decimal("2.00")),
    ]
    # 1% of $40 is $0.40, raised to the $2.50 minimum.
    assert [(f.measure_id, f.amount_usd) for f in cost.fees] == [("T-FEE", Decimal("2.50"))]
    assert (cost.total_duty, cost.total_fees, cost.total_landed) == (
        Decimal("13.88"),
        Decimal("2.50"),
        Decimal("56.38"),
    )
