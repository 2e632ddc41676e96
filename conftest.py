"""Test-wide switches: one setting picks the database (DATABASE_URL); PostgreSQL-only tests skip
on SQLite; browser tests skip where no chromium is installed (and fail under CI=true)."""

from __future__ import annotations

import os
import shutil

import pytest
from hypothesis import HealthCheck, settings

# Property tests judge results, not speed: on a shared two-core machine (and under two xdist
# workers) an example can take longer than hypothesis's default 200 ms deadline. Speed is measured
# by the benchmarks under bench/, never by tests.
settings.register_profile(
    "twoway", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile("twoway")

# Shared fixtures: a Midwest seller with a positive-list product, a buyer in China with a
# verified real-name identity (used by checkout, payments, customs and ledger tests).
pytest_plugins = ["twoway.checkout.tests.fixtures", "twoway.fulfilment.tests.fixtures"]


def pytest_collection_modifyitems(config, items):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    on_postgres = "postgresql" in engine
    no_chromium = shutil.which("chromium") is None and os.environ.get("CI") != "true"
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    skip_browser = pytest.mark.skip(reason="chromium not installed")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)
        if "browser" in item.keywords and no_chromium:
            item.add_marker(skip_browser)


@pytest.fixture
def reference_data(db):
    """The reference data shipped in the repo, loaded as `twoway loadreference` does."""
    from twoway.reference.services import reference_load_all

    reference_load_all()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request in an earlier test must not leave
    its language active in this thread."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _reference_cache_clear():
    """Reference rows are cached per process by day; each test starts with an empty cache."""
    from twoway.reference.selectors import cache_clear

    cache_clear()
    yield
    cache_clear()


@pytest.fixture(autouse=True)
def _search_index_dir(settings, tmp_path_factory):
    """Each test starts without a search index, in a directory of its own (search falls back to
    the database until a test builds an index; nothing is written under var/)."""
    import uuid

    settings.TWOWAY_SEARCH_DIR = tmp_path_factory.getbasetemp() / f"search-{uuid.uuid4().hex}"
