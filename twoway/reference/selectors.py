"""Reads of reference data. Every lookup takes the date it is for."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q, QuerySet

from twoway.core.errors import DomainError

from .models import CbecLimits, CbecTaxCategory, ExchangeRate, ReferenceDataset, TariffMeasure


def in_force_on(day: dt.date) -> Q:
    return (Q(effective_from__isnull=True) | Q(effective_from__lte=day)) & (
        Q(effective_to__isnull=True) | Q(effective_to__gte=day)
    )


def rate_on(day: dt.date, base: str = "USD", quote: str = "CNY") -> ExchangeRate:
    row = (
        ExchangeRate.objects.filter(base_currency=base, quote_currency=quote)
        .filter(in_force_on(day))
        .order_by("-effective_from")
        .first()
    )
    if row is None:
        raise DomainError.one(
            "exchange_rate", "rate_in_force", f"No {base}/{quote} rate is in force on {day}."
        )
    return row


def limits_on(day: dt.date) -> CbecLimits:
    row = CbecLimits.objects.filter(in_force_on(day)).order_by("-effective_from").first()
    if row is None:
        raise DomainError.one("cbec_limits", "limits_in_force", f"No CBEC limits in force on {day}.")
    return row


def cbec_categories_on(day: dt.date) -> QuerySet[CbecTaxCategory]:
    return CbecTaxCategory.objects.filter(in_force_on(day))


def tariff_measures_on(day: dt.date) -> QuerySet[TariffMeasure]:
    return TariffMeasure.objects.filter(in_force_on(day))


def dataset_status(name: str) -> ReferenceDataset | None:
    return ReferenceDataset.objects.filter(name=name).first()


def convert(amount: Decimal, rate: ExchangeRate) -> Decimal:
    return amount * rate.rate
