"""The search backend interface: what the storefronts, the API and the bench call.

Two implementations: ``tantivy`` (the embedded index under ``var/search``, the default) and
``database`` (a plain catalogue query, used only when no index has been built yet). A scale-out
backend (OpenSearch / Elasticsearch with a CJK analyzer) would implement the same four calls;
see the README, "Search".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from ..documents import SearchDoc
from ..rules.analyze import QueryPlan

SORTS = ("relevance", "price_asc", "price_desc", "newest", "sales")
MARKETS = ("cn_export", "us_import")


@dataclass(frozen=True)
class PriceBand:
    key: str
    low: float | None
    high: float | None


@dataclass(frozen=True)
class Filters:
    chapter: str | None = None
    origin: str | None = None  # "US-WI" / "CN-44"
    midwest: bool = False
    in_stock: bool = False
    cbec_eligible: bool = False
    risk: str | None = None  # "none" | "elevated" | "high" | "low" (= none or elevated)
    us_alt: bool = False
    band: PriceBand | None = None


@dataclass(frozen=True)
class SearchRequest:
    plan: QueryPlan
    market: str
    filters: Filters = Filters()
    sort: str = "relevance"
    offset: int = 0
    limit: int = 24
    bands: tuple[PriceBand, ...] = ()
    facets: bool = True

    @property
    def price_field(self) -> str:
        return "price_cny" if self.market == "cn_export" else "price_usd_landed"


@dataclass(frozen=True)
class Hit:
    product_id: int
    score: float


@dataclass(frozen=True)
class Bucket:
    key: str
    count: int


@dataclass(frozen=True)
class SearchResponse:
    hits: list[Hit]
    total: int  # documents matching the query (all words), with the filters
    relaxed: bool = False  # no document had every word: these match some of them
    facets: dict[str, list[Bucket]] = field(default_factory=dict)
    backend: str = ""


@dataclass(frozen=True)
class Suggestion:
    text: str
    count: int


Progress = Callable[[int, int], None]


class SearchBackend(Protocol):
    name: str

    def search(self, request: SearchRequest) -> SearchResponse: ...

    def suggest(self, *, prefix: str, market: str, limit: int = 8) -> list[Suggestion]: ...

    def upsert(self, docs: Iterable[SearchDoc], *, remove: Iterable[int] = ()) -> int: ...

    def rebuild(
        self, batches: Iterable[list[SearchDoc]], *, total: int, progress: Progress | None = None
    ) -> int: ...
