"""Validation of a Chinese resident identity card number (GB 11643-1999).

What the rule checks, in this order (each failure names its own rule):

1. ``gb11643_length``: 18 characters once spaces are removed.
2. ``gb11643_format``: 17 digits, then a digit or ``X``.
3. ``gb11643_checksum``: the 18th character is the ISO 7064 MOD 11-2 check digit of the first 17
   (computed with python-stdnum).
4. ``gb11643_birth_date``: characters 7–14 are a real calendar date, not in the future and not
   before 1900.
5. ``gb11643_province``: the first two digits are a province-level GB/T 2260 code listed in
   ``twoway/reference/data/china/provinces.csv`` (the 31 mainland divisions).

The four-digit prefecture/county part is **not** looked up: counties are re-coded and merged
(e.g. Guangzhou's Yuexiu district 440104 absorbed Dongshan 440102 in 2005), and a person keeps the
number issued under the old code, so a number whose district code is newer than, or absent from,
a given edition of GB/T 2260 is still a real person's number (``440106196501011238``).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import ric

PROVINCES_CSV = (
    Path(__file__).resolve().parents[1] / "reference" / "data" / "china" / "provinces.csv"
)
EARLIEST_BIRTH_YEAR = 1900


@functools.cache
def province_codes() -> frozenset[str]:
    with PROVINCES_CSV.open(encoding="utf-8", newline="") as handle:
        return frozenset(row["gb2260_code"] for row in csv.DictReader(handle))


def validate_resident_id(value: str, *, today: dt.date | None = None) -> str:
    """Return the compact number or raise ValidationError with the rule that failed."""
    number = ric.compact(value or "")
    if len(number) != 18:
        raise ValidationError(_("A resident ID number has 18 characters."), code="gb11643_length")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(
            _("A resident ID number is 17 digits followed by a digit or X."),
            code="gb11643_format",
        )
    if ric.calc_check_digit(number) != number[17]:  # stdnum takes the whole number
        raise ValidationError(
            _("The check digit (the 18th character) does not match GB 11643."),
            code="gb11643_checksum",
        )
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        born = None
    today = today or dt.datetime.now(dt.UTC).date()
    if born is None or born > today or born.year < EARLIEST_BIRTH_YEAR:
        raise ValidationError(
            _("The birth date in the ID number (characters 7 to 14) is not a valid date."),
            code="gb11643_birth_date",
        )
    if number[:2] not in province_codes():
        raise ValidationError(
            _("The ID number does not start with a Chinese province code."),
            code="gb11643_province",
        )
    return number
