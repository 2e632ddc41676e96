"""Public JSON API of the trade dashboard: ``/api/v1/dashboard/...`` (no authentication).

Every endpoint takes the page's query parameters (``from``/``to`` as YYYY-MM, ``direction``,
``state``, ``province``, ``chapter``) and returns the numbers its chart draws, in USD.
"""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from twoway.dashboard import selectors

router = Router(tags=["dashboard"])


class DashboardFilters(Schema):
    from_: str | None = Field(None, alias="from", description="First month, YYYY-MM.")
    to: str | None = Field(None, description="Last month, YYYY-MM (default: latest with trade).")
    direction: str | None = Field(None, description="us_export or us_import (default: both).")
    state: str | None = Field(None, description="US state code, e.g. WI.")
    province: str | None = Field(None, description="GB/T 2260 province code, e.g. 31.")
    chapter: str | None = Field(None, description="HS chapter, e.g. 04.")

    def params(self) -> selectors.DashboardParams:
        return selectors.params_from(
            {
                "from": self.from_ or "",
                "to": self.to or "",
                "direction": self.direction or "",
                "state": self.state or "",
                "province": self.province or "",
                "chapter": self.chapter or "",
            }
        )


class PeriodOut(Schema):
    start: str
    end: str
    grain: str
    direction: str
    state: str
    province: str
    chapter: str


class FlowRowOut(Schema):
    key: str
    label: str
    exports_usd: Decimal
    imports_usd: Decimal
    balance_usd: Decimal
    midwest: bool = False


class FlowChartOut(Schema):
    period: PeriodOut
    rows: list[FlowRowOut]


class BusinessOut(Schema):
    business_id: int
    name: str
    state: str
    exports_usd: Decimal


class BusinessChartOut(Schema):
    period: PeriodOut
    rows: list[BusinessOut]


class NationalOut(Schema):
    year: int
    months: int
    census_exports_usd_m: Decimal
    census_imports_usd_m: Decimal | None
    census_balance_usd_m: Decimal
    platform_exports_usd: Decimal
    platform_imports_usd: Decimal
    source: str


class JobsOut(Schema):
    estimated_jobs: Decimal | None
    is_estimate: bool = True
    method: str
    ratio_year: int | None
    source: str
    reported_jobs: int
    reporting_businesses: int


class PromiseOut(Schema):
    us_small_businesses_exported: int
    businesses_target: int
    estimated_jobs: Decimal
    jobs_target: int
    midwest_businesses: int
    midwest_share_pct: Decimal
    pledge_date: str = "2017-01-09"
    withdrawn_date: str = "2018-09-19"
    source: str


class SummaryOut(Schema):
    period: PeriodOut
    exports_usd: Decimal
    imports_usd: Decimal
    balance_usd: Decimal
    midwest_export_share_pct: Decimal
    jobs: JobsOut
    promise: PromiseOut


PLEDGE_SOURCE = (
    "Fortune and Fox Business, 2017-01-09 (pledge); Reuters via The Sydney Morning Herald, "
    "2018-09-20 (withdrawal, Jack Ma to Xinhua on 2018-09-19)"
)


def _period(p: selectors.DashboardParams) -> PeriodOut:
    return PeriodOut(
        start=f"{p.start:%Y-%m}",
        end=f"{p.end_month:%Y-%m}",
        grain=p.grain,
        direction=p.direction,
        state=p.state,
        province=p.province,
        chapter=p.chapter,
    )


def _flow(p: selectors.DashboardParams, rows: list[selectors.FlowRow]) -> FlowChartOut:
    return FlowChartOut(
        period=_period(p),
        rows=[
            FlowRowOut(
                key=r.key,
                label=r.label,
                exports_usd=r.exports,
                imports_usd=r.imports,
                balance_usd=r.balance,
                midwest=r.midwest,
            )
            for r in rows
        ],
    )


@router.get("/series", response=FlowChartOut, summary="Exports, imports and balance over time")
def series(request: HttpRequest, filters: Query[DashboardFilters]):
    p = filters.params()
    return _flow(p, selectors.series(p))


@router.get("/states", response=FlowChartOut, summary="Trade by US state (Midwest flagged)")
def states(request: HttpRequest, filters: Query[DashboardFilters]):
    p = filters.params()
    return _flow(p, selectors.by_state(p))


@router.get("/provinces", response=FlowChartOut, summary="Trade by Chinese province")
def provinces(request: HttpRequest, filters: Query[DashboardFilters]):
    p = filters.params()
    return _flow(p, selectors.by_province(p))


@router.get("/chapters", response=FlowChartOut, summary="Trade by HS chapter")
def chapters(request: HttpRequest, filters: Query[DashboardFilters]):
    p = filters.params()
    return _flow(p, selectors.by_chapter(p))


@router.get(
    "/businesses", response=BusinessChartOut, summary="Top exporting businesses (consenting)"
)
def businesses(request: HttpRequest, filters: Query[DashboardFilters]):
    p = filters.params()
    return BusinessChartOut(
        period=_period(p),
        rows=[
            BusinessOut(
                business_id=b.business_id, name=b.name, state=b.state, exports_usd=b.exports
            )
            for b in selectors.top_exporters(p)
        ],
    )


@router.get(
    "/national", response=list[NationalOut], summary="US–China goods trade by year beside Twoway's"
)
def national(request: HttpRequest):
    return [
        NationalOut(
            year=r.year,
            months=r.months,
            census_exports_usd_m=r.exports_usd_m,
            census_imports_usd_m=r.imports_usd_m,
            census_balance_usd_m=r.balance_usd_m,
            platform_exports_usd=r.platform_exports,
            platform_imports_usd=r.platform_imports,
            source=r.source,
        )
        for r in selectors.national()
    ]


@router.get(
    "/summary", response=SummaryOut, summary="Totals, the jobs estimate and the promise tracker"
)
def summary(request: HttpRequest, filters: Query[DashboardFilters]):
    p = filters.params()
    d = selectors.dashboard(p)
    est = d.jobs.estimate
    pr = d.promise
    return SummaryOut(
        period=_period(p),
        exports_usd=d.exports,
        imports_usd=d.imports,
        balance_usd=d.balance,
        midwest_export_share_pct=d.midwest_export_share,
        jobs=JobsOut(
            estimated_jobs=est.jobs if est else None,
            method=est.method if est else "",
            ratio_year=est.ratio_year if est else None,
            source=est.source if est else "",
            reported_jobs=d.jobs.reported_jobs,
            reporting_businesses=d.jobs.reporting_businesses,
        ),
        promise=PromiseOut(
            us_small_businesses_exported=pr.small_businesses,
            businesses_target=pr.businesses_target,
            estimated_jobs=pr.estimated_jobs,
            jobs_target=pr.jobs_target,
            midwest_businesses=pr.midwest_businesses,
            midwest_share_pct=pr.midwest_pct,
            source=PLEDGE_SOURCE,
        ),
    )
