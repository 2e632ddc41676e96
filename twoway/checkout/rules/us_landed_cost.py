"""US import duties on one customs line: which measures apply on the entry date, and how much.

Pure rule: no Django imports; the measures in force come in as arguments (the service picks
the rows; ``checkout.channels.us_import.tariff_measure_of`` maps a loaded ``reference.TariffMeasure``
row to a ``TariffMeasure`` value).

Rounding (stated once): every duty and fee line is rounded to the cent with ROUND_HALF_UP
(``CENT``, ``ROUNDING``); totals are sums of the rounded lines, so a total always equals the
sum of its lines.

How measures combine
--------------------
* A measure applies when it is in force on the import date (``effective_from`` and
  ``effective_to`` both inclusive; ``effective_to`` None = open-ended), the origin is one of
  its ``origins`` (empty = every country) and the 10-digit HTS code starts with one of its
  ``hts_prefixes`` (empty = every line) and with none of its ``excluded_hts_prefixes``.
* De minimis: the threshold on the date is the *lowest* threshold among the ``de_minimis``
  measures that apply; a suspension is a ``de_minimis`` measure with threshold 0 (e.g. the
  China suspension of 2025-05-02). If the customs value is at or under a threshold above 0,
  the entry is duty- and fee-free and the only line explains why.
* MFN (column 1 general) is always the first line, at ``mfn_rate_percent`` (a property of
  the HTS line, so an argument); an ``mfn`` measure in force only lends its label and source.
* Other duties (``section232``, ``section301``, ``ieepa``, ``section122``):
  - ``stacks=True`` measures are all added ("cumulative");
  - ``stacks=False`` measures of the same kind are alternatives: only the one with the
    highest duty applies (a Section 301 four-year-review rate replaces the list rate; an
    IEEPA reciprocal country rate replaces the 10% baseline);
  - a measure whose ``yields_to`` names a kind that also applies is dropped (Section 122
    does not apply to goods under Section 232).
* Fees (``fee``): ad valorem and/or per item, then clamped to ``min_usd``/``max_usd``
  (e.g. the Merchandise Processing Fee). Fees are not duties: ``total_duty`` excludes them.
* ``other`` measures are reference rows (rates or HTS coverage not captured); never applied.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "CENT",
    "DUTY_KINDS",
    "KINDS",
    "ROUNDING",
    "DutyLine",
    "LandedCost",
    "Note",
    "TariffMeasure",
    "normalize_hts",
    "us_landed_cost",
]

CENT = Decimal("0.01")
ROUNDING = ROUND_HALF_UP
CURRENCY = "USD"
_HUNDRED = Decimal(100)
_ZERO = Decimal("0.00")

#: Additional duties, in the order their lines are listed after MFN.
DUTY_KINDS: tuple[str, ...] = ("section232", "section301", "ieepa", "section122")
KINDS: frozenset[str] = frozenset({"mfn", *DUTY_KINDS, "de_minimis", "fee", "other"})
#: Spellings used elsewhere (reference.TariffMeasure.kind) -> ours.
KIND_ALIASES: dict[str, str] = {
    "section_232": "section232",
    "section_301": "section301",
    "section_122": "section122",
    "de-minimis": "de_minimis",
    "info": "other",
}

_PREFIX = re.compile(r"\d{2,10}")
_COUNTRY = re.compile(r"[A-Z]{2}")


def _to_cent(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUNDING)


def normalize_hts(code: str) -> str:
    """A 10-digit HTS code without dots or spaces; ValueError otherwise."""
    digits = code.replace(".", "").replace(" ", "")
    if not (digits.isdigit() and len(digits) == 10):
        raise ValueError(f"HTS code must have 10 digits, got {code!r}")
    return digits


@dataclass(frozen=True, slots=True)
class TariffMeasure:
    """One dated duty measure (a row of ``us_tariff_measures.csv``).

    ``rate_percent`` is ad valorem (25 = 25%); ``per_item_usd`` a specific duty per item;
    both may be given (compound duty). ``threshold_usd`` is for ``de_minimis`` (0 = de minimis
    suspended); ``min_usd``/``max_usd`` clamp a ``fee``. ``effective_to`` is the last day in
    force (inclusive). ``origins`` are ISO 3166 codes (empty = all countries).
    """

    measure_id: str
    label: str
    kind: str
    rate_percent: Decimal | None
    per_item_usd: Decimal | None
    hts_prefixes: tuple[str, ...]
    excluded_hts_prefixes: tuple[str, ...]
    effective_from: date
    effective_to: date | None
    stacks: bool
    source: str
    origins: tuple[str, ...] = ()
    threshold_usd: Decimal | None = None
    min_usd: Decimal | None = None
    max_usd: Decimal | None = None
    yields_to: tuple[str, ...] = ()
    confidence: str = ""

    def __post_init__(self) -> None:  # noqa: C901 — one validation per input field
        kind = KIND_ALIASES.get(self.kind, self.kind)
        if kind not in KINDS:
            raise ValueError(f"{self.measure_id}: unknown kind {self.kind!r}")
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "yields_to", tuple(KIND_ALIASES.get(k, k) for k in self.yields_to))
        for name in ("rate_percent", "per_item_usd", "threshold_usd", "min_usd", "max_usd"):
            value = getattr(self, name)
            if value is not None and (not value.is_finite() or value < 0):
                raise ValueError(f"{self.measure_id}: {name} must be a number >= 0")
        for prefix in (*self.hts_prefixes, *self.excluded_hts_prefixes):
            if not _PREFIX.fullmatch(prefix):
                raise ValueError(f"{self.measure_id}: bad HTS prefix {prefix!r}")
        for origin in self.origins:
            if not _COUNTRY.fullmatch(origin):
                raise ValueError(f"{self.measure_id}: bad origin {origin!r}")
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise ValueError(f"{self.measure_id}: effective_to is before effective_from")
        if kind == "de_minimis" and self.threshold_usd is None:
            raise ValueError(f"{self.measure_id}: a de_minimis measure needs threshold_usd")
        if kind in (*DUTY_KINDS, "fee") and self.rate_percent is None and self.per_item_usd is None:
            raise ValueError(f"{self.measure_id}: a {kind} measure needs a rate or per-item amount")
        if self.min_usd is not None and self.max_usd is not None and self.min_usd > self.max_usd:
            raise ValueError(f"{self.measure_id}: min_usd is above max_usd")
        unknown = set(self.yields_to) - KINDS
        if unknown:
            raise ValueError(f"{self.measure_id}: yields_to names unknown kinds {sorted(unknown)}")

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def covers(self, hts_code: str, origin_country: str) -> bool:
        """True if the measure reaches this (normalised) HTS code and origin."""
        if self.origins and origin_country not in self.origins:
            return False
        if self.hts_prefixes and not hts_code.startswith(self.hts_prefixes):
            return False
        return not (self.excluded_hts_prefixes and hts_code.startswith(self.excluded_hts_prefixes))

    def amount(self, customs_value_usd: Decimal, quantity: int) -> Decimal:
        """The duty or fee in USD, rounded to the cent (fees clamped to min/max)."""
        raw = Decimal(0)
        if self.rate_percent is not None:
            raw += customs_value_usd * self.rate_percent / _HUNDRED
        if self.per_item_usd is not None:
            raw += self.per_item_usd * quantity
        if self.kind == "fee":
            if self.min_usd is not None:
                raw = max(raw, self.min_usd)
            if self.max_usd is not None:
                raw = min(raw, self.max_usd)
        return _to_cent(raw)


@dataclass(frozen=True, slots=True)
class DutyLine:
    measure_id: str
    label: str
    rate_percent: Decimal | None  # None for a purely specific (per item) amount
    amount_usd: Decimal
    source: str
    kind: str = ""


#: Why a measure in force did not apply, one sentence per ``Note.code`` (English; the pages say
#: them in the reader's language from the same words, ``channels.us_import.NOTE_TEXT``).
NOTES: dict[str, str] = {
    "de_minimis_suspended": "De minimis not available on %(date)s: suspended by %(measures)s.",
    "above_de_minimis": "Value %(value)s is above the de minimis threshold of %(threshold)s.",
    "yields_to": "%(measure)s does not apply with %(kinds)s.",
    "replaces": "%(measure)s replaces %(replaced)s.",
}


class Note(str):
    """A note in English (the string itself) that also carries what a page needs to say it in
    another language: ``code`` names the sentence in ``NOTES``, ``values`` fill it."""

    code: str
    values: dict[str, str]

    def __new__(cls, code: str, **values: str) -> Note:
        note = super().__new__(cls, NOTES[code] % values)
        note.code = code
        note.values = values
        return note


@dataclass(frozen=True, slots=True)
class LandedCost:
    duties: tuple[DutyLine, ...]
    fees: tuple[DutyLine, ...]
    total_duty: Decimal
    total_fees: Decimal
    total_landed: Decimal  # customs value + duties + fees
    de_minimis_applied: bool = False
    notes: tuple[Note, ...] = ()  # why measures in force did not apply (suspension, yields_to …)
    currency: str = CURRENCY
    measure_ids: tuple[str, ...] = ()  # every applied measure, for the audit trail


def _money(text: str) -> str:
    return f"${text}"


def us_landed_cost(  # noqa: C901 — the CBP duty steps in the order the law states them
    *,
    customs_value_usd: Decimal,
    hts_code: str,
    origin_country: str,
    import_date: date,
    measures: Sequence[TariffMeasure],
    mfn_rate_percent: Decimal,
    quantity: int = 1,
) -> LandedCost:
    """Duties and fees on one customs line entered on ``import_date``.

    ``quantity`` only matters for per-item amounts. Raises ValueError on a negative or
    non-finite value or rate, an HTS code that is not 10 digits, an origin that is not an
    ISO 3166 alpha-2 code, or a quantity below 1.
    """
    if not customs_value_usd.is_finite() or customs_value_usd < 0:
        raise ValueError("customs_value_usd must be a number >= 0")
    if not mfn_rate_percent.is_finite() or mfn_rate_percent < 0:
        raise ValueError("mfn_rate_percent must be a number >= 0")
    if quantity < 1:
        raise ValueError("quantity must be at least 1")
    hts = normalize_hts(hts_code)
    origin = origin_country.strip().upper()
    if not _COUNTRY.fullmatch(origin):
        raise ValueError(f"origin_country must be an ISO 3166 alpha-2 code, got {origin_country!r}")

    applicable = sorted(
        (m for m in measures if m.in_force(import_date) and m.covers(hts, origin)),
        key=lambda m: (m.effective_from, m.measure_id),
    )
    notes: list[Note] = []

    # ---- de minimis
    de_minimis = [m for m in applicable if m.kind == "de_minimis"]
    if de_minimis:
        lowest = min(m.threshold_usd or Decimal(0) for m in de_minimis)
        granting = sorted(
            (m for m in de_minimis if (m.threshold_usd or 0) > 0), key=lambda m: m.measure_id
        )
        suspending = sorted(
            (m for m in de_minimis if (m.threshold_usd or 0) == 0), key=lambda m: m.measure_id
        )
        if suspending:
            ids = ", ".join(m.measure_id for m in suspending)
            notes.append(Note("de_minimis_suspended", date=import_date.isoformat(), measures=ids))
        elif customs_value_usd <= lowest:
            rule = next(m for m in granting if m.threshold_usd == lowest)
            line = DutyLine(
                measure_id=rule.measure_id,
                label=(
                    f"{rule.label}: value {_money(str(_to_cent(customs_value_usd)))} is at or "
                    f"under {_money(str(_to_cent(lowest)))}, entered free of duty and fees"
                ),
                rate_percent=Decimal(0),
                amount_usd=_ZERO,
                source=rule.source,
                kind="de_minimis",
            )
            return LandedCost(
                duties=(line,),
                fees=(),
                total_duty=_ZERO,
                total_fees=_ZERO,
                total_landed=_to_cent(customs_value_usd),
                de_minimis_applied=True,
                notes=tuple(notes),
                measure_ids=(rule.measure_id,),
            )
        else:
            notes.append(
                Note(
                    "above_de_minimis",
                    value=_money(str(_to_cent(customs_value_usd))),
                    threshold=_money(str(_to_cent(lowest))),
                )
            )

    # ---- MFN
    mfn_rows = sorted((m for m in applicable if m.kind == "mfn"), key=lambda m: m.measure_id)
    mfn_row = mfn_rows[0] if mfn_rows else None
    duties: list[DutyLine] = [
        DutyLine(
            measure_id=mfn_row.measure_id if mfn_row else "MFN",
            label=mfn_row.label if mfn_row else "Most-favored-nation (column 1 general) duty",
            rate_percent=mfn_rate_percent,
            amount_usd=_to_cent(customs_value_usd * mfn_rate_percent / _HUNDRED),
            source=mfn_row.source if mfn_row else "HTSUS column 1 general",
            kind="mfn",
        )
    ]
    applied_ids: list[str] = [duties[0].measure_id]

    # ---- additional duties
    candidates = [m for m in applicable if m.kind in DUTY_KINDS]
    kinds_present = {m.kind for m in candidates}
    chosen: list[TariffMeasure] = []
    alternatives: dict[str, list[TariffMeasure]] = {}
    for measure in candidates:
        blocking = sorted(set(measure.yields_to) & (kinds_present - {measure.kind}))
        if blocking:
            notes.append(Note("yields_to", measure=measure.measure_id, kinds=", ".join(blocking)))
            continue
        if measure.stacks:
            chosen.append(measure)
        else:
            alternatives.setdefault(measure.kind, []).append(measure)
    for group in alternatives.values():
        ranked = sorted(
            group,
            key=lambda m: (m.amount(customs_value_usd, quantity), m.effective_from, m.measure_id),
        )
        chosen.append(ranked[-1])
        replaced = [m.measure_id for m in ranked[:-1]]
        if replaced:
            notes.append(
                Note("replaces", measure=ranked[-1].measure_id, replaced=", ".join(replaced))
            )
    chosen.sort(key=lambda m: (DUTY_KINDS.index(m.kind), m.effective_from, m.measure_id))
    for measure in chosen:
        duties.append(
            DutyLine(
                measure_id=measure.measure_id,
                label=measure.label,
                rate_percent=measure.rate_percent,
                amount_usd=measure.amount(customs_value_usd, quantity),
                source=measure.source,
                kind=measure.kind,
            )
        )
        applied_ids.append(measure.measure_id)

    # ---- fees
    fees = [
        DutyLine(
            measure_id=m.measure_id,
            label=m.label,
            rate_percent=m.rate_percent,
            amount_usd=m.amount(customs_value_usd, quantity),
            source=m.source,
            kind="fee",
        )
        for m in sorted((m for m in applicable if m.kind == "fee"), key=lambda m: m.measure_id)
    ]
    applied_ids.extend(f.measure_id for f in fees)

    total_duty = sum((d.amount_usd for d in duties), _ZERO)
    total_fees = sum((f.amount_usd for f in fees), _ZERO)
    return LandedCost(
        duties=tuple(duties),
        fees=tuple(fees),
        total_duty=total_duty,
        total_fees=total_fees,
        total_landed=_to_cent(customs_value_usd) + total_duty + total_fees,
        de_minimis_applied=False,
        notes=tuple(notes),
        measure_ids=tuple(applied_ids),
    )
