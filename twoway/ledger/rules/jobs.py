"""US jobs supported by exports, from the ITA jobs-per-$1bn ratio (pure).

Method (ITA, "Jobs Supported by Exports"): jobs ≈ export value in $bn × jobs supported per $1bn
of exports in the ratio's year. The estimate is an average over the whole economy, not a count
of people hired for these orders.

The one jobs rule of the project: the dashboard calls ``jobs_supported`` (rounded to a whole job)
and the alternatives' trade impact calls ``jobs_exact`` (the display rounds). The ratio comes from
``reference.JobsRatio`` rows, loaded from ``reference/data/us/jobs_supported_by_exports.csv``,
sources S50–S57 of ``reference/data/us/SOURCES.md`` (ITA/OTEA "Jobs Supported by Exports").
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

BILLION = Decimal(1_000_000_000)


@dataclass(frozen=True)
class JobsRatioRow:
    year: int
    jobs_per_usd_bn: int
    publication: str
    source: str
    basis: str = "goods"  # "goods" or "total" (goods and services)


@dataclass(frozen=True)
class JobsEstimate:
    jobs: Decimal
    method: str
    ratio_year: int
    source: str
    basis: str


def jobs_exact(value_usd: Decimal, jobs_per_usd_bn: int) -> Decimal:
    """Jobs supported by ``value_usd`` at ``jobs_per_usd_bn``: value × ratio ÷ $1bn, unrounded."""
    return Decimal(value_usd) * Decimal(jobs_per_usd_bn) / BILLION


def jobs_supported(export_value_usd: Decimal, ratio: JobsRatioRow) -> JobsEstimate:
    """Estimated jobs supported by ``export_value_usd`` of exports, rounded to a whole job."""
    raw = jobs_exact(export_value_usd, ratio.jobs_per_usd_bn)
    jobs = raw.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if jobs < 0:
        jobs = Decimal(0)
    what = "goods exports" if ratio.basis == "goods" else "all exports (goods and services)"
    method = (
        f"Export value ${Decimal(export_value_usd):,.2f} ÷ $1bn × {ratio.jobs_per_usd_bn:,} jobs "
        f"per $1bn of {what} in {ratio.year} (ITA, {ratio.publication}), rounded to a whole job."
    )
    return JobsEstimate(
        jobs=jobs, method=method, ratio_year=ratio.year, source=ratio.source, basis=ratio.basis
    )
