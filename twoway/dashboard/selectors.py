"""Dashboard reads: every public figure comes from the ledger's rollups (never the entries) and
from reference data, so a page costs the same at ten million entries as at ten thousand."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from twoway.businesses.models import Business
from twoway.ledger import selectors as ledger
from twoway.ledger.models import FlowDirection
from twoway.ledger.rules.jobs import JobsEstimate, jobs_supported
from twoway.reference import labels
from twoway.reference.models import ChinaProvince, UsChinaTradeYear, UsState

ZERO = Decimal("0.00")
EXPORT, IMPORT = FlowDirection.US_EXPORT.value, FlowDirection.US_IMPORT.value
PLEDGE_BUSINESSES = 1_000_000
PLEDGE_JOBS = 1_000_000
SMALL_BUSINESS_EMPLOYEES = 500  # SBA's usual size standard for "small"
DAILY_MAX_MONTHS = 3


def _month(value: str | None) -> dt.date | None:
    try:
        year, month = (int(x) for x in (value or "").split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        return None


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class DashboardParams:
    """The page's state, all of it in the URL's query string."""

    start: dt.date  # first day of the first month
    end_month: dt.date  # first day of the last month
    direction: str = ""
    state: str = ""
    province: str = ""
    chapter: str = ""

    @property
    def end(self) -> dt.date:
        return self.end_month.replace(
            day=calendar.monthrange(self.end_month.year, self.end_month.month)[1]
        )

    @property
    def months(self) -> int:
        return (
            (self.end_month.year - self.start.year) * 12
            + self.end_month.month
            - self.start.month
            + 1
        )

    @property
    def grain(self) -> str:
        return "d" if self.months <= DAILY_MAX_MONTHS else "m"

    def flow_filter(self) -> ledger.FlowFilter:
        return ledger.FlowFilter(
            self.start, self.end, self.direction, self.state, self.province, self.chapter
        )

    def query(self, **override: str) -> dict[str, str]:
        values = {
            "from": f"{self.start:%Y-%m}",
            "to": f"{self.end_month:%Y-%m}",
            "direction": self.direction,
            "state": self.state,
            "province": self.province,
            "chapter": self.chapter,
        }
        values.update(override)
        return {k: v for k, v in values.items() if v}


def _latest_data_month() -> dt.date:
    span = cache.get("dashboard:data_months")
    if span is None:
        span = ledger.data_months() or ()
        cache.set("dashboard:data_months", span, 60)
    return span[1] if span else timezone.now().date().replace(day=1)


def params_from(query: QueryDict | dict) -> DashboardParams:
    """Clean the query string; anything invalid falls back to its default (12 months up to the
    latest month with trade)."""
    end = _month(query.get("to"))
    start = _month(query.get("from"))
    if end is None:
        end = _latest_data_month() if start is None else _add_months(start, 11)
    if start is None or start > end:
        start = _add_months(end, -11)
    if end.year * 12 + end.month - (start.year * 12 + start.month) > 120:
        start = _add_months(end, -119)
    direction = query.get("direction", "")
    state = (query.get("state") or "").strip().upper()
    province = (query.get("province") or "").strip()
    chapter = (query.get("chapter") or "").strip()
    return DashboardParams(
        start=start,
        end_month=end,
        direction=direction if direction in (EXPORT, IMPORT) else "",
        state=state if len(state) == 2 and state.isalpha() else "",
        province=province if len(province) == 2 and province.isdigit() else "",
        chapter=chapter.zfill(2) if chapter.isdigit() and 1 <= int(chapter) <= 99 else "",
    )


def params_notices(query: QueryDict | dict, p: DashboardParams) -> list[str]:
    """What in the query string could not be used and what is shown instead, in words: a filter
    is never replaced silently."""
    notices: list[str] = []
    raw = {
        key: (query.get(key) or "").strip()
        for key in ("from", "to", "direction", "state", "province", "chapter")
    }
    for key, label in (("from", _("From")), ("to", _("To"))):
        if raw[key] and _month(raw[key]) is None:
            notices.append(
                _("“%(field)s” must be a month such as 2026-01, not “%(value)s”.")
                % {"field": label, "value": raw[key]}
            )
    start, end = _month(raw["from"]), _month(raw["to"])
    if start and end and start > end:
        notices.append(
            _("“From” (%(start)s) is after “To” (%(end)s).")
            % {"start": raw["from"], "end": raw["to"]}
        )
    if (
        start
        and end
        and start <= end
        and end.year * 12 + end.month - (start.year * 12 + start.month) > 120
    ):
        notices.append(_("The dashboard shows at most ten years at a time."))
    if raw["chapter"] and p.chapter != raw["chapter"].zfill(2):
        notices.append(
            _("“%(value)s” is not an HS chapter: enter a number from 01 to 99.")
            % {"value": raw["chapter"]}
        )
    if raw["direction"] and p.direction != raw["direction"]:
        notices.append(_("Unknown direction “%(value)s”.") % {"value": raw["direction"]})
    if raw["state"] and p.state != raw["state"].upper():
        notices.append(_("Unknown US state “%(value)s”.") % {"value": raw["state"]})
    if raw["province"] and p.province != raw["province"]:
        notices.append(_("Unknown Chinese province “%(value)s”.") % {"value": raw["province"]})
    return notices


# --- reference names (cached: reference data changes with a reload, not per request) ----------


def states() -> dict[str, tuple[str, bool]]:
    """code → (English name, is Midwest)."""
    return cache.get_or_set(  # type: ignore[return-value]
        "dashboard:states",
        lambda: {
            code: (name, region == "Midwest")
            for code, name, region in UsState.objects.values_list("code", "name", "region")
        },
        300,
    )


def provinces() -> dict[str, tuple[str, str]]:
    return cache.get_or_set(  # type: ignore[return-value]
        "dashboard:provinces",
        lambda: {
            c: (en, zh)
            for c, en, zh in ChinaProvince.objects.values_list("code", "name_en", "name_zh")
        },
        300,
    )


def state_label(code: str) -> str:
    if not code:
        return _("Unknown")
    name = states().get(code, (code, False))[0]
    return labels.state_name(code, name)


def province_label(code: str) -> str:
    if not code:
        return _("Unknown")
    en, zh = provinces().get(code, (code, code))
    return zh if labels.is_chinese() else en


def chapter_label(code: str) -> str:
    title = labels.chapter_title(code)
    return f"{code} {title}" if title else code


# --- charts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlowRow:
    key: str
    label: str
    exports: Decimal
    imports: Decimal
    midwest: bool = False

    @property
    def balance(self) -> Decimal:
        return self.exports - self.imports


def _pivot(totals: list[ledger.FlowTotal]) -> dict[str, list[Decimal]]:
    out: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for t in totals:
        out[t.key][0 if t.direction == EXPORT else 1] += t.value_usd
    return out


def series(p: DashboardParams) -> list[FlowRow]:
    """Exports, imports and balance per day (periods of up to 3 months) or month, zero-filled."""
    values = _pivot(ledger.flow_series(flt=p.flow_filter(), grain=p.grain))
    periods: list[dt.date] = []
    if p.grain == "d":
        day = p.start
        while day <= p.end:
            periods.append(day)
            day += dt.timedelta(days=1)
    else:
        month = p.start
        while month <= p.end_month:
            periods.append(month)
            month = _add_months(month, 1)
    rows = []
    for period in periods:
        key = period.isoformat()
        e, i = values.get(key, (ZERO, ZERO))
        rows.append(FlowRow(key, key if p.grain == "d" else key[:7], e, i))
    return rows


def _by(p: DashboardParams, group: str) -> dict[str, list[Decimal]]:
    return _pivot(ledger.flow_totals_by(flt=p.flow_filter(), group=group))


def by_state(p: DashboardParams) -> list[FlowRow]:
    values = _by(p, "s")
    names = states()
    return sorted(
        (
            FlowRow(code, state_label(code), e, i, names.get(code, ("", False))[1])
            for code, (e, i) in values.items()
        ),
        key=lambda r: (-(r.exports + r.imports), r.key),
    )


def by_province(p: DashboardParams) -> list[FlowRow]:
    return sorted(
        (FlowRow(code, province_label(code), e, i) for code, (e, i) in _by(p, "p").items()),
        key=lambda r: (-(r.exports + r.imports), r.key),
    )


def by_chapter(p: DashboardParams) -> list[FlowRow]:
    return sorted(
        (FlowRow(code, chapter_label(code), e, i) for code, (e, i) in _by(p, "c").items()),
        key=lambda r: (-(r.exports + r.imports), r.key),
    )


@dataclass(frozen=True)
class BusinessRow:
    business_id: int
    name: str
    state: str
    exports: Decimal


def top_exporters(p: DashboardParams, limit: int = 10) -> list[BusinessRow]:
    """US businesses that agreed to be shown, by net exports in the period (state filter applies;
    province and chapter filters do not: this table is kept per business and month)."""
    consenting = Business.objects.filter(country="US", show_on_dashboard=True)
    if p.state:
        consenting = consenting.filter(us_state_id=p.state)
    totals = ledger.business_totals(
        flt=p.flow_filter(), direction=EXPORT, business_ids=consenting.values("pk"), limit=limit
    )
    names = {
        b.pk: (b.legal_name, b.us_state_id or "")
        for b in Business.objects.filter(pk__in=[t.business_id for t in totals]).only(
            "legal_name", "us_state_id"
        )
    }
    return [
        BusinessRow(t.business_id, *names.get(t.business_id, ("?", "")), t.value_usd)
        for t in totals
    ]


@dataclass(frozen=True)
class NationalRow:
    year: int
    exports_usd_m: Decimal
    imports_usd_m: Decimal | None
    balance_usd_m: Decimal
    months: int
    platform_exports: Decimal
    platform_imports: Decimal
    source: str
    basis: str


def national() -> list[NationalRow]:
    """Census US–China goods trade by year beside the platform's own (all directions, all time)."""
    platform: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for t in ledger.flow_series(
        flt=ledger.FlowFilter(dt.date(1990, 1, 1), dt.date(2100, 12, 31)), grain="m"
    ):
        platform[int(t.key[:4])][0 if t.direction == EXPORT else 1] += t.value_usd
    rows = []
    years = list(UsChinaTradeYear.objects.order_by("year"))
    for y in years:
        e, i = platform.get(y.year, (ZERO, ZERO))
        rows.append(
            NationalRow(
                y.year,
                y.exports_usd_m,
                y.imports_usd_m,
                y.balance_usd_m,
                y.months,
                e,
                i,
                y.source,
                y.basis,
            )
        )
    known = {y.year for y in years}
    for year, (e, i) in sorted(platform.items()):
        if year not in known:
            rows.append(NationalRow(year, ZERO, None, ZERO, 0, e, i, "", ""))
    return sorted(rows, key=lambda r: r.year)


# --- jobs and the promise ----------------------------------------------------------------------


@dataclass(frozen=True)
class JobsPanel:
    export_value: Decimal
    estimate: JobsEstimate | None
    reported_jobs: int
    reporting_businesses: int
    ratio: object | None = None  # ledger.rules.jobs.JobsRatioRow: the method line's figures


def _exporters(ids) -> dict:
    return Business.objects.filter(country="US", pk__in=ids).aggregate(
        n=Count("pk"),
        jobs=Sum("employee_count"),
        small=Count("pk", filter=Q(employee_count__lt=SMALL_BUSINESS_EMPLOYEES)),
        midwest=Count(
            "pk", filter=Q(us_state__region="Midwest", employee_count__lt=SMALL_BUSINESS_EMPLOYEES)
        ),
    )


def jobs_ratio():
    return cache.get_or_set("dashboard:jobs_ratio", ledger.jobs_ratio_row, 300)


def jobs_panel(export_value: Decimal, p: DashboardParams) -> JobsPanel:
    ratio = jobs_ratio()
    ids = (
        ledger.TradeFlowBusinessMonth.objects.filter(
            direction=EXPORT, month__gte=p.start, month__lte=p.end
        )
        .values("business_id")
        .annotate(v=Sum("value_usd"))
        .filter(v__gt=0)
        .values("business_id")
    )
    agg = _exporters(ids)
    return JobsPanel(
        export_value=export_value,
        estimate=jobs_supported(export_value, ratio) if ratio else None,
        reported_jobs=agg["jobs"] or 0,
        reporting_businesses=agg["n"] or 0,
        ratio=ratio,
    )


@dataclass(frozen=True)
class PromisePanel:
    small_businesses: int
    businesses_target: int
    estimated_jobs: Decimal
    jobs_target: int
    midwest_businesses: int
    export_value: Decimal
    estimate: JobsEstimate | None

    @property
    def businesses_pct(self) -> Decimal:
        return (Decimal(self.small_businesses) * 100 / self.businesses_target).quantize(
            Decimal("0.0001")
        )

    @property
    def jobs_pct(self) -> Decimal:
        return (self.estimated_jobs * 100 / self.jobs_target).quantize(Decimal("0.0001"))

    @property
    def midwest_pct(self) -> Decimal:
        if not self.small_businesses:
            return ZERO
        return (Decimal(self.midwest_businesses) * 100 / self.small_businesses).quantize(
            Decimal("0.1")
        )


def promise(all_time_exports: Decimal, estimate: JobsEstimate | None) -> PromisePanel:
    agg = _exporters(ledger.exporting_business_ids())
    return PromisePanel(
        small_businesses=agg["small"] or 0,
        businesses_target=PLEDGE_BUSINESSES,
        estimated_jobs=estimate.jobs if estimate else Decimal(0),
        jobs_target=PLEDGE_JOBS,
        midwest_businesses=agg["midwest"] or 0,
        export_value=all_time_exports,
        estimate=estimate,
    )


@dataclass(frozen=True)
class Dashboard:
    params: DashboardParams
    series: list[FlowRow]
    states: list[FlowRow]
    provinces: list[FlowRow]
    chapters: list[FlowRow]
    businesses: list[BusinessRow]
    national: list[NationalRow]
    jobs: JobsPanel
    promise: PromisePanel
    exports: Decimal
    imports: Decimal
    midwest_export_share: Decimal

    @property
    def balance(self) -> Decimal:
        return self.exports - self.imports


def dashboard(p: DashboardParams) -> Dashboard:
    rows = series(p)
    exports = sum((r.exports for r in rows), ZERO)
    imports = sum((r.imports for r in rows), ZERO)
    state_rows = by_state(p)
    state_exports = sum((r.exports for r in state_rows), ZERO)
    midwest_exports = sum((r.exports for r in state_rows if r.midwest), ZERO)
    nat = national()
    all_time = sum((r.platform_exports for r in nat), ZERO)
    jobs = jobs_panel(exports, p)
    ratio = jobs_ratio()
    all_time_estimate = jobs_supported(all_time, ratio) if ratio else None
    return Dashboard(
        params=p,
        series=rows,
        states=state_rows,
        provinces=by_province(p),
        chapters=by_chapter(p),
        businesses=top_exporters(p),
        national=nat,
        jobs=jobs,
        promise=promise(all_time, all_time_estimate),
        exports=exports,
        imports=imports,
        midwest_export_share=(midwest_exports * 100 / state_exports).quantize(Decimal("0.1"))
        if state_exports > 0
        else ZERO,
    )
