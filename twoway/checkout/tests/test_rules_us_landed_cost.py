"""us_landed_cost: the engine on hand-made measures, and the 2025-2026 stacks from the CSV."""

from __future__ import annotations

import csv
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twoway.checkout.channels.us_import import tariff_measure_of
from twoway.checkout.rules.us_landed_cost import (
    CENT,
    TariffMeasure,
    normalize_hts,
    us_landed_cost,
)
from twoway.reference.tests.rows import unsaved_rows

TWOWAY = Path(__file__).resolve().parents[2]
MEASURES_CSV = TWOWAY / "reference" / "data" / "us" / "us_tariff_measures.csv"
# The research file the measures were built from (us/SOURCES.md), kept in the repo beside them.
RESEARCH_CSV = TWOWAY / "reference" / "data" / "us" / "us_tariffs_on_china.csv"

SHIRT = "6205200020"  # men's cotton woven shirt, MFN 19.7% (6205.20.20)
LAPTOP = "8471300100"  # portable computer, MFN Free; Section 301 List 4B never took effect
GLOVES = "4015121000"  # rubber medical gloves (4015.12), hit by the Section 301 review
SHIRT_MFN = Decimal("19.7")


def _rows() -> list[dict[str, str]]:
    with MEASURES_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# The shipped file as production applies it: parsed by the reference loader, mapped by
# ``channels.us_import.tariff_measure_of`` (``other`` rows are reference-only, as in pricing).
CSV_MEASURES = tuple(
    tariff_measure_of(row) for row in unsaved_rows("us_tariff_measures") if row.kind != "other"
)


def m(
    measure_id: str,
    kind: str,
    rate: str | None = None,
    *,
    per_item: str | None = None,
    hts: tuple[str, ...] = (),
    excluded: tuple[str, ...] = (),
    start: date = date(2020, 1, 1),
    end: date | None = None,
    stacks: bool = True,
    origins: tuple[str, ...] = ("CN",),
    threshold: str | None = None,
    min_usd: str | None = None,
    max_usd: str | None = None,
    yields_to: tuple[str, ...] = (),
) -> TariffMeasure:
    return TariffMeasure(
        measure_id=measure_id,
        label=f"label {measure_id}",
        kind=kind,
        rate_percent=Decimal(rate) if rate is not None else None,
        per_item_usd=Decimal(per_item) if per_item is not None else None,
        hts_prefixes=hts,
        excluded_hts_prefixes=excluded,
        effective_from=start,
        effective_to=end,
        stacks=stacks,
        source=f"src {measure_id}",
        origins=origins,
        threshold_usd=Decimal(threshold) if threshold is not None else None,
        min_usd=Decimal(min_usd) if min_usd is not None else None,
        max_usd=Decimal(max_usd) if max_usd is not None else None,
        yields_to=yields_to,
    )


def cost(
    value: str,
    measures: tuple[TariffMeasure, ...] | list[TariffMeasure],
    *,
    hts: str = SHIRT,
    on: date = date(2025, 6, 1),
    origin: str = "CN",
    mfn: str = "0",
    quantity: int = 1,
):
    return us_landed_cost(
        customs_value_usd=Decimal(value),
        hts_code=hts,
        origin_country=origin,
        import_date=on,
        measures=measures,
        mfn_rate_percent=Decimal(mfn),
        quantity=quantity,
    )


def lines(result) -> list[tuple[str, str]]:
    return [(d.measure_id, str(d.amount_usd)) for d in result.duties]


# ------------------------------------------------------------------ 2025-2026 from the CSV

# (date, expected duty lines) for a USD 40 cotton shirt (HTS 6205.20.20, MFN 19.7%)
SHIRT_40 = [
    (date(2025, 1, 15), [("DM-800", "0.00")]),  # de minimis: <= USD 800
    (date(2025, 2, 5), [("MFN", "7.88"), ("IEEPA-FENT-1", "4.00")]),  # DM suspended 02-04..06
    (date(2025, 2, 10), [("DM-800", "0.00")]),  # suspension paused
    (date(2025, 4, 15), [("DM-800", "0.00")]),  # still de minimis until 2025-05-01
    (
        date(2025, 5, 5),  # de minimis ended for China; 20% fentanyl + 125% reciprocal
        [("MFN", "7.88"), ("IEEPA-FENT-2", "8.00"), ("IEEPA-RECIP-CN-125", "50.00")],
    ),
    (
        date(2025, 6, 1),  # Geneva cut: reciprocal 10%
        [("MFN", "7.88"), ("IEEPA-FENT-2", "8.00"), ("IEEPA-RECIP-CN-10", "4.00")],
    ),
    (
        date(2025, 9, 1),  # global de minimis suspension; same rates
        [("MFN", "7.88"), ("IEEPA-FENT-2", "8.00"), ("IEEPA-RECIP-CN-10", "4.00")],
    ),
    (
        date(2025, 12, 1),  # fentanyl cut to 10%
        [("MFN", "7.88"), ("IEEPA-RECIP-CN-10", "4.00"), ("IEEPA-FENT-3", "4.00")],
    ),
    (date(2026, 2, 23), [("MFN", "7.88"), ("IEEPA-RECIP-CN-10", "4.00"), ("IEEPA-FENT-3", "4.00")]),
    (date(2026, 2, 24), [("MFN", "7.88"), ("S122-2026", "4.00")]),  # IEEPA gone, s.122 10%
    (date(2026, 7, 23), [("MFN", "7.88"), ("S122-2026", "4.00")]),
    (date(2026, 7, 24), [("MFN", "7.88")]),  # s.122 lapsed (status after not verified)
    (date(2027, 7, 1), [("MFN", "7.88")]),  # statutory repeal of de minimis
]


@pytest.mark.parametrize(("on", "expected"), SHIRT_40, ids=[d.isoformat() for d, _ in SHIRT_40])
def test_forty_dollar_shirt_over_2025_2026(on: date, expected: list[tuple[str, str]]) -> None:
    result = cost("40", CSV_MEASURES, on=on, mfn="19.7")

    assert lines(result) == expected
    assert result.total_duty == sum((Decimal(a) for _, a in expected), Decimal("0.00"))
    assert result.total_landed == Decimal("40.00") + result.total_duty
    assert result.de_minimis_applied is (expected == [("DM-800", "0.00")])


LAPTOP_1000 = [
    (date(2025, 1, 15), [("MFN", "0.00")], "0.00"),
    (date(2025, 2, 5), [("MFN", "0.00"), ("IEEPA-FENT-1", "100.00")], "100.00"),
    (date(2025, 3, 10), [("MFN", "0.00"), ("IEEPA-FENT-2", "200.00")], "200.00"),
    # 125% reciprocal does not reach 8471: electronics exemption of 2025-04-11 (from 04-05)
    (date(2025, 4, 10), [("MFN", "0.00"), ("IEEPA-FENT-2", "200.00")], "200.00"),
    (date(2025, 6, 1), [("MFN", "0.00"), ("IEEPA-FENT-2", "200.00")], "200.00"),
    (date(2025, 12, 1), [("MFN", "0.00"), ("IEEPA-FENT-3", "100.00")], "100.00"),
    # s.122 exemptions ('certain electronics') are not captured as HTS lines: charged
    (date(2026, 3, 1), [("MFN", "0.00"), ("S122-2026", "100.00")], "100.00"),
    (date(2026, 8, 1), [("MFN", "0.00")], "0.00"),
]


@pytest.mark.parametrize(
    ("on", "expected", "total"), LAPTOP_1000, ids=[d.isoformat() for d, _, _ in LAPTOP_1000]
)
def test_thousand_dollar_laptop_over_2025_2026(
    on: date, expected: list[tuple[str, str]], total: str
) -> None:
    result = cost("1000", CSV_MEASURES, hts=LAPTOP, on=on, mfn="0")

    assert lines(result) == expected
    assert result.total_duty == Decimal(total)
    assert result.total_landed == Decimal("1000.00") + Decimal(total)


BOX_OF_SHIRTS_1000 = [  # 25 shirts in one entry: above de minimis even before May 2025
    (date(2025, 1, 15), "197.00"),  # MFN only
    (date(2025, 4, 7), "497.00"),  # + fentanyl 20% + reciprocal baseline 10%
    (date(2025, 4, 9), "1237.00"),  # + 84% (34% and 84% both dated 04-09: the higher applies)
    (date(2025, 4, 10), "1647.00"),  # + 125%: 19.7 + 20 + 125 = 164.7%
    (date(2025, 6, 1), "497.00"),
    (date(2025, 12, 1), "397.00"),
    (date(2026, 3, 1), "297.00"),
]


@pytest.mark.parametrize(
    ("on", "total"), BOX_OF_SHIRTS_1000, ids=[d.isoformat() for d, _ in BOX_OF_SHIRTS_1000]
)
def test_thousand_dollar_box_of_shirts_peaks_in_april_2025(on: date, total: str) -> None:
    result = cost("1000", CSV_MEASURES, on=on, mfn="19.7")

    assert result.total_duty == Decimal(total)
    assert not result.de_minimis_applied


def test_april_9_picks_the_84_percent_rate_over_34_and_the_baseline() -> None:
    result = cost("1000", CSV_MEASURES, on=date(2025, 4, 9), mfn="19.7")

    assert lines(result) == [
        ("MFN", "197.00"),
        ("IEEPA-FENT-2", "200.00"),
        ("IEEPA-RECIP-CN-84", "840.00"),
    ]
    assert "IEEPA-RECIP-CN-84 replaces IEEPA-RECIP-BASE, IEEPA-RECIP-CN-34." in result.notes


def test_medical_gloves_section_301_rate_doubles_in_2026_without_stacking() -> None:
    in_2025 = cost("1000", CSV_MEASURES, hts=GLOVES, on=date(2025, 6, 1))
    in_2026 = cost("1000", CSV_MEASURES, hts=GLOVES, on=date(2026, 3, 1))

    assert lines(in_2025) == [
        ("MFN", "0.00"),
        ("301-4YR-2025-GLOVE", "500.00"),
        ("IEEPA-FENT-2", "200.00"),
        ("IEEPA-RECIP-CN-10", "100.00"),
    ]
    assert lines(in_2026) == [
        ("MFN", "0.00"),
        ("301-4YR-2026-GLOVE", "1000.00"),
        ("S122-2026", "100.00"),
    ]
    assert "301-4YR-2026-GLOVE replaces 301-4YR-2025-GLOVE." in in_2026.notes


def test_suspension_is_for_china_only_until_the_global_one() -> None:
    june = date(2025, 6, 1)
    china = cost("40", CSV_MEASURES, on=june, mfn="19.7")
    vietnam = cost("40", CSV_MEASURES, on=june, origin="VN", mfn="19.7")
    vietnam_later = cost("40", CSV_MEASURES, on=date(2025, 9, 1), origin="VN", mfn="19.7")

    assert not china.de_minimis_applied
    assert "suspended by DM-CN-2, DM-CN-3" in china.notes[0]
    assert vietnam.de_minimis_applied
    assert vietnam.total_duty == Decimal("0.00")
    # the China rows are CN-only; VN only gets MFN + the all-country baseline in this file
    assert lines(vietnam_later) == [("MFN", "7.88"), ("IEEPA-RECIP-BASE", "4.00")]


def test_mfn_line_takes_label_and_source_from_the_mfn_row() -> None:
    result = cost("40", CSV_MEASURES, on=date(2026, 3, 1), mfn="19.7")

    mfn = result.duties[0]
    assert (mfn.measure_id, mfn.label, mfn.source, mfn.rate_percent) == (
        "MFN",
        "Most-favored-nation (Column 1 General) duty",
        "S47;S94 (see reference/data/us/SOURCES.md)",
        Decimal("19.7"),
    )


def test_de_minimis_line_explains_itself() -> None:
    result = cost("40", CSV_MEASURES, on=date(2025, 1, 15), mfn="19.7")

    (line,) = result.duties
    assert line.label == (
        "De minimis duty-free entry (Section 321): value $40.00 is at or under $800.00, "
        "entered free of duty and fees"
    )
    assert (line.rate_percent, line.amount_usd, line.source) == (
        Decimal(0),
        Decimal("0.00"),
        "S90;S91 (see reference/data/us/SOURCES.md)",
    )
    assert result.fees == ()
    assert result.measure_ids == ("DM-800",)


# ------------------------------------------------------------------ the CSV itself


def test_every_csv_row_is_valid_and_ids_are_unique() -> None:
    rows = _rows()
    ids = [r["measure_id"] for r in rows]

    assert len(ids) == len(set(ids)) == 41
    assert len(CSV_MEASURES) == sum(r["kind"] != "other" for r in rows) == 28
    assert {m.measure_id for m in CSV_MEASURES} == {
        r["measure_id"] for r in rows if r["kind"] != "other"
    }
    for row in rows:
        if row["kind"] == "other":
            assert row["effective_from"], row["measure_id"]
        assert row["confidence"] in {"high", "medium", "low"}
        assert row["source_ids"], row["measure_id"]
        assert row["notes"], row["measure_id"]


def test_section_301_rows_never_cover_every_line() -> None:
    for measure in CSV_MEASURES:
        if measure.kind == "section301":
            assert measure.hts_prefixes, measure.measure_id
            assert measure.stacks is False


def test_every_row_traces_to_the_research_file_and_every_research_row_is_kept() -> None:
    with RESEARCH_CSV.open(encoding="utf-8", newline="") as handle:
        shared = {r["measure_id"]: r for r in csv.DictReader(handle)}
    rows = _rows()

    assert {r["shared_measure_id"] for r in rows} == set(shared)
    for row in rows:
        source = shared[row["shared_measure_id"]]
        # a row whose shared rate is not one plain number was interpreted: never "high"
        plain = re.fullmatch(r"\d+(\.\d+)?%", source["rate"].strip())
        if not plain and row["kind"] != "other" and row["measure_id"] not in {"MFN"}:
            is_de_minimis = row["kind"] == "de_minimis"
            assert row["confidence"] != "high" or is_de_minimis, row["measure_id"]
        if plain and row["rate_percent"]:
            assert Decimal(row["rate_percent"]) == Decimal(source["rate"].strip().rstrip("%"))


# ------------------------------------------------------------------ the engine, by hand


def test_stacking_measures_add_up_and_alternatives_keep_the_highest() -> None:
    measures = [
        m("A", "section301", "25", stacks=False),
        m("B", "section301", "100", stacks=False),
        m("C", "ieepa", "10"),
        m("D", "ieepa", "20"),
    ]

    result = cost("100", measures, mfn="5")

    assert lines(result) == [
        ("MFN", "5.00"),
        ("B", "100.00"),
        ("C", "10.00"),
        ("D", "20.00"),
    ]
    assert result.total_duty == Decimal("135.00")
    assert result.notes == ("B replaces A.",)


def test_a_measure_yields_to_section_232() -> None:
    measures = [
        m("S232", "section232", "25", hts=("7318",)),
        m("S122", "section122", "10", origins=(), yields_to=("section232",)),
    ]

    screws = cost("100", measures, hts="7318150000")
    shirt = cost("100", measures)

    assert lines(screws) == [("MFN", "0.00"), ("S232", "25.00")]
    assert screws.notes == ("S122 does not apply with section232.",)
    assert lines(shirt) == [("MFN", "0.00"), ("S122", "10.00")]


def test_hts_prefixes_exclusions_and_origins_select_measures() -> None:
    measures = [
        m("APPAREL", "section301", "7.5", hts=("61", "62"), excluded=("6205",), stacks=False),
        m("ALL", "ieepa", "10", excluded=("8471",)),
        m("VN-ONLY", "ieepa", "20", origins=("VN",)),
    ]

    assert lines(cost("100", measures, hts="6109100012")) == [
        ("MFN", "0.00"),
        ("APPAREL", "7.50"),
        ("ALL", "10.00"),
    ]
    assert lines(cost("100", measures, hts=SHIRT)) == [("MFN", "0.00"), ("ALL", "10.00")]
    assert lines(cost("100", measures, hts=LAPTOP)) == [("MFN", "0.00")]
    assert lines(cost("100", measures, hts=LAPTOP, origin="vn")) == [
        ("MFN", "0.00"),
        ("VN-ONLY", "20.00"),
    ]


def test_effective_dates_are_inclusive() -> None:
    measure = m("X", "ieepa", "10", start=date(2025, 3, 4), end=date(2025, 11, 9))

    assert cost("100", [measure], on=date(2025, 3, 3)).total_duty == Decimal("0.00")
    assert cost("100", [measure], on=date(2025, 3, 4)).total_duty == Decimal("10.00")
    assert cost("100", [measure], on=date(2025, 11, 9)).total_duty == Decimal("10.00")
    assert cost("100", [measure], on=date(2025, 11, 10)).total_duty == Decimal("0.00")


def test_de_minimis_threshold_is_inclusive_and_a_zero_threshold_suspends() -> None:
    dm = m("DM", "de_minimis", threshold="800", origins=(), stacks=False)
    duty = m("X", "ieepa", "10")
    suspension = m("SUSP", "de_minimis", threshold="0", start=date(2025, 5, 2), stacks=False)

    at = cost("800.00", [dm, duty], on=date(2025, 1, 1))
    above = cost("800.01", [dm, duty], on=date(2025, 1, 1))
    suspended = cost("10", [dm, duty, suspension], on=date(2025, 5, 2))

    assert at.de_minimis_applied
    assert at.total_duty == Decimal("0.00")
    assert lines(above) == [("MFN", "0.00"), ("X", "80.00")]
    assert above.notes == ("Value $800.01 is above the de minimis threshold of $800.00.",)
    assert lines(suspended) == [("MFN", "0.00"), ("X", "1.00")]
    assert suspended.notes == ("De minimis not available on 2025-05-02: suspended by SUSP.",)


def test_fees_are_clamped_and_kept_out_of_the_duty_total() -> None:
    # MPF-like fee: 0.3464% ad valorem, min 32.71, max 634.62 (test values)
    mpf = m("MPF", "fee", "0.3464", origins=(), min_usd="32.71", max_usd="634.62")

    small = cost("1000", [mpf], mfn="10")
    middle = cost("50000", [mpf])
    large = cost("1000000", [mpf])

    assert [(f.measure_id, f.amount_usd) for f in small.fees] == [("MPF", Decimal("32.71"))]
    assert (small.total_duty, small.total_fees, small.total_landed) == (
        Decimal("100.00"),
        Decimal("32.71"),
        Decimal("1132.71"),
    )
    assert middle.total_fees == Decimal("173.20")
    assert large.total_fees == Decimal("634.62")


def test_per_item_duty_uses_quantity_and_compound_rates_add() -> None:
    measures = [m("P", "ieepa", "54", per_item="100", stacks=True)]

    result = cost("10", measures, quantity=3)

    assert lines(result) == [("MFN", "0.00"), ("P", "305.40")]


@pytest.mark.parametrize(
    ("value", "rate", "expected"),
    [
        ("10.05", "5", "0.50"),  # 0.5025 -> 0.50
        ("0.10", "5", "0.01"),  # 0.005 -> 0.01 (half up, not half even)
        ("0.30", "19.7", "0.06"),  # 0.0591
        ("12.50", "7.5", "0.94"),  # 0.9375
        ("40", "19.7", "7.88"),
    ],
)
def test_each_line_is_rounded_half_up_to_the_cent(value: str, rate: str, expected: str) -> None:
    result = cost(value, [m("X", "ieepa", rate)])

    assert result.duties[1].amount_usd == Decimal(expected)


def test_kind_spelled_like_the_reference_model_is_accepted() -> None:
    measure = m("X", "section_301", "25", hts=("62",), stacks=False)

    assert measure.kind == "section301"
    assert lines(cost("100", [measure])) == [("MFN", "0.00"), ("X", "25.00")]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"customs_value_usd": Decimal("-1")},
        {"customs_value_usd": Decimal("NaN")},
        {"hts_code": "62052000"},
        {"hts_code": "6205.20.20.XX"},
        {"origin_country": "China"},
        {"mfn_rate_percent": Decimal("-5")},
        {"quantity": 0},
    ],
)
def test_bad_inputs_raise(kwargs: dict[str, object]) -> None:
    call: dict[str, object] = {
        "customs_value_usd": Decimal("10"),
        "hts_code": SHIRT,
        "origin_country": "CN",
        "import_date": date(2025, 6, 1),
        "measures": (),
        "mfn_rate_percent": Decimal("0"),
        "quantity": 1,
        **kwargs,
    }
    with pytest.raises(ValueError):  # noqa: PT011 — each case fails with its own message
        us_landed_cost(**call)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kind": "tariff"},
        {"kind": "ieepa", "rate": None},
        {"kind": "de_minimis", "threshold": None},
        {"kind": "ieepa", "end": date(2019, 1, 1)},
        {"kind": "ieepa", "hts": ("62.05",)},
        {"kind": "ieepa", "origins": ("China",)},
        {"kind": "ieepa", "rate": "-1"},
        {"kind": "fee", "min_usd": "10", "max_usd": "5"},
        {"kind": "ieepa", "yields_to": ("section999",)},
    ],
)
def test_bad_measures_raise(kwargs: dict[str, object]) -> None:
    kind = str(kwargs.pop("kind"))
    params: dict[str, object] = {"rate": "10", **kwargs}
    with pytest.raises(ValueError):  # noqa: PT011 — each case fails with its own message
        m("BAD", kind, **params)  # type: ignore[arg-type]


def test_normalize_hts_accepts_dots() -> None:
    assert normalize_hts("6205.20.2020") == "6205202020"


# ------------------------------------------------------------------ properties

MONEY = st.decimals(min_value=Decimal("0"), max_value=Decimal("100000"), places=2)
RATES = st.decimals(min_value=Decimal("0"), max_value=Decimal("200"), places=3)
DATES = st.dates(min_value=date(2016, 1, 1), max_value=date(2028, 12, 31))
HTS = st.sampled_from([SHIRT, LAPTOP, GLOVES, "8703800000", "8541430010", "0702000000"])
KIND = st.sampled_from(["section232", "section301", "ieepa", "section122", "fee"])


@st.composite
def measures(draw: st.DrawFn) -> TariffMeasure:
    kind = draw(KIND)
    start = draw(DATES)
    length = draw(st.none() | st.integers(min_value=0, max_value=800))
    per_item = draw(st.none() | MONEY)
    rate = draw(RATES) if per_item is None else draw(st.none() | RATES)
    low = draw(st.none() | MONEY)
    high = draw(st.none() | MONEY)
    if low is not None and high is not None and low > high:
        low, high = high, low
    return TariffMeasure(
        measure_id=f"M{draw(st.integers(min_value=0, max_value=10**6))}",
        label="generated",
        kind=kind,
        rate_percent=rate,
        per_item_usd=per_item,
        hts_prefixes=tuple(
            draw(
                st.lists(st.sampled_from(["62", "84", "8471", "40", "87"]), max_size=2, unique=True)
            )
        ),
        excluded_hts_prefixes=tuple(
            draw(st.lists(st.sampled_from(["6205", "847130"]), max_size=1))
        ),
        effective_from=start,
        effective_to=None if length is None else start + timedelta(days=length),
        stacks=draw(st.booleans()),
        source="generated",
        origins=tuple(draw(st.lists(st.sampled_from(["CN", "VN"]), max_size=1))),
        min_usd=low if kind == "fee" else None,
        max_usd=high if kind == "fee" else None,
        yields_to=tuple(draw(st.lists(st.sampled_from(["section232"]), max_size=1))),
    )


def _check_invariants(result, value: Decimal) -> None:
    for line in (*result.duties, *result.fees):
        assert line.amount_usd >= 0
        assert line.amount_usd == line.amount_usd.quantize(CENT)
    assert result.total_duty == sum((d.amount_usd for d in result.duties), Decimal(0))
    assert result.total_fees == sum((f.amount_usd for f in result.fees), Decimal(0))
    assert result.total_landed == value.quantize(CENT) + result.total_duty + result.total_fees
    assert result.duties[0].kind in {"mfn", "de_minimis"}


@settings(max_examples=300, deadline=None)
@given(
    value=MONEY,
    mfn=RATES,
    on=DATES,
    hts=HTS,
    origin=st.sampled_from(["CN", "VN"]),
    generated=st.lists(measures(), max_size=8),
    quantity=st.integers(min_value=1, max_value=50),
)
def test_duty_is_never_negative_and_totals_are_the_sum_of_lines(
    value: Decimal,
    mfn: Decimal,
    on: date,
    hts: str,
    origin: str,
    generated: list[TariffMeasure],
    quantity: int,
) -> None:
    result = cost(
        str(value), generated, hts=hts, on=on, origin=origin, mfn=str(mfn), quantity=quantity
    )

    _check_invariants(result, value)


@settings(max_examples=200, deadline=None)
@given(value=MONEY, on=DATES, hts=HTS, origin=st.sampled_from(["CN", "VN", "MX"]))
def test_csv_measures_keep_the_invariants_on_any_date(
    value: Decimal, on: date, hts: str, origin: str
) -> None:
    result = cost(str(value), CSV_MEASURES, hts=hts, on=on, origin=origin, mfn="19.7")

    _check_invariants(result, value)
    if result.de_minimis_applied:
        assert value <= Decimal("800")
        assert result.total_duty == 0


@settings(max_examples=200, deadline=None)
@given(
    low=MONEY,
    extra=MONEY,
    on=DATES,
    hts=HTS,
    generated=st.lists(measures(), max_size=6),
)
def test_without_de_minimis_duty_never_falls_when_the_value_rises(
    low: Decimal, extra: Decimal, on: date, hts: str, generated: list[TariffMeasure]
) -> None:
    cheap = cost(str(low), generated, hts=hts, on=on, mfn="5")
    dear = cost(str(low + extra), generated, hts=hts, on=on, mfn="5")

    assert dear.total_duty >= cheap.total_duty
    assert dear.total_fees >= cheap.total_fees
