import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Facet counts and home figures are cached; every test starts from an empty cache."""
    cache.clear()
    yield
    cache.clear()
