"""``twoway alternatives_refresh [--products ID ...] [--businesses ID ...] [--dry-run]``."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from twoway.alternatives.services import candidates_refresh, eligible_q
from twoway.catalog.models import Product


class Command(BaseCommand):
    help = (
        "Rebuild the read model of US-made alternatives (all of it, or only the given products "
        "or sellers' products)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--products", type=int, nargs="+", metavar="ID", default=None)
        parser.add_argument("--businesses", type=int, nargs="+", metavar="ID", default=None)
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the eligible products; change nothing."
        )

    def handle(
        self,
        *args,
        products: list[int] | None,
        businesses: list[int] | None,
        dry_run: bool,
        **options,
    ) -> None:
        if dry_run:
            qs = Product.objects.filter(eligible_q())
            if products or businesses:
                qs = qs.filter(id__in=products or []) | qs.filter(business_id__in=businesses or [])
            self.stdout.write(f"Dry run: {qs.count():,} eligible products; nothing written.")
            return
        result = candidates_refresh(product_ids=products, business_ids=businesses)
        kind = "Full rebuild" if result.full else "Incremental refresh"
        self.stdout.write(f"{kind}: {result.written:,} rows written, {result.removed:,} removed.")
