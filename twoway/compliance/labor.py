"""Labor risk of import listings: gather the lists in force, run the pure rule, store the result.

``labor_risk_assess`` assesses one product (US import) against the DOL ILAB list, the UFLPA
Entity List and the FLETF UFLPA high-priority sectors, as loaded on the day. A BLOCKED result
(a manufacturer or supplier matching a listed entity, or Xinjiang origin) takes the product off
sale (status ``blocked``) and opens a regulator's review (``review.review_open_for_block``),
unless a regulator already approved the listing on the same evidence.

``labor_risk_reassess_all`` re-assesses every import listing; it runs after a reload of
``ilab_goods`` or ``uflpa_entities`` (reference after-load hooks) and of the sectors, and after
a seller creates or changes an import product (catalog's ``PRODUCT_CHANGED_HOOKS``); the
hooks are registered in ``ComplianceConfig.ready``.

The sectors file ``reference/data/us/labor/uflpa_high_priority_sectors.csv`` is loaded by
``uflpa_sectors_load`` into ``UflpaSector`` and recorded as ReferenceDataset "uflpa_sectors"; the
first assessment loads it when it has never been loaded.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from twoway.catalog.models import Product
from twoway.core.errors import DomainError
from twoway.reference.models import DatasetCompleteness, ReferenceDataset
from twoway.reference.models import IlabGood as IlabGoodRow
from twoway.reference.models import UflpaEntity as UflpaEntityRow

from .models import LaborRiskAssessment, UflpaSector
from .review import review_hold_for_block
from .rules import labor_risk as rule
from .rules.name_match import DEFAULT_THRESHOLD, UflpaEntity, parse_aliases, with_aliases

logger = logging.getLogger(__name__)

ILAB_DATASET = "ilab_goods"
UFLPA_DATASET = "uflpa_entities"
SECTORS_DATASET = "uflpa_sectors"
SECTORS_TITLE = "UFLPA Strategy high-priority sectors (FLETF), by HS prefix"
SECTORS_FILE = (
    Path(__file__).resolve().parent.parent
    / "reference"
    / "data"
    / "us"
    / "labor"
    / "uflpa_high_priority_sectors.csv"
)
SECTORS_COLUMNS = (
    "hs_prefix",
    "sector",
    "designated",
    "effective_from",
    "source_ids",
    "confidence",
)
MATCH_THRESHOLD = DEFAULT_THRESHOLD  # name_match's measured threshold (0-100)
LIST_DATASETS = (ILAB_DATASET, UFLPA_DATASET, SECTORS_DATASET)


# --- the sectors file ------------------------------------------------------------------------


def _sector_rows(text: str, label: str) -> list[UflpaSector]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in SECTORS_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise DomainError.one(
            "file", "columns", f"{label}: missing column(s) {', '.join(missing)}."
        )
    rows: list[UflpaSector] = []
    seen: set[tuple[str, str]] = set()
    for line, raw in enumerate(reader, start=2):
        prefix = (raw["hs_prefix"] or "").strip()
        name = (raw["sector"] or "").strip()
        if not re.fullmatch(r"\d{2,10}", prefix):
            raise DomainError.one(
                "hs_prefix", "digits", f"{label} line {line}: '{prefix}' is not 2-10 digits."
            )
        if not name:
            raise DomainError.one("sector", "required", f"{label} line {line}: sector is empty.")
        if (prefix, name) in seen:
            raise DomainError.one(
                "hs_prefix", "duplicate", f"{label} line {line}: {prefix} / {name} repeats."
            )
        seen.add((prefix, name))
        try:
            start = (
                dt.date.fromisoformat(raw["effective_from"].strip())
                if raw["effective_from"].strip()
                else None
            )
        except ValueError:
            raise DomainError.one(
                "effective_from",
                "date",
                f"{label} line {line}: '{raw['effective_from']}' is not an ISO date.",
            ) from None
        sector = UflpaSector(
            hs_prefix=prefix,
            name=name,
            designated=(raw["designated"] or "").strip(),
            source=f"{raw['source_ids'].strip()} (see reference/data/us/SOURCES.md)",
            confidence=(raw["confidence"] or "").strip(),
            effective_from=start,
            notes=(raw.get("notes") or "").strip(),
        )
        sector.full_clean(validate_unique=False, validate_constraints=False)
        rows.append(sector)
    return rows


def uflpa_sectors_load(*, path: Path | None = None, reassess: bool = True) -> int:
    """Replace the high-priority sectors with ``path`` (the repo's file by default).

    Returns the number of rows. With ``reassess`` every import listing is re-assessed after
    commit. Nothing is written when a row is invalid (DomainError naming the line).
    """
    file = Path(path) if path else SECTORS_FILE
    raw = file.read_bytes()
    label = file.name
    rows = _sector_rows(raw.decode("utf-8-sig"), label)
    record = ReferenceDataset.objects.filter(name=SECTORS_DATASET).first() or ReferenceDataset(
        name=SECTORS_DATASET
    )
    record.title = SECTORS_TITLE
    record.file_name = f"us/labor/{label}" if path is None else str(file)
    record.sha256 = hashlib.sha256(raw).hexdigest()
    record.row_count = len(rows)
    record.completeness = DatasetCompleteness.COMPLETE
    record.official_size = None
    record.completeness_note = (
        "The 12 sectors of the FLETF strategy as of the Aug 2025 update (us/labor/uflpa.md); "
        "the HS prefixes are Twoway's mapping, not the list's."
    )
    record.loaded_at = timezone.now()
    record.full_clean()
    with transaction.atomic():
        UflpaSector.objects.all().delete()
        UflpaSector.objects.bulk_create(rows)
        record.save()
        if reassess:
            transaction.on_commit(lambda: labor_risk_reassess_all(dataset_name=SECTORS_DATASET))
    return len(rows)


# --- the lists in force ------------------------------------------------------------------------


@dataclass(frozen=True)
class ListsInForce:
    day: dt.date
    ilab_goods: tuple[rule.IlabGood, ...]
    uflpa_entities: tuple[UflpaEntity, ...]
    sectors: tuple[rule.Sector, ...]
    version: dict


def _in_force(day: dt.date) -> Q:
    return (Q(effective_from__isnull=True) | Q(effective_from__lte=day)) & (
        Q(effective_to__isnull=True) | Q(effective_to__gte=day)
    )


def _flag(value: bool | None) -> str:
    return "not_stated" if value is None else ("yes" if value else "no")


def _dataset_version(record: ReferenceDataset | None, **extra: object) -> dict:
    if record is None:
        return {"loaded": False}
    return {
        "loaded": True,
        "title": record.title,
        "loaded_at": record.loaded_at.isoformat(),
        "completeness": record.completeness,
        "rows": record.row_count,
        "official_size": record.official_size,
        "sha256": record.sha256[:12],
        **extra,
    }


ZH_ALIASES_CSV = (
    Path(__file__).resolve().parents[1]
    / "reference"
    / "data"
    / "us"
    / "labor"
    / "uflpa_aliases_zh.csv"
)


def zh_aliases() -> dict[str, list[str]]:
    """Registered Chinese names of listed entities (data file with sources, SOURCES.md)."""
    aliases: dict[str, list[str]] = {}
    with ZH_ALIASES_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            aliases.setdefault(row["entity"], []).append(row["alias_zh"].strip())
    return aliases


def uflpa_entity_of(row: UflpaEntityRow) -> UflpaEntity:
    """One loaded UFLPA Entity List row as the matching rule's ``UflpaEntity``. A row listed
    without a day cites the listing as its notes read it ("effective date as read: 2023-06 …")."""
    list_date = row.effective_from.isoformat() if row.effective_from else ""
    if not list_date:
        read = re.search(r"effective date as read:\s*([^;]+)", row.notes or "")
        list_date = read.group(1).strip() if read else ""
    return UflpaEntity(
        name=row.name,
        aliases=parse_aliases(row.name, row.aliases),
        list_date=list_date,
        list_section=row.list_section,
        basis=row.basis,
        source=row.source,
    )


def lists_in_force(*, day: dt.date | None = None) -> ListsInForce:
    """The ILAB goods, UFLPA entities and sectors in force on ``day``, as the rule takes them."""
    day = day or timezone.now().date()
    if not ReferenceDataset.objects.filter(name=SECTORS_DATASET).exists():
        uflpa_sectors_load(reassess=False)
    ilab_rows = list(IlabGoodRow.objects.filter(_in_force(day)).order_by("pk"))
    ilab = rule.ilab_goods_from_rows(
        {
            "country": r.country,
            "good": r.good,
            "child_labor": _flag(r.child_labor),
            "forced_labor": _flag(r.forced_labor),
            "list_edition": r.list_edition,
            "status": r.status,
            "effective_from": r.effective_from.isoformat() if r.effective_from else "",
            "source": r.source,
        }
        for r in ilab_rows
    )
    entities = with_aliases(
        tuple(
            uflpa_entity_of(e) for e in UflpaEntityRow.objects.filter(_in_force(day)).order_by("pk")
        ),
        zh_aliases(),
    )
    sectors = tuple(
        rule.Sector(hs_prefix=s.hs_prefix, name=s.name, source=s.source, designated=s.designated)
        for s in UflpaSector.objects.filter(_in_force(day)).order_by("name", "hs_prefix")
    )
    records = {r.name: r for r in ReferenceDataset.objects.filter(name__in=LIST_DATASETS)}
    editions = sorted({r.list_edition for r in ilab_rows})
    version = {
        "day": day.isoformat(),
        ILAB_DATASET: _dataset_version(records.get(ILAB_DATASET), editions=editions),
        UFLPA_DATASET: _dataset_version(records.get(UFLPA_DATASET)),
        SECTORS_DATASET: _dataset_version(records.get(SECTORS_DATASET)),
    }
    return ListsInForce(day, ilab, entities, sectors, version)


# --- assessing -----------------------------------------------------------------------------------

_TERM_SPLIT = re.compile(r"[;,()/]|\bof\b|\bwith\b|\bfor\b|\band\b", re.IGNORECASE)


def good_terms_for(product: Product) -> list[str]:
    """What the good is called: the English title, and the title and HS description cut at
    punctuation and "of / with / for / and" ("Shirts; men's or boys', of cotton" -> "cotton")."""
    terms: list[str] = []
    for text in (product.title_en, product.hs_description):
        text = (text or "").strip()
        if not text:
            continue
        terms.append(text)
        terms.extend(part.strip() for part in _TERM_SPLIT.split(text) if part and part.strip())
    seen: set[str] = set()
    unique = []
    for term in terms:
        if term.casefold() not in seen:
            seen.add(term.casefold())
            unique.append(term)
    return unique


def party_names_for(product: Product) -> list[tuple[str, str]]:
    parties = (
        [("manufacturer", product.manufacturer.strip())] if product.manufacturer.strip() else []
    )
    parties.extend(("supplier", name) for name in product.supplier_names)
    return parties


def _reason_dict(reason: rule.RiskReason) -> dict:
    return {
        "code": reason.code,
        "level": str(reason.level),
        "message": reason.message,
        "list_name": reason.list_name,
        "list_date": reason.list_date,
        "evidence": reason.evidence,
        "score": reason.score,
        "source": reason.source,
    }


def evidence_fingerprint(reasons: Sequence[dict]) -> str:
    """SHA-256 of the blocking reasons (code, list, evidence); empty when nothing blocks."""
    blocking = sorted(
        f"{r['code']}|{r['list_name']}|{r['evidence']}"
        for r in reasons
        if r["level"] == rule.RiskLevel.BLOCKED
    )
    if not blocking:
        return ""
    return hashlib.sha256("\n".join(blocking).encode()).hexdigest()


def labor_risk_evaluate(*, product: Product, lists: ListsInForce) -> rule.LaborRiskAssessment:
    """The pure rule's verdict for ``product`` against ``lists`` (no writes)."""
    province = product.origin_cn_province_id or ""
    return rule.labor_risk(
        good_terms=good_terms_for(product),
        hs_code=product.us_hts_line or product.hs_code,
        origin_country=product.origin_country,
        origin_province_code=province,
        party_names=party_names_for(product),
        ilab_goods=lists.ilab_goods,
        uflpa_entities=lists.uflpa_entities,
        high_priority_sectors=lists.sectors,
        match_threshold=MATCH_THRESHOLD,
    )


def labor_risk_assess(
    *, product: Product, lists: ListsInForce | None = None, now: dt.datetime | None = None
) -> LaborRiskAssessment:
    """Assess ``product`` and store the result (one row per product, replaced).

    When the level is BLOCKED the product goes to status ``blocked`` and a review opens (one
    open review per product), unless a regulator approved it on the same evidence.
    """
    now = now or timezone.now()
    lists = lists or lists_in_force(day=now.date())
    verdict = labor_risk_evaluate(product=product, lists=lists)
    reasons = [_reason_dict(r) for r in verdict.reasons]
    fingerprint = evidence_fingerprint(reasons)
    with transaction.atomic():
        assessment = LaborRiskAssessment.objects.filter(product_id=product.pk).first()
        assessment = assessment or LaborRiskAssessment(product_id=product.pk)
        assessment.level = str(verdict.level)
        assessment.reasons = reasons
        assessment.lists_version = lists.version
        assessment.evidence_fingerprint = fingerprint
        assessment.assessed_at = now
        assessment.full_clean(exclude=["product"])
        assessment.save()
        if verdict.blocked:
            review_hold_for_block(product=product, assessment=assessment, now=now)
    product.refresh_from_db(fields=["status"])
    logger.debug("labor risk of product %s: %s", product.pk, verdict.level)
    return assessment


def labor_risk_reassess_all(*, dataset_name: str = "") -> int:
    """Re-assess every US-import listing (after ``dataset_name`` was reloaded). Returns the count."""
    lists = lists_in_force()
    now = timezone.now()
    count = 0
    products = Product.objects.filter(market_us_import=True).order_by("pk")
    for product in products.iterator(chunk_size=500):
        labor_risk_assess(product=product, lists=lists, now=now)
        count += 1
    logger.info("re-assessed labor risk of %d import listings after %s", count, dataset_name)
    return count


# --- hooks (registered in ComplianceConfig.ready) ------------------------------------------------


def on_list_loaded(result) -> None:
    """Reference after-load hook for ilab_goods / uflpa_entities (runs after commit)."""
    if getattr(result, "dry_run", False):
        return
    labor_risk_reassess_all(dataset_name=result.name)


def on_product_changed(product: Product) -> None:
    """Catalog's product-saved hook, inside the create/update transaction: assess import
    listings only, so a listing the assessment blocks is never on sale in between."""
    fresh = Product.objects.filter(pk=product.pk).first()
    if fresh is not None and fresh.market_us_import:
        labor_risk_assess(product=fresh)
        product.status = fresh.status


def on_products_changed(product_ids: list[int]) -> None:
    """The same for many products (catalogue import), inside its transaction: the lists in
    force are gathered once for the whole file."""
    if not product_ids:
        return
    wanted = set(product_ids)
    # A range and a set, not an IN list of 100,000 parameters; most files hold no import listing.
    candidates = Product.objects.filter(
        market_us_import=True, pk__gte=min(wanted), pk__lte=max(wanted)
    ).values_list("pk", flat=True)
    ids = [pk for pk in candidates if pk in wanted]
    lists = None
    for product in Product.objects.filter(pk__in=ids).order_by("pk").iterator(chunk_size=500):
        lists = lists or lists_in_force()
        labor_risk_assess(product=product, lists=lists)
