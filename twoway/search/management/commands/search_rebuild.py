"""``twoway search_rebuild [--drain]``: build the search index from the whole catalogue."""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from twoway.search import documents, services


class Command(BaseCommand):
    help = (
        "Build the search index (tantivy, under var/search) from every active storefront product, "
        "then switch searches to it. Web workers pick the new index up on their next request. "
        "--drain: only write the products queued in the search outbox."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--drain", action="store_true", help="Drain the outbox instead of a full rebuild."
        )
        parser.add_argument(
            "--if-missing", action="store_true", help="Do nothing when an index already exists."
        )

    def handle(self, *args, drain: bool, if_missing: bool, **options) -> None:
        from twoway.search.backends import tantivy_backend

        if if_missing and tantivy_backend().available():
            self.stdout.write("Search index present: nothing to do.")
            return
        if drain:
            n = 0
            while done := services.outbox_drain():
                n += done
            self.stdout.write(f"Search outbox drained: {n:,} products written.")
            return
        total = documents.active_count()
        bar = tqdm(
            total=total, unit="product", unit_scale=True, file=sys.stderr, desc="Indexing",
            disable=not sys.stderr.isatty(),
        )  # fmt: skip
        last = [0, time.monotonic()]

        def progress(done: int, all_: int) -> None:
            bar.update(done - last[0])
            last[0] = done
            if not sys.stderr.isatty() and time.monotonic() - last[1] > 5:
                last[1] = time.monotonic()
                self.stderr.write(f"  indexed {done:,} of about {all_:,} products")

        start = time.monotonic()
        n = services.index_rebuild(progress=progress)
        bar.close()
        self.stdout.write(
            f"Search index rebuilt: {n:,} products in {time.monotonic() - start:.1f} s."
        )
