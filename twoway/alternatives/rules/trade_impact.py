"""Where the money of one purchase goes (pure: values in, values out).

* Buying an import of customs value V from China adds V to the US–China goods deficit (imports
  count in the balance at their customs value).
* Buying the US-made alternative instead keeps its price in the seller's state and adds nothing to
  the deficit. The US jobs that spending supports are *estimated* with the ITA ratio of jobs
  supported per $1 billion of exports: jobs = value × ratio / 1,000,000,000, exact (no rounding;
  the display rounds), by the project's one jobs rule, ``ledger.rules.jobs.jobs_exact``. ITA measures jobs supported by *exports*; applied to domestic spending it
  is an indicative figure only, and the result says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from twoway.ledger.rules.jobs import jobs_exact

CENT = Decimal("0.01")
JOBS_SHOWN = Decimal("0.000001")  # jobs are shown to six decimal places
HOURS_PER_JOB_YEAR = Decimal(2080)  # 52 weeks × 40 hours: one full-time job for a year
HOURS_SHOWN = Decimal("0.1")

COUNTRY_NAMES = {"CN": "China"}


def _(message: str) -> str:
    return message


@dataclass(frozen=True)
class RatioRow:
    year: int
    jobs_per_usd_bn: int
    basis: str  # "goods" or "total" (goods and services exports)
    publication: str
    source: str


@dataclass(frozen=True)
class AlternativeSpend:
    price_usd: Decimal
    state_code: str
    state_name: str


@dataclass(frozen=True)
class JobsEstimate:
    jobs: Decimal  # exact: value × ratio / 1e9
    jobs_shown: Decimal  # rounded half-up to 6 decimal places
    hours_of_work: Decimal  # jobs × 2,080 h, rounded to 0.1 h
    ratio: RatioRow
    method: str
    caveat: str


@dataclass(frozen=True)
class TradeImpact:
    import_value_usd: Decimal
    origin_country: str
    deficit_added_usd: Decimal
    deficit_text: str
    kept_in_state_usd: Decimal | None
    state_name: str | None
    kept_text: str | None
    jobs: JobsEstimate | None


def money(amount: Decimal) -> str:
    return f"${amount.quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"


def jobs_estimate(value_usd: Decimal, ratio: RatioRow) -> JobsEstimate:
    """The jobs rule (``ledger.rules.jobs.jobs_exact``), shown with hours and its caveat."""
    jobs = jobs_exact(value_usd, ratio.jobs_per_usd_bn)
    what = "goods exports" if ratio.basis == "goods" else "exports of goods and services"
    publication = ratio.publication if "ITA" in ratio.publication else f"ITA {ratio.publication}"
    method = (
        f"{money(Decimal(value_usd))} × {ratio.jobs_per_usd_bn:,} jobs per $1 billion of {what} "
        f"({ratio.year}, {publication}; source {ratio.source}) ÷ $1,000,000,000"
    )
    caveat = (
        "Estimate. The ITA ratio measures US jobs supported by exports, not by spending at home; "
        "for a domestic purchase it is an indicative figure only. Jobs supported are an "
        "economy-wide average (direct and supply-chain), not people hired for this order."
    )
    return JobsEstimate(
        jobs=jobs,
        jobs_shown=jobs.quantize(JOBS_SHOWN, rounding=ROUND_HALF_UP),
        hours_of_work=(jobs * HOURS_PER_JOB_YEAR).quantize(HOURS_SHOWN, rounding=ROUND_HALF_UP),
        ratio=ratio,
        method=method,
        caveat=caveat,
    )


def trade_impact(
    *,
    import_value_usd: Decimal,
    origin_country: str = "CN",
    alternative: AlternativeSpend | None,
    ratio: RatioRow | None,
    translate: Callable[[str], str] = _,
) -> TradeImpact:
    value = Decimal(import_value_usd)
    if value < 0:
        raise ValueError("import_value_usd must not be negative")
    country = translate(COUNTRY_NAMES.get(origin_country, origin_country))
    deficit_text = translate(_("Adds %(amount)s to the US–%(country)s goods deficit")) % {
        "amount": money(value),
        "country": country,
    }
    kept = state = kept_text = None
    jobs = None
    if alternative is not None:
        kept, state = Decimal(alternative.price_usd), alternative.state_name
        kept_text = translate(_("%(amount)s stays in %(state)s with the US-made alternative")) % {
            "amount": money(kept),
            "state": state,
        }
        if ratio is not None:
            jobs = jobs_estimate(kept, ratio)
    return TradeImpact(
        import_value_usd=value,
        origin_country=origin_country,
        deficit_added_usd=value,
        deficit_text=deficit_text,
        kept_in_state_usd=kept,
        state_name=state,
        kept_text=kept_text,
        jobs=jobs,
    )
