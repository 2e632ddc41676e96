"""Dashboard pages: the public trade dashboard (no login), chart CSVs, and the regulator's
order-level ledger with CSV and Parquet export."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from twoway.dashboard import exports, selectors, svg
from twoway.ledger import selectors as ledger
from twoway.ledger.models import EntryKind, FlowDirection


def public(request: HttpRequest) -> HttpResponse:
    p = selectors.params_from(request.GET)
    if request.GET.get("format") == "csv":
        return chart_csv(request, request.GET.get("chart", "summary"))
    data = selectors.dashboard(p)
    charts = {
        "series": svg.series_chart(
            [svg.SeriesPoint(r.label, r.exports, r.imports) for r in data.series],
            label=_("US exports, imports and balance over time"),
            exports_label=_("US exports"),
            imports_label=_("US imports"),
            balance_label=_("Balance"),
        ),
        "states": svg.tile_map(
            {r.key: (r.exports + r.imports) for r in data.states},
            names={r.key: r.label for r in data.states},
            midwest={code for code, (_n, mw) in selectors.states().items() if mw},
            label=_("Trade by US state (exports plus imports)"),
            midwest_label=_("Midwest"),
        ),
        "provinces": svg.bar_chart(
            [(r.label, r.exports, r.imports) for r in data.provinces[:15]],
            label=_("Trade by Chinese province"),
            exports_label=_("US exports"),
            imports_label=_("US imports"),
        ),
        "chapters": svg.bar_chart(
            [(r.label, r.exports, r.imports) for r in data.chapters[:15]],
            label=_("Trade by HS chapter"),
            exports_label=_("US exports"),
            imports_label=_("US imports"),
        ),
    }
    base = urlencode(p.query())
    context = {
        "d": data,
        "p": p,
        "notices": selectors.params_notices(request.GET, p),
        "charts": charts,
        "query": base,
        "csv": {c: f"data/{c}.csv?{base}" for c in exports.CHARTS},
        "directions": FlowDirection.choices,
        "state_options": sorted(
            ((c, selectors.state_label(c)) for c in selectors.states()), key=lambda x: x[0]
        ),
        "province_options": sorted(
            ((c, selectors.province_label(c)) for c in selectors.provinces()), key=lambda x: x[0]
        ),
        "grain_label": _("day") if p.grain == "d" else _("month"),
    }
    from twoway.reference.labels import pledge_facts

    context["pledge"] = pledge_facts()
    return render(request, "dashboard/public.html", context)


def chart_csv(request: HttpRequest, chart: str) -> HttpResponse:
    if chart not in exports.CHARTS:
        raise Http404("Unknown chart")
    p = selectors.params_from(request.GET)
    header, rows = exports.chart_table(chart, p)
    response = HttpResponse(exports.csv_text(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="twoway-{chart}-{p.start:%Y-%m}-{p.end_month:%Y-%m}.csv"'
    )
    return response


# --- regulators ---------------------------------------------------------------------------------


def _regulator_only(request: HttpRequest) -> HttpResponse | None:
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if getattr(user, "role", "") not in ("regulator", "operator") and not user.is_superuser:
        return HttpResponseForbidden(_("The ledger drill-down is for regulators and operators."))
    return None


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return None


def _entry_filter(request: HttpRequest) -> ledger.EntryFilter:
    q = request.GET
    business = q.get("business", "")
    return ledger.EntryFilter(
        start=_date(q.get("from")),
        end=_date(q.get("to")),
        direction=q.get("direction", "") if q.get("direction") in FlowDirection.values else "",
        state=(q.get("state") or "").strip().upper()[:2],
        province=(q.get("province") or "").strip()[:2],
        chapter=(q.get("chapter") or "").strip()[:2],
        kind=q.get("kind", "") if q.get("kind") in EntryKind.values else "",
        order_number=(q.get("order") or "").strip()[:32],
        business_id=int(business) if business.isdigit() else None,
    )


def regulator_entries(request: HttpRequest) -> HttpResponse:
    refused = _regulator_only(request)
    if refused:
        return refused
    flt = _entry_filter(request)
    before = request.GET.get("before", "")
    rows, next_before = ledger.entries_page(
        flt=flt, before_id=int(before) if before.isdigit() else None
    )
    kept = [(k, v) for k in request.GET if k != "before" for v in request.GET.getlist(k) if v]
    query = urlencode(kept)
    return render(
        request,
        "dashboard/regulator.html",
        {
            "rows": rows,
            "flt": flt,
            "query": query,
            "next_url": f"?{urlencode([*kept, ('before', next_before)])}" if next_before else "",
            "directions": FlowDirection.choices,
            "kinds": EntryKind.choices,
        },
    )


def regulator_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    refused = _regulator_only(request)
    if refused:
        return refused
    flt = _entry_filter(request)
    stamp = timezone.now().date().isoformat()
    response: HttpResponseBase
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.ledger_csv_stream(flt), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="twoway-ledger-{stamp}.csv"'
        return response
    if fmt == "parquet":
        response = HttpResponse(
            exports.ledger_parquet_bytes(flt), content_type="application/vnd.apache.parquet"
        )
        response["Content-Disposition"] = f'attachment; filename="twoway-ledger-{stamp}.parquet"'
        return response
    raise Http404("Unknown format")
