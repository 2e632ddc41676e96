"""The freight and MFN rate tables the channels price with (one name each: ``freight_rate_on`` /
``FreightRate`` for both lanes, ``mfn_rate_for`` / ``MfnRate`` for the US column-1 rates).

Both are dated, sourced reference rows (``reference.FreightRate``, ``reference.MfnRate``), read
through the reference selectors (cached per day)."""

from __future__ import annotations

import datetime as dt

from twoway.reference import selectors as reference
from twoway.reference.models import FreightRate, MfnRate


def freight_rate_on(lane: str, day: dt.date) -> FreightRate:
    """The freight rate of ``lane`` in force on ``day`` (LookupError if none)."""
    return reference.freight_rate_on(lane, day)


def mfn_rate_for(hts_code: str, day: dt.date) -> MfnRate | None:
    """The MFN (column 1 general) rate of an HTS line in force on ``day``: the longest matching
    prefix, or None."""
    return reference.mfn_rate_for(hts_code, day)


__all__ = ["FreightRate", "MfnRate", "freight_rate_on", "mfn_rate_for"]
