"""``twoway seed``: a believable, deterministic demo marketplace (see twoway.demo)."""

from __future__ import annotations

import logging
import sys
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from twoway.demo.generate import SeedPlan
from twoway.demo.seeding import SeedRefused, seed_run


def _non_negative(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Seed a demo marketplace: US sellers (three in four in the Midwest) and Chinese sellers "
        "with real product lines, consumers with real-name identities, and demo logins "
        "(password 'twoway-demo'). Deterministic for --seed. On PostgreSQL large runs use COPY."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        defaults = SeedPlan()
        parser.add_argument("--seed", type=int, default=defaults.seed)
        parser.add_argument("--us-sellers", type=_non_negative, default=defaults.us_sellers)
        parser.add_argument("--cn-sellers", type=_non_negative, default=defaults.cn_sellers)
        parser.add_argument(
            "--products-per-seller", type=_non_negative, default=defaults.products_per_seller
        )
        parser.add_argument(
            "--consumers", type=_non_negative, default=defaults.consumers_cn,
            help="Chinese consumers (each with a real-name identity).",
        )  # fmt: skip
        parser.add_argument("--us-consumers", type=_non_negative, default=defaults.consumers_us)
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if the database has businesses."
        )
        parser.add_argument("--batch-size", type=int, default=2000, help="Sellers per batch.")
        parser.add_argument(
            "--bulk", action="store_true", help="Use COPY (PostgreSQL) whatever the size."
        )
        parser.add_argument(
            "--no-reference", action="store_true", help="Do not (re)load reference data first."
        )
        parser.add_argument(
            "--setup",
            action="store_true",
            help="First migrate the database, load the reference data (if changed) and the "
            "sample Consolidated Screening List (if none): make demo's whole set-up in one process.",
        )
        parser.add_argument(
            "--trade-days",
            type=_non_negative,
            default=365,
            help="Days of shipped trade to write through checkout and the ledger (0: none). "
            "Skipped on the bulk (COPY) path.",
        )

    def handle(self, *args, **options) -> None:
        from django.conf import settings

        if getattr(settings, "TWOWAY_ENVIRONMENT", "") == "production":
            raise CommandError(
                "twoway seed creates demo accounts with the published password; it does not run "
                "under production settings."
            )
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        plan = SeedPlan(
            seed=options["seed"],
            us_sellers=options["us_sellers"],
            cn_sellers=options["cn_sellers"],
            products_per_seller=options["products_per_seller"],
            consumers_cn=options["consumers"],
            consumers_us=options["us_consumers"],
        )
        if options["verbosity"] < 2:  # one line per step, not one per order placed
            logging.getLogger("twoway").setLevel(logging.WARNING)
        steps = _Steps(verbosity=options["verbosity"])
        if options["setup"]:
            self._setup(steps)
        bar = steps.bar("Sellers and their products", total=plan.sellers, unit="seller")
        try:
            summary = seed_run(
                plan=plan,
                if_empty=options["if_empty"],
                batch_size=options["batch_size"],
                bulk=True if options["bulk"] else None,
                load_reference=not options["no_reference"],
                progress=bar.update,
                step=steps.start,
            )
        except SeedRefused as exc:
            raise CommandError(str(exc)) from exc
        finally:
            steps.close()
        self.stdout.write(summary.line())
        if not summary.skipped and summary.path != "copy" and options["trade_days"]:
            from twoway.demo.trade_year import trade_year_run

            days = options["trade_days"]
            bar = steps.bar("A year of orders (placed, paid, declared, shipped)", days, "day")
            try:
                trade = trade_year_run(seed=plan.seed, days=days, progress=bar.update)
            finally:
                steps.close()
            self.stdout.write(trade.line())
            self._check(steps)
        if not summary.skipped:
            from twoway.search.services import after_seed  # demo searches + the search index

            after_seed(seed=plan.seed, stdout=self.stdout)

    def _setup(self, steps: _Steps) -> None:
        from pathlib import Path

        from django.core.management import call_command

        import twoway.compliance
        from twoway.reference.models import ReferenceDataset

        steps.start("Database tables (migrate)")
        call_command("migrate", interactive=False, verbosity=0)
        steps.start("Reference data (rates, limits, positive list, tariffs, labor lists)")
        call_command("loadreference", if_changed=True, stdout=_Null())
        if not ReferenceDataset.objects.filter(name="csl").exists():
            steps.start("Sample Consolidated Screening List")
            csl = Path(twoway.compliance.__file__).parent / "data" / "csl_sample.csv"
            call_command("loadcsl", str(csl), stdout=_Null())
        steps.close()

    def _check(self, steps: _Steps) -> None:
        """The demo obeys its own rules: every order (orders_rules_check) and the ledger."""
        from twoway.checkout.models import Order
        from twoway.demo.checks import orders_rules_check
        from twoway.operations.reconcile import ledger_check

        steps.start("Checking the orders against the rules and the ledger")
        try:
            problems, differences = orders_rules_check(), ledger_check()
        finally:
            steps.close()
        if not problems and not differences:
            self.stdout.write(
                f"Checked {Order.objects.count():,} orders: every product was eligible when sold, "
                "taxes, real names, customs, times and quotas agree; the ledger check passes."
            )
            return
        for problem in problems[:20]:
            self.stderr.write(f"  {problem}")
        raise CommandError(
            f"The demo breaks its own rules: {len(problems)} order problems, "
            f"{len(differences)} ledger differences (see above; `twoway ledger check`)."
        )


class _Null:
    def write(self, _text: str) -> None:
        pass

    def flush(self) -> None:
        pass


class _Steps:
    """Progress of the seed on stderr: a bar for the long steps (a terminal only), one line per
    step with its duration (always, so a log shows where the time went)."""

    def __init__(self, verbosity: int) -> None:
        self.quiet = verbosity == 0
        self.tty = sys.stderr.isatty()
        self.name = ""
        self.started = self.cpu = 0.0
        self._bar: tqdm | None = None

    def _line(self, text: str) -> None:
        if not self.quiet:
            (tqdm.write if self._bar is not None else print)(text, file=sys.stderr, flush=True)

    def start(self, name: str) -> None:
        self.close()
        self.name, self.started, self.cpu = name, time.perf_counter(), time.process_time()
        self._line(f"  … {name}")

    def bar(self, name: str, total: int, unit: str) -> tqdm:
        self.close()
        self.name, self.started, self.cpu = name, time.perf_counter(), time.process_time()
        if not self.tty:
            self._line(f"  … {name}")
        self._bar = tqdm(
            total=total, unit=unit, file=sys.stderr, disable=self.quiet or not self.tty,
            desc=f"  {name}", leave=False, dynamic_ncols=True,
        )  # fmt: skip
        return self._bar

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        if self.name:
            wall, cpu = time.perf_counter() - self.started, time.process_time() - self.cpu
            self._line(f"  ✓ {self.name} ({wall:.1f} s; CPU {cpu:.1f} s)")
            self.name = ""
