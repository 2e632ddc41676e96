"""Checkout throughput: orders/s through ``purchase_place`` (export channel) and through HTTP
(gunicorn) vs a raw-SQL baseline doing the same writes, measured in the same run on PostgreSQL.

    python -m bench.checkout [--quick] [--orders N] [--http-clients 16] [--workers 4] [--no-http]
                             [--pgbench-seconds 10] [--no-pgbench]

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/twoway_bench_checkout (created and
migrated here; its checkout, catalog, business and user tables are emptied at the start).

Workload: 20 US sellers x 10 positive-list products (stock large enough never to run out), a
pool of buyers each with a verified real-name identity and an API key. Every order has one or two
lines (quantity 1-2) on products picked at random, so an order can span two sellers (split into two
orders). Each client (a thread with its own database connection) uses its own buyers, so clients
meet only on product rows, as real buyers do. The same orders are replayed by:

* the service: ``purchase_place`` in the export channel with an Idempotency-Key (all its reads and
  writes);
* raw SQL (psycopg 3, prepared statements, one transaction per order): the very statements the
  service sends, built by ``twoway.checkout.writes`` — INSERT purchase (claims the key), one
  conditional stock UPDATE for every line (rows locked in product-id order), the quota upsert
  with its limit in the WHERE, and orders + lines + events in one statement — with every value
  computed beforehand;
* HTTP: POST /api/v1/checkout/purchases to gunicorn (``--workers`` sync workers) with API keys;
* pgbench, the physical anchor: PostgreSQL's C client runs scripts generated from the raw
  client's statements (one per order shape, weighted as the workload), prepared, at 1/8/32 and
  the HTTP clients: ``orders_per_s_pgbench``, ``ratio_service_pgbench`` (service at 8 clients /
  pgbench at 8), ``ratio_http_pgbench`` (HTTP / pgbench at the HTTP clients).

Between runs the order tables and quota rows are truncated and stock is reset, so every run starts
from the same state. A hot-SKU run then sends 32 clients at 10 SKUs of known stock and checks the
stock arithmetic exactly. The last line is JSON (see ``main``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import http.client
import json
import math
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from bench._common import database_ensure, database_url, django_setup, result, say

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/twoway_bench_checkout"
SETTINGS = "twoway.config.settings.local"
ROOT = Path(__file__).resolve().parent.parent
SELLERS = 20
PRODUCTS_PER_SELLER = 10
HOT_SKUS = 10
HOT_STOCK = 300
BIG_STOCK = 1_000_000
ORDERS_PER_BUYER = 40  # keeps every buyer far inside the annual quota within one run
CENT = Decimal("0.01")
HTTP_WORKERS = 4  # sync workers on 2 cores: a worker waits on PostgreSQL much of each request


# --- workload ------------------------------------------------------------------------------


@dataclass
class Buyer:
    user: object
    identity: object
    api_key: str


@dataclass
class Job:
    buyer: Buyer
    items: dict[int, int]
    key: str
    raw: object = None  # precomputed rows for the raw baseline


@dataclass
class RunStats:
    clients: int
    jobs: int
    seconds: float = 0.0
    ok: int = 0
    out_of_stock: int = 0
    other_errors: int = 0
    latencies: list[float] = field(default_factory=list)
    first_error: str = ""

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(math.ceil(q * len(ordered))) - 1)] * 1000


def _id_numbers(count: int) -> list[str]:
    from stdnum.cn import ric

    out = []
    day = dt.date(1980, 1, 1)
    while len(out) < count:
        for seq in range(1, 1000):
            base = f"110105{day:%Y%m%d}{seq:03d}"
            out.append(base + ric.calc_check_digit(base + "0"))
            if len(out) == count:
                break
        day += dt.timedelta(days=1)
    return out


def _reset_all() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE checkout_orderevent, checkout_orderline, checkout_order, checkout_purchase,"
            " checkout_quotausage, checkout_cartline, checkout_cart, catalog_product,"
            " businesses_membership, businesses_business, identity_apikey,"
            " identity_realnameidentity, identity_user CASCADE"
        )


def _reset_orders(stock: dict[int, int]) -> None:
    """Empty the order tables and quota, put stock back: every run starts from the same state."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE checkout_orderevent, checkout_orderline, checkout_order, checkout_purchase,"
            " checkout_quotausage CASCADE"
        )
        cursor.execute(
            "UPDATE catalog_product AS p SET stock_on_hand = v.stock FROM"
            " unnest(%s::bigint[], %s::int[]) AS v(id, stock) WHERE p.id = v.id",
            [list(stock), list(stock.values())],
        )
        cursor.execute("VACUUM ANALYZE catalog_product")
        cursor.execute("CHECKPOINT")


def _create_world(buyer_count: int, hot_stock: int):
    """Sellers, products (throughput pool + hot SKUs) and buyers with identities and API keys."""
    from django.utils import timezone

    from twoway.businesses.models import Business
    from twoway.catalog.models import Product
    from twoway.identity.models import User
    from twoway.identity.services import api_key_issue, real_name_identity_register
    from twoway.reference.models import PositiveListEntry

    entry = PositiveListEntry.objects.filter(status="listed", hs_code_cn__startswith="0409").first()
    entry = (
        entry or PositiveListEntry.objects.filter(status="listed").order_by("hs_code_cn").first()
    )
    line = entry.hs_code_cn[:8]
    states = ["WI", "MN", "IA", "IL", "MI", "OH", "IN", "MO", "KS", "NE"]
    now = timezone.now()
    rng = random.Random(7)
    sellers = [
        Business.objects.create(
            legal_name=f"Midwest Bench Seller {i} LLC", country="US", us_state_id=states[i % 10],
            city="Madison", postal_code="53703", employee_count=6,
            registration_number=f"04-9{i:06d}",
        )
        for i in range(SELLERS + 1)
    ]  # fmt: skip

    def product(business, n: int, stock: int) -> Product:
        return Product(
            business=business, sku=f"BENCH-{n}", title_en=f"Wisconsin honey {n}",
            title_zh=f"威斯康星蜂蜜{n}", hs_code=line[:6], cn_tariff_line=line, origin_country="US",
            origin_us_state_id=business.us_state_id,
            unit_price=Decimal(rng.randrange(300, 900)) / 100, currency="USD",
            weight_kg=Decimal("0.200"), stock_on_hand=stock, market_cn_export=True, status="active",
            created_at=now, updated_at=now,
        )  # fmt: skip

    pool = [
        product(sellers[s], s * PRODUCTS_PER_SELLER + k, BIG_STOCK)
        for s in range(SELLERS)
        for k in range(PRODUCTS_PER_SELLER)
    ]
    hot = [product(sellers[SELLERS], 10_000 + k, hot_stock) for k in range(HOT_SKUS)]
    Product.objects.bulk_create(pool + hot)
    buyers = []
    for i, id_number in enumerate(_id_numbers(buyer_count)):
        user = User.objects.create(username=f"benchbuyer{i}", role="consumer_cn")
        identity = real_name_identity_register(user=user, full_name="张三", id_number=id_number)
        _, key = api_key_issue(user=user)
        buyers.append(Buyer(user=user, identity=identity, api_key=key))
    products = {
        p.pk: p
        for p in Product.objects.select_related("business").filter(
            pk__in=[p.pk for p in pool + hot]
        )
    }
    return [products[p.pk] for p in pool], [products[p.pk] for p in hot], buyers


def _jobs(
    *,
    clients: int,
    total: int,
    buyers: list[Buyer],
    products: list,
    rng: random.Random,
    max_lines: int = 2,
    max_qty: int = 2,
    tag: str,
) -> list[list[Job]]:
    """``total`` orders split over ``clients``; each client has its own slice of buyers."""
    per_client = [total // clients + (1 if c < total % clients else 0) for c in range(clients)]
    need = max(1, math.ceil(max(per_client) / ORDERS_PER_BUYER))
    if need * clients > len(buyers):
        raise SystemExit(f"Not enough buyers: {clients} clients x {need} > {len(buyers)}")
    out = []
    for c in range(clients):
        mine = buyers[c * need : (c + 1) * need]
        jobs = []
        for n in range(per_client[c]):
            chosen = rng.sample(products, rng.randint(1, max_lines))
            items = {p.pk: rng.randint(1, max_qty) for p in chosen}
            jobs.append(
                Job(buyer=mine[n % need], items=items, key=f"{tag}-{c}-{n}-{secrets.token_hex(4)}")
            )
        out.append(jobs)
    return out


def _threads(target, per_client: list[list[Job]], stats: RunStats) -> RunStats:
    """Run ``target(jobs, stats_part, barrier)`` in one thread per client; time the slowest."""
    barrier = threading.Barrier(len(per_client) + 1)
    parts = [RunStats(clients=1, jobs=len(j)) for j in per_client]
    threads = [
        threading.Thread(target=target, args=(jobs, part, barrier), daemon=True)
        for jobs, part in zip(per_client, parts, strict=True)
    ]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    stats.seconds = time.perf_counter() - start
    for part in parts:
        stats.ok += part.ok
        stats.out_of_stock += part.out_of_stock
        stats.other_errors += part.other_errors
        stats.latencies.extend(part.latencies)
        stats.first_error = stats.first_error or part.first_error
    return stats


# --- the service ---------------------------------------------------------------------------

CONSIGNEE = ("张三", "13800138000", "北京市朝阳区建国路88号", "110105")


def _service_client(jobs: list[Job], stats: RunStats, barrier: threading.Barrier) -> None:
    from django.db import connection

    from twoway.checkout.channels import EXPORT
    from twoway.checkout.errors import CheckoutErrorCode
    from twoway.checkout.services import Consignee, purchase_place
    from twoway.core.errors import DomainError

    consignee = Consignee(*CONSIGNEE)
    try:
        connection.ensure_connection()
        barrier.wait()
        for job in jobs:
            t0 = time.perf_counter()
            try:
                purchase_place(
                    channel=EXPORT,
                    buyer=job.buyer.user, items=job.items, identity=job.buyer.identity,
                    consignee=consignee, idempotency_key=job.key,
                )  # fmt: skip
            except DomainError as exc:
                if any(p.rule == CheckoutErrorCode.OUT_OF_STOCK for p in exc.problems):
                    stats.out_of_stock += 1
                else:
                    stats.other_errors += 1
                    stats.first_error = stats.first_error or f"{exc}"
                continue
            except Exception as exc:  # noqa: BLE001 - a bench counts and reports, never hides
                stats.other_errors += 1
                stats.first_error = stats.first_error or f"{type(exc).__name__}: {exc}"
                continue
            stats.latencies.append(time.perf_counter() - t0)
            stats.ok += 1
    finally:
        connection.close()


def run_service(per_client: list[list[Job]]) -> RunStats:
    stats = RunStats(clients=len(per_client), jobs=sum(map(len, per_client)))
    return _threads(_service_client, per_client, stats)


_FORKED_JOBS: list[list[Job]] = []


def _service_process(index: int, barrier, results) -> None:
    part = RunStats(clients=1, jobs=len(_FORKED_JOBS[index]))
    _service_client(_FORKED_JOBS[index], part, barrier)
    results.put((part.ok, part.out_of_stock, part.other_errors, part.latencies, part.first_error))


def run_service_processes(per_client: list[list[Job]]) -> RunStats:
    """The service with one *process* per client (as an app server's workers run it), so the
    clients are not serialized on one interpreter lock. Forked after closing the parent's
    connections; each child opens its own."""
    import multiprocessing

    from django.db import connections

    global _FORKED_JOBS
    _FORKED_JOBS = per_client
    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(len(per_client) + 1)
    results = ctx.Queue()
    procs = [ctx.Process(target=_service_process, args=(i, barrier, results))
             for i in range(len(per_client))]  # fmt: skip
    for proc in procs:
        proc.start()
    barrier.wait()
    start = time.perf_counter()
    parts = [results.get() for _ in procs]
    stats = RunStats(clients=len(per_client), jobs=sum(map(len, per_client)))
    stats.seconds = time.perf_counter() - start
    for proc in procs:
        proc.join()
    for ok, out, errors, latencies, first_error in parts:
        stats.ok += ok
        stats.out_of_stock += out
        stats.other_errors += errors
        stats.latencies.extend(latencies)
        stats.first_error = stats.first_error or first_error
    return stats


# --- the raw-SQL baseline ------------------------------------------------------------------
#
# The raw client sends exactly the statements the service sends (built by the same functions of
# ``twoway.checkout.writes``), with every value computed beforehand: purchase INSERT, the stock
# of every line in one UPDATE, the quota upsert, and orders + lines + events in one statement.
# When the service's SQL gets cheaper, so does this baseline: the ratios stay honest.


@dataclass
class RawPlan:
    purchase: tuple[str, list]
    stock: tuple[str, list]
    quota: tuple[str, list]
    orders: tuple[str, list]
    purchase_slots: list[int]  # where the purchase id goes in ``orders`` params
    lines: int
    order_count: int


def _raw_objects(job: Job, products: dict, rate: Decimal, rate_source: str, now: dt.datetime):
    """Unsaved Purchase, Orders, OrderLines and OrderEvents as the service builds them (values
    computed as the quote does for this workload: one tax category, freight per seller)."""
    from twoway.checkout import models as m

    Direction, Order, OrderEvent, OrderLine = m.Direction, m.Order, m.OrderEvent, m.OrderLine
    OrderStatus, Purchase, TaxChannel = m.OrderStatus, m.Purchase, m.TaxChannel

    identity = job.buyer.identity
    by_seller: dict[int, list] = {}
    for pid in sorted(job.items):
        by_seller.setdefault(products[pid].business_id, []).append(products[pid])
    orders, lines = [], []
    for business_id, ps in sorted(by_seller.items()):
        weight = sum(p.weight_kg * job.items[p.pk] for p in ps)
        freight = ((Decimal("12.00") + Decimal("4.50") * weight) * rate).quantize(
            CENT, ROUND_HALF_UP
        )
        rows, goods_total = [], Decimal("0.00")
        for p in ps:
            unit = (p.unit_price * rate).quantize(CENT, ROUND_HALF_UP)
            goods = unit * job.items[p.pk]
            goods_total += goods
            rows.append((p, job.items[p.pk], unit, goods))
        order = Order(
            number=f"TW{now:%y%m%d}{secrets.token_hex(5).upper()}", purchase_id=0,
            buyer_id=job.buyer.user.pk, business_id=business_id, direction=Direction.US_EXPORT,
            status=OrderStatus.CREATED, identity_id=identity.pk, buyer_name=identity.full_name,
            buyer_id_masked=identity.id_number_masked, buyer_id_hash=identity.id_number_hash,
            consignee_name=CONSIGNEE[0], consignee_phone=CONSIGNEE[1],
            consignee_address=CONSIGNEE[2], consignee_district=CONSIGNEE[3], currency="CNY",
            exchange_rate=rate, exchange_rate_source=rate_source[:300], goods_value=goods_total,
            freight=freight, insurance=Decimal("0.00"), discount=Decimal("0.00"),
            tax_total=Decimal("0.00"), total_payable=Decimal("0.00"),
            customs_value_usd=sum((p.unit_price * job.items[p.pk] for p in ps), Decimal("0.00")),
            tax_channel=TaxChannel.CBEC_WITHIN_LIMITS, quota_year=now.year,
            quota_amount=goods_total + freight, created_at=now,
        )  # fmt: skip
        tax_total = Decimal("0.00")
        for p, qty, unit, goods in rows:
            share = (freight * goods / goods_total).quantize(CENT, ROUND_HALF_UP)
            vat = ((goods + share) * Decimal("0.091")).quantize(CENT, ROUND_HALF_UP)
            tax_total += vat
            lines.append(OrderLine(
                order=order, product_id=p.pk, sku=p.sku, title=p.title_en, title_zh=p.title_zh,
                hs_code=p.hs_code, national_line=p.cn_tariff_line,
                origin_state=p.origin_us_state_id or "", quantity=qty, unit_price_usd=p.unit_price,
                unit_price=unit, goods_value=goods, freight_share=share, vat=vat, tax_total=vat,
                tax_category="bench", customs_value_usd=p.unit_price * qty,
            ))  # fmt: skip
        order.tax_total = tax_total
        order.total_payable = goods_total + freight + tax_total
        orders.append(order)
    events = [
        OrderEvent(order=o, from_status="", to_status=OrderStatus.CREATED,
                   actor_id=job.buyer.user.pk, actor_label="buyer",
                   reason=f"placed; stock and quota reserved until {now:%Y-%m-%d %H:%M} UTC",
                   created_at=now)
        for o in orders
    ]  # fmt: skip
    fingerprint = hashlib.sha256(
        json.dumps({"items": sorted(job.items.items())}, sort_keys=True).encode()
    ).hexdigest()
    purchase = Purchase(
        number=f"TP{now:%y%m%d}{secrets.token_hex(5).upper()}", buyer_id=job.buyer.user.pk,
        direction=Direction.US_EXPORT, currency="CNY",
        total_payable=sum((o.total_payable for o in orders), Decimal("0.00")),
        idempotency_key=job.key, request_fingerprint=fingerprint,
        reserved_until=now + dt.timedelta(minutes=30),
    )  # fmt: skip
    return purchase, orders, lines, events


def _raw_rows(job: Job, products: dict, rate: Decimal, rate_source: str, annual: Decimal) -> None:
    """The statements (and values) the service would send for this job, computed beforehand."""
    from twoway.checkout import writes
    from twoway.checkout.models import Order, to_fen

    now = dt.datetime.now(dt.UTC)
    purchase, orders, lines, events = _raw_objects(job, products, rate, rate_source, now)
    sql, params = writes.order_rows_statement(orders, lines, events)
    n_fields = len([f for f in Order._meta.concrete_fields if not f.primary_key])
    at = [f.name for f in Order._meta.concrete_fields if not f.primary_key].index("purchase")
    amount = sum((o.quota_amount for o in orders), Decimal("0.00"))
    job.raw = RawPlan(
        purchase=writes.insert_statement(purchase),
        stock=writes.stock_take_statement(job.items, "postgresql"),
        quota=writes.quota_consume_statement(
            job.buyer.identity.id_number_hash, now.year, to_fen(amount), to_fen(annual), now
        ),
        orders=(sql, params),
        purchase_slots=[i * n_fields + at for i in range(len(orders))],
        lines=len(job.items),
        order_count=len(orders),
    )


def _raw_client_factory(url: str):
    import psycopg

    def client(jobs: list[Job], stats: RunStats, barrier: threading.Barrier) -> None:
        conn = psycopg.connect(url)
        try:
            barrier.wait()
            for job in jobs:
                t0 = time.perf_counter()
                plan: RawPlan = job.raw
                try:
                    with conn.transaction():
                        cur = conn.cursor()
                        cur.execute(*plan.purchase, prepare=True)
                        purchase_id = cur.fetchone()[0]
                        cur.execute(*plan.stock, prepare=True)
                        if len(cur.fetchall()) != plan.lines:
                            raise _OutOfStock
                        cur.execute(*plan.quota, prepare=True)
                        if cur.fetchone() is None:
                            raise _OverQuota
                        sql, params = plan.orders
                        params = list(params)
                        for slot in plan.purchase_slots:
                            params[slot] = purchase_id
                        cur.execute(sql, params, prepare=True)
                        cur.fetchall()
                except _OutOfStock:
                    stats.out_of_stock += 1
                    continue
                except Exception as exc:  # noqa: BLE001
                    stats.other_errors += 1
                    stats.first_error = stats.first_error or f"{type(exc).__name__}: {exc}"
                    continue
                stats.latencies.append(time.perf_counter() - t0)
                stats.ok += 1
        finally:
            conn.close()

    return client


class _OutOfStock(Exception):
    pass


class _OverQuota(Exception):
    pass


def run_raw(per_client: list[list[Job]], client) -> RunStats:
    stats = RunStats(clients=len(per_client), jobs=sum(map(len, per_client)))
    return _threads(client, per_client, stats)


# --- pgbench: the physical anchor -----------------------------------------------------------
#
# pgbench (PostgreSQL's own C client) replays the raw client's statements: one script per order
# shape of the workload (1 line; 2 lines of one seller; 2 lines of two sellers), generated from
# a job of that shape, run with weights matching the workload. The values that must differ per
# transaction become pgbench variables: product ids and quantities, order/purchase numbers, the
# Idempotency-Key, the quota holder; the purchase id comes back through \gset.

PGBENCH_BUYERS = 1000  # quota holders: few enough to update rows, many enough never to hit the cap


class _Var:
    """A value pgbench supplies: ``expr`` is the SQL text put in its place."""

    def __init__(self, expr: str) -> None:
        self.expr = expr


def _literal(value, conn) -> str:
    from psycopg import sql as psql

    if isinstance(value, _Var):
        return value.expr
    if isinstance(value, list):
        return "ARRAY[" + ", ".join(_literal(v, conn) for v in value) + "]"
    return psql.Literal(value).as_string(conn)


def _render(sql: str, params: list, conn) -> str:
    pieces = sql.split("%s")
    assert len(pieces) == len(params) + 1, "a statement's placeholders and values disagree"
    out = [pieces[0]]
    for value, piece in zip(params, pieces[1:], strict=True):
        out += [_literal(value, conn), piece]
    return "".join(out)


def pgbench_script(job: Job, conn) -> str:
    """The pgbench script of one job's statements (see ``_raw_rows``), with variables."""
    plan: RawPlan = job.raw
    pids = sorted(job.items)
    lines = ["-- generated by bench/checkout.py from the raw client's statements"]
    for k in range(len(pids)):
        low = ":pool_lo" if k == 0 else f":p{k - 1} + 1"
        high = f":pool_hi - {len(pids) - 1 - k}"
        lines += [f"\\set p{k} random({low}, {high})", f"\\set q{k} random(1, 2)"]
    lines.append(f"\\set buyer random(1, {PGBENCH_BUYERS})")
    for k in range(plan.order_count):
        lines.append(f"\\set n{k} random(1, 999999999999999)")
    lines += ["\\set pn random(1, 999999999999999)", "BEGIN;"]
    # The purchase: number and Idempotency-Key vary.
    sql, params = plan.purchase
    params = list(params)
    number = params.index(next(p for p in params if isinstance(p, str) and p.startswith("TP")))
    params[number] = _Var("'TP' || :pn::text")
    params[params.index(job.key)] = _Var("'pgbench-' || :pn::text")
    lines.append(_render(sql, params, conn) + " \\gset pur_")
    # Stock: product ids and quantities.
    sql, params = plan.stock
    ids = [_Var(f":p{k}::bigint") for k in range(len(pids))]
    qtys = [_Var(f":q{k}::integer") for k in range(len(pids))]
    lines.append(_render(sql, [ids, ids, qtys, params[3]], conn) + ";")
    # Quota: the holder varies.
    sql, params = plan.quota
    params = list(params)
    params[0] = _Var("md5('pgbench-buyer-' || :buyer::text)")
    lines.append(_render(sql, params, conn) + ";")
    # Orders + lines + events: order numbers, the purchase id, the lines' product ids and qtys.
    sql, params = plan.orders
    params = list(params)
    numbers = {}
    for slot in plan.purchase_slots:
        params[slot] = _Var(":pur_id::bigint")
    for i, value in enumerate(params):
        if isinstance(value, uuid.UUID):  # the order's unique guid
            params[i] = _Var("gen_random_uuid()")
        elif isinstance(value, str) and value.startswith("TW") and len(value) == 18:
            k = numbers.setdefault(value, len(numbers))
            params[i] = _Var(f"('TW' || :n{k}::text)")
    from twoway.checkout.models import Order, OrderLine

    base = plan.order_count * len([f for f in Order._meta.concrete_fields if not f.primary_key])
    line_fields = [f.name for f in OrderLine._meta.concrete_fields
                   if not f.primary_key and f.name != "order"]  # fmt: skip
    width = 1 + len(line_fields)  # the order number, then the line's columns
    at_product, at_qty = 1 + line_fields.index("product"), 1 + line_fields.index("quantity")
    for j in range(len(pids)):
        k = pids.index(params[base + j * width + at_product])
        params[base + j * width + at_product] = _Var(f":p{k}::bigint")
        params[base + j * width + at_qty] = _Var(f":q{k}::integer")
    rendered = _render(sql, params, conn)
    lines += [rendered + ";", "COMMIT;"]
    return "\n".join(lines) + "\n"


def _shape(job: Job, products: dict) -> str:
    sellers = {products[pid].business_id for pid in job.items}
    return f"{len(job.items)}l{len(sellers)}o"


def run_pgbench(
    url: str, scripts: list[tuple[Path, int]], clients: int, seconds: int, pool: tuple[int, int]
) -> tuple[float, str]:
    """tps of the weighted scripts at ``clients`` (prepared statements, as the raw client)."""
    import re
    import shutil
    from urllib.parse import urlparse

    exe = shutil.which("pgbench") or next(
        (str(p) for p in sorted(Path("/usr/lib/postgresql").glob("*/bin/pgbench"))), None
    )
    if exe is None:
        raise SystemExit("pgbench not found (install postgresql-client)")
    parts = urlparse(url)
    cmd = [exe, "-n", "-M", "prepared", "-c", str(clients), "-j", str(min(clients, 4)),
           "-T", str(seconds), "-D", f"pool_lo={pool[0]}", "-D", f"pool_hi={pool[1]}",
           "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432),
           "-U", parts.username or "postgres"]  # fmt: skip
    for path, weight in scripts:
        cmd += ["-f", f"{path}@{weight}"]
    cmd.append(parts.path.lstrip("/"))
    env = dict(os.environ, PGPASSWORD=parts.password or "")
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    match = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", out.stdout)
    if out.returncode != 0 or match is None:
        raise SystemExit(f"pgbench failed: {out.stdout[-1500:]}\n{out.stderr[-1500:]}")
    failed = re.search(r"number of failed transactions: (\d+)", out.stdout)
    return float(match.group(1)), failed.group(1) if failed else "?"


# --- HTTP ----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _gunicorn_start(url: str, port: int, log: Path, workers: int) -> subprocess.Popen:
    env = dict(
        os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE=SETTINGS, DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost", LOG_LEVEL="WARNING",
    )  # fmt: skip
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen(
        [str(gunicorn), "twoway.config.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--backlog", "256", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb"),
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 180  # a shared machine can be slow to import Django 4 times
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
            time.sleep(0.2)
    _gunicorn_stop(proc)
    raise SystemExit("gunicorn did not answer within 180 s")


def _gunicorn_stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # the master stops its workers
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _http_client_factory(port: int):
    consignee = dict(zip(("name", "phone", "address", "district"), CONSIGNEE, strict=True))

    def client(jobs: list[Job], stats: RunStats, barrier: threading.Barrier) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            barrier.wait()
            for job in jobs:
                if stats.other_errors >= 20 and not stats.ok:
                    break  # the server is broken: say so quickly
                body = json.dumps({
                    "items": [{"product_id": pid, "quantity": q} for pid, q in job.items.items()],
                    "identity_id": job.buyer.identity.pk, "consignee": consignee,
                })  # fmt: skip
                headers = {
                    "Authorization": f"Bearer {job.buyer.api_key}", "Idempotency-Key": job.key,
                    "Content-Type": "application/json", "Host": "127.0.0.1",
                }  # fmt: skip
                t0 = time.perf_counter()
                try:
                    conn.request("POST", "/api/v1/checkout/purchases", body=body, headers=headers)
                    response = conn.getresponse()
                    payload = response.read()
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    stats.other_errors += 1
                    stats.first_error = stats.first_error or f"{type(exc).__name__}: {exc}"
                    continue
                if response.status == 201:
                    stats.latencies.append(time.perf_counter() - t0)
                    stats.ok += 1
                elif response.status == 409 and b"out_of_stock" in payload:
                    stats.out_of_stock += 1
                else:
                    stats.other_errors += 1
                    stats.first_error = (
                        stats.first_error or f"HTTP {response.status}: {payload[:300]!r}"
                    )
        finally:
            conn.close()

    return client


# --- one order, profiled -------------------------------------------------------------------


def _profile_one(job: Job) -> tuple[int, list[tuple[float, str]]]:
    """Queries of one service order with their times (ms), in order."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from twoway.checkout.channels import EXPORT
    from twoway.checkout.services import Consignee, purchase_place

    with CaptureQueriesContext(connection) as ctx:
        purchase_place(
            channel=EXPORT,
            buyer=job.buyer.user, items=job.items, identity=job.buyer.identity,
            consignee=Consignee(*CONSIGNEE), idempotency_key=job.key,
        )  # fmt: skip
    return len(ctx.captured_queries), [
        (float(q["time"]) * 1000, q["sql"][:110]) for q in ctx.captured_queries
    ]


# --- main ----------------------------------------------------------------------------------


def _line(label: str, s: RunStats) -> None:
    extra = f", {s.out_of_stock} out of stock" if s.out_of_stock else ""
    if s.other_errors:
        extra += f", {s.other_errors} ERRORS (first: {s.first_error})"
    say(
        f"  {label:<8} {s.clients:>2} clients: {s.ok:>5} orders in {s.seconds:6.2f} s = "
        f"{s.rate:8,.1f} orders/s  p50 {s.pct(0.50):6.1f} ms  p99 {s.pct(0.99):6.1f} ms{extra}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2000, help="orders per run at 8+ clients")
    parser.add_argument("--quick", action="store_true", help="small counts: a smoke run")
    parser.add_argument("--http-clients", type=int, default=16)
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument(
        "--workers",
        type=int,
        default=HTTP_WORKERS,
        help=f"gunicorn sync workers (default {HTTP_WORKERS})",
    )
    parser.add_argument("--pgbench-seconds", type=int, default=10)
    parser.add_argument("--no-pgbench", action="store_true")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args(argv)
    if args.quick:
        args.orders = min(args.orders, 200)
    orders = args.orders
    orders_single = max(50, orders // 4)  # one client is slow: a quarter of the orders
    hot_attempts = 400 if args.quick else 4000
    hot_stock = 30 if args.quick else HOT_STOCK  # per SKU: demand (~2.25 units/attempt) exceeds it
    levels = (1, 8, 32)

    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    url = database_url(DEFAULT_URL)
    name = database_ensure(url)
    django_setup(url, SETTINGS)

    from django.conf import settings
    from django.db import connection

    from twoway.catalog.models import Product
    from twoway.reference import selectors as reference
    from twoway.reference.services import reference_load_all

    assert not settings.DEBUG, "DEBUG must be off for a benchmark"
    reference_load_all(if_changed=True)
    _reset_all()
    runs = [
        (1, orders_single),
        (8, orders),
        (32, orders),
        (32, hot_attempts),
        (args.http_clients, max(200, orders // 2)),
    ]
    buyer_count = max(c * math.ceil(math.ceil(t / c) / ORDERS_PER_BUYER) for c, t in runs) + 8
    pool, hot, buyers = _create_world(buyer_count, hot_stock)
    stock = {p.pk: p.stock_on_hand for p in pool + hot}
    products = {p.pk: p for p in pool + hot}
    today = dt.datetime.now(dt.UTC).date()
    rate_row = reference.rate_on(today)
    limits = reference.limits_on(today)
    say(
        f"database {name}: {len(pool)} products from {SELLERS} sellers, {len(hot)} hot SKUs x "
        f"{hot_stock}, {len(buyers)} buyers; orders per run {orders} (1 client: {orders_single}); "
        f"rate {rate_row.rate} ({rate_row.effective_from})"
    )
    rng = random.Random(args.seed)
    raw_client = _raw_client_factory(url)

    # One order profiled (also warms imports and caches) -----------------------------------
    _reset_orders(stock)
    warm = _jobs(clients=1, total=5, buyers=buyers, products=pool, rng=rng, tag="warm")[0]
    first_count, _ = _profile_one(warm[0])  # the process's first order also fills its caches
    for job in warm[1:]:
        _profile_one(job)
    query_count, queries = _profile_one(
        Job(buyer=buyers[1], items={pool[0].pk: 1, pool[15].pk: 2}, key="profile-2-sellers")
    )
    say(f"one service order (2 lines, 2 sellers): {len(queries)} queries, "
        f"{sum(t for t, _ in queries):.1f} ms in the database:")  # fmt: skip
    for t, sql in queries:
        say(f"    {t:6.2f} ms  {sql}")

    service_rates: dict[str, float] = {}
    raw_rates: dict[str, float] = {}
    service_8: RunStats | None = None
    c8_jobs: list[list[Job]] = []
    all_runs: list[RunStats] = []
    say("throughput (same orders replayed by each path; tables reset between runs):")
    for clients in levels:
        total = orders_single if clients == 1 else orders
        per_client = _jobs(clients=clients, total=total, buyers=buyers, products=pool, rng=rng,
                           tag=f"c{clients}")  # fmt: skip
        for jobs in per_client:
            for job in jobs:
                _raw_rows(job, products, rate_row.rate, rate_row.source, limits.annual_cny)
        _reset_orders(stock)
        s = run_service(per_client)
        _line("service", s)
        _reset_orders(stock)
        r = run_raw(per_client, raw_client)
        _line("raw SQL", r)
        all_runs += [s, r]
        service_rates[str(clients)] = round(s.rate, 1)
        raw_rates[str(clients)] = round(r.rate, 1)
        say(f"           ratio service/raw at {clients} clients: {s.rate / r.rate:.3f}")
        if clients == 8:
            service_8 = s
            c8_jobs = per_client
    ratio_service = service_rates["8"] / raw_rates["8"]
    geo = math.exp(
        statistics.fmean(math.log(service_rates[k] / raw_rates[k]) for k in service_rates)
    )
    say(f"ratio_service (8 clients) = {ratio_service:.3f}; geometric mean over 1/8/32 = {geo:.3f}")

    # The service in one process per client (threads above share one interpreter lock) ------
    process_rates: dict[str, float] = {}
    for clients in (8, 32):
        per_client = _jobs(clients=clients, total=orders, buyers=buyers, products=pool, rng=rng,
                           tag=f"p{clients}")  # fmt: skip
        _reset_orders(stock)
        s = run_service_processes(per_client)
        _line(f"service ({clients} processes)", s)
        all_runs.append(s)
        process_rates[str(clients)] = round(s.rate, 1)
        say(f"           ratio service (processes)/raw at {clients} clients: "
            f"{s.rate / raw_rates[str(clients)]:.3f}")  # fmt: skip

    # HTTP ---------------------------------------------------------------------------------
    http_stats = raw_http = None
    if not args.no_http:
        hc = args.http_clients
        http_total = max(200, orders // 2)
        per_client = _jobs(
            clients=hc, total=http_total, buyers=buyers, products=pool, rng=rng, tag="http"
        )
        for jobs in per_client:
            for job in jobs:
                _raw_rows(job, products, rate_row.rate, rate_row.source, limits.annual_cny)
        _reset_orders(stock)
        connection.close()
        port = _free_port()
        log = Path(tempfile.mkdtemp(prefix="bench-checkout-")) / "gunicorn.log"
        proc = _gunicorn_start(url, port, log, args.workers)
        try:
            warm = _jobs(
                clients=2, total=20, buyers=buyers[-8:], products=pool, rng=rng, tag="hwarm"
            )
            run = _http_client_factory(port)
            _threads(run, warm, RunStats(clients=2, jobs=20))
            _reset_orders(stock)
            http_stats = _threads(run, per_client, RunStats(clients=hc, jobs=http_total))
        finally:
            _gunicorn_stop(proc)
        _line("HTTP", http_stats)
        if http_stats.other_errors:
            say(f"  gunicorn log {log}: {log.read_text(errors='replace')[-1500:]}")
        _reset_orders(stock)
        raw_http = run_raw(per_client, raw_client)
        _line("raw SQL", raw_http)
        all_runs += [http_stats, raw_http]
        raw_rates[str(hc)] = round(raw_http.rate, 1)
        say(f"           ratio HTTP/raw at {hc} clients: {http_stats.rate / raw_http.rate:.3f}")

    # pgbench: the same statements from PostgreSQL's own C client ----------------------------
    pgbench_rates: dict[str, float] = {}
    if not args.no_pgbench:
        import psycopg

        shapes: dict[str, list[Job]] = {}
        for jobs in c8_jobs:
            for job in jobs:
                shapes.setdefault(_shape(job, products), []).append(job)
        folder = Path(tempfile.mkdtemp(prefix="bench-checkout-pgbench-"))
        scripts = []
        with psycopg.connect(url) as conn:
            for shape, jobs in sorted(shapes.items()):
                path = folder / f"order_{shape}.sql"
                path.write_text(pgbench_script(jobs[0], conn), encoding="utf-8")
                scripts.append((path, len(jobs)))
        pool_ids = sorted(p.pk for p in pool)
        say(f"pgbench scripts (weight = orders of that shape at 8 clients) in {folder}: "
            + ", ".join(f"{p.name}@{w}" for p, w in scripts))  # fmt: skip
        seconds = 3 if args.quick else args.pgbench_seconds
        connection.close()
        for clients in sorted({1, 8, 32, args.http_clients if not args.no_http else 8}):
            _reset_orders(stock)
            connection.close()
            tps, failed = run_pgbench(url, scripts, clients, seconds, (pool_ids[0], pool_ids[-1]))
            pgbench_rates[str(clients)] = round(tps, 1)
            say(f"  pgbench  {clients:>2} clients: {tps:8,.1f} orders/s ({seconds} s, "
                f"{failed} failed)")  # fmt: skip

    # Hot SKUs -----------------------------------------------------------------------------
    _reset_orders(stock)
    hot_ids = [p.pk for p in hot]
    initial = sum(stock[pid] for pid in hot_ids)
    per_client = _jobs(
        clients=32, total=hot_attempts, buyers=buyers, products=hot, rng=rng, tag="hot"
    )
    hot_stats = run_service(per_client)
    _line("hot SKU", hot_stats)
    all_runs.append(hot_stats)
    from django.db.models import Sum

    from twoway.checkout.models import OrderLine, Purchase

    final = sum(Product.objects.filter(pk__in=hot_ids).values_list("stock_on_hand", flat=True))
    negative = Product.objects.filter(pk__in=hot_ids, stock_on_hand__lt=0).count()
    sold = OrderLine.objects.filter(product_id__in=hot_ids).aggregate(n=Sum("quantity"))["n"] or 0
    purchases = Purchase.objects.count()
    oversold = max(0, sold - initial)
    checks = {
        "sold == initial - final": sold == initial - final,
        "final stock >= 0": final >= 0 and negative == 0,
        "purchases == successes": purchases == hot_stats.ok,
        "attempts == ok + refused + errors": hot_attempts
        == hot_stats.ok + hot_stats.out_of_stock + hot_stats.other_errors,
    }
    say(f"hot SKU: {hot_attempts} attempts, {hot_stats.ok} orders, {hot_stats.out_of_stock} refused "
        f"out of stock; units sold {sold} of {initial}, final stock {final}, oversold {oversold}")  # fmt: skip
    for label, ok in checks.items():
        say(f"  check {label}: {'ok' if ok else 'FAILED'}")
    connection.close()

    payload = {
        "bench": "checkout",
        "orders_per_run": orders,
        "orders_per_s_service": service_rates,
        "orders_per_s_raw": raw_rates,
        "ratio_service": round(ratio_service, 3),
        "ratio_service_basis": "8 clients",
        "ratio_service_by_clients": {
            k: round(service_rates[k] / raw_rates[k], 3) for k in service_rates
        },
        "ratio_service_geomean": round(geo, 3),
        "orders_per_s_service_processes": process_rates,
        "ratio_service_processes": {
            k: round(process_rates[k] / raw_rates[k], 3) for k in process_rates
        },
        "queries_per_order_service": query_count,  # a 2-line order of 2 sellers, caches warm
        "queries_first_order_service": first_count,  # the process's first (reference rows read)
        "p50_ms_service": round(service_8.pct(0.50), 1),
        "p99_ms_service": round(service_8.pct(0.99), 1),
    }
    if http_stats is not None:
        payload.update({
            "http_clients": args.http_clients,
            "http_workers": args.workers,
            "orders_per_s_http": round(http_stats.rate, 1),
            "orders_per_s_raw_http_concurrency": round(raw_http.rate, 1),
            "ratio_http": round(http_stats.rate / raw_http.rate, 3),
            "p50_ms_http": round(http_stats.pct(0.50), 1),
            "p99_ms_http": round(http_stats.pct(0.99), 1),
        })  # fmt: skip
    if pgbench_rates:
        payload["orders_per_s_pgbench"] = pgbench_rates
        payload["ratio_service_pgbench"] = round(service_rates["8"] / pgbench_rates["8"], 3)
        if http_stats is not None:
            payload["ratio_http_pgbench"] = round(
                http_stats.rate / pgbench_rates[str(args.http_clients)], 3
            )
        payload["ratio_raw_pgbench"] = round(raw_rates["8"] / pgbench_rates["8"], 3)
    payload.update({
        "hot_sku": {"skus": HOT_SKUS, "initial_stock": initial, "attempts": hot_attempts,
                    "orders": hot_stats.ok, "sold": sold, "refused": hot_stats.out_of_stock,
                    "final_stock": final, "errors": hot_stats.other_errors},
        "oversold": oversold,
        "checks_ok": all(checks.values()),
        "errors": sum(s.other_errors for s in all_runs),
    })  # fmt: skip
    result(payload)
    if not all(checks.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
