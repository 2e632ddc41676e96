"""`twoway loadlist positive|ilab|uflpa|tariffs|mfn FILE [--dry-run] [--allow-shrink]`.

Loads a complete official list. The file is checked cell by cell like the shipped ones; a bad
file is refused and the list in force is left untouched. A reload that would remove more than
``TWOWAY_LIST_MAX_DROP_SHARE`` (10%) of the rows in force is refused unless ``--allow-shrink``;
``--dry-run`` prints the diff (added / changed / removed) and writes nothing. Every run is
recorded (who, when, file SHA-256, counts) in ``ListLoad`` (admin: Reference › List loads).
`positive` accepts the official columns: an 8- or 10-digit code column
(税则号列 / hs_code_cn / hs_code) and the Chinese name (商品名称 / description_zh), remarks optional.
`mfn` accepts the USITC HTS CSV export (HTS Number, Description, General Rate of Duty): headings
and specific or compound rates are skipped, never guessed.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from twoway.core.errors import DomainError
from twoway.reference.datasets import BY_LIST_KIND
from twoway.reference.management.commands.loadreference import describe
from twoway.reference.services import list_load

DIFF_LINES = 50  # keys printed per section of a dry run


def _who() -> str:
    try:
        return os.environ.get("TWOWAY_OPERATOR") or getpass.getuser()
    except (KeyError, OSError):
        return ""


class Command(BaseCommand):
    help = (
        "Load an official list file (replaces the list in force; --dry-run prints the diff; "
        "a reload removing more than 10% of the rows needs --allow-shrink)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(BY_LIST_KIND))
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and print what would be added, changed and removed.",
        )
        parser.add_argument(
            "--allow-shrink",
            action="store_true",
            help="Accept a reload that removes more than the set share of the rows in force.",
        )
        parser.add_argument("--actor", default="", help="Who runs the load (default: OS user).")

    def handle(
        self, *args: Any, kind: str, file: Path, dry_run: bool, allow_shrink: bool, actor: str,
        **options: Any,
    ) -> None:  # fmt: skip
        try:
            result = list_load(
                kind=kind, path=file, dry_run=dry_run, allow_shrink=allow_shrink,
                actor=actor or _who(),
            )  # fmt: skip
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(describe(result))
        if dry_run:
            for title, keys in (
                ("added", result.added_keys),
                ("changed", result.changed_keys),
                ("removed", result.removed_keys),
            ):
                self.stdout.write(f"{title}: {len(keys)}")
                for key in keys[:DIFF_LINES]:
                    self.stdout.write(
                        f"  {'+' if title == 'added' else '~' if title == 'changed' else '-'} {key}"
                    )
                if len(keys) > DIFF_LINES:
                    self.stdout.write(f"  … and {len(keys) - DIFF_LINES} more")
