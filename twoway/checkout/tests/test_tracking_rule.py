"""Tracking numbers per carrier: the formats in reference data, the check digits in the rule."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from twoway.checkout.rules.tracking import (
    TrackingFormat,
    mod10_check,
    normalize,
    s10_check,
    tracking_check,
)

CSV = (
    Path(__file__).resolve().parents[2]
    / "reference"
    / "data"
    / "platform"
    / "carrier_tracking_formats.csv"
)


def formats() -> list[TrackingFormat]:
    with CSV.open(encoding="utf-8") as handle:
        return [
            TrackingFormat(
                carrier=row["carrier"],
                name=row["format_name"],
                pattern=row["pattern"],
                checksum=row["checksum"],
                evens_multiplier=int(row["evens_multiplier"] or 1),
                odds_multiplier=int(row["odds_multiplier"] or 1),
                weightings=tuple(int(w) for w in row["weightings"].split()),
            )
            for row in csv.DictReader(handle)
        ]


FORMATS = formats()


@pytest.mark.parametrize(
    ("carrier", "number"),
    [
        ("ups", "1Z879E930346834440"),
        ("ups", "1z 879e 930 346 834 440"),  # as printed, in lower case: normalised
        ("usps", "9400 1112 0108 0805 4830 16"),
        ("usps", "9361 2898 7870 0317 6337 95"),
        ("usps", "0307 1790 0005 2348 3741"),
        ("usps", "EA123456785US"),
        ("fedex", "986578788855"),
        ("fedex", "477179081230"),
        ("fedex", "0414 4176 0228 964"),
        ("fedex", "9611020987654312345672"),
        ("dhl", "3318810025"),
        ("china_post", "EA123456785CN"),
        ("china_post", "RB123456785CN"),
        ("sf_express", "SF1234567890123"),
        ("sf_express", "123456789012"),
    ],
)
def test_numbers_of_each_carrier_pass(carrier, number):
    result = tracking_check(number, carrier=carrier, formats=FORMATS)
    assert result.ok, result
    assert result.normalized == normalize(number)


@pytest.mark.parametrize(
    ("carrier", "number", "rule", "expected"),
    [
        ("ups", "1Z879E930346834441", "check_digit", "0"),
        ("usps", "9400111201080805483017", "check_digit", "6"),
        ("fedex", "996578788855", "check_digit", "6"),
        ("dhl", "3318810026", "check_digit", "5"),
        ("china_post", "EA123456784CN", "check_digit", "5"),
        ("china_post", "EA123456785US", "format", ""),  # a USPS item is not China Post's
        ("sf_express", "SF12345", "format", ""),
        ("ups", "hello", "format", ""),
        ("pigeon", "1Z879E930346834440", "carrier", ""),
    ],
)
def test_wrong_numbers_say_why(carrier, number, rule, expected):
    result = tracking_check(number, carrier=carrier, formats=FORMATS)
    assert not result.ok
    assert result.rule == rule
    assert result.expected_check == expected


def test_every_example_in_the_reference_file_passes_its_own_format():
    with CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            assert tracking_check(row["example"], carrier=row["carrier"], formats=FORMATS).ok, row


def test_s10_check_digit_by_hand():
    # UPU S10: weights 8 6 4 2 3 5 9 7; C = 11 - (sum mod 11); 10 is written 0 and 11 is 5
    total = sum(int(d) * w for d, w in zip("12345678", (8, 6, 4, 2, 3, 5, 9, 7), strict=True))
    assert total == 204
    assert total % 11 == 6
    assert s10_check("12345678") == "5"
    assert s10_check("00000001") == "4"  # 7 → 11 - 7
    assert s10_check("02000000") == "0"  # 12 mod 11 = 1 → C = 10 → 0
    assert s10_check("00000000") == "5"  # 0 → C = 11 → 5


@given(st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_s10_any_single_digit_error_is_caught(serial):
    check = s10_check(serial)
    for i in range(8):
        for digit in "0123456789":
            if digit != serial[i]:
                typo = serial[:i] + digit + serial[i + 1 :]
                number = f"EE{typo}{check}CN"
                result = tracking_check(number, carrier="china_post", formats=FORMATS)
                # S10 (modulus 11, distinct weights) catches every single-digit substitution
                # unless the typo happens to give the same check digit via the 10/11 folding.
                if s10_check(typo) != check:
                    assert result.rule == "check_digit"


@given(st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=15, max_size=15))
def test_ups_numbers_built_with_their_check_digit_pass(body):
    number = "1Z" + body + mod10_check(body, odds=2)
    assert tracking_check(number, carrier="ups", formats=FORMATS).ok
