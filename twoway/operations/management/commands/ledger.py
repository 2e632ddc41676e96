"""``twoway ledger check`` and ``twoway ledger rebuild-rollups``."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandParser

from twoway.ledger.services import rollups_rebuild
from twoway.operations.reconcile import ledger_check


class Command(BaseCommand):
    help = "Trade ledger: check it against the orders and the rollups, or rebuild the rollups."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser(
            "check",
            help="Compare ledger totals with shipped-minus-returned order lines and the rollups "
            "with the ledger; print every difference; exit 1 if there is any.",
        )
        check.add_argument("--limit", type=int, default=50, help="Print at most this many.")
        sub.add_parser(
            "rebuild-rollups",
            help="Recompute every rollup from the ledger in one transaction.",
        )

    def handle(self, *args, action: str, **options) -> None:
        if action == "rebuild-rollups":
            result = rollups_rebuild()
            self.stdout.write(
                f"Rebuilt rollups from {result.entries:,} ledger entries: {result.rollup_rows:,} "
                f"day rows, {result.cube_rows:,} dashboard cube rows, {result.business_rows:,} "
                f"business-month rows in {result.seconds:.2f} s."
            )
            return
        differences = ledger_check()
        if not differences:
            self.stdout.write(
                "Ledger check passed: ledger = shipped minus returned order lines, and rollups = "
                "ledger, per direction, day, state, province and chapter."
            )
            return
        for difference in differences[: options["limit"]]:
            self.stdout.write(difference.line())
        if len(differences) > options["limit"]:
            self.stdout.write(f"... and {len(differences) - options['limit']} more")
        self.stderr.write(f"Ledger check FAILED: {len(differences)} difference(s).")
        sys.exit(1)
