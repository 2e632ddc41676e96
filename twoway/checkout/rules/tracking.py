"""Is this a tracking number of that carrier? (pure; no Django)

The carriers' formats are data (``reference/data/platform/carrier_tracking_formats.csv``, each
row with its source): a pattern with the named groups ``serial`` and ``check`` and the name of the
check-digit algorithm with its parameters. The service passes the rows in force; this module only
knows the algorithms:

* ``mod10`` — each character of the serial (letters as ``(ord(c) - 3) % 10``) times the evens /
  odds multiplier by position from the left (0 = even), the check is ``(10 - total % 10) % 10``
  (UPS 1Z, USPS IMpb, FedEx Ground);
* ``mod7`` — the serial read as one number, modulo 7 (DHL Express waybills);
* ``mod11_10`` — the digits times a repeating list of weights, ``total % 11 % 10`` (FedEx
  Express 12 digits);
* ``s10`` — UPU standard S10 (item identifier of 13 characters: 2 letters service indicator,
  8 digit serial, 1 check digit, ISO 3166-1 alpha-2 country): weights 8 6 4 2 3 5 9 7,
  ``C = 11 - (total % 11)``, C = 10 becomes 0 and C = 11 becomes 5;
* ``none`` — the carrier publishes no check digit (SF Express): the pattern alone decides.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
ALGORITHMS = ("none", "mod10", "mod7", "mod11_10", "s10")


@dataclass(frozen=True)
class TrackingFormat:
    carrier: str
    name: str
    pattern: str
    checksum: str = "none"
    evens_multiplier: int = 1
    odds_multiplier: int = 1
    weightings: tuple[int, ...] = ()


@dataclass(frozen=True)
class TrackingCheck:
    ok: bool
    normalized: str
    rule: str  # "" when ok; format | check_digit | carrier
    format_name: str = ""
    expected_check: str = ""


def normalize(text: str) -> str:
    """Upper case, without spaces and dashes (how carriers print numbers in groups)."""
    return re.sub(r"[\s\-]", "", text or "").upper()


def _char_value(char: str) -> int:
    return int(char) if char.isdigit() else (ord(char) - 3) % 10


def mod10_check(serial: str, *, evens: int = 1, odds: int = 1) -> str:
    total = sum(_char_value(c) * (evens if i % 2 == 0 else odds) for i, c in enumerate(serial))
    return str((10 - total % 10) % 10)


def mod7_check(serial: str) -> str:
    return str(int(serial) % 7)


def mod11_10_check(serial: str, weightings: Sequence[int]) -> str:
    if not weightings:
        raise ValueError("mod11_10 needs weightings")
    total = sum(int(c) * weightings[i % len(weightings)] for i, c in enumerate(serial))
    return str(total % 11 % 10)


def s10_check(serial: str) -> str:
    """UPU S10 check digit of an 8-digit serial number."""
    if len(serial) != 8 or not serial.isdigit():
        raise ValueError("an S10 serial number has 8 digits")
    check = 11 - sum(int(c) * w for c, w in zip(serial, S10_WEIGHTS, strict=True)) % 11
    return {10: "0", 11: "5"}.get(check, str(check))


def expected_check(fmt: TrackingFormat, serial: str) -> str:
    if fmt.checksum == "mod10":
        return mod10_check(serial, evens=fmt.evens_multiplier, odds=fmt.odds_multiplier)
    if fmt.checksum == "mod7":
        return mod7_check(serial)
    if fmt.checksum == "mod11_10":
        return mod11_10_check(serial, fmt.weightings)
    if fmt.checksum == "s10":
        return s10_check(serial)
    raise ValueError(f"unknown check-digit algorithm {fmt.checksum!r}")


def tracking_check(
    number: str, *, carrier: str, formats: Sequence[TrackingFormat]
) -> TrackingCheck:
    """Check ``number`` against every format of ``carrier``: ok when one matches and its check
    digit (if it has one) is right. A number that matches a format but fails its check digit is
    reported as ``check_digit`` (a typo), one that matches none as ``format``."""
    normalized = normalize(number)
    mine = [f for f in formats if f.carrier == carrier]
    if not mine:
        return TrackingCheck(False, normalized, "carrier")
    wrong_check: TrackingCheck | None = None
    for fmt in mine:
        match = re.fullmatch(fmt.pattern, normalized)
        if match is None:
            continue
        if fmt.checksum == "none":
            return TrackingCheck(True, normalized, "", fmt.name)
        want = expected_check(fmt, match.group("serial"))
        if match.group("check") == want:
            return TrackingCheck(True, normalized, "", fmt.name)
        wrong_check = wrong_check or TrackingCheck(False, normalized, "check_digit", fmt.name, want)
    return wrong_check or TrackingCheck(False, normalized, "format")
