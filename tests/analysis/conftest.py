import pytest


@pytest.fixture(autouse=True)
def _statistics_forgotten():
    """Each test starts with no cached figures: ids are reused after a rollback, and a bulk
    write (the sample generator) bumps no generation, so one test's figures could otherwise
    match the next one's data version."""
    from django.core.cache import cache

    from casebook.analysis.freshness import forget_local

    cache.clear()
    forget_local()
    yield
