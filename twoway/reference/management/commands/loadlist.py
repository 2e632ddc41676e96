"""`twoway loadlist positive|ilab|uflpa|tariffs FILE [--dry-run]`: load a complete official list.

The file is checked cell by cell like the shipped ones; a bad file is refused and the list in
force is left untouched. `positive` accepts the official columns: an 8- or 10-digit code column
(税则号列 / hs_code_cn / hs_code) and the Chinese name (商品名称 / description_zh), remarks optional.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from twoway.core.errors import DomainError
from twoway.reference.datasets import BY_LIST_KIND
from twoway.reference.management.commands.loadreference import describe
from twoway.reference.services import list_load


class Command(BaseCommand):
    help = "Load an official list file (replaces the list in force; --dry-run only checks it)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(BY_LIST_KIND))
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and count changes; write nothing.",
        )

    def handle(self, *args: Any, kind: str, file: Path, dry_run: bool, **options: Any) -> None:
        try:
            result = list_load(kind=kind, path=file, dry_run=dry_run)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(describe(result))
