"""Dashboard benchmark: API latency at 10,000 and at N (default 10,000,000) ledger entries.

    python -m bench.dashboard [--entries 10000000] [--requests 300]

PostgreSQL from DATABASE_URL (default postgres://postgres@127.0.0.1:5432/twoway_bench_dash); the
bench drops and recreates its own database, migrates it and loads the reference data. Steps:

1. post 10,000 entries through ``trade_flows_post`` (one transaction per order of 1-3 lines, with
   the rollup upserts) → posting rate;
2. p50/p95 of the public JSON endpoints over several filter combinations;
3. COPY the ledger up to ``--entries`` (same distribution), ``rollups_rebuild()`` → rebuild rate;
4. the same requests again. Last line: one JSON object with ``ratio_p95`` = p95 large / p95 small.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import statistics
import time
from decimal import Decimal

from bench._common import database_url, django_setup, result, say, timed

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/twoway_bench_dash"
SMALL = 10_000
YEAR_END = dt.date(2025, 12, 31)
DAYS = 365
US_BUSINESSES, CN_BUSINESSES = 400, 100
MIDWEST = ["IL", "IN", "IA", "KS", "MI", "MN", "MO", "NE", "ND", "OH", "SD", "WI"]
OTHER_STATES = ["CA", "TX", "NY", "WA", "FL", "GA", "PA", "NC", "OR", "MA", "NJ", "VA", "CO", "AZ"]
PROVINCES = ["11", "31", "44", "32", "33", "37", "51", "42", "12", "50", "35", "43", "41", "21"]
CHAPTERS = [
    "04",
    "08",
    "09",
    "20",
    "22",
    "33",
    "61",
    "62",
    "64",
    "85",
    "94",
    "95",
    "42",
    "39",
    "71",
    "84",
    "90",
    "21",
    "19",
    "30",
]


def _drop_and_create(url: str) -> None:
    from urllib.parse import urlparse, urlunparse

    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunparse(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


class Flows:
    """Deterministic, skewed trade: Midwest-heavy exports, coastal provinces, Zipf-ish chapters."""

    def __init__(self, seed: int, us_ids: list[int], cn_ids: list[int]) -> None:
        self.rng = random.Random(seed)
        self.us_ids, self.cn_ids = us_ids, cn_ids
        self.states = MIDWEST + OTHER_STATES
        self.state_w = [4] * len(MIDWEST) + [2] * len(OTHER_STATES)
        self.prov_w = [1 / (i + 1) for i in range(len(PROVINCES))]
        self.chap_w = [1 / (i + 1) ** 0.8 for i in range(len(CHAPTERS))]
        self.business_state = {}

    def business_state_of(self, business_id: int) -> str:
        return self.business_state.setdefault(
            business_id, self.rng.choices(self.states, self.state_w)[0]
        )

    def line(self) -> tuple:
        r = self.rng
        export = r.random() < 0.65
        business = r.choice(self.us_ids if export else self.cn_ids)
        state = (
            self.business_state_of(business) if export else r.choices(self.states, self.state_w)[0]
        )
        province = r.choices(PROVINCES, self.prov_w)[0]
        chapter = r.choices(CHAPTERS, self.chap_w)[0]
        hs = f"{chapter}{r.randrange(1, 99):02d}{r.randrange(0, 99):02d}"
        qty = r.choice((1, 1, 1, 2, 3, 6))
        value = Decimal(r.randrange(500, 30_000)) / 100 * qty
        day = YEAR_END - dt.timedelta(days=r.randrange(DAYS))
        return (
            "us_export" if export else "us_import",
            day,
            state,
            province,
            hs,
            qty,
            value,
            business,
            "US" if export else "CN",
        )


def setup_businesses() -> tuple[list[int], list[int]]:
    from twoway.businesses.models import Business

    us = [
        Business(
            legal_name=f"Bench US {i}",
            country="US",
            us_state_id=(MIDWEST + OTHER_STATES)[i % 26],
            city="X",
            postal_code="00000",
            employee_count=5 + i % 40,
            registration_number=f"BUS{i:08d}",
            show_on_dashboard=i % 3 == 0,
        )
        for i in range(US_BUSINESSES)
    ]
    cn = [
        Business(
            legal_name=f"Bench CN {i}",
            country="CN",
            cn_province_id=PROVINCES[i % 14],
            city="X",
            postal_code="000000",
            employee_count=30,
            registration_number=f"BCN{i:08d}",
        )
        for i in range(CN_BUSINESSES)
    ]
    Business.objects.bulk_create(us + cn)
    return (
        [b.pk for b in Business.objects.filter(country="US").order_by("pk")],
        [b.pk for b in Business.objects.filter(country="CN").order_by("pk")],
    )


def post_small(flows: Flows, target: int) -> float:
    """Post ``target`` entries through the service, one order (1-3 lines) per transaction."""
    from django.db import transaction

    from twoway.ledger.services import TradeFlowInput, trade_flows_post

    posted, order_id, line_id = 0, 0, 0
    started = time.perf_counter()
    while posted < target:
        order_id += 1
        first = flows.line()
        lines = []
        for _ in range(min(flows.rng.choice((1, 1, 2, 3)), target - posted)):
            line_id += 1
            d, day, state, prov, hs, qty, value, business, country = flows.line()
            lines.append(
                TradeFlowInput(
                    direction=first[0],
                    order_id=order_id,
                    order_number=f"TWB{order_id:010d}",
                    order_line_id=line_id,
                    business_id=first[7],
                    business_country=first[8],
                    hs_code=hs,
                    quantity=qty,
                    customs_value_usd=value,
                    us_state=first[2],
                    cn_province=first[3],
                )
            )
        at = dt.datetime.combine(first[1], dt.time(12), tzinfo=dt.UTC)
        with transaction.atomic():
            trade_flows_post(lines=lines, posted_at=at)
        posted += len(lines)
    return posted / (time.perf_counter() - started)


REQUESTS = [
    "summary?from=2025-01&to=2025-12",
    "series?from=2025-01&to=2025-12",
    "series?from=2025-10&to=2025-12",
    "states?from=2025-01&to=2025-12&direction=us_export",
    "provinces?from=2025-01&to=2025-12&state=WI",
    "chapters?from=2025-01&to=2025-12&province=31",
    "chapters?from=2025-07&to=2025-12&chapter=04",
    "businesses?from=2025-01&to=2025-12",
    "states?from=2025-04&to=2025-06&chapter=85&direction=us_import",
    "series?from=2025-01&to=2025-12&state=IL",
]


def measure(n: int) -> tuple[float, float]:
    from django.core.cache import cache
    from django.test import Client

    client = Client()
    for url in REQUESTS:  # warm up: connection, caches, plans
        assert client.get(f"/api/v1/dashboard/{url}").status_code == 200
    times = []
    for i in range(n):
        url = REQUESTS[i % len(REQUESTS)]
        cache.delete("dashboard:data_months")
        start = time.perf_counter()
        response = client.get(f"/api/v1/dashboard/{url}")
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.content[:300]
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def bulk_load(flows: Flows, count: int, start_order: int) -> float:
    """COPY ``count`` shipment entries into the ledger (secondary indexes dropped and rebuilt)."""
    from django.db import connection

    table = "ledger_tradeflowentry"
    cols = (
        "direction, entry_date, posted_at, kind, us_state, cn_province, hs_chapter, hs_heading, "
        "hs_code, customs_value_usd, quantity, order_id, order_number, order_line_id, "
        "business_id, business_country"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
            "AND indexname IN ('ledger_entry_date', 'ledger_entry_order', "
            "'ledger_entry_order_number', 'ledger_entry_business')",
            [table],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    started = time.perf_counter()
    batch = 200_000
    written = 0
    raw = connection.connection
    while written < count:
        n = min(batch, count - written)
        buf = io.StringIO()
        for i in range(n):
            d, day, state, prov, hs, qty, value, business, country = flows.line()
            oid = start_order + written + i
            buf.write(
                f"{d}\t{day}\t{day} 12:00:00+00\tshipment\t{state}\t{prov}\t{hs[:2]}\t{hs[:4]}\t"
                f"{hs}\t{value}\t{qty}\t{oid}\tTWB{oid:010d}\t{oid}\t{business}\t{country}\n"
            )
        with raw.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            copy.write(buf.getvalue())
        raw.commit() if not raw.autocommit else None
        written += n
        say(f"  copied {written:,} / {count:,} ({time.perf_counter() - started:.0f} s)")
    with connection.cursor() as cursor:
        for _, definition in indexes:
            cursor.execute(definition)
        cursor.execute(f"ANALYZE {table}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    url = database_url(DEFAULT_URL)
    _drop_and_create(url)
    django_setup(url)
    from django.db import connection

    from twoway.ledger.models import TradeFlowEntry
    from twoway.ledger.services import rollups_rebuild
    from twoway.reference.services import reference_load_all

    reference_load_all()
    us_ids, cn_ids = setup_businesses()
    flows = Flows(args.seed, us_ids, cn_ids)
    say(f"posting {SMALL:,} entries through trade_flows_post ...")
    post_rate = post_small(flows, SMALL)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    say(f"  {post_rate:,.0f} entries/s (entries + rollup upserts, one transaction per order)")
    p50_s, p95_s = measure(args.requests)
    say(f"at {SMALL:,} entries: p50 {p50_s:.2f} ms, p95 {p95_s:.2f} ms")
    large = max(args.entries, SMALL)
    say(f"bulk-loading to {large:,} entries (COPY) ...")
    bulk_load(flows, large - SMALL, start_order=10_000_000)
    with timed() as t:
        rebuilt = rollups_rebuild()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    rebuild_rate = rebuilt.entries / t[0]
    say(
        f"rollups rebuilt from {rebuilt.entries:,} entries in {t[0]:.1f} s ({rebuild_rate:,.0f} "
        f"entries/s): {rebuilt.rollup_rows:,} day rows, {rebuilt.cube_rows:,} cube rows, "
        f"{rebuilt.business_rows:,} business-month rows"
    )
    assert TradeFlowEntry.objects.count() == large
    p50_l, p95_l = measure(args.requests)
    say(f"at {large:,} entries: p50 {p50_l:.2f} ms, p95 {p95_l:.2f} ms")
    result(
        {
            "bench": "dashboard",
            "entries_small": SMALL,
            "entries_large": large,
            "p50_small_ms": round(p50_s, 2),
            "p95_small_ms": round(p95_s, 2),
            "p50_large_ms": round(p50_l, 2),
            "p95_large_ms": round(p95_l, 2),
            "ratio_p95": round(p95_l / p95_s, 2),
            "post_entries_per_s": round(post_rate),
            "rebuild_entries_per_s": round(rebuild_rate),
        }
    )


if __name__ == "__main__":
    main()
