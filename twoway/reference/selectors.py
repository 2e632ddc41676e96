"""Reads of reference data. Every lookup takes the date it is for."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from twoway.core.errors import DomainError

from .models import (
    CarrierTrackingFormat,
    CbecLimits,
    CbecTaxCategory,
    CensusRegion,
    EeiRuleSet,
    ExchangeRate,
    FreightRate,
    JobsRatio,
    MfnRate,
    PlatformFee,
    PositiveListEntry,
    PositiveListStatus,
    ReferenceDataset,
    ReturnPolicy,
    TariffMeasure,
    UsState,
)

# Rows in force change when an operator loads a file, not per request: the hot paths (checkout
# pricing) read them through a small per-process cache keyed by day, cleared by every load
# (``cache_clear``) and expiring after CACHE_SECONDS in any case (other processes' loads).
CACHE_SECONDS = 60.0
_cache: dict[tuple, tuple[float, object]] = {}


def cache_clear() -> None:
    _cache.clear()


def _cached(key: tuple, load):
    now = time.monotonic()
    hit = _cache.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    value = load()
    _cache[key] = (now + CACHE_SECONDS, value)
    return value


def positive_list_entries(lines: Iterable[str]) -> dict[str, PositiveListEntry]:
    """Positive-list rows for these China tariff lines (cached per line; one query for the
    lines not cached yet)."""
    now = time.monotonic()
    found: dict[str, PositiveListEntry] = {}
    missing: list[str] = []
    for line in set(lines):
        hit = _cache.get(("positive_line", line))
        if hit is None or hit[0] <= now:
            missing.append(line)
        elif isinstance(hit[1], PositiveListEntry):  # the cache holds an entry or None
            found[line] = hit[1]
    if missing:
        rows = {e.hs_code_cn: e for e in PositiveListEntry.objects.filter(hs_code_cn__in=missing)}
        for line in missing:
            _cache[("positive_line", line)] = (now + CACHE_SECONDS, rows.get(line))
        found.update(rows)
    return found


def in_force_on(day: dt.date) -> Q:
    return (Q(effective_from__isnull=True) | Q(effective_from__lte=day)) & (
        Q(effective_to__isnull=True) | Q(effective_to__gte=day)
    )


def rate_on(day: dt.date, base: str = "USD", quote: str = "CNY") -> ExchangeRate:
    row = _cached(
        ("rate", day, base, quote),
        lambda: (
            ExchangeRate.objects.filter(base_currency=base, quote_currency=quote)
            .filter(in_force_on(day))
            .order_by("-effective_from")
            .first()
        ),
    )
    if row is None:
        raise DomainError.one(
            "exchange_rate", "rate_in_force", f"No {base}/{quote} rate is in force on {day}."
        )
    return row


def return_policy_on(direction: str, day: dt.date) -> ReturnPolicy:
    """The return window and refund rules in force on ``day`` for one trade direction."""
    row = _cached(
        ("return_policy", direction, day),
        lambda: (
            ReturnPolicy.objects.filter(in_force_on(day), direction=direction)
            .order_by("-effective_from")
            .first()
        ),
    )
    if row is None:
        raise DomainError.one(
            "return_policy", "policy_in_force", f"No return policy for {direction} on {day}."
        )
    return row


def carrier_formats_on(day: dt.date) -> list[CarrierTrackingFormat]:
    """Every carrier tracking-number format in force on ``day``."""
    return _cached(
        ("carrier_formats", day),
        lambda: list(CarrierTrackingFormat.objects.filter(in_force_on(day))),
    )


def platform_fee_on(direction: str, day: dt.date) -> PlatformFee:
    """The platform's fee row in force on ``day`` for one trade direction."""
    row = _cached(
        ("platform_fee", direction, day),
        lambda: (
            PlatformFee.objects.filter(in_force_on(day), direction=direction)
            .order_by("-effective_from")
            .first()
        ),
    )
    if row is None:
        raise DomainError.one(
            "platform_fee", "fee_in_force", f"No platform fee for {direction} on {day}."
        )
    return row


def limits_on(day: dt.date) -> CbecLimits:
    row = _cached(
        ("limits", day),
        lambda: CbecLimits.objects.filter(in_force_on(day)).order_by("-effective_from").first(),
    )
    if row is None:
        raise DomainError.one(
            "cbec_limits", "limits_in_force", f"No CBEC limits in force on {day}."
        )
    return row


def cbec_categories_on(day: dt.date) -> QuerySet[CbecTaxCategory]:
    return CbecTaxCategory.objects.filter(in_force_on(day))


def cbec_categories_in_force(day: dt.date) -> list[CbecTaxCategory]:
    """The categories in force on ``day`` (cached; for pricing many lines)."""
    return _cached(("cbec_categories", day), lambda: list(cbec_categories_on(day)))


def cbec_category_for(
    *, tariff_line: str, day: dt.date, categories: list[CbecTaxCategory] | None = None
) -> CbecTaxCategory:
    """The category in force on ``day`` whose longest HS prefix matches; the default otherwise.

    ``categories`` may pass ``cbec_categories_on(day)`` already read, to price many lines with
    one query."""
    digits = "".join(ch for ch in tariff_line if ch.isdigit())
    best: tuple[int, CbecTaxCategory] | None = None
    default: CbecTaxCategory | None = None
    for category in categories if categories is not None else cbec_categories_on(day):
        if not category.hs_prefixes:
            default = category
            continue
        for prefix in category.hs_prefixes.split():
            if digits.startswith(prefix) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), category)
    chosen = best[1] if best else default
    if chosen is None:
        raise DomainError.one(
            "tariff_line", "cbec_category", f"No CBEC tax category is in force on {day}."
        )
    return chosen


def positive_list_entry(
    *, tariff_line: str, day: dt.date | None = None
) -> PositiveListEntry | None:
    """The positive-list line (8 digits, or the exact 10) in force on ``day``; else None."""
    digits = "".join(ch for ch in tariff_line if ch.isdigit())
    day = day or timezone.now().date()
    entries = (
        PositiveListEntry.objects.filter(hs_code_cn__in={digits, digits[:8]})
        .exclude(status=PositiveListStatus.UNCONFIRMED)  # a deleted line counts until its end
        .filter(in_force_on(day))
    )
    return max(entries, key=lambda e: len(e.hs_code_cn), default=None)


def jobs_ratio_latest() -> JobsRatio | None:
    """The latest year with an all-exports jobs-per-USD-1-billion figure."""
    return JobsRatio.objects.filter(jobs_per_usd_bn_total__isnull=False).order_by("-year").first()


def midwest_state_codes() -> list[str]:
    return list(
        UsState.objects.filter(region=CensusRegion.MIDWEST)
        .order_by("code")
        .values_list("code", flat=True)
    )


def tariff_measures_on(day: dt.date) -> QuerySet[TariffMeasure]:
    return TariffMeasure.objects.filter(in_force_on(day))


def freight_rate_on(lane: str, day: dt.date) -> FreightRate:
    """The platform's freight price on ``lane`` (e.g. "US-CN") in force on ``day`` (cached)."""
    row = _cached(
        ("freight", lane, day),
        lambda: (
            FreightRate.objects.filter(in_force_on(day), lane=lane)
            .order_by("-effective_from")
            .first()
        ),
    )
    if row is None:
        raise LookupError(f"No freight rate for lane {lane} on {day}")
    return row


def mfn_rates_on(day: dt.date) -> list[MfnRate]:
    """The MFN rows in force on ``day`` (cached; the lists are short or read once per day)."""
    return _cached(("mfn", day), lambda: list(MfnRate.objects.filter(in_force_on(day))))


def mfn_rate_for(hts_code: str, day: dt.date) -> MfnRate | None:
    """The MFN (column 1 general) rate of an HTS line on ``day``: the longest matching prefix,
    or None when the line is not in the loaded schedule."""
    digits = "".join(c for c in hts_code if c.isdigit())
    matches = [r for r in mfn_rates_on(day) if digits.startswith(r.hts_prefix)]
    return max(matches, key=lambda r: len(r.hts_prefix)) if matches else None


def eei_rules_on(day: dt.date) -> EeiRuleSet:
    """The EEI (AES) filing rules in force on ``day`` (``effective_to`` is the last day in force)."""
    row = _cached(
        ("eei", day),
        lambda: (
            EeiRuleSet.objects.filter(in_force_on(day))
            .order_by(F("effective_from").desc(nulls_last=True))
            .first()
        ),
    )
    if row is None:
        raise LookupError(f"No EEI rules in force on {day.isoformat()}.")
    return row


def dataset_status_cached(name: str) -> ReferenceDataset | None:
    return _cached(("dataset", name), lambda: dataset_status(name))


def dataset_status(name: str) -> ReferenceDataset | None:
    return ReferenceDataset.objects.filter(name=name).first()
