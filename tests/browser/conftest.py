"""Browser tests: Debian's chromium driven by Playwright's sync API against pytest-django's
live_server. Playwright's sync API runs an event loop in the test thread, so Django's
async-safety check must be relaxed for the ORM calls those tests make."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture
def screenshots_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(scope="session")
def browser():
    """One chromium for the whole run (a new context per person keeps them apart)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-US", device_scale_factor=1
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


# --- what the journeys share (tests/browser/journey.py, journey_state.py) ------------------------


@pytest.fixture
def fresh_cache():
    """The cache empty before and after (rates, pages and sessions cached by an earlier test must
    not leak into this one)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def market(fresh_cache, transactional_db, reference_data, settings, tmp_path):
    """The world every journey starts in: the reference data, the consolidated screening list
    sample, payment keys in a directory of the test's own, an empty cache."""
    from . import journey_state as state

    settings.TWOWAY_PAYMENT_KEY_DIR = str(tmp_path)
    state.screening_list_load()


@pytest.fixture
def receiver():
    """A local HTTP server standing in for a seller's system: it records every webhook request
    (headers and raw body) and answers 204."""
    from twoway.integrations.tests.conftest import Receiver

    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def sample_receiver():
    """The receiver of docs/examples/webhook_receiver.py, run on a local port: it verifies each
    request's signature with the secret it is given and answers 204, or 400 when the signature
    does not verify. Records (event type, event id, status, body) of every request."""
    from . import journey_state as state

    r = state.SampleReceiver()
    yield r
    r.close()
