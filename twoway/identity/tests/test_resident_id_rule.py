"""Issue 9: a real-name ID with a valid check digit, date and province is accepted even when its
district code is newer than (or absent from) the GB/T 2260 edition python-stdnum knows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import ric

from twoway.identity.validators import validate_resident_id


def with_check_digit(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")


def test_a_number_with_a_district_code_unknown_for_its_birth_year_is_accepted():
    assert validate_resident_id("440106196501011238") == "440106196501011238"
    assert validate_resident_id("11010519491231002x") == "11010519491231002X"


@pytest.mark.parametrize(
    ("number", "rule"),
    [
        ("44010619650101123", "gb11643_length"),
        ("4401061965010112A8", "gb11643_format"),
        ("440106196501011239", "gb11643_checksum"),
        (with_check_digit("44010619650230123"), "gb11643_birth_date"),  # 30 February
        (with_check_digit("44010618500101123"), "gb11643_birth_date"),  # before 1900
        (with_check_digit("44010630000101123"), "gb11643_birth_date"),  # in the future
        (with_check_digit("99010619650101123"), "gb11643_province"),
        (with_check_digit("00010619650101123"), "gb11643_province"),
    ],
)
def test_each_rule_names_itself(number, rule):
    with pytest.raises(ValidationError) as caught:
        validate_resident_id(number, today=dt.date(2026, 1, 1))
    assert caught.value.code == rule
