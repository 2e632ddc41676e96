"""The fallback when no index has been built yet (a fresh database, some tests): a catalogue query
over the titles with the query's plain words. No stemming, pinyin or glossary, no price or risk
facets; ``twoway search_rebuild`` builds the real index."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q

from twoway.catalog.models import Product, ProductStatus
from twoway.catalog.selectors import MARKET_FILTERS

from ..documents import SearchDoc
from .base import Bucket, Hit, Progress, SearchRequest, SearchResponse, Suggestion


class DatabaseBackend:
    name = "database"

    def _queryset(self, request: SearchRequest):
        qs = Product.objects.filter(status=ProductStatus.ACTIVE, **MARKET_FILTERS[request.market])
        for word in request.plan.words[:6]:
            qs = qs.filter(
                Q(title_en__icontains=word) | Q(title_zh__icontains=word)
                | Q(description_en__icontains=word) | Q(description_zh__icontains=word)
            )  # fmt: skip
        f = request.filters
        if f.chapter:
            qs = qs.filter(hs_chapter=f.chapter)
        if f.origin and f.origin.startswith("US-"):
            qs = qs.filter(origin_us_state_id=f.origin[3:])
        if f.in_stock:
            qs = qs.filter(stock_on_hand__gt=0)
        return qs

    def search(self, request: SearchRequest) -> SearchResponse:
        qs = self._queryset(request)
        order = {
            "price_asc": "unit_price", "price_desc": "-unit_price", "newest": "-id",
        }.get(request.sort, "-id")  # fmt: skip
        ids = list(
            qs.order_by(order).values_list("id", flat=True)[
                request.offset : request.offset + request.limit
            ]
        )
        total = qs.count()
        facets = {}
        if request.facets:
            rows = qs.order_by().values_list("hs_chapter").annotate(n=Count("id"))
            facets["chapter"] = [Bucket(key=c, count=n) for c, n in rows]
        return SearchResponse(
            hits=[Hit(product_id=i, score=0.0) for i in ids],
            total=total,
            facets=facets,
            backend=self.name,
        )

    def suggest(self, *, prefix: str, market: str, limit: int = 8) -> list[Suggestion]:
        return []

    def upsert(self, docs: Iterable[SearchDoc], *, remove: Iterable[int] = ()) -> int:
        return 0

    def rebuild(
        self, batches: Iterable[list[SearchDoc]], *, total: int, progress: Progress | None = None
    ) -> int:
        return 0
