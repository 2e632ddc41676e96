"""Latency of the US-made alternatives for one import product, with 1,000,000 US products.

    python -m bench.alternatives [--us-products 1000000] [--queries 500] [--baseline-queries 100]

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/twoway_bench_alt (created and
migrated here; its catalogue is replaced). The bench COPYs US sellers (70 % attest Made in USA)
and their products over all 1,228 HS headings — 25 large headings of about 20,000 products, the
rest log-normally sized — plus Chinese import products whose headings follow the same
distribution; runs ``candidates_refresh()`` (full rebuild); then times
``alternatives_for(product, buyer_state, k=5)`` for random import products (after one warm-up
pass over the same products). The baseline, timed the same way in the same run, is the naive
version without the read model: an ORM query of the whole heading (products joined to sellers
and states, same eligibility), titles tokenised per request, the same ranking rule. Last line:
{"bench": "alternatives", "us_products": N, "p50_ms": .., "p95_ms": .., "p99_ms": ..,
 "baseline_p95_ms": .., "ratio_p95_vs_baseline": ..}
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import statistics
import time
from decimal import Decimal

from bench._common import database_ensure, database_url, django_setup, result, say, timed

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/twoway_bench_alt"
LARGE_HEADINGS = 25
LARGE_SIZE = 20_000
PRODUCTS_PER_SELLER = 10

ADJ = [("Classic", "经典"), ("Handmade", "手工"), ("Premium", "优质"), ("Everyday", "日常"),
       ("Heavy-duty", "耐用"), ("Organic", "有机"), ("Vintage", "复古"), ("Compact", "小巧"),
       ("Family size", "家庭装"), ("Lightweight", "轻便")]  # fmt: skip
MATERIAL = [("cotton", "纯棉"), ("steel", "钢制"), ("oak", "橡木"), ("wool", "羊毛"),
            ("ceramic", "陶瓷"), ("leather", "皮革"), ("glass", "玻璃"), ("bamboo", "竹制"),
            ("maple", "枫木"), ("linen", "亚麻")]  # fmt: skip
NOUN_ZH = ["衬衫", "外套", "裤子", "围巾", "手套", "袜子", "帽子", "背包", "钱包", "鞋子", "台灯",
           "花瓶", "餐具", "刀具", "锅具", "杯子", "茶壶", "椅子", "桌子", "书架", "床单", "毛巾",
           "地毯", "窗帘", "蜂蜜", "果酱", "咖啡", "茶叶", "巧克力", "饼干", "坚果", "奶酪",
           "香皂", "蜡烛", "玩具", "拼图", "工具", "螺丝", "电缆", "电池"]  # fmt: skip
MAKER_WORDS = ["Prairie", "Ozark", "Lakeshore", "Badger", "Hawkeye", "Buckeye", "Cascade",
               "Bluegrass", "Granite", "Redwood", "Heartland", "Great Plains", "Mesa", "Harbor"]  # fmt: skip
SUFFIX = ["Works", "Mills", "Goods", "Supply", "Makers", "Co."]


def _headings(rng: random.Random, total: int) -> tuple[list[str], list[int], dict[str, list]]:
    """Every HS heading with its subheadings, and a size per heading summing to ``total``."""
    from twoway.reference import hs

    subs: dict[str, list] = {}
    for entry in hs._index().values():
        if entry.level == 6:
            subs.setdefault(entry.code[:4], []).append(entry)
    headings = sorted(subs)
    rng.shuffle(headings)
    large = min(LARGE_HEADINGS, len(headings))
    large_total = min(total // 2, large * LARGE_SIZE)
    sizes = [large_total // large] * large
    weights = [rng.lognormvariate(0, 1.0) for _ in headings[large:]]
    rest = total - sum(sizes)
    scale = rest / sum(weights)
    sizes += [max(1, int(w * scale)) for w in weights]
    sizes[-1] += total - sum(sizes)
    return headings, sizes, subs


def _title(rng: random.Random, entry, maker: str | None) -> tuple[str, str]:
    words = entry.description.split("(")[0].replace(";", " ").replace(",", " ").split()[:6]
    adj, adj_zh = rng.choice(ADJ)
    mat, mat_zh = rng.choice(MATERIAL)
    noun_zh = NOUN_ZH[(int(entry.code[:4]) * 7 + rng.randrange(3)) % len(NOUN_ZH)]
    title = " ".join([maker, adj, mat, *words] if maker else [adj, mat, *words])[:200]
    return title, f"{adj_zh}{mat_zh}{noun_zh}"


def generate(us_products: int, imports: int, seed: int) -> None:
    from django.db import connection, transaction

    from twoway.businesses.models import Business
    from twoway.catalog.models import Product
    from twoway.demo.generate import BUSINESS_COLUMNS, PRODUCT_COLUMNS, ein_for
    from twoway.demo.writers import copy_rows, sequences_reset
    from twoway.reference.models import UsState

    rng = random.Random(seed)
    states = list(UsState.objects.order_by("code").values_list("code", flat=True))
    headings, sizes, subs = _headings(rng, us_products)
    now = dt.datetime.now(dt.UTC)
    verified_at = now - dt.timedelta(days=30)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE alternatives_usmadecandidate, catalog_product, businesses_membership, "
            "businesses_business CASCADE"
        )
    # Products in heading order, sellers of 10 products each (a seller makes one kind of good).
    plan = [h for h, n in zip(headings, sizes, strict=True) for _ in range(n)]
    sellers = math.ceil(len(plan) / PRODUCTS_PER_SELLER)
    pid = 0
    with transaction.atomic():
        businesses, products = [], []
        for b in range(sellers):
            bid = b + 1
            state = rng.choice(states)
            attested = rng.random() < 0.7
            maker = f"{rng.choice(MAKER_WORDS)} {rng.choice(SUFFIX)}"
            businesses.append((
                bid, f"{maker} {bid} LLC", "", "US", state, None, "Springfield", "12345", "",
                "", 8, ein_for(bid, seed), "verified", verified_at, attested,
                verified_at if attested else None, "Made in our shop." if attested else "",
                False, now, now,
            ))  # fmt: skip
            for heading in plan[b * PRODUCTS_PER_SELLER : (b + 1) * PRODUCTS_PER_SELLER]:
                pid += 1
                entry = rng.choice(subs[heading])
                title, title_zh = _title(rng, entry, maker)
                cents = int(rng.lognormvariate(3.3, 0.8) * 100)
                products.append((
                    pid, bid, f"P-{pid}", title, title_zh, "", "", entry.code, entry.code[:2], "",
                    "", "US", state, None, Decimal(max(cents, 99)) / 100, "USD",
                    Decimal("0.500"), 10, False, rng.random() < 0.9, False,
                    "active" if rng.random() < 0.85 else "draft", "", "", now, now,
                ))  # fmt: skip
            if len(products) >= 50_000:
                copy_rows(Business._meta.db_table, BUSINESS_COLUMNS, businesses)
                copy_rows(Product._meta.db_table, PRODUCT_COLUMNS, products)
                businesses, products = [], []
        # Chinese sellers' imports, headings drawn with the US catalogue's weights.
        cn_id = sellers + 1
        businesses.append((
            cn_id, "Bench Import Co., Ltd.", "", "CN", None, "44", "Shenzhen", "518000", "", "",
            40, "91440300MA5BENCH01", "verified", verified_at, False, None, "", False, now, now,
        ))  # fmt: skip
        for heading in rng.choices(headings, weights=sizes, k=imports):
            pid += 1
            title, title_zh = _title(rng, rng.choice(subs[heading]), None)
            products.append((
                pid, cn_id, f"CN-{pid}", title, title_zh, "", "",
                rng.choice(subs[heading]).code, heading[:2], "", "", "CN", None, "44",
                Decimal(int(rng.lognormvariate(3.1, 0.8) * 100) + 99) / 100, "USD",
                Decimal("0.500"), 10, False, False, True, "active", "Bench Factory", "", now, now,
            ))  # fmt: skip
        copy_rows(Business._meta.db_table, BUSINESS_COLUMNS, businesses)
        copy_rows(Product._meta.db_table, PRODUCT_COLUMNS, products)
        sequences_reset()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE catalog_product")
        cursor.execute("VACUUM ANALYZE businesses_business")


def naive_alternatives(*, product, buyer_state: str | None, k: int = 5):
    """The baseline: no read model; the whole heading from the catalogue, tokenised per call."""
    from twoway.alternatives.rules import ranking
    from twoway.alternatives.services import eligible_q
    from twoway.catalog.models import Product
    from twoway.reference.models import UsState
    from twoway.search.text import tokens_en, tokens_zh

    def en(text: str) -> str:
        return " ".join(tokens_en.__wrapped__(text))

    def zh(text: str) -> str:
        return " ".join(tokens_zh.__wrapped__(text))

    buyer = UsState.objects.filter(code=buyer_state).first() if buyer_state else None
    rows = (
        Product.objects.filter(eligible_q())
        .filter(hs_chapter=product.hs_code[:2], hs_code__startswith=product.hs_code[:4])
        .select_related("business", "business__us_state")
        .order_by("id")
    )
    candidates = [
        ranking.Candidate(
            product_id=p.id,
            hs_code=p.hs_code,
            tokens_en=en(p.title_en),
            tokens_zh=zh(p.title_zh),
            price_usd=p.unit_price,
            lat=float(p.business.us_state.latitude),
            lon=float(p.business.us_state.longitude),
            payload=p,
        )  # fmt: skip
        for p in rows
    ]
    query = ranking.Query(
        hs_code=product.hs_code, tokens_en=en(product.title_en), tokens_zh=zh(product.title_zh),
        price_usd=product.unit_price,
        lat=float(buyer.latitude) if buyer else None, lon=float(buyer.longitude) if buyer else None,
    )  # fmt: skip
    return ranking.rank(query, candidates, k=k)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def _time(fn, products, states, rng_seed: int) -> list[float]:
    rng = random.Random(rng_seed)
    out = []
    for product in products:
        state = rng.choice(states)
        start = time.perf_counter()
        fn(product=product, buyer_state=state, k=5)
        out.append((time.perf_counter() - start) * 1000)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--us-products", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--baseline-queries", type=int, default=100)
    parser.add_argument("--imports", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--reuse", action="store_true", help="Keep the catalogue if it is there.")
    args = parser.parse_args(argv)

    url = database_url(DEFAULT_URL)
    name = database_ensure(url)
    django_setup(url)

    from twoway.alternatives.models import UsMadeCandidate
    from twoway.alternatives.selectors import alternatives_for
    from twoway.alternatives.services import candidates_refresh
    from twoway.catalog.models import Product
    from twoway.reference.models import UsState
    from twoway.reference.services import reference_load_all

    reference_load_all(if_changed=True)
    have = Product.objects.filter(origin_country="US").count()
    if args.reuse and have == args.us_products:
        say(f"database {name}: reusing {have:,} US products")
    else:
        with timed() as gen_t:
            generate(args.us_products, args.imports, args.seed)
        say(f"database {name}: {args.us_products:,} US products generated in {gen_t[0]:.1f} s")
    with timed() as refresh_t:
        refreshed = candidates_refresh()
    say(
        f"candidates_refresh(): {refreshed.written:,} US-made candidates in {refresh_t[0]:.1f} s "
        f"({UsMadeCandidate.objects.count():,} rows)"
    )
    rng = random.Random(args.seed + 1)
    ids = list(Product.objects.filter(origin_country="CN").values_list("id", flat=True))
    sample = list(Product.objects.filter(id__in=rng.sample(ids, min(args.queries, len(ids)))))
    rng.shuffle(sample)
    states = list(UsState.objects.values_list("code", flat=True))

    _time(alternatives_for, sample, states, 1)  # warm-up pass
    ms = _time(alternatives_for, sample, states, 2)
    p50, p95, p99 = (_percentile(ms, q) for q in (0.50, 0.95, 0.99))
    say(
        f"alternatives_for, {len(ms)} imports (warm): p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
        f"p99 {p99:.1f} ms, mean {statistics.fmean(ms):.1f} ms, max {max(ms):.1f} ms"
    )
    base_sample = sample[: args.baseline_queries]
    _time(naive_alternatives, base_sample[:10], states, 1)
    base = _time(naive_alternatives, base_sample, states, 2)
    base_p95 = _percentile(base, 0.95)
    say(
        f"baseline (ORM, whole heading, no read model), {len(base)} of the same imports: "
        f"p50 {_percentile(base, 0.5):.1f} ms, p95 {base_p95:.1f} ms"
    )
    result({
        "bench": "alternatives",
        "us_products": Product.objects.filter(origin_country="US").count(),
        "p50_ms": round(p50, 1),
        "p95_ms": round(p95, 1),
        "p99_ms": round(p99, 1),
        "baseline_p95_ms": round(base_p95, 1),
        "ratio_p95_vs_baseline": round(p95 / base_p95, 3) if base_p95 else None,
    })  # fmt: skip


if __name__ == "__main__":
    main()
