"""Catalogue imports through the API: the seller center's import for sellers' systems.

``POST /seller/imports`` (multipart: ``file``, ``mode``, ``dry_run``, ``all_or_nothing``,
``encoding``) checks the file and, without ``dry_run``, writes it; a short file is answered
finished, a long one with its job (202) to poll at ``GET /seller/imports/{job_id}``. Per-row errors
name row, column, rule and the message in the caller's language. A business API key with the
products:write scope, or a signed-in member with the catalogue permission (in the business named
by ``business_id``, else the one chosen in the seller center); another business's job is a 404.

Answers: 200 checked (dry run; errors listed), 201 written, 202 still running (poll the job),
422 nothing written (all or nothing and some rows have errors, or an unreadable file) with
``{message, errors: [{row, field, column, rule, value, message}]}`` and the job's counts.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from twoway.api.seller_auth import seller_auth, seller_business, seller_object_check
from twoway.catalog import selectors as catalog_selectors
from twoway.catalog.bulk import files
from twoway.catalog.bulk.services import import_dispatch, import_job_create
from twoway.catalog.models import ImportJob, ImportJobStatus, ImportMode
from twoway.core.errors import DomainError, NotFound
from twoway.core.schemas import Id
from twoway.integrations.scopes import PRODUCTS_WRITE

router = Router(tags=["seller catalogue imports"])


class RowErrorOut(Schema):
    row: int
    field: str  # the column (the API's usual error shape names it "field")
    column: str
    rule: str
    value: str
    message: str


class ProblemOut(Schema):
    field: str
    rule: str
    message: str


class RefusedOut(Schema):
    """A request refused before any file was read (the API's usual error shape)."""

    message: str
    errors: list[ProblemOut]


class ImportJobOut(Schema):
    message: str
    id: int
    business_id: int
    file_name: str
    mode: str
    dry_run: bool
    all_or_nothing: bool
    status: str
    finished: bool
    rows_total: int
    rows_checked: int
    rows_new: int
    rows_updated: int
    rows_unchanged: int
    rows_invalid: int
    rows_drafted: int
    rows_written: int
    errors: list[RowErrorOut]
    created_at: dt.datetime
    finished_at: dt.datetime | None


def _out(job: ImportJob, dry_run: bool | None = None) -> dict:
    language = get_language() or "en"
    lines = files.error_lines(job.errors, language)
    if job.status == ImportJobStatus.REJECTED:
        message = _("Nothing was written; rows with errors: %(n)s.") % {"n": job.rows_invalid}
    elif job.status == ImportJobStatus.FAILED:
        message = _("The import failed and nothing was written.")
    else:
        message = str(job.get_status_display())
    return {
        "message": message, "id": job.pk, "business_id": job.business_id, "file_name": job.file_name,
        "mode": job.mode,
        "dry_run": dry_run if dry_run is not None else job.status == ImportJobStatus.CHECKED,
        "all_or_nothing": job.all_or_nothing, "status": job.status, "finished": job.finished,
        "rows_total": job.rows_total, "rows_checked": job.rows_checked,
        "rows_new": job.rows_new, "rows_updated": job.rows_updated,
        "rows_unchanged": job.rows_unchanged, "rows_invalid": job.rows_invalid,
        "rows_drafted": job.rows_drafted, "rows_written": job.rows_written,
        "errors": [
            {"row": e["row"], "field": e["column"], "column": e["column"], "rule": e["code"],
             "value": str(e.get("value", "")), "message": line["text"]}
            for e, line in zip(job.errors, lines, strict=True)
        ],
        "created_at": job.created_at, "finished_at": job.finished_at,
    }  # fmt: skip


@router.post(
    "/imports",
    response={
        200: ImportJobOut,
        201: ImportJobOut,
        202: ImportJobOut,
        422: ImportJobOut | RefusedOut,
    },
    auth=seller_auth(PRODUCTS_WRITE),
    summary="Import products from a CSV or XLSX file, or check it: dry_run "
    "(scope products:write; role catalogue)",
)
def import_create(
    request,
    file: File[UploadedFile],
    mode: Form[str] = ImportMode.LISTINGS,
    dry_run: Form[bool] = False,
    all_or_nothing: Form[bool] = True,
    encoding: Form[str] = "auto",
    business_id: Form[Id | None] = None,
):
    business = seller_business(request, "catalogue", business_id)
    if file.size and file.size > settings.TWOWAY_IMPORT_MAX_BYTES:
        raise DomainError.one("file", "too_large", _("The file is too large."))
    job = import_job_create(
        business=business, by=request.auth, file_name=file.name or "import.csv",
        data=file.read(), mode=mode, encoding=encoding, all_or_nothing=all_or_nothing,
        write=not dry_run,
    )  # fmt: skip
    import_dispatch(job)
    job.refresh_from_db()
    if not job.finished:
        return Status(202, _out(job, dry_run))
    if job.status in (ImportJobStatus.REJECTED, ImportJobStatus.FAILED):
        return Status(422, _out(job, dry_run))
    return Status(200 if dry_run else 201, _out(job, dry_run))


@router.get(
    "/imports/{job_id}",
    response=ImportJobOut,
    auth=seller_auth(PRODUCTS_WRITE),
    summary="One import: progress and errors (scope products:write; role catalogue)",
)
def import_get(request, job_id: Id):
    job = catalog_selectors.import_job_by_id(job_id=job_id)
    if job is None:
        raise NotFound("Import")
    seller_object_check(request, job.business, "catalogue", "Import")
    return _out(job)
