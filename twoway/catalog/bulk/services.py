"""Catalogue imports: a seller's CSV/XLSX checked row by row with the listing rules, previewed,
then written all or nothing (or only the valid rows, when the seller chooses).

The job row carries the progress; the work runs in ``import_job_run`` — a Celery task in
production (``catalog.import_job_run``), the in-process scheduler's ``catalog.imports_run`` in the
demo, or inside the request for a short file when tasks run in-process. Reference data and the
business's existing SKUs are loaded once per file; rows are validated in pure Python
(``rules/listing.py``) and written in batches (COPY on PostgreSQL, ``bulk_create`` elsewhere).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from twoway.businesses.models import Business
from twoway.core.errors import DomainError, PermissionDenied
from twoway.identity.models import User
from twoway.identity.permissions import can_manage_products_of
from twoway.reference import hs, labels
from twoway.reference.models import ChinaProvince, UsState

from ..models import ImportJob, ImportJobStatus, ImportMode, Product
from ..rules import listing as rules
from . import columns, reading, writing

logger = logging.getLogger(__name__)

MAX_STORED_ERRORS = 5000
PREVIEW_ROWS = 20
PREVIEW_DRAFTS = 5  # rows with a generated Chinese title, shown in the preview too
PROGRESS_EVERY = 5000


@dataclass
class Plan:
    new: list[dict[str, Any]] = field(default_factory=list)
    updates: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (product id, values)
    errors: list[dict[str, Any]] = field(default_factory=list)
    invalid_rows: int = 0
    drafted: int = 0  # valid rows whose Chinese text was generated
    unchanged: int = 0
    total: int = 0
    preview: list[dict[str, Any]] = field(default_factory=list)


def _error(
    row: int,
    column: str,
    code: str,
    params: Mapping[str, object] | None = None,
    value: str = "",
) -> dict[str, Any]:
    return {
        "row": row,
        "column": column,
        "code": code,
        "params": dict(params or {}),
        "value": value[:200],
    }


# --- creating a job -----------------------------------------------------------------------------


def import_job_create(
    *,
    business: Business,
    by: User,
    file_name: str,
    data: bytes,
    mode: str = ImportMode.LISTINGS,
    encoding: str = "auto",
    all_or_nothing: bool = True,
    write: bool = False,
) -> ImportJob:
    """Store the file and a job waiting to be checked (nothing is read or written yet); with
    ``write`` (the API without dry run) the job is checked and written in one run."""
    if not can_manage_products_of(by, business):
        raise PermissionDenied(
            _("Only staff of this business or an operator can change its products.")
        )
    if mode not in ImportMode.values:
        raise DomainError.one("mode", "invalid_choice", _("Choose listings or stock."))
    if encoding not in reading.ENCODINGS:
        raise DomainError.one("encoding", "invalid_choice", _("Choose auto, utf-8 or gb18030."))
    if not data:
        raise DomainError.one("file", "empty", _("The file is empty."))
    if len(data) > settings.TWOWAY_IMPORT_MAX_BYTES:
        raise DomainError.one(
            "file", "too_large",
            _("The file is larger than %(mb)s MB.") % {"mb": settings.TWOWAY_IMPORT_MAX_BYTES
                                                        // (1024 * 1024)},
        )  # fmt: skip
    name = (file_name or "import.csv").replace("\\", "/").rsplit("/", 1)[-1][:200]
    if not name.lower().endswith((".csv", ".txt", ".xlsx", ".xlsm")):
        raise DomainError.one("file", "file_type", _("Upload a .csv or .xlsx file."))
    job = ImportJob(
        business=business, created_by=by, file_name=name, mode=mode, encoding=encoding,
        all_or_nothing=all_or_nothing,
        status=ImportJobStatus.QUEUED if write else ImportJobStatus.UPLOADED,
    )  # fmt: skip
    job.file.save(f"{business.pk}-{name}", ContentFile(data), save=False)
    job.save()
    return job


def import_commit(*, job: ImportJob, by: User, all_or_nothing: bool) -> ImportJob:
    """The seller saw the preview and asks for the import: queue it (checked again when run)."""
    if not can_manage_products_of(by, job.business):
        raise PermissionDenied(
            _("Only staff of this business or an operator can change its products.")
        )
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportJobStatus.CHECKED).update(
        status=ImportJobStatus.QUEUED,
        all_or_nothing=all_or_nothing,
        updated_at=timezone.now(),
        rows_checked=0,
    )
    if not updated:
        raise DomainError.one(
            "status", "not_checked", _("Only a checked file that was not imported yet can be imported."),
            status=409,
        )  # fmt: skip
    job.refresh_from_db()
    return job


def import_dispatch(job: ImportJob) -> None:
    """Start the job's next step: Celery with a broker; in-process, in the request for a short
    file, else the scheduled ``catalog.imports_run`` picks it up (progress shown meanwhile)."""
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        from ..tasks import import_job_run as task

        transaction.on_commit(lambda: task.delay(job.pk))
        return
    if job.rows_total <= settings.TWOWAY_IMPORT_INLINE_ROWS and job.file.size <= 512 * 1024:
        import_job_run(job.pk)
        job.refresh_from_db()


# --- running a job ------------------------------------------------------------------------------


def _claim(job_id: int) -> tuple[ImportJob | None, bool]:
    """Move a waiting job to its running status (one runner wins); (job, write?)."""
    now = timezone.now()
    for waiting, running, write in (
        (ImportJobStatus.UPLOADED, ImportJobStatus.CHECKING, False),
        (ImportJobStatus.QUEUED, ImportJobStatus.WRITING, True),
    ):
        if ImportJob.objects.filter(pk=job_id, status=waiting).update(
            status=running, started_at=now, updated_at=now, rows_checked=0
        ):
            return ImportJob.objects.select_related("business", "created_by").get(pk=job_id), write
    return None, False


def import_job_run(job_id: int) -> str:
    """Check (and, when queued, write) one job. Safe to call twice: the second does nothing."""
    job, write = _claim(job_id)
    if job is None:
        return "nothing to do"
    try:
        with job.file.open("rb") as handle:
            data = handle.read()
        plan = check(job, data)
        counts = {
            "rows_total": plan.total, "rows_new": len(plan.new), "rows_updated": len(plan.updates),
            "rows_unchanged": plan.unchanged, "rows_invalid": plan.invalid_rows,
            "rows_drafted": plan.drafted,
            "rows_checked": plan.total, "errors": plan.errors[:MAX_STORED_ERRORS],
            "preview": plan.preview,
        }  # fmt: skip
        if not write:
            _finish(job, ImportJobStatus.CHECKED, **counts)
            return f"checked {plan.total} rows"
        if plan.errors and (job.all_or_nothing or not (plan.new or plan.updates)):
            _finish(job, ImportJobStatus.REJECTED, rows_written=0, **counts)
            return f"rejected: {plan.invalid_rows} invalid rows"
        _save(job, status=ImportJobStatus.WRITING, **counts)
        written = write_plan(job, plan)
        _finish(job, ImportJobStatus.DONE, rows_written=written, **counts)
        return f"wrote {written} rows"
    except reading.FileUnreadable as exc:
        _finish(
            job,
            ImportJobStatus.REJECTED,
            errors=[_error(1, "file", "file_" + exc.code, {"detail": exc.detail})],
            rows_invalid=0,
        )
        return f"unreadable: {exc.code}"
    except IntegrityError:
        _finish(job, ImportJobStatus.FAILED, failure="sku_taken")
        return "failed: a SKU was taken meanwhile"
    except Exception as exc:  # noqa: BLE001 - recorded on the job, the worker goes on
        logger.exception("import job %s failed", job_id)
        _finish(job, ImportJobStatus.FAILED, failure=f"{type(exc).__name__}: {exc}"[:2000])
        return "failed"


def imports_run(limit: int = 5) -> int:
    """Scheduled: run the oldest waiting jobs (a safety net for lost Celery messages too)."""
    ids = list(
        ImportJob.objects.filter(status__in=[ImportJobStatus.UPLOADED, ImportJobStatus.QUEUED])
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    for job_id in ids:
        import_job_run(job_id)
    return len(ids)


def _save(job: ImportJob, **values: Any) -> None:
    values["updated_at"] = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(**values)
    for name, value in values.items():
        setattr(job, name, value)


def _finish(job: ImportJob, status: str, **values: Any) -> None:
    _save(job, status=status, finished_at=timezone.now(), **values)


# --- checking -----------------------------------------------------------------------------------


def _reference(business: Business) -> rules.RowReference:
    subheadings = frozenset(code for code, e in hs._index().items() if e.level == 6)
    return rules.RowReference(
        hs_subheadings=subheadings,
        us_states=frozenset(UsState.objects.values_list("code", flat=True)),
        cn_provinces=frozenset(ChinaProvince.objects.values_list("code", flat=True)),
        business_verified=bool(business.is_verified),
    )


def _zh_drafter(business: Business) -> rules.ZhDrafter:
    """The Chinese draft of a row sold to China without a Chinese title: the listing editor's
    draft (``rules.zh_draft``: the glossary, the seller's confirmed titles, the row's chapter,
    state, maker and weight), made once per row in the file's run."""
    from ..rules.zh_draft import Attributes, draft_zh
    from ..selectors import glossary_terms, seller_memory

    terms = glossary_terms()
    memory = seller_memory(business_id=business.pk)
    chapters, states = labels.chapter_titles_zh(), labels.state_names_zh()

    def draft(values: Mapping[str, object]) -> tuple[str, str]:
        weight = values.get("weight_kg")
        result = draft_zh(
            title_en=str(values.get("title_en") or ""),
            description_en=str(values.get("description_en") or ""),
            terms=terms,
            memory=memory,
            attributes=Attributes(
                hs_description_zh=chapters.get(str(values.get("hs_code") or "")[:2], ""),
                origin_zh=states.get(str(values.get("origin_us_state_id") or ""), ""),
                maker_zh=business.display_name_zh,
                weight_kg=weight if isinstance(weight, Decimal) else None,
            ),
        )
        return result.title, result.description

    return draft


def _variant_drafter() -> rules.VariantDrafter:
    """The Chinese draft of a size or colour (colour and size words, then the glossary)."""
    from ..selectors import variant_zh_draft

    return variant_zh_draft


def _defaults(business: Business) -> rules.RowDefaults:
    country = business.country
    return rules.RowDefaults(
        origin_country=country,
        currency="CNY" if country == "CN" else "USD",
        region=business.cn_province_id if country == "CN" else business.us_state_id,
    )


#: an existing product by SKU: (pk, status, stock on hand, unit price)
_Existing = tuple[int, str, int, Decimal]


def check(job: ImportJob, data: bytes) -> Plan:
    """Every row of the file against the listing rules; nothing written."""
    sheet = reading.read(job.file_name, data, job.encoding)
    mode = job.mode
    keys, unknown = columns.map_header(sheet.header, mode)
    plan = Plan()
    for cell in unknown:
        plan.errors.append(_error(1, cell, "column_unknown", {"column": cell}))
    wanted = {c.key for c in columns.columns_for(mode)}
    present = {k for k in keys if k}
    for column in columns.columns_for(mode):
        if column.required and column.key not in present:
            plan.errors.append(_error(1, column.key, "column_missing", {"column": column.key}))
    if mode == ImportMode.STOCK:
        extra = sorted(present - wanted)
        for key in extra:
            plan.errors.append(_error(1, key, "column_not_in_stock_mode", {"column": key}))
    if plan.errors:
        plan.invalid_rows = 0
        return plan
    existing: dict[str, _Existing] = {
        sku: (pk, status, stock, price)
        for pk, sku, status, stock, price in Product.objects.filter(
            business=job.business
        ).values_list("pk", "sku", "status", "stock_on_hand", "unit_price")
    }
    if mode == ImportMode.STOCK:
        _check_stock(job, sheet, keys, existing, plan)
    else:
        _check_listings(job, sheet, keys, existing, plan)
    return plan


def _progress(job: ImportJob, done: int) -> None:
    if done % PROGRESS_EVERY == 0:
        _save(job, rows_checked=done)


def _iter_cells(
    sheet: reading.Sheet, keys: Sequence[str | None]
) -> Iterator[tuple[int, dict[str, str]]]:
    width = len(keys)
    pairs = [(i, k) for i, k in enumerate(keys) if k]
    for number, row in sheet.rows:
        if len(row) < width:
            row = row + [""] * (width - len(row))
        yield number, {k: row[i] for i, k in pairs}


def _row_errors(
    plan: Plan, number: int, problems: Sequence[rules.Problem], cells: Mapping[str, str]
) -> None:
    plan.invalid_rows += 1
    for p in problems:
        if len(plan.errors) < MAX_STORED_ERRORS:
            plan.errors.append(_error(number, p.field, p.code, p.params, cells.get(p.field, "")))


# Columns a file may leave out; for a SKU the seller already has, the product's own value is kept
# (a file of titles and prices does not blank the descriptions or turn the markets off).
_KEPT_COLUMNS = (
    "title_zh", "description_en", "description_zh", "cn_tariff_line", "us_hts_line",
    "origin_country", "origin_region", "currency", "markets", "manufacturer",
    "raw_material_suppliers", "variant_size", "variant_colour", "variant_size_zh",
    "variant_colour_zh",
)  # fmt: skip


def _existing_cells(business: Business, missing: list[str]) -> dict[str, dict[str, str]]:
    """SKU → the cells of the business's products for the ``missing`` columns (one query)."""
    found: dict[str, dict[str, str]] = {}
    rows = Product.objects.filter(business=business).values(
        "sku", "title_zh", "description_en", "description_zh", "cn_tariff_line", "us_hts_line",
        "origin_country", "origin_us_state_id", "origin_cn_province_id", "currency",
        "market_cn_export", "market_us_domestic", "market_us_import", "manufacturer",
        "raw_material_suppliers", "variant_size", "variant_colour", "variant_size_zh",
        "variant_colour_zh",
    )  # fmt: skip
    for row in rows.iterator(chunk_size=5000):
        record: Mapping[str, Any] = row  # read by column names held in variables
        cells = {
            "origin_region": row["origin_us_state_id"] or row["origin_cn_province_id"] or "",
            "markets": ",".join(m for m, f in rules.MARKETS.items() if record[f]),
            "raw_material_suppliers": row["raw_material_suppliers"].replace("\n", ";"),
        }
        found[row["sku"]] = {c: cells[c] if c in cells else str(record[c] or "") for c in missing}
    return found


def _check_listings(
    job: ImportJob,
    sheet: reading.Sheet,
    keys: list[str | None],
    existing: dict[str, _Existing],
    plan: Plan,
) -> None:
    reference = _reference(job.business)
    defaults = _defaults(job.business)
    seen: dict[str, int] = {}
    missing = [c for c in _KEPT_COLUMNS if c not in set(keys)]
    kept = _existing_cells(job.business, missing) if missing and existing else {}
    drafter = _zh_drafter(job.business)
    variant_drafter = _variant_drafter()
    # Products whose Chinese text is an unconfirmed draft, when the file keeps it (no title_zh
    # column): they stay drafts. A file with a Chinese title replaces the draft with the seller's.
    drafts: set[str] = (
        set(
            Product.objects.filter(business=job.business, zh_is_draft=True).values_list(
                "sku", flat=True
            )
        )
        if "title_zh" in missing and existing
        else set()
    )
    limit = settings.TWOWAY_IMPORT_MAX_ROWS
    for number, cells in _iter_cells(sheet, keys):
        plan.total += 1
        if plan.total > limit:
            plan.errors.append(_error(number, "file", "too_many_rows", {"max": limit}))
            plan.invalid_rows += 1
            break
        _progress(job, plan.total)
        sku = cells.get("sku", "").strip()
        found = existing.get(sku)
        if found and sku in kept:
            cells.update(kept[sku])
        result = rules.row_validate(
            cells, defaults=defaults, reference=reference,
            existing_status=found[1] if found else None, zh_draft=drafter,
            existing_zh_draft=bool(found) and sku in drafts, variant_draft=variant_drafter,
        )  # fmt: skip
        problems = result.problems
        if sku and sku in seen:
            problems = [
                *problems,
                rules.Problem("sku", "sku_duplicate", {"sku": sku, "first_row": seen[sku]}),
            ]
        elif sku:
            seen[sku] = number
        if problems:
            _row_errors(plan, number, problems, cells)
            continue
        values = result.values
        if found:
            plan.updates.append((found[0], values))
        else:
            plan.new.append(values)
        drafted = bool(values["zh_is_draft"]) and not (found and sku in drafts)
        plan.drafted += drafted
        # The preview: the first rows, and the first Chinese drafts wherever they are in the file.
        if len(plan.preview) < PREVIEW_ROWS or (drafted and plan.drafted <= PREVIEW_DRAFTS):
            plan.preview.append({
                "row": number, "action": "update" if found else "new", "sku": sku,
                "title_en": values["title_en"], "title_zh": values["title_zh"],
                "hs_code": values["hs_code"], "unit_price": str(values["unit_price"]),
                "currency": values["currency"], "stock_on_hand": values["stock_on_hand"],
                "status": values["status"], "zh_draft": bool(values["zh_is_draft"]),
            })  # fmt: skip


def _check_stock(
    job: ImportJob,
    sheet: reading.Sheet,
    keys: list[str | None],
    existing: dict[str, _Existing],
    plan: Plan,
) -> None:
    seen: dict[str, int] = {}
    for number, cells in _iter_cells(sheet, keys):
        plan.total += 1
        _progress(job, plan.total)
        result = rules.stock_row_validate(cells)
        problems = result.problems
        sku = result.values["sku"]
        if not isinstance(sku, str):
            raise TypeError("stock_row_validate gives the SKU as text")
        found = existing.get(sku) if sku else None
        if sku and not found and not problems:
            problems = [rules.Problem("sku", "sku_unknown", {"sku": sku})]
        if sku and sku in seen:
            problems = [
                *problems,
                rules.Problem("sku", "sku_duplicate", {"sku": sku, "first_row": seen[sku]}),
            ]
        elif sku:
            seen[sku] = number
        if problems:
            _row_errors(plan, number, problems, cells)
            continue
        if found is None:
            raise ValueError(f"row {number}: a stock row without problems names no known SKU")
        values = result.values
        same_price = values.get("unit_price") in (None, found[3])
        same_stock = values.get("stock_on_hand") in (None, found[2])
        if same_price and same_stock:
            plan.unchanged += 1
        else:
            plan.updates.append((found[0], values))
        if len(plan.preview) < PREVIEW_ROWS:
            plan.preview.append({
                "row": number, "action": "unchanged" if same_price and same_stock else "update",
                "sku": sku, "unit_price": str(values.get("unit_price") or found[3]),
                "stock_on_hand": values.get("stock_on_hand", found[2]),
            })  # fmt: skip


# --- writing ------------------------------------------------------------------------------------


def write_plan(job: ImportJob, plan: Plan) -> int:
    """One transaction: new products, changed products, stock adjustments, hooks.

    On PostgreSQL the transaction commits without waiting for its WAL flush: the job's status
    ("done") is committed right after with the usual flush, which writes this transaction's WAL
    too, so a job never says done for rows a crash could lose.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO off")
        if job.mode == ImportMode.STOCK:
            ids = writing.stock_update(
                business=job.business, by=job.created_by, updates=plan.updates,
                reason=f"stock file {job.file_name}"[:200],
            )  # fmt: skip
        else:
            ids = writing.listings_write(
                business=job.business, by=job.created_by, new=plan.new, updates=plan.updates
            )
        from ..services import products_changed_many

        products_changed_many(ids)
    return len(plan.new) + len(plan.updates)
