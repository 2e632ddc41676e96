"""`twoway loadreference [--if-changed]`: load every reference dataset shipped in the repo."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from twoway.core.errors import DomainError
from twoway.reference.services import LoadResult, reference_load_all


class Command(BaseCommand):
    help = "Load the reference data files in twoway/reference/data (one transaction)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-changed",
            action="store_true",
            help="Skip datasets whose file has the SHA-256 recorded at the last load.",
        )

    def handle(self, *args: Any, if_changed: bool, **options: Any) -> None:
        try:
            results = reference_load_all(if_changed=if_changed)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        for result in results:
            self.stdout.write(describe(result))


def describe(result: LoadResult) -> str:
    if result.skipped:
        return f"{result.name}: skipped, {result.reason} ({result.row_count} rows)"
    verb = "would load" if result.dry_run else "loaded"
    return (
        f"{result.name}: {verb} {result.row_count} rows from {result.file_name} "
        f"({result.completeness}; +{result.created} ~{result.updated} -{result.deleted})"
    )
