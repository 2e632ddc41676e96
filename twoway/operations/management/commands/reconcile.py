"""``twoway reconcile``: check every cross-context invariant; exit 1 naming each difference."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from twoway.operations.reconcile import CHECKS, reconcile


class Command(BaseCommand):
    help = (
        "Check every invariant across contexts: stock (on hand + reserved + sold − returned = "
        "received), quota per person-year, one captured payment per paid purchase and refunds "
        "within payments, ledger = shipped − returned, nothing stuck past its deadline. Prints "
        "one line per difference and exits 1 if there is any; 0 with a summary otherwise."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--only", action="append", choices=sorted(CHECKS), metavar="CHECK",
            help=f"Run only this check (repeatable): {', '.join(CHECKS)}.",
        )  # fmt: skip
        parser.add_argument("--limit", type=int, default=200, help="Print at most this many.")

    def handle(self, *args, only: list[str] | None, limit: int, **options) -> None:
        names = [n for n in CHECKS if only is None or n in only]
        differences = reconcile(only=names)
        if not differences:
            self.stdout.write(f"Reconcile: all agree ({', '.join(names)}).")
            return
        for difference in differences[:limit]:
            self.stdout.write(difference.line())
        if len(differences) > limit:
            self.stdout.write(f"... and {len(differences) - limit} more")
        checks = sorted({d.check for d in differences})
        raise CommandError(
            f"Reconcile: {len(differences)} difference(s) ({', '.join(checks)}).", returncode=1
        )
