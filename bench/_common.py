"""Shared bench helpers: a PostgreSQL database of the bench's own from DATABASE_URL, timing, and
the JSON object every bench prints as its last line."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlparse, urlunparse

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/twoway_bench"


def database_url(default: str = DEFAULT_URL) -> str:
    url = os.environ.get("DATABASE_URL") or default
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"The benches need PostgreSQL; DATABASE_URL is {url!r}.")
    return url


def database_ensure(url: str) -> str:
    """Create the database named in the URL if it does not exist; return its name."""
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return name


def django_setup(url: str, settings: str = "twoway.config.settings.test") -> None:
    """Point Django at the bench database, set it up and migrate it (quietly)."""
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


@contextmanager
def timed() -> Iterator[list[float]]:
    """``with timed() as t: ...`` then ``t[0]`` is the elapsed seconds."""
    box = [0.0]
    start = time.perf_counter()
    try:
        yield box
    finally:
        box[0] = time.perf_counter() - start


def say(line: str) -> None:
    print(line, flush=True)


def result(payload: dict) -> None:
    """The last line of every bench: one JSON object."""
    sys.stdout.flush()
    print(json.dumps(payload, sort_keys=False), flush=True)
