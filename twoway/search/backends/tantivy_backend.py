"""The embedded index: tantivy (Rust, through its Python bindings), under ``var/search``.

Layout: ``var/search/indexes/<stamp>/`` holds one complete index; ``var/search/CURRENT`` names the
one in use. A full rebuild writes a new directory and then replaces ``CURRENT`` (an atomic rename),
so searches never see a half-built index; the outbox drain writes into the current one.

Several web workers, one writer: tantivy allows one ``IndexWriter`` per index directory (a lock
file, across processes); the outbox drain and the rebuild take it and drop it right after their
commit, and a drain that finds it busy leaves its rows for the next run. Readers never lock: each
process keeps one open index and, before each search, checks ``CURRENT`` and the index's
``meta.json`` (two ``stat`` calls); when either changed it reopens or reloads, so a committed change
is visible to every worker on its next request.

Text fields are pre-analysed by ``rules.analyze`` (jieba, stemming, pinyin, glossary) into
space-separated terms and indexed with tantivy's whitespace tokenizer, so index and queries share
one analyzer written in Python.
"""

from __future__ import annotations

import math
import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import tantivy

from ..documents import SearchDoc
from ..rules.analyze import SUGGEST_SEP, Group, QueryPlan, Variant
from .base import (
    Bucket,
    Filters,
    Hit,
    Progress,
    SearchRequest,
    SearchResponse,
    Suggestion,
)

TEXT_FIELDS = (
    "zh_title", "zh_alias", "zh_desc", "zh_chars", "en_title", "en_alias", "en_desc", "en_raw",
    "py", "py_init",
)  # fmt: skip
HEAP_BYTES = 128_000_000
FACET_CHAPTERS = 100
RELAXED_LIMIT_WORDS = 8
KEEP_OLD_INDEXES = 1
RERANK_POOL = 60  # best BM25 matches re-ranked by stock and sales
RERANK_MAX = 600


def schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_unsigned_field("id", stored=True, indexed=True, fast=True)
    for name in TEXT_FIELDS:
        sb.add_text_field(name, tokenizer_name="whitespace", index_option="freq")
    sb.add_text_field("suggest", tokenizer_name="raw", index_option="basic")
    for name in ("market", "chapter", "origin", "risk", "hs"):
        sb.add_text_field(name, tokenizer_name="raw", fast=True, index_option="basic")
    for name in ("midwest", "in_stock", "cbec_eligible", "buyable", "us_alt"):
        sb.add_boolean_field(name, indexed=True, fast=True)
    for name in ("price_usd", "price_cny", "price_usd_landed", "weight"):
        sb.add_float_field(name, indexed=True, fast=True)
    sb.add_unsigned_field("sales", indexed=False, fast=True)
    sb.add_unsigned_field("created", indexed=False, fast=True)
    return sb.build()


SCHEMA = schema()


def _document(doc: SearchDoc) -> tantivy.Document:
    d = tantivy.Document()
    d.add_unsigned("id", doc.product_id)
    for name in TEXT_FIELDS:
        value = getattr(doc.text, name)
        if value:
            d.add_text(name, value)
    for entry in doc.text.suggest:
        d.add_text("suggest", entry)
    for market in doc.markets:
        d.add_text("market", market)
    d.add_text("chapter", doc.chapter)
    if doc.origin:
        d.add_text("origin", doc.origin)
    if doc.risk:
        d.add_text("risk", doc.risk)
    for code in {doc.hs_code, doc.hs_code[:4], doc.chapter}:
        d.add_text("hs", code)
    d.add_boolean("midwest", doc.midwest)
    d.add_boolean("in_stock", doc.in_stock)
    d.add_boolean("cbec_eligible", doc.cbec_eligible)
    d.add_boolean("buyable", doc.buyable)
    d.add_boolean("us_alt", doc.us_alt)
    d.add_float("price_usd", doc.price_usd)
    d.add_float("price_cny", doc.price_cny)
    d.add_float("price_usd_landed", doc.price_usd_landed)
    d.add_float("weight", doc.weight)
    d.add_unsigned("sales", max(doc.sales, 0))
    d.add_unsigned("created", max(doc.created, 0))
    return d


def _term(field: str, value) -> tantivy.Query:
    return tantivy.Query.term_query(SCHEMA, field, value)


def _variant_query(v: Variant) -> tantivy.Query:
    if v.fuzzy:
        q = tantivy.Query.fuzzy_term_query(SCHEMA, v.field, v.term, distance=1, prefix=True)
    else:
        q = _term(v.field, v.term)
    return tantivy.Query.boost_query(q, v.boost)


CHARS_BOOST = 0.3


def _known(searcher, fields: tuple[str, ...], term: str) -> bool:
    return any(searcher.doc_freq(f, term) for f in fields)


def _group_query(group: Group, searcher=None) -> tantivy.Query:
    """One word in all its forms. With a searcher, the costly forms are left out when the word
    is in the index as typed: typo tolerance (a fuzzy term) only for a word the index does not
    know, the every-character fallback only for a Chinese word no title or alias carries."""
    exact = [v for v in group.variants if not v.fuzzy]
    fuzzy = [v for v in group.variants if v.fuzzy]
    if fuzzy and searcher is not None:
        stems = {v.term for v in exact if v.field in ("en_title", "en_alias")}
        if any(_known(searcher, ("en_title", "en_alias"), t) for t in stems):
            fuzzy = []
    clauses = [(tantivy.Occur.Should, _variant_query(v)) for v in exact + fuzzy]
    chars = group.chars
    if chars and searcher is not None and _known(searcher, ("zh_title", "zh_alias"), group.word):
        chars = ()
    if chars:
        every_char = tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, _term("zh_chars", c)) for c in chars]
        )
        clauses.append((tantivy.Occur.Should, tantivy.Query.boost_query(every_char, CHARS_BOOST)))
    return tantivy.Query.boolean_query(clauses)


def text_query(plan: QueryPlan, *, relaxed: bool = False, searcher=None) -> tantivy.Query | None:
    """All required words must match (each in any of its forms); ``relaxed``: any word will do."""
    if plan.empty:
        return None
    clauses = []
    required = [g for g in plan.groups if g.required]
    if relaxed:
        variants = [v for g in plan.groups[:RELAXED_LIMIT_WORDS] for v in g.variants]
        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, _variant_query(v)) for v in variants + list(plan.alternatives)]
        )
    for g in plan.groups:
        occur = tantivy.Occur.Must if (g.required or not required) else tantivy.Occur.Should
        clauses.append((occur, _group_query(g, searcher)))
    strict = tantivy.Query.boolean_query(clauses) if clauses else None
    if not plan.alternatives:
        return strict
    alts = [(tantivy.Occur.Should, _variant_query(v)) for v in plan.alternatives]
    if strict is not None:
        alts.append((tantivy.Occur.Should, strict))
    return tantivy.Query.boolean_query(alts)


def filter_clauses(market: str, f: Filters, price_field: str) -> list[tantivy.Query]:
    out = [_term("market", market)]
    if f.chapter:
        out.append(_term("chapter", f.chapter))
    if f.origin:
        out.append(_term("origin", f.origin))
    if f.midwest:
        out.append(_term("midwest", True))
    if f.in_stock:
        out.append(_term("in_stock", True))
    if f.cbec_eligible:
        out.append(_term("cbec_eligible", True))
    if f.us_alt:
        out.append(_term("us_alt", True))
    if f.risk == "low":
        out.append(
            tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, _term("risk", r)) for r in ("none", "elevated")]
            )
        )
    elif f.risk:
        out.append(_term("risk", f.risk))
    if f.band is not None:
        out.append(
            tantivy.Query.range_query(
                SCHEMA,
                price_field,
                tantivy.FieldType.Float,
                f.band.low if f.band.low is not None else None,
                f.band.high if f.band.high is not None else None,
                include_lower=True,
                include_upper=f.band.high is None,
            )  # fmt: skip
        )
    return out


def combine(text: tantivy.Query | None, filters: list[tantivy.Query]) -> tantivy.Query:
    clauses = [(tantivy.Occur.Must, q) for q in filters]
    if text is not None:
        clauses.insert(0, (tantivy.Occur.Must, text))
    else:
        clauses.insert(0, (tantivy.Occur.Must, tantivy.Query.all_query()))
    # Filters do not score: only the text query does.
    return tantivy.Query.boolean_query(
        [clauses[0]] + [(o, tantivy.Query.const_score_query(q, 0.0)) for o, q in clauses[1:]]
    )


def _buckets(agg: dict, name: str) -> list[Bucket]:
    out = []
    for b in agg.get(name, {}).get("buckets", []):
        key = b.get("key_as_string", b.get("key"))
        if isinstance(key, bool):
            key = "true" if key else "false"
        out.append(Bucket(key=str(key), count=int(b.get("doc_count", 0))))
    return out


class TantivyBackend:
    name = "tantivy"

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._lock = threading.Lock()
        self._index: tantivy.Index | None = None
        self._opened: tuple[str, float] | None = None

    # --- where the index is ---------------------------------------------------------------

    @property
    def current_file(self) -> Path:
        return self.root / "CURRENT"

    def current_dir(self) -> Path | None:
        try:
            name = self.current_file.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        path = self.root / "indexes" / name
        return path if (path / "meta.json").exists() else None

    def available(self) -> bool:
        return self.current_dir() is not None

    def _open(self) -> tantivy.Index:
        """The current index, reopened when CURRENT changed, reloaded when it committed."""
        path = self.current_dir()
        if path is None:
            raise FileNotFoundError("no search index has been built")
        mtime = (path / "meta.json").stat().st_mtime
        with self._lock:
            if self._index is None or self._opened is None or self._opened[0] != str(path):
                self._index = tantivy.Index(SCHEMA, path=str(path), reuse=True)
                self._index.config_reader(reload_policy="Manual")
            elif self._opened[1] != mtime:
                self._index.reload()
            self._opened = (str(path), mtime)
            return self._index

    def size_bytes(self) -> int:
        path = self.current_dir()
        if path is None:
            return 0
        return sum(f.stat().st_size for f in path.iterdir() if f.is_file())

    # --- reads ----------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchResponse:
        index = self._open()
        searcher = index.searcher()
        filters = filter_clauses(request.market, request.filters, request.price_field)
        text = text_query(request.plan, searcher=searcher)
        query = combine(text, filters)
        hits, total = self._run(searcher, query, request, has_text=text is not None)
        relaxed = False
        if total == 0 and text is not None and len(request.plan.groups) > 1:
            query = combine(text_query(request.plan, relaxed=True), filters)
            hits, _n = self._run(searcher, query, request, has_text=True)
            relaxed = bool(hits)
        facets = self._facets(searcher, query, request) if request.facets else {}
        return SearchResponse(
            hits=hits, total=total, relaxed=relaxed, facets=facets, backend=self.name
        )

    def _run(self, searcher, query, request: SearchRequest, *, has_text: bool):
        """One page of hits and the total. Relevance: BM25 over a pool of the best matches, then
        each score multiplied by log2(2 + weight) (stock and sales) and the pool re-sorted — the
        same formula as tantivy's ``weight_by_field``, without scoring every match twice."""
        sort = request.sort
        if sort == "relevance" and not has_text:
            sort = "newest"
        if sort == "relevance":
            pool = min(RERANK_MAX, max(RERANK_POOL, 2 * (request.offset + request.limit)))
            result = searcher.search(query, limit=pool, count=True)
            addresses = [address for _score, address in result.hits]
            ids = searcher.fast_field_values("id", addresses)
            weights = searcher.fast_field_values("weight", addresses)
            ranked = sorted(
                (
                    (score * math.log2(2.0 + max(weight or 0.0, 0.0)), int(pid))
                    for (score, _a), pid, weight in zip(result.hits, ids, weights, strict=True)
                ),
                key=lambda pair: (-pair[0], pair[1]),
            )
            page = ranked[request.offset : request.offset + request.limit]
            return [Hit(product_id=pid, score=score) for score, pid in page], int(result.count or 0)
        kwargs: dict[str, Any] = {"limit": request.limit, "offset": request.offset, "count": True}
        if sort in ("price_asc", "price_desc"):
            kwargs["order_by_field"] = request.price_field
            kwargs["order"] = tantivy.Order.Asc if sort == "price_asc" else tantivy.Order.Desc
        elif sort == "newest":
            kwargs["order_by_field"] = "created"
        elif sort == "sales":
            kwargs["order_by_field"] = "sales"
        result = searcher.search(query, **kwargs)
        ids = searcher.fast_field_values("id", [address for _key, address in result.hits])
        return [Hit(product_id=int(pid), score=0.0) for pid in ids], int(result.count or 0)

    def _facets(self, searcher, query, request: SearchRequest) -> dict[str, list[Bucket]]:
        spec: dict = {
            "chapter": {"terms": {"field": "chapter", "size": FACET_CHAPTERS}},
            "in_stock": {"terms": {"field": "in_stock"}},
        }
        if request.bands:
            spec["price"] = {
                "range": {
                    "field": request.price_field,
                    "ranges": [
                        {
                            "key": b.key,
                            **({"from": b.low} if b.low is not None else {}),
                            **({"to": b.high} if b.high is not None else {}),
                        }
                        for b in request.bands
                    ],  # fmt: skip
                }
            }
        if request.market == "cn_export":
            spec["origin"] = {"terms": {"field": "origin", "size": 60}}
            spec["midwest"] = {"terms": {"field": "midwest"}}
            spec["cbec_eligible"] = {"terms": {"field": "cbec_eligible"}}
        else:
            spec["risk"] = {"terms": {"field": "risk", "size": 10}}
            spec["us_alt"] = {"terms": {"field": "us_alt"}}
        agg = searcher.aggregate(query, spec)
        return {name: _buckets(agg, name) for name in spec}

    def suggest(self, *, prefix: str, market: str, limit: int = 8) -> list[Suggestion]:
        if not prefix:
            return []
        searcher = self._open().searcher()
        rows = searcher.terms_with_prefix(
            "suggest", prefix, filter_query=_term("market", market), limit=limit * 6
        )
        merged: dict[str, int] = {}
        for entry, count in rows:
            key, _sep, display = entry.partition(SUGGEST_SEP)
            display = display or key
            merged[display] = max(merged.get(display, 0), int(count))
        ordered = sorted(merged.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))
        return [Suggestion(text=t, count=n) for t, n in ordered[:limit]]

    # --- writes (one writer at a time, across processes) ------------------------------------

    def upsert(self, docs: Iterable[SearchDoc], *, remove: Iterable[int] = ()) -> int:
        index = self._open()
        writer = index.writer(heap_size=HEAP_BYTES // 4, num_threads=1)
        try:
            docs = list(docs)
            # (delete_documents_by_term does not match unsigned fields in these bindings: a
            # term-set query on the id does.)
            ids = [int(pid) for pid in remove] + [doc.product_id for doc in docs]
            if ids:
                writer.delete_documents_by_query(tantivy.Query.term_set_query(SCHEMA, "id", ids))
            for doc in docs:
                writer.add_document(_document(doc))
            n = len(docs)
            writer.commit()
            writer.wait_merging_threads()
        except BaseException:
            writer.rollback()
            raise
        finally:
            del writer
        return n

    def rebuild(
        self, batches: Iterable[list[SearchDoc]], *, total: int, progress: Progress | None = None
    ) -> int:
        (self.root / "indexes").mkdir(parents=True, exist_ok=True)
        stamp = (
            f"{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        )
        path = self.root / "indexes" / stamp
        path.mkdir()
        index = tantivy.Index(SCHEMA, path=str(path), reuse=False)
        threads = max(1, min(4, (os.cpu_count() or 1)))
        writer = index.writer(heap_size=HEAP_BYTES, num_threads=threads)
        n = 0
        try:
            for batch in batches:
                for doc in batch:
                    writer.add_document(_document(doc))
                n += len(batch)
                if progress:
                    progress(n, total)
            writer.commit()
            writer.wait_merging_threads()
        except BaseException:
            del writer
            shutil.rmtree(path, ignore_errors=True)
            raise
        del writer
        tmp = self.current_file.with_suffix(".tmp")
        tmp.write_text(stamp, encoding="utf-8")
        os.replace(tmp, self.current_file)
        self._prune(keep=stamp)
        return n

    def _prune(self, *, keep: str) -> None:
        """Old indexes go once replaced (keeping one: a worker may still be reading it)."""
        old = sorted(p for p in (self.root / "indexes").iterdir() if p.name != keep)
        for path in old[: max(0, len(old) - KEEP_OLD_INDEXES)]:
            shutil.rmtree(path, ignore_errors=True)
