"""Seller center: catalogue imports (/seller/imports/). Upload a CSV/XLSX, see every row's errors
in your language, preview, import (all or nothing, or the valid rows), watch the progress, download
the template and the error report. Thin views over ``twoway.catalog.bulk``."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from twoway.businesses.models import Business
from twoway.catalog import selectors as catalog_selectors
from twoway.catalog.bulk import files
from twoway.catalog.bulk.services import import_commit, import_dispatch, import_job_create
from twoway.catalog.models import ImportMode
from twoway.core.errors import DomainError
from twoway.web.auth import SellerRequest, signed_in_user

from .access import seller_page

catalogue_page = seller_page("catalogue")
ERRORS_SHOWN = 200


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File (CSV or XLSX)"))
    mode = forms.ChoiceField(
        label=_("What the file holds"),
        choices=ImportMode.choices,
        initial=ImportMode.LISTINGS,
        widget=forms.RadioSelect,
    )
    encoding = forms.ChoiceField(
        label=_("Text encoding (CSV)"), initial="auto",
        choices=[("auto", _("detect (UTF-8 or GB18030)")), ("utf-8", "UTF-8"),
                 ("gb18030", _("GB18030 / GBK (Excel in Chinese)"))],
    )  # fmt: skip


def _business(request: SellerRequest) -> Business:
    """The business chosen in the seller center (``seller_page`` checked the catalogue role)."""
    return request.seller_business


def _job(request: SellerRequest, job_id: int):
    job = catalog_selectors.import_job_get(business_id=_business(request).pk, job_id=job_id)
    if job is None:
        raise Http404
    return job


def _panel_context(request: SellerRequest, job) -> dict:
    errors = files.error_lines(job.errors[:ERRORS_SHOWN], request.LANGUAGE_CODE)
    return {"job": job, "errors": errors, "errors_more": max(0, len(job.errors) - ERRORS_SHOWN)}


@catalogue_page
@require_http_methods(["GET", "POST"])
def imports(request: SellerRequest) -> HttpResponse:
    business = _business(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.TWOWAY_IMPORT_MAX_BYTES:
            form.add_error("file", _("The file is too large."))
        else:
            try:
                job = import_job_create(
                    business=business, by=signed_in_user(request), file_name=upload.name,
                    data=upload.read(), mode=form.cleaned_data["mode"],
                    encoding=form.cleaned_data["encoding"],
                )  # fmt: skip
            except DomainError as exc:
                form.add_error("file", exc.message)
            else:
                import_dispatch(job)
                return redirect("web:seller_import", job_id=job.pk)
    if request.method == "POST":
        status = 400
    jobs = list(catalog_selectors.import_jobs_of(business_id=business.pk)[:20])
    return render(
        request,
        "seller/imports.html",
        {"form": form, "jobs": jobs, "business": business},
        status=status,
    )


@catalogue_page
@require_GET
def import_template(request: SellerRequest, fmt: str) -> HttpResponse:
    _business(request)
    mode = request.GET.get("mode", ImportMode.LISTINGS)
    mode = mode if mode in ImportMode.values else ImportMode.LISTINGS
    language = request.GET.get("lang") or request.LANGUAGE_CODE
    language = "zh-hans" if language.lower().startswith("zh") else "en"
    stem = f"twoway-{mode}-template-{'zh' if language == 'zh-hans' else 'en'}"
    if fmt == "xlsx":
        response = HttpResponse(
            files.template_xlsx(mode, language),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    elif fmt == "csv":
        response = HttpResponse(
            files.template_csv(mode, language), content_type="text/csv; charset=utf-8"
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


@catalogue_page
@require_GET
def import_detail(request: SellerRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    return render(request, "seller/import_detail.html", _panel_context(request, job))


@catalogue_page
@require_GET
def import_progress(request: SellerRequest, job_id: int) -> HttpResponse:
    """The job panel alone (htmx polls it while the job runs)."""
    job = _job(request, job_id)
    return render(request, "seller/_import_panel.html", _panel_context(request, job))


@catalogue_page
@require_POST
def import_commit_view(request: SellerRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    all_or_nothing = request.POST.get("rows") != "valid"
    try:
        job = import_commit(job=job, by=signed_in_user(request), all_or_nothing=all_or_nothing)
    except DomainError:
        return redirect("web:seller_import", job_id=job.pk)
    import_dispatch(job)
    return redirect("web:seller_import", job_id=job.pk)


@catalogue_page
@require_GET
def import_errors(request: SellerRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    response = HttpResponse(
        files.errors_csv(job, request.LANGUAGE_CODE), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
    return response
