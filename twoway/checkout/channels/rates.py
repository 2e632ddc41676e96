"""The freight and MFN rate tables the channels price with (one name each: ``freight_rate_on`` /
``FreightRate`` for both lanes, ``mfn_rate_for`` / ``MfnRate`` for the US column-1 rates).

Loaded from ``checkout/data/`` (sources in its ``SOURCES.md``), once per process.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class FreightRate:
    lane: str
    currency: str
    base_per_shipment: Decimal
    per_kg: Decimal
    effective_from: dt.date
    effective_to: dt.date | None
    source: str

    def price(self, weight_kg: Decimal) -> Decimal:
        return (self.base_per_shipment + self.per_kg * weight_kg).quantize(CENT)


@lru_cache(maxsize=1)
def _freight_rows() -> tuple[FreightRate, ...]:
    with (DATA_DIR / "freight_rates.csv").open(encoding="utf-8") as fh:
        return tuple(
            FreightRate(
                lane=row["lane"],
                currency=row["currency"],
                base_per_shipment=Decimal(row["base_per_shipment"]),
                per_kg=Decimal(row["per_kg"]),
                effective_from=dt.date.fromisoformat(row["effective_from"]),
                effective_to=dt.date.fromisoformat(row["effective_to"]) if row["effective_to"] else None,
                source=row["source"],
            )
            for row in csv.DictReader(fh)
        )


def freight_rate_on(lane: str, day: dt.date) -> FreightRate:
    rows = [
        r
        for r in _freight_rows()
        if r.lane == lane and r.effective_from <= day and (r.effective_to is None or day <= r.effective_to)
    ]
    if not rows:
        raise LookupError(f"No freight rate for lane {lane} on {day}")
    return max(rows, key=lambda r: r.effective_from)



@dataclass(frozen=True)
class MfnRate:
    hts_prefix: str
    rate_percent: Decimal
    description: str
    source: str
    confidence: str


@lru_cache(maxsize=1)
def _mfn_rows() -> tuple[MfnRate, ...]:
    with (DATA_DIR / "us_mfn_rates.csv").open(encoding="utf-8") as fh:
        return tuple(
            MfnRate(
                hts_prefix=row["hts_prefix"].strip(),
                rate_percent=Decimal(row["rate_percent"]),
                description=row["description"],
                source=row["source"],
                confidence=row["confidence"],
            )
            for row in csv.DictReader(fh)
        )


def mfn_rate_for(hts_code: str) -> MfnRate | None:
    """The MFN (column 1 general) rate of an HTS line: the longest matching prefix, or None."""
    digits = "".join(c for c in hts_code if c.isdigit())
    matches = [r for r in _mfn_rows() if digits.startswith(r.hts_prefix)]
    return max(matches, key=lambda r: len(r.hts_prefix)) if matches else None


__all__ = ["FreightRate", "MfnRate", "freight_rate_on", "mfn_rate_for"]
