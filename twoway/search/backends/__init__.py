"""Which backend serves search: the tantivy index when one has been built, else the database."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from django.conf import settings

from .base import SearchBackend
from .database import DatabaseBackend
from .tantivy_backend import TantivyBackend


def search_root() -> Path:
    return Path(getattr(settings, "TWOWAY_SEARCH_DIR", None) or Path(settings.VAR_DIR) / "search")


@lru_cache(maxsize=8)
def _tantivy(root: str) -> TantivyBackend:
    return TantivyBackend(Path(root))


def tantivy_backend() -> TantivyBackend:
    return _tantivy(str(search_root()))


def get_backend() -> SearchBackend:
    backend = tantivy_backend()
    if getattr(settings, "TWOWAY_SEARCH_BACKEND", "tantivy") == "tantivy" and backend.available():
        return backend
    return DatabaseBackend()
