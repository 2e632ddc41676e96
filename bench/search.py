"""Search latency over a large catalogue: the embedded tantivy index in-process and over HTTP, vs
PostgreSQL full-text on the same queries, plus index build time, size and freshness.

    python -m bench.search [--products 1000000] [--queries 400] [--reuse] [--http-workers 2]

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/twoway_bench_search (created and
migrated here; its catalogue is replaced unless --reuse finds the same size). Products come from
the seed's COPY path (``SellerGenerator`` + ``sellers_write``: real bilingual product lines, 90 %
US sellers, 10 % Chinese sellers, 10 products each). The index is built under
``$TWOWAY_VAR_DIR/search`` (default ``var/bench-search``) by the full rebuild the
``search_rebuild`` command runs.

Queries: ``--queries`` (400) drawn from the glossary and the catalogue's words: half Chinese
(one or two words, some Traditional), half Latin script (English one or two words, some pinyin,
some with a typo), a share cross-lingual; each runs on the China storefront (the import ones on
the US storefront). Timed, after one warm-up pass:

* in-process: ``analyzer.query()`` + ``backend.search()`` top 20, no facets (``p50_ms`` ...)
  and with facets (``facets_p95_ms``);
* HTTP: ``GET /api/v1/search/products?page_size=20`` on gunicorn (2 sync workers): query,
  facets, the page's products read back from PostgreSQL with prices and eligibility;
* PostgreSQL full-text, the baseline: ``to_tsvector('simple', title_en || ' ' || title_zh)``
  under a GIN index, ``plainto_tsquery`` + ``ts_rank`` top 20 with the same market filter.

Freshness: a product's title is changed through ``catalog.services.product_update``; the outbox is
drained every 2 s (as Celery beat runs ``search.outbox_drain``); the time until a search finds the
new title (max of 5 runs). Last line:
{"bench": "search", "products": N, "queries": 400, "p50_ms": .., "p95_ms": .., "p99_ms": ..,
 "facets_p95_ms": .., "http_p50_ms": .., "http_p95_ms": .., "http_p99_ms": .., "index_build_s": ..,
 "index_mb": .., "freshness_s": .., "pg_p50_ms": .., "pg_p95_ms": .., "ratio_p95_vs_pg": .., ...}
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from bench._common import database_ensure, database_url, django_setup, result, say, timed

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/twoway_bench_search"
ROOT = Path(__file__).resolve().parent.parent
SETTINGS = "twoway.config.settings.local"
PER_SELLER = 10
DRAIN_EVERY_S = 2.0
ZERO_HITS = [0]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def _figures(ms: list[float]) -> tuple[float, float, float]:
    return tuple(round(_percentile(ms, q), 2) for q in (0.50, 0.95, 0.99))  # type: ignore[return-value]


def generate(products: int, seed: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from twoway.demo.generate import SeedPlan, SellerGenerator
    from twoway.demo.seeding import sellers_write
    from twoway.demo.writers import CopyWriter

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE search_searchoutbox, catalog_product, businesses_membership, "
            "businesses_business CASCADE"
        )
    sellers = max(1, products // PER_SELLER)
    plan = SeedPlan(
        seed=seed, us_sellers=sellers - sellers // 10, cn_sellers=sellers // 10,
        products_per_seller=PER_SELLER,
    )  # fmt: skip
    generator = SellerGenerator(plan, first_business_id=1, first_product_id=1, now=timezone.now())
    sellers_write(
        generator=generator, writer=CopyWriter(), batch_size=2000, large=products > 100_000
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE catalog_product")


def queries(n: int, seed: int) -> list[tuple[str, str, str]]:
    """(query, market, kind): half Chinese, half Latin script (English, pinyin, typos)."""
    from twoway.demo.catalogue import CN_LINES, US_LINES
    from twoway.search.documents import analyzer
    from twoway.search.rules.analyze import pinyin_of

    rng = random.Random(seed)
    a = analyzer()
    us_zh = sorted({w for line in US_LINES for w in a.zh_words(line.name_zh) if len(w) >= 2})
    cn_zh = sorted({w for line in CN_LINES for w in a.zh_words(line.name_zh) if len(w) >= 2})
    us_en = sorted({w for line in US_LINES for w in a.en_words(line.name_en) if len(w) >= 4})
    cn_en = sorted({w for line in CN_LINES for w in a.en_words(line.name_en) if len(w) >= 4})
    glossary_zh = sorted(a.glossary.zh_to_en)  # cross-lingual: names the titles may not use
    glossary_en = sorted(t for t in a.glossary.en_to_zh if t.isascii())
    traditional = {
        "枫糖浆": "楓糖漿",
        "花旗参": "花旗參",
        "蜂蜜": "蜂蜜",
        "奶酪": "奶酪",
        "牛肉干": "牛肉乾",
    }

    def typo(word: str) -> str:
        i = rng.randrange(1, len(word) - 1)
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]

    out: list[tuple[str, str, str]] = []
    half = n // 2
    for i in range(half):  # Chinese
        market = "us_import" if i % 5 == 4 else "cn_export"
        words = cn_zh if market == "us_import" else us_zh
        r = i % 10
        if r < 5:
            out.append((rng.choice(words), market, "zh1"))
        elif r < 7:
            out.append((f"{rng.choice(words)} {rng.choice(words)}", market, "zh2"))
        elif r < 9:
            out.append((rng.choice(glossary_zh), market, "zh_xl"))
        else:
            out.append((rng.choice(list(traditional.values())), "cn_export", "zh_tc"))
    for i in range(n - half):  # Latin script
        market = "us_import" if i % 5 == 4 else "cn_export"
        words = cn_en if market == "us_import" else us_en
        r = i % 10
        if r < 4:
            out.append((rng.choice(words), market, "en1"))
        elif r < 6:
            out.append((f"{rng.choice(words)} {rng.choice(words)}", market, "en2"))
        elif r < 7:
            out.append((rng.choice(glossary_en), market, "en_xl"))
        elif r < 9:
            full, initials = pinyin_of(rng.choice(us_zh))
            out.append((full if r == 7 else initials, "cn_export", "pinyin"))
        else:
            word = rng.choice([w for w in words if len(w) >= 5] or words)
            out.append((typo(word), market, "typo"))
    rng.shuffle(out)
    return out


def time_in_process(qs, *, facets: bool) -> list[float]:
    from twoway.search.backends import get_backend
    from twoway.search.backends.base import SearchRequest
    from twoway.search.documents import analyzer
    from twoway.search.selectors import PRICE_BANDS

    backend, a = get_backend(), analyzer()
    ms = []
    for q, market, _kind in qs:
        start = time.perf_counter()
        found = backend.search(
            SearchRequest(
                plan=a.query(q), market=market, limit=20, facets=facets, bands=PRICE_BANDS[market]
            )
        )
        ms.append((time.perf_counter() - start) * 1000)
        ZERO_HITS[0] += not found.hits
    return ms


def pg_prepare() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS bench_product_fts ON catalog_product USING gin "
            "(to_tsvector('simple', title_en || ' ' || title_zh))"
        )
        cursor.execute("ANALYZE catalog_product")


PG_SQL = (
    "SELECT id FROM catalog_product, plainto_tsquery('simple', %s) query "
    "WHERE to_tsvector('simple', title_en || ' ' || title_zh) @@ query "
    "AND status = 'active' AND {market} "
    "ORDER BY ts_rank(to_tsvector('simple', title_en || ' ' || title_zh), query) DESC LIMIT 20"
)


def time_pg(qs) -> tuple[list[float], int]:
    from django.db import connection

    ms, zero = [], 0
    with connection.cursor() as cursor:
        for q, market, _kind in qs:
            flag = "market_cn_export" if market == "cn_export" else "market_us_import"
            start = time.perf_counter()
            cursor.execute(PG_SQL.format(market=flag), [q])
            rows = cursor.fetchall()
            ms.append((time.perf_counter() - start) * 1000)
            zero += not rows
    return ms, zero


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn_start(url: str, port: int, workers: int, log: Path) -> subprocess.Popen:
    env = dict(
        os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE=SETTINGS, DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost", LOG_LEVEL="WARNING",
    )  # fmt: skip
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen(
        [str(gunicorn), "twoway.config.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb"),
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/openapi.json")
            conn.getresponse().read()
            conn.close()
            return proc
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer within 90 s")


def gunicorn_stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _get(conn: http.client.HTTPConnection, q: str, market: str) -> dict:
    import json

    conn.request(
        "GET", "/api/v1/search/products?" + urlencode({"q": q, "market": market, "page_size": 20})
    )
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise SystemExit(f"HTTP {response.status} for {q!r}: {body[:300]!r}")
    return json.loads(body)


def time_http(port: int, qs) -> tuple[list[float], str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    ms, backend = [], ""
    try:
        for q, market, _kind in qs:
            start = time.perf_counter()
            backend = _get(conn, q, market)["backend"]
            ms.append((time.perf_counter() - start) * 1000)
    finally:
        conn.close()
    return ms, backend


def freshness(runs: int, port: int) -> list[float]:
    """Title change through the catalogue service → found by a search over HTTP, with the outbox
    drained every ``DRAIN_EVERY_S`` seconds in a background thread (as beat would)."""
    from django.db import close_old_connections, transaction

    from twoway.businesses.models import Membership
    from twoway.catalog.models import Product
    from twoway.catalog.services import product_update
    from twoway.identity.models import Role, User
    from twoway.search.services import outbox_drain

    stop = threading.Event()

    def drainer() -> None:
        while not stop.is_set():
            outbox_drain()
            close_old_connections()
            stop.wait(DRAIN_EVERY_S)

    product = Product.objects.filter(status="active", market_cn_export=True).order_by("id").first()
    user, _ = User.objects.get_or_create(
        username="bench-search-seller", defaults={"role": Role.SELLER_STAFF}
    )
    Membership.objects.get_or_create(user=user, business=product.business)
    thread = threading.Thread(target=drainer, daemon=True)
    thread.start()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    out = []
    try:
        for n in range(runs):
            word = f"freshword{n}x{random.randrange(10**6)}"
            with transaction.atomic():
                product_update(
                    product=product, by=user, title_en=f"{product.title_en[:150]} {word}"
                )
            start = time.monotonic()
            while time.monotonic() - start < 30:
                if _get(conn, word, "cn_export")["total"]:
                    break
                time.sleep(0.05)
            out.append(time.monotonic() - start)
            time.sleep(random.uniform(0, DRAIN_EVERY_S))  # land anywhere in the drain cycle
    finally:
        stop.set()
        thread.join()
        conn.close()
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument(
        "--reuse", action="store_true", help="Keep catalogue and index if sized so."
    )
    parser.add_argument("--http-workers", type=int, default=2)
    parser.add_argument("--freshness-runs", type=int, default=5)
    args = parser.parse_args(argv)

    os.environ.setdefault("TWOWAY_VAR_DIR", str(ROOT / "var" / "bench-search"))
    Path(os.environ["TWOWAY_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    url = database_url(DEFAULT_URL)
    name = database_ensure(url)
    django_setup(url, settings=SETTINGS)

    from twoway.catalog.models import Product
    from twoway.reference.services import reference_load_all
    from twoway.search import services
    from twoway.search.backends import tantivy_backend

    reference_load_all(if_changed=True)
    have = Product.objects.count()
    backend = tantivy_backend()
    if args.reuse and have == args.products:
        say(f"database {name}: reusing {have:,} products")
    else:
        with timed() as gen_t:
            generate(args.products, args.seed)
        say(f"database {name}: {Product.objects.count():,} products generated in {gen_t[0]:.1f} s")
    build_s = None
    if not (args.reuse and backend.available() and have == args.products):
        last = [time.monotonic()]

        def progress(done: int, total: int) -> None:
            if time.monotonic() - last[0] > 30:
                last[0] = time.monotonic()
                say(f"  indexed {done:,} of {total:,}")

        with timed() as build_t:
            indexed = services.index_rebuild(progress=progress)
        build_s = round(build_t[0], 1)
        say(f"index: {indexed:,} products in {build_s} s")
    index_mb = round(backend.size_bytes() / 1e6, 1)
    say(f"index size {index_mb} MB at {backend.current_dir()}")

    qs = queries(args.queries, args.seed)
    time_in_process(qs, facets=False)  # warm-up
    ZERO_HITS[0] = 0
    ms = time_in_process(qs, facets=False)
    zero_hits = ZERO_HITS[0]
    p50, p95, p99 = _figures(ms)
    say(f"in-process top 20, {len(ms)} queries: p50 {p50} ms, p95 {p95} ms, p99 {p99} ms")
    fms = time_in_process(qs, facets=True)
    f50, f95, f99 = _figures(fms)
    say(f"in-process top 20 + facets: p50 {f50} ms, p95 {f95} ms, p99 {f99} ms")
    kinds: dict[str, list[float]] = {}
    for (_q, _m, kind), t in zip(qs, ms, strict=True):
        kinds.setdefault(kind, []).append(t)
    say(
        "  by kind (p95 ms): "
        + ", ".join(f"{k} {_percentile(v, 0.95):.2f}" for k, v in sorted(kinds.items()))
    )

    pg_prepare()
    time_pg(qs[:50])
    pms, pg_zero = time_pg(qs)
    g50, g95, g99 = _figures(pms)
    say(
        f"PostgreSQL full-text top 20: p50 {g50} ms, p95 {g95} ms, p99 {g99} ms; {pg_zero} queries found nothing"
    )

    port = _free_port()
    log = Path(os.environ["TWOWAY_VAR_DIR"]) / "gunicorn-search.log"
    proc = gunicorn_start(url, port, args.http_workers, log)
    try:
        time_http(port, qs)  # warm-up (each worker opens the index, loads jieba)
        hms, http_backend = time_http(port, qs)
        h50, h95, h99 = _figures(hms)
        say(f"HTTP /api/v1/search/products ({http_backend}), page of 20 with facets: "
            f"p50 {h50} ms, p95 {h95} ms, p99 {h99} ms")  # fmt: skip
        fresh = freshness(args.freshness_runs, port)
        say(f"freshness (change → found over HTTP, drain every {DRAIN_EVERY_S:g} s): "
            + ", ".join(f"{f:.2f}" for f in fresh) + " s")  # fmt: skip
    finally:
        gunicorn_stop(proc)
    result({
        "bench": "search",
        "products": Product.objects.count(),
        "queries": len(qs),
        "p50_ms": p50, "p95_ms": p95, "p99_ms": p99,
        "facets_p50_ms": f50, "facets_p95_ms": f95, "facets_p99_ms": f99,
        "http_p50_ms": h50, "http_p95_ms": h95, "http_p99_ms": h99,
        "index_build_s": build_s, "index_mb": index_mb,
        "freshness_s": round(max(fresh), 2), "freshness_mean_s": round(statistics.fmean(fresh), 2),
        "zero_hit_queries": zero_hits,
        "pg_p50_ms": g50, "pg_p95_ms": g95, "pg_p99_ms": g99, "pg_zero_hit_queries": pg_zero,
        "ratio_p95_vs_pg": round(p95 / g95, 4) if g95 else None,
    })  # fmt: skip


if __name__ == "__main__":
    main()
