"""Compliance services: load the Consolidated Screening List and screen parties against it.

``csl_load`` replaces every ``CslEntry`` with a checked file in one transaction and records the
file as ``ReferenceDataset`` "csl" (complete for an official download, partial for the shipped
fictitious sample). ``csl_screen`` compares party names with every name and alias in force.

The shipped ``data/csl_sample.csv`` holds FICTITIOUS entries only (remarks "fictitious test
entry"); the official list is downloaded from trade.gov/consolidated-screening-list (CSV).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from rapidfuzz import fuzz, process

from twoway.reference.models import DatasetCompleteness, ReferenceDataset

from .csl import (
    CslFileInvalid,
    CslProblem,
    CslRecord,
    normalize_name,
    parse_csl,
)
from .models import CslEntry

CSL_DATASET = "csl"
CSL_TITLE = "Consolidated Screening List (ITA, trade.gov)"
CSL_SAMPLE = Path(__file__).resolve().parent / "data" / "csl_sample.csv"

SCREEN_THRESHOLD = 90.0  # token-sort similarity (0–100) of normalized names
SCREEN_THRESHOLD_SAME_COUNTRY = 85.0  # when the entry lists one of the party's countries


# --- loading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CslLoadResult:
    file_name: str
    sha256: str
    row_count: int
    completeness: str
    dry_run: bool


def _entry(record: CslRecord, loaded_at: datetime) -> CslEntry:
    v = record.values
    return CslEntry(
        csl_id=v["_id"],
        source=v["source"],
        entity_number=v["entity_number"],
        entry_type=v["type"],
        programs=v["programs"],
        name=v["name"],
        title=v["title"],
        addresses=v["addresses"],
        federal_register_notice=v["federal_register_notice"],
        start_date=record.start_date,
        end_date=record.end_date,
        standard_order=v["standard_order"],
        license_requirement=v["license_requirement"],
        license_policy=v["license_policy"],
        call_sign=v["call_sign"],
        vessel_type=v["vessel_type"],
        gross_tonnage=v["gross_tonnage"],
        gross_registered_tonnage=v["gross_registered_tonnage"],
        vessel_flag=v["vessel_flag"],
        vessel_owner=v["vessel_owner"],
        remarks=v["remarks"],
        source_list_url=v["source_list_url"],
        alt_names=v["alt_names"],
        citizenships=v["citizenships"],
        dates_of_birth=v["dates_of_birth"],
        nationalities=v["nationalities"],
        places_of_birth=v["places_of_birth"],
        source_information_url=v["source_information_url"],
        ids=v["ids"],
        countries=" ".join(record.countries),
        match_names="\n".join(record.match_names),
        line_number=record.line,
        loaded_at=loaded_at,
    )


def _checked_entries(records: list[CslRecord], loaded_at: datetime) -> list[CslEntry]:
    entries, problems = [], []
    for record in records:
        entry = _entry(record, loaded_at)
        try:
            entry.full_clean()
        except ValidationError as exc:
            for field_name, messages in exc.message_dict.items():
                for message in messages:
                    problems.append(CslProblem(record.line, field_name, message))
        entries.append(entry)
    if problems:
        raise CslFileInvalid(problems)
    return entries


def csl_load(
    *, path: Path, dry_run: bool = False, completeness: str | None = None
) -> CslLoadResult:
    """Check ``path`` (a CSL CSV) and, unless ``dry_run``, replace all CSL entries with it.

    Raises ``CslFileInvalid`` (line and column of each problem) before anything is written.
    ``completeness`` defaults to partial when every row is a fictitious test entry, else complete.
    """
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CslFileInvalid([CslProblem(1, "-", f"not UTF-8 text ({exc.reason})")]) from None
    records = parse_csl(text)
    loaded_at = timezone.now()
    entries = _checked_entries(records, loaded_at)
    fictitious = all(record.is_fictitious for record in records)
    if completeness is None:
        completeness = DatasetCompleteness.PARTIAL if fictitious else DatasetCompleteness.COMPLETE
    if completeness not in DatasetCompleteness.values:
        raise CslFileInvalid([CslProblem(0, "completeness", f"unknown value {completeness!r}")])
    result = CslLoadResult(
        file_name=Path(path).name,
        sha256=hashlib.sha256(raw).hexdigest(),
        row_count=len(entries),
        completeness=str(completeness),
        dry_run=dry_run,
    )
    if dry_run:
        return result
    note = (
        "Fictitious test entries shipped with the code; not the official list. Load the CSV "
        "from trade.gov/consolidated-screening-list before screening real parties."
        if fictitious
        else ""
    )
    dataset = ReferenceDataset.objects.filter(name=CSL_DATASET).first() or ReferenceDataset(
        name=CSL_DATASET
    )
    dataset.title = CSL_TITLE
    dataset.file_name = result.file_name
    dataset.sha256 = result.sha256
    dataset.row_count = result.row_count
    dataset.completeness = result.completeness
    dataset.official_size = None
    dataset.completeness_note = note
    dataset.loaded_at = loaded_at
    dataset.full_clean()
    with transaction.atomic():
        CslEntry.objects.all().delete()
        CslEntry.objects.bulk_create(entries, batch_size=1000)
        dataset.save()
    return result


# --- screening --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CslMatch:
    role: str  # the party's role in the transaction: "buyer", "consignee", "seller", …
    name: str  # the name screened
    entity_name: str  # the listed party's primary name
    matched_name: str  # which of its names matched (normalized)
    source_list: str
    score: float
    entry_id: int
    entity_number: str
    programs: str
    countries: tuple[str, ...]
    country_match: bool
    source_information_url: str


@dataclass(frozen=True)
class ScreeningResult:
    matches: list[CslMatch] = field(default_factory=list)
    list_loaded: bool = True
    completeness: str = ""  # of the CSL dataset screened against; "" when none is loaded
    screened_on: date | None = None

    @property
    def hit(self) -> bool:
        return bool(self.matches)


@dataclass(frozen=True)
class _Candidate:
    entry_id: int
    name: str
    source: str
    entity_number: str
    programs: str
    countries: tuple[str, ...]
    start_date: date | None
    end_date: date | None
    source_information_url: str


_cache: dict[str, object] = {}


def _candidates(dataset: ReferenceDataset | None) -> tuple[list[str], list[_Candidate]]:
    """Every normalized name with the entry it belongs to; cached per loaded dataset."""
    key = f"{dataset.sha256}:{dataset.loaded_at.isoformat()}" if dataset else None
    if key is not None and _cache.get("key") == key:
        return _cache["names"], _cache["owners"]  # type: ignore[return-value]
    names: list[str] = []
    owners: list[_Candidate] = []
    rows = CslEntry.objects.values_list(
        "pk",
        "name",
        "source",
        "entity_number",
        "programs",
        "countries",
        "start_date",
        "end_date",
        "source_information_url",
        "match_names",
    )
    for pk, name, source, number, programs, countries, start, end, url, match_names in rows:
        owner = _Candidate(
            pk, name, source, number, programs, tuple(countries.split()), start, end, url
        )
        for variant in match_names.splitlines() or [normalize_name(name)]:
            names.append(variant)
            owners.append(owner)
    if key is not None:
        _cache.update(key=key, names=names, owners=owners)
    return names, owners


def csl_screen(
    *,
    names: Sequence[tuple[str, str]],
    countries: Sequence[str] = (),
    on: date | None = None,
    threshold: float = SCREEN_THRESHOLD,
    threshold_same_country: float = SCREEN_THRESHOLD_SAME_COUNTRY,
) -> ScreeningResult:
    """Screen ``(role, name)`` pairs against the CSL entries in force on ``on`` (today).

    A name matches an entry when its normalized form scores at least ``threshold`` against the
    entry's name or an alias, or ``threshold_same_country`` when the entry lists one of
    ``countries`` (ISO alpha-2). One match per party and entry, best alias first; matches are
    sorted by score. An entry whose ``end_date`` is past is no longer in force and is skipped.
    """
    day = on or timezone.localdate()
    party_countries = {c.strip().upper() for c in countries if c.strip()}
    dataset = ReferenceDataset.objects.filter(name=CSL_DATASET).first()
    choices, owners = _candidates(dataset)
    if not choices:
        return ScreeningResult([], list_loaded=False, screened_on=day)
    cutoff = min(threshold, threshold_same_country)
    matches: list[CslMatch] = []
    for role, name in names:
        query = normalize_name(name)
        if not query:
            continue
        best: dict[int, CslMatch] = {}
        for variant, score, index in process.extract(
            query, choices, scorer=fuzz.token_sort_ratio, score_cutoff=cutoff, limit=None
        ):
            owner = owners[index]
            if owner.end_date is not None and owner.end_date < day:
                continue
            if owner.start_date is not None and owner.start_date > day:
                continue
            same_country = bool(party_countries & set(owner.countries))
            if score < (threshold_same_country if same_country else threshold):
                continue
            if owner.entry_id in best and best[owner.entry_id].score >= score:
                continue
            best[owner.entry_id] = CslMatch(
                role=role,
                name=name,
                entity_name=owner.name,
                matched_name=variant,
                source_list=owner.source,
                score=round(float(score), 1),
                entry_id=owner.entry_id,
                entity_number=owner.entity_number,
                programs=owner.programs,
                countries=owner.countries,
                country_match=same_country,
                source_information_url=owner.source_information_url,
            )
        matches.extend(best.values())
    matches.sort(key=lambda m: (-m.score, m.role, m.entity_name))
    return ScreeningResult(
        matches,
        list_loaded=True,
        completeness=dataset.completeness if dataset else "",
        screened_on=day,
    )
