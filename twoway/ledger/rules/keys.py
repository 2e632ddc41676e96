"""Where a trade flow is counted, and the rollup keys an entry contributes to (pure).

The same functions serve the posting (checkout builds its input with ``flow_places``) and the
ledger check (which reads orders back), so both sides always agree on the keys.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Final

US_EXPORT: Final = "us_export"
US_IMPORT: Final = "us_import"

#: Grouping sets of the monthly cube: (filter dimension, group dimension); "" = all.
MONTH_SETS: Final[tuple[tuple[str, str], ...]] = (
    ("", ""),
    ("", "s"),
    ("", "p"),
    ("", "c"),
    ("s", ""),
    ("p", ""),
    ("c", ""),
    ("s", "p"),
    ("s", "c"),
    ("p", "s"),
    ("p", "c"),
    ("c", "s"),
    ("c", "p"),
)
#: Grouping sets of the daily cube (the time series, with at most one filter).
DAY_SETS: Final[tuple[tuple[str, str], ...]] = (("", ""), ("s", ""), ("p", ""), ("c", ""))


def flow_places(
    *,
    direction: str,
    origin_state: str,
    origin_province: str,
    consignee_district: str,
    consignee_state: str,
    business_us_state: str,
    business_cn_province: str,
) -> tuple[str, str]:
    """(US state, Chinese province) of one order line; "" when unknown.

    A US export leaves the line's origin state (else the seller's state) for the consignee's
    province (first two digits of the GB/T 2260 district). A US import leaves the line's origin
    province (else the seller's) for the consignee's state.
    """
    district = (consignee_district or "").strip()
    if direction == US_EXPORT:
        state = origin_state or business_us_state or ""
        province = district[:2] if len(district) >= 2 and district[:2].isdigit() else ""
    else:
        state = consignee_state or ""
        province = origin_province or business_cn_province or ""
    return state.upper()[:2], province[:2]


def hs_parts(hs_code: str) -> tuple[str, str, str]:
    """(chapter, heading, code) from an HS code of 2 to 6+ digits."""
    digits = "".join(ch for ch in hs_code if ch.isdigit())[:6]
    return digits[:2], digits[:4], digits


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def cube_keys(
    *, day: dt.date, direction: str, us_state: str, cn_province: str, hs_chapter: str
) -> Iterator[tuple[str, str, str, str, str, dt.date, str]]:
    """The cube rows (grain, fdim, fval, gdim, direction, period, gval) one flow adds to."""
    values = {"": "", "s": us_state, "p": cn_province, "c": hs_chapter}
    month = month_of(day)
    for fdim, gdim in MONTH_SETS:
        yield ("m", fdim, values[fdim], gdim, direction, month, values[gdim])
    for fdim, gdim in DAY_SETS:
        yield ("d", fdim, values[fdim], gdim, direction, day, values[gdim])
