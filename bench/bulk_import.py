"""Catalogue import speed: a seller's CSV of N new products checked and written, against a raw
COPY of the same rows into the products table.

    python -m bench.bulk_import [--rows 100000]

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/twoway_bulk_bench (created and
migrated here; the bench business's products are replaced). One US business (verified, Iowa);
the file has N rows over every HS subheading with a China line, prices, weights, stock, markets,
about a third with Chinese titles and descriptions. Timed, in this order:

1. baseline — a raw COPY of the very rows the import writes (every products column, values
   prepared beforehand), in one transaction committed as the import's is (``synchronous_commit``
   off), then deleted (not timed);
2. check — the preview pass (read + validate every row, nothing written);
3. import — the job as the seller center and the API run it (``import_job_run`` of a queued job:
   read, validate, COPY products, read back ids, COPY the "initial stock" adjustments, the
   compliance hook, all in one transaction), the after-commit read-model hooks (search outbox,
   US-made alternatives) timed apart and reported as ``hooks_s``.

``rows_per_s`` = N / import seconds; ``ratio`` = COPY seconds / import seconds (1.0 would be as
fast as the raw COPY). No timed assertions: figures are printed, last line one JSON object.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import time

from bench._common import database_ensure, database_url, django_setup, result, say, timed

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/twoway_bulk_bench"
HEADER = ["sku", "title_en", "title_zh", "description_en", "description_zh", "hs_code",
          "cn_tariff_line", "origin_region", "unit_price", "currency", "weight_kg",
          "stock_on_hand", "markets", "status"]  # fmt: skip


def _file(rows: int, seed: int = 13) -> bytes:
    from twoway.reference import hs

    rng = random.Random(seed)
    codes = sorted(c for c, e in hs._index().items() if e.level == 6)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for n in range(rows):
        code = rng.choice(codes)
        zh = n % 3 == 0
        writer.writerow([
            f"BENCH-{n:07d}", f"Handmade oak item {n}", f"手工橡木制品 {n}" if zh else "",
            "Made in Iowa from local oak." if zh else "", "爱荷华州本地橡木制作。" if zh else "",
            f"{code[:4]}.{code[4:]}", code + "00" if zh else "", "IA",
            f"{rng.randint(100, 99999) / 100:.2f}", "USD", f"{rng.randint(50, 20000) / 1000:.3f}",
            str(rng.randint(0, 500)), "cn_export, us_domestic" if zh else "us_domestic",
            "active",
        ])  # fmt: skip
    return out.getvalue().encode("utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args(argv)
    url = database_url(DEFAULT_URL)
    database_ensure(url)
    django_setup(url)

    from django.conf import settings
    from django.db import connection, transaction

    from twoway.businesses.models import Business, Membership, VerificationStatus
    from twoway.catalog import services as catalog_services
    from twoway.catalog.bulk import services as bulk
    from twoway.catalog.bulk import writing
    from twoway.catalog.models import ImportJob, ImportJobStatus, Product, StockAdjustment
    from twoway.identity.models import User
    from twoway.reference.models import UsState
    from twoway.reference.services import reference_load_all

    settings.TWOWAY_IMPORT_MAX_ROWS = max(settings.TWOWAY_IMPORT_MAX_ROWS, args.rows)
    settings.TWOWAY_IMPORT_MAX_BYTES = 10**9
    settings.MEDIA_ROOT = str(settings.VAR_DIR / "bench-media")
    if not UsState.objects.filter(code="IA").exists():
        reference_load_all(if_changed=True)
    user, _ = User.objects.get_or_create(username="bench-bulk", defaults={"role": "seller_staff"})
    business = Business.objects.filter(legal_name="Bench Oak Works LLC").first()
    if business is None:
        business = Business.objects.create(
            legal_name="Bench Oak Works LLC", country="US", us_state_id="IA", city="Ames",
            postal_code="50010", naics_code="321", industry="Wood products", employee_count=9,
            registration_number="42-1234567", verification_status=VerificationStatus.VERIFIED,
        )  # fmt: skip
        Membership.objects.create(user=user, business=business)

    def clean() -> None:
        products = Product.objects.filter(business=business)
        StockAdjustment.objects.filter(product__in=products).delete()
        from twoway.alternatives.models import UsMadeCandidate
        from twoway.search.models import SearchOutbox

        UsMadeCandidate.objects.filter(product__in=products).delete()
        SearchOutbox.objects.filter(product_id__in=products.values("pk")).delete()
        products.delete()
        ImportJob.objects.filter(business=business).delete()

    clean()
    data = _file(args.rows)
    say(f"file: {args.rows:,} rows, {len(data) / 1e6:.1f} MB CSV")

    # 1. baseline: raw COPY of the same rows the import writes (values prepared beforehand)
    job = bulk.import_job_create(business=business, by=user, file_name="bench.csv", data=data)
    plan = bulk.check(job, data)
    assert not plan.errors, plan.errors[:3]
    rows = writing._product_rows(business, plan.new)
    from django.utils import timezone

    now = timezone.now()
    fields = [f for f in Product._meta.concrete_fields if not f.primary_key]

    def missing(field):  # a column the file leaves out: what the model would store
        if field.attname in ("created_at", "updated_at"):
            return now
        return None if field.null else field.get_default()

    prepared = [[r[f.attname] if f.attname in r else missing(f) for f in fields] for r in rows]
    for row in prepared:
        for i, f in enumerate(fields):
            if row[i] is None and not f.null:
                row[i] = f.get_default()
    table = Product._meta.db_table
    cols = ", ".join(f.column for f in fields)
    with timed() as copy_t:
        with transaction.atomic():
            connection.ensure_connection()
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO off")
            with (
                connection.connection.cursor() as cur,
                cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy,
            ):
                for row in prepared:
                    copy.write_row(row)
    copy_rate = args.rows / copy_t[0]
    say(f"raw COPY: {args.rows:,} rows in {copy_t[0]:.2f} s = {copy_rate:,.0f} rows/s")
    del prepared, rows, plan
    Product.objects.filter(business=business).delete()

    # 2. the preview pass: read and validate every row
    with timed() as check_t:
        plan = bulk.check(job, data)
    say(
        f"check (preview): {args.rows:,} rows in {check_t[0]:.2f} s = "
        f"{args.rows / check_t[0]:,.0f} rows/s"
    )
    del plan

    # 3. the import job: read, validate, write (one transaction); after-commit hooks apart
    hook_seconds = [0.0]
    originals = list(catalog_services.PRODUCTS_CHANGED_MANY_HOOKS)

    def timed_hook(hook):
        def run(ids):
            start = time.perf_counter()
            hook(ids)
            hook_seconds[0] += time.perf_counter() - start

        return run

    catalog_services.PRODUCTS_CHANGED_MANY_HOOKS[:] = [timed_hook(h) for h in originals]
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.QUEUED)
    try:
        with timed() as run_t:
            outcome = bulk.import_job_run(job.pk)
    finally:
        catalog_services.PRODUCTS_CHANGED_MANY_HOOKS[:] = originals
    job.refresh_from_db()
    assert job.status == ImportJobStatus.DONE, (outcome, job.failure)
    import_s = run_t[0] - hook_seconds[0]
    written = Product.objects.filter(business=business).count()
    assert written == args.rows, written
    rate = args.rows / import_s
    ratio = copy_t[0] / import_s
    say(
        f"import: {args.rows:,} rows validated and written in {import_s:.2f} s = {rate:,.0f} "
        f"rows/s (+ {hook_seconds[0]:.2f} s after-commit read-model hooks)"
    )
    say(f"ratio copy/import = {ratio:.2f}")
    clean()
    result({
        "bench": "bulk_import", "rows": args.rows, "rows_per_s": round(rate, 1),
        "import_s": round(import_s, 3), "check_s": round(check_t[0], 3),
        "hooks_s": round(hook_seconds[0], 3), "copy_rows_per_s": round(copy_rate, 1),
        "copy_s": round(copy_t[0], 3), "ratio": round(ratio, 3),
    })  # fmt: skip


if __name__ == "__main__":
    main()
