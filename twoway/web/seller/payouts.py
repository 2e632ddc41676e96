"""Payouts in the seller center: /seller/payouts/ (statements issued, and the live figures of a
chosen range), a statement's page, and its CSV and PDF. Finance staff (and owners) only."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from twoway.core.errors import DomainError
from twoway.payouts.files import statement_csv, statement_pdf
from twoway.payouts.selectors import (
    StatementView,
    range_view,
    statement_get,
    statement_view,
    statements_for,
)
from twoway.web.auth import SellerRequest

from .access import seller_page

finance_page = seller_page("finance")
MAX_RANGE_DAYS = 366


def _range(request: SellerRequest) -> tuple[dt.date, dt.date, str]:
    """The chosen range (default: this month so far); an error text when it is not valid."""
    today = timezone.now().date()
    start_text, end_text = request.GET.get("from", ""), request.GET.get("to", "")
    if not start_text and not end_text:
        return today.replace(day=1), today, ""
    try:
        start, end = dt.date.fromisoformat(start_text), dt.date.fromisoformat(end_text)
    except ValueError:
        return today.replace(day=1), today, _("Enter both dates as YYYY-MM-DD.")
    if end < start:
        return start, end, _("The end date is before the start date.")
    if (end - start).days >= MAX_RANGE_DAYS:
        return start, end, _("Choose a range of at most a year.")
    return start, end, ""


@finance_page
def payouts(request: SellerRequest) -> HttpResponse:
    business = request.seller_business
    start, end, error = _range(request)
    view = None
    if not error:
        try:
            view = range_view(business=business, start=start, end=end)
        except DomainError as exc:
            error = exc.message
    return render(
        request,
        "seller/payouts.html",
        {
            "business": business,
            "statements": list(statements_for(business=business)),
            "range": view,
            "start": start,
            "end": end,
            "error": error,
        },
        status=400 if error else 200,
    )


def _view_for(request: SellerRequest, number: str) -> StatementView:
    business = request.seller_business
    if number == "range":
        start, end, error = _range(request)
        if error:
            raise Http404(error)
        return range_view(business=business, start=start, end=end)
    statement = statement_get(business=business, number=number)
    if statement is None:
        raise Http404
    return statement_view(statement)


@finance_page
def payout(request: SellerRequest, number: str) -> HttpResponse:
    view = _view_for(request, number)
    return render(request, "seller/payout.html", {"statement": view})


@finance_page
def payout_file(request: SellerRequest, number: str, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "pdf"):
        raise Http404
    view = _view_for(request, number)
    name = view.number or f"range-{view.start}-{view.end}"
    if fmt == "csv":
        response = HttpResponse(statement_csv(view), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(statement_pdf(view), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response
