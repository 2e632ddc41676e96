"""Seed throughput: products/second through the seed's product path vs a raw COPY of the
same rows, measured in the same run on PostgreSQL.

    python -m bench.seed [--products 200000] [--batch-size 2000]

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/twoway_bench (created and migrated
here). The seed path generates sellers and products (``SellerGenerator``) and writes them batch by
batch with the COPY writer (``sellers_write``). The raw COPY writes the same rows, generated
beforehand and held in memory, in the same batches and transactions. The last line is JSON:
{"bench": "seed", "products": N, "seed_rows_per_s": .., "copy_rows_per_s": .., "ratio": ..}.
"""

from __future__ import annotations

import argparse

from bench._common import database_ensure, database_url, django_setup, result, say, timed


def _empty_tables() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE catalog_product, businesses_membership, businesses_business CASCADE"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=200_000)
    parser.add_argument("--batch-size", type=int, default=2000, help="sellers per batch")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args(argv)

    url = database_url()
    name = database_ensure(url)
    django_setup(url)

    from django.db import connection, transaction
    from django.utils import timezone

    from twoway.demo.generate import SeedPlan, SellerGenerator
    from twoway.demo.seeding import sellers_write
    from twoway.demo.writers import CopyWriter
    from twoway.reference.services import reference_load_all

    reference_load_all(if_changed=True)
    per_seller = 10
    sellers = max(1, args.products // per_seller)
    plan = SeedPlan(
        seed=args.seed, us_sellers=sellers - sellers // 10, cn_sellers=sellers // 10,
        products_per_seller=per_seller,
    )  # fmt: skip
    products = plan.products
    say(
        f"database {name}: {plan.sellers:,} sellers, {products:,} products, batches of {args.batch_size}"
    )

    def generator() -> SellerGenerator:
        return SellerGenerator(plan, first_business_id=1, first_product_id=1, now=timezone.now())

    # 1. the seed's path: generate and COPY, batch by batch
    _empty_tables()
    with timed() as seed_t:
        sellers_write(generator=generator(), writer=CopyWriter(), batch_size=args.batch_size)
    seed_rate = products / seed_t[0]
    say(f"seed path: {products:,} products in {seed_t[0]:.2f} s = {seed_rate:,.0f} products/s")

    # 2. raw COPY of the same rows, generated beforehand
    _empty_tables()
    batches = list(generator().batches(args.batch_size))
    writer = CopyWriter()
    with timed() as copy_t:
        for businesses, rows in batches:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit TO off")
                writer.write(businesses, rows)
    copy_rate = products / copy_t[0]
    say(f"raw COPY:  {products:,} products in {copy_t[0]:.2f} s = {copy_rate:,.0f} products/s")
    ratio = seed_rate / copy_rate
    say(f"ratio seed/copy = {ratio:.2f}")
    _empty_tables()
    result(
        {
            "bench": "seed",
            "products": products,
            "seed_rows_per_s": round(seed_rate, 1),
            "copy_rows_per_s": round(copy_rate, 1),
            "ratio": round(ratio, 3),
        }
    )


if __name__ == "__main__":
    main()
