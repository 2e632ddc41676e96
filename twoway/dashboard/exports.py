"""Chart data as CSV rows (the same numbers the charts draw), and the raw ledger as CSV or
Parquet for regulators."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from typing import Any

from twoway.core.csvsafe import safe_writer
from twoway.ledger import selectors as ledger

from . import selectors

CHARTS = ("series", "states", "provinces", "chapters", "businesses", "national", "summary")


def chart_table(chart: str, p: selectors.DashboardParams) -> tuple[list[str], list[list[object]]]:
    """Header and rows of one chart's data, in USD."""
    if chart in ("series", "states", "provinces", "chapters"):
        rows = {
            "series": selectors.series,
            "states": selectors.by_state,
            "provinces": selectors.by_province,
            "chapters": selectors.by_chapter,
        }[chart](p)
        key = {
            "series": "period",
            "states": "state",
            "provinces": "province",
            "chapters": "hs_chapter",
        }[chart]
        header = [key, "label", "exports_usd", "imports_usd", "balance_usd"]
        if chart == "states":
            header.append("midwest")
            return header, [
                [r.key, r.label, r.exports, r.imports, r.balance, r.midwest] for r in rows
            ]
        return header, [[r.key, r.label, r.exports, r.imports, r.balance] for r in rows]
    if chart == "businesses":
        return (
            ["business_id", "name", "state", "exports_usd"],
            [[b.business_id, b.name, b.state, b.exports] for b in selectors.top_exporters(p)],
        )
    if chart == "national":
        return (
            [
                "year",
                "months",
                "census_us_exports_usd_m",
                "census_us_imports_usd_m",
                "census_balance_usd_m",
                "platform_exports_usd",
                "platform_imports_usd",
                "source",
            ],
            [
                [
                    r.year,
                    r.months,
                    r.exports_usd_m,
                    r.imports_usd_m,
                    r.balance_usd_m,
                    r.platform_exports,
                    r.platform_imports,
                    r.source,
                ]
                for r in selectors.national()
            ],
        )
    if chart == "summary":
        d = selectors.dashboard(p)
        est = d.jobs.estimate
        pr = d.promise
        return (
            ["measure", "value", "note"],
            [
                ["period_from", f"{p.start:%Y-%m}", ""],
                ["period_to", f"{p.end_month:%Y-%m}", ""],
                ["exports_usd", d.exports, ""],
                ["imports_usd", d.imports, ""],
                ["balance_usd", d.balance, ""],
                ["estimated_jobs_supported", est.jobs if est else "", est.method if est else ""],
                ["jobs_ratio_year", est.ratio_year if est else "", est.source if est else ""],
                [
                    "jobs_reported_by_exporting_sellers",
                    d.jobs.reported_jobs,
                    f"{d.jobs.reporting_businesses} US businesses that exported in the period",
                ],
                ["us_small_businesses_exported_all_time", pr.small_businesses, "pledge: 1,000,000"],
                ["estimated_jobs_all_time", pr.estimated_jobs, "pledge: 1,000,000"],
                ["midwest_share_of_exporting_small_businesses_pct", pr.midwest_pct, ""],
                ["midwest_share_of_export_value_pct", d.midwest_export_share, ""],
            ],
        )
    raise KeyError(chart)


def csv_text(header: list[str], rows: list[list[object]]) -> str:
    out = io.StringIO()
    writer = safe_writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


class _Echo:
    def write(self, value: str) -> str:
        return value


def ledger_csv_stream(flt: ledger.EntryFilter) -> Iterator[str]:
    writer = safe_writer(_Echo())
    yield writer.writerow(ledger.EXPORT_FIELDS)
    for row in ledger.entries_export_rows(flt):
        yield writer.writerow(row)


def ledger_parquet_bytes(flt: ledger.EntryFilter, batch: int = 50_000) -> bytes:
    """The matching entries as one Parquet file (pyarrow), written in row groups of ``batch``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([
        ("id", pa.int64()), ("kind", pa.string()), ("direction", pa.string()),
        ("entry_date", pa.date32()), ("posted_at", pa.timestamp("us", tz="UTC")),
        ("us_state", pa.string()), ("cn_province", pa.string()), ("hs_chapter", pa.string()),
        ("hs_heading", pa.string()), ("hs_code", pa.string()),
        ("customs_value_usd", pa.decimal128(14, 2)), ("quantity", pa.int64()),
        ("order_id", pa.int64()), ("order_number", pa.string()), ("order_line_id", pa.int64()),
        ("business_id", pa.int64()), ("business_country", pa.string()),
        ("reverses_id", pa.int64()),
    ])  # fmt: skip
    sink = io.BytesIO()
    with pq.ParquetWriter(sink, schema) as writer:
        chunk: list[tuple] = []

        def flush() -> None:
            columns: list[Sequence[Any]] = (
                list(zip(*chunk, strict=True)) if chunk else [[] for _ in schema]
            )
            writer.write_table(
                pa.Table.from_arrays(
                    [
                        pa.array(list(col), type=field.type)
                        for col, field in zip(columns, schema, strict=True)
                    ],
                    schema=schema,
                )
            )

        for row in ledger.entries_export_rows(flt):
            chunk.append(row)
            if len(chunk) >= batch:
                flush()
                chunk = []
        if chunk or writer is not None:
            flush()
    return sink.getvalue()
