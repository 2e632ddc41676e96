"""The seed run: reference data, demo accounts, sellers and products, consumers.

``seed_run`` is the service behind ``twoway seed``. Small runs go through the ORM
(``bulk_create``) on any database; on PostgreSQL large runs (or ``bulk=True``) stream the same rows
through ``COPY`` in batches, one transaction per batch, and rebuild secondary indexes at the end.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from twoway.businesses.models import Business, Membership
from twoway.catalog.models import Product
from twoway.identity.models import User
from twoway.identity.services import real_name_identity_register

from .accounts import DEMO_ACCOUNTS, DEMO_CN_CONSUMER_ID, DEMO_CN_CONSUMER_NAME, DEMO_PASSWORD
from .catalogue import MIDWEST_STATES
from .generate import SeedPlan, SellerGenerator, iter_cn_consumers, iter_us_consumers
from .writers import (
    CopyWriter,
    OrmWriter,
    foreign_key_triggers_skip,
    foreign_keys_verify,
    indexes_create,
    is_postgresql,
    secondary_indexes_drop,
    sequences_reset,
)

BULK_THRESHOLD_PRODUCTS = 20_000  # above this, PostgreSQL runs use COPY
DROP_INDEXES_THRESHOLD_PRODUCTS = 1_000_000  # above this, secondary indexes are rebuilt after
STAFF_USERS_LIMIT = 300  # sellers that get an owner login (large runs create no more)


@dataclass(frozen=True)
class SeedSummary:
    skipped: bool
    path: str = ""
    businesses: int = 0
    us_businesses: int = 0
    midwest_businesses: int = 0
    cn_businesses: int = 0
    products: int = 0
    consumers_cn: int = 0
    consumers_us: int = 0
    staff_users: int = 0
    seconds: float = 0.0
    existing_businesses: int = 0
    variants: int = 0  # listings sold in sizes and colours, added after the generated ones

    def line(self) -> str:
        if self.skipped:
            return (
                f"Seed skipped: the database already has {self.existing_businesses:,} businesses "
                "(--if-empty)."
            )
        rate = self.products / self.seconds if self.seconds else 0.0
        return (
            f"Seeded {self.businesses:,} sellers ({self.us_businesses:,} US, "
            f"{self.midwest_businesses:,} of them in the Midwest; {self.cn_businesses:,} Chinese), "
            f"{self.products:,} products"
            + (f" (+{self.variants} variants in sizes and colours)" if self.variants else "")
            + f", {self.consumers_cn:,} Chinese and {self.consumers_us:,} US "
            f"consumers, {self.staff_users:,} seller logins in {self.seconds:.1f} s "
            f"({self.path} path, {rate:,.0f} products/s). Demo logins: "
            f"{', '.join(a.email for a in DEMO_ACCOUNTS)}; password '{DEMO_PASSWORD}'."
        )


class SeedRefused(Exception):
    """The database already has sellers and the caller did not say --if-empty."""


def _reference_load() -> None:
    from twoway.reference.services import reference_load_all

    reference_load_all(if_changed=True)


def seed_run(
    *,
    plan: SeedPlan,
    if_empty: bool = False,
    batch_size: int = 2000,
    bulk: bool | None = None,
    load_reference: bool = True,
    progress: Callable[[int], None] | None = None,
    derive: bool = True,
    step: Callable[[str], None] | None = None,
) -> SeedSummary:
    """Write the demo marketplace for ``plan``; deterministic for ``plan.seed``.

    ``derive`` also writes what other contexts derive from the catalogue: labor-risk
    assessments (ORM path only; at COPY sizes run ``labor_risk_reassess_all`` separately) and the
    alternatives read model.

    ``bulk`` None picks COPY on PostgreSQL above ``BULK_THRESHOLD_PRODUCTS``; True forces it
    (PostgreSQL only); False forces the ORM. ``step(name)`` is told when each later step starts
    (``progress`` counts the sellers written).
    """
    step = step or (lambda _name: None)
    started = time.perf_counter()
    variants = 0
    existing = Business.objects.count()
    if existing:
        if if_empty:
            return SeedSummary(skipped=True, existing_businesses=existing)
        raise SeedRefused(
            f"The database already has {existing:,} businesses: seed a fresh database, "
            "or pass --if-empty to leave it as it is."
        )
    if load_reference:
        _reference_load()
    use_copy = is_postgresql() and (
        plan.products > BULK_THRESHOLD_PRODUCTS if bulk is None else bulk
    )
    writer = CopyWriter() if use_copy else OrmWriter()
    password_hash = make_password(DEMO_PASSWORD)
    accounts = _demo_accounts_create(password_hash)

    now = timezone.now()
    generator = SellerGenerator(
        plan,
        first_business_id=(Business.objects.aggregate(m=Max("id"))["m"] or 0) + 1,
        first_product_id=(Product.objects.aggregate(m=Max("id"))["m"] or 0) + 1,
        now=now,
    )
    written = sellers_write(
        generator=generator,
        writer=writer,
        batch_size=batch_size,
        large=use_copy and plan.products >= DROP_INDEXES_THRESHOLD_PRODUCTS,
        progress=progress,
    )
    us, midwest, staff_rows = written.us, written.midwest, written.staff_rows
    if not use_copy:
        _listing_dates_set(generator.first_ids, now)
    step("Initial stock of every listing (the stock ledger reconcile counts from)")
    initial_stock_record()

    step("Seller logins and consumers with real-name identities")
    staff = _staff_create(staff_rows, accounts, password_hash, now)
    cn = _consumers_cn_create(plan, password_hash)
    us_consumers = _consumers_us_create(plan, password_hash)
    if derive and not use_copy:  # labor risk of import listings (holds blocked ones for review)
        from twoway.compliance.labor import labor_risk_reassess_all

        step("Labor-risk assessment of import listings")
        labor_risk_reassess_all(dataset_name="demo_seed")
    if derive:  # the US-made alternatives read model (COPY on PostgreSQL, bulk insert elsewhere)
        from twoway.alternatives.services import candidates_refresh

        step("US-made alternatives")
        candidates_refresh()
    if derive and not use_copy:  # a few generated product photos (through the image service)
        from .images import demo_images_seed

        step("Product photos (generated)")
        demo_images_seed()
    if derive:  # listings sold in sizes and colours, through the listing services (issue 13)
        from .variants import demo_variants_seed

        step("Product variants (sizes and colours, with photos)")
        variants = demo_variants_seed()
    return SeedSummary(
        skipped=False,
        path=writer.name,
        businesses=plan.sellers,
        us_businesses=us,
        midwest_businesses=midwest,
        cn_businesses=plan.sellers - us,
        products=plan.products,
        consumers_cn=cn,
        consumers_us=us_consumers,
        staff_users=staff,
        seconds=time.perf_counter() - started,
        variants=variants,
    )


def initial_stock_record() -> int:
    """One "initial stock" adjustment per listing that has none, as ``product_create`` writes
    for a seller's listing: ``twoway reconcile`` counts what a product received from these rows.
    One INSERT … SELECT (also after the COPY path). Returns the rows written."""
    from django.db import connection

    from twoway.catalog.models import StockAdjustment

    adjustments, products = StockAdjustment._meta.db_table, Product._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {adjustments} (product_id, delta, reason, stock_after, created_at) "
            f"SELECT p.id, p.stock_on_hand, 'initial stock', p.stock_on_hand, p.created_at "
            f"FROM {products} p WHERE p.stock_on_hand <> 0 AND NOT EXISTS "
            f"(SELECT 1 FROM {adjustments} a WHERE a.product_id = p.id)"
        )
        return cursor.rowcount


@dataclass
class SellersWritten:
    us: int = 0
    midwest: int = 0
    staff_rows: list[tuple[int, str]] = field(default_factory=list)


def sellers_write(
    *,
    generator: SellerGenerator,
    writer: OrmWriter | CopyWriter,
    batch_size: int,
    large: bool = False,
    progress: Callable[[int], None] | None = None,
) -> SellersWritten:
    """The seed's seller and product path: generate a batch, write it in one transaction.

    ``large`` (COPY only): drop secondary indexes first and rebuild them after, and skip the
    per-row FK triggers (verified in one pass at the end)."""
    use_copy = isinstance(writer, CopyWriter)
    recreate: list[str] = []
    if large:
        recreate = secondary_indexes_drop([Business._meta.db_table, Product._meta.db_table])
    first_ids = (generator.next_product_id, generator.next_business_id)
    skipped_fk_triggers = False
    out = SellersWritten(staff_rows=[])
    try:
        for businesses, products in generator.batches(batch_size):
            with transaction.atomic():
                if use_copy:
                    with connection.cursor() as cursor:
                        cursor.execute("SET LOCAL synchronous_commit TO off")
                    if large:
                        skipped_fk_triggers = foreign_key_triggers_skip()
                writer.write(businesses, products)
            for row in businesses:
                if row[3] == "US":
                    out.us += 1
                    out.midwest += row[4] in MIDWEST_STATES
                if len(out.staff_rows) < STAFF_USERS_LIMIT:
                    out.staff_rows.append((row[0], row[3]))
            if progress:
                progress(len(businesses))
    finally:
        if recreate:
            indexes_create(recreate)
    if skipped_fk_triggers:
        foreign_keys_verify(*first_ids)
    sequences_reset()
    if use_copy:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Business._meta.db_table}")
            cursor.execute(f"ANALYZE {Product._meta.db_table}")
    return out


def _listing_dates_set(first_ids: tuple[int, int], now) -> None:
    """``bulk_create`` dates rows "now"; the demo's sellers joined when they were verified (or
    a little over a year ago) and listed their products then, before their first orders."""
    import datetime as dt

    from django.db.models import OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    first_business, first_product = first_ids
    joined = now - dt.timedelta(days=400)
    with transaction.atomic():
        Business.objects.filter(pk__gte=first_business).update(
            created_at=Coalesce("verified_at", Value(joined)), updated_at=Coalesce(
                "verified_at", Value(joined)))  # fmt: skip
        since = Business.objects.filter(pk=OuterRef("business_id")).values("created_at")[:1]
        Product.objects.filter(pk__gte=first_product).update(
            created_at=Subquery(since), updated_at=Subquery(since)
        )


def _user(email: str, role: str, first: str, last: str, password_hash: str, **extra) -> User:
    return User(
        username=email,
        email=email,
        role=role,
        first_name=first,
        last_name=last,
        password=password_hash,
        preferred_language="zh-hans" if role == "consumer_cn" else "",
        **extra,
    )


@transaction.atomic
def _demo_accounts_create(password_hash: str) -> dict[str, User]:
    users: dict[str, User] = {}
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(username=account.email).first()
        if user is None:
            user = _user(
                account.email,
                account.role,
                account.first_name,
                account.last_name,
                password_hash,
                is_superuser=account.is_superuser,
                is_staff=account.is_superuser or account.role == "operator",
            )
            user.save()
        users[account.email] = user
    buyer = users["consumer-cn@demo.twoway"]
    real_name_identity_register(
        user=buyer, full_name=DEMO_CN_CONSUMER_NAME, id_number=DEMO_CN_CONSUMER_ID
    )
    return users


@transaction.atomic
def _staff_create(
    rows: list[tuple[int, str]], accounts: dict[str, User], password_hash: str, now
) -> int:
    """Owner logins for the first sellers: the demo seller accounts own the first US and the
    first Chinese seller; the others get ``owner-<id>@demo.twoway``."""
    memberships: list[Membership] = []
    new_users: list[User] = []
    first_us = next((bid for bid, country in rows if country == "US"), None)
    first_cn = next((bid for bid, country in rows if country == "CN"), None)
    for bid, _country in rows:
        if bid == first_us:
            memberships.append(
                Membership(user=accounts["seller@demo.twoway"], business_id=bid, role="owner")
            )
        elif bid == first_cn:
            memberships.append(
                Membership(user=accounts["seller-cn@demo.twoway"], business_id=bid, role="owner")
            )
        else:
            email = f"owner-{bid}@demo.twoway"
            new_users.append(_user(email, "seller_staff", "", "", password_hash))
    User.objects.bulk_create(new_users, batch_size=500)
    by_name = dict(
        User.objects.filter(username__in=[u.username for u in new_users]).values_list(
            "username", "id"
        )
    )
    for bid, _country in rows:
        user_id = by_name.get(f"owner-{bid}@demo.twoway")
        if user_id:
            memberships.append(Membership(user_id=user_id, business_id=bid, role="owner"))
    Membership.objects.bulk_create(memberships, batch_size=500)
    return len(memberships)


@transaction.atomic
def _consumers_cn_create(plan: SeedPlan, password_hash: str) -> int:
    count = 0
    for consumer in iter_cn_consumers(plan.seed, plan.consumers_cn):
        with transaction.atomic():
            user = _user(
                consumer.username,
                "consumer_cn",
                consumer.given_name,
                consumer.surname,
                password_hash,
            )
            user.save()
            real_name_identity_register(
                user=user, full_name=consumer.full_name, id_number=consumer.id_number
            )
        count += 1
    return count


@transaction.atomic
def _consumers_us_create(plan: SeedPlan, password_hash: str) -> int:
    users = [
        _user(email, "consumer_us", first, last, password_hash)
        for email, first, last in iter_us_consumers(plan.seed, plan.consumers_us)
    ]
    User.objects.bulk_create(users, batch_size=500)
    return len(users)
