"""``twoway loadcsl FILE [--dry-run] [--completeness complete|partial]``: load a CSL CSV."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from twoway.compliance.csl import CslFileInvalid
from twoway.compliance.services import csl_load
from twoway.reference.models import DatasetCompleteness


class Command(BaseCommand):
    help = (
        "Replace the Consolidated Screening List entries with a CSL CSV (trade.gov format). "
        "A file with any bad line is refused and nothing changes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSL CSV, e.g. consolidated.csv")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file only; change nothing."
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when a CSL is already loaded."
        )
        parser.add_argument(
            "--completeness",
            choices=DatasetCompleteness.values,
            default=None,
            help="Default: partial when every row is a fictitious test entry, else complete.",
        )

    def handle(
        self, *args, file: Path, dry_run: bool, completeness: str | None, if_empty: bool, **options
    ) -> None:
        from twoway.reference.models import ReferenceDataset

        if if_empty and ReferenceDataset.objects.filter(name="csl").exists():
            self.stdout.write("A Consolidated Screening List is already loaded; nothing to do.")
            return
        if not file.is_file():
            raise CommandError(f"{file}: no such file.")
        try:
            result = csl_load(path=file, dry_run=dry_run, completeness=completeness)
        except CslFileInvalid as exc:
            lines = "\n".join(f"  {problem}" for problem in exc.csl_problems)
            raise CommandError(
                f"{file.name} refused, nothing changed ({len(exc.csl_problems)} problem(s)):\n{lines}"
            ) from None
        verb = "Checked (dry run, nothing written)" if result.dry_run else "Loaded"
        self.stdout.write(
            f"{verb}: {result.row_count} CSL entries from {result.file_name} "
            f"({result.completeness}; sha256 {result.sha256[:12]})"
        )
