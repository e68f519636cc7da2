import datetime as dt

import pytest
from django.test import Client

from config import clock, shared_redis
from schools import tokens
from tests import factories


@pytest.fixture(autouse=True)
def _database_for_every_test(db):
    """Every test runs against the real PostgreSQL test database."""


def pytest_collection_modifyitems(items):
    # A transactional test empties the tables when it ends, reference data included; serialized
    # rollback restores what migrations created, for every such test alike (mixing the two modes
    # makes Django recreate content types twice).
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
            item.add_marker(pytest.mark.django_db(**{**marker.kwargs, "serialized_rollback": True}), append=False)


class ProviderClient:
    """A lead provider calling the API with its own bearer token."""

    def __init__(self, lead_provider):
        self.lead_provider = lead_provider
        self.token = tokens.issue(lead_provider=lead_provider, now=clock.now())
        self.client = Client()

    def _headers(self, headers):
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}", **headers}

    def get(self, path, params=None, **headers):
        return self.client.get(path, params or {}, **self._headers(headers))

    def put(self, path, body=None, **headers):
        data = body if isinstance(body, (str, bytes)) else __import__("json").dumps(body or {})
        return self.client.put(path, data, content_type="application/json", **self._headers(headers))

    def post(self, path, body=None, **headers):
        data = body if isinstance(body, (str, bytes)) else __import__("json").dumps(body or {})
        return self.client.post(path, data, content_type="application/json", **self._headers(headers))


@pytest.fixture
def unreachable_redis(settings):
    """Redis refusing connections (nothing listens on port 1)."""
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    yield
    shared_redis.forget_clients()


@pytest.fixture
def lead_provider():
    return factories.LeadProviderFactory(name="Ambition Institute")


@pytest.fixture
def other_lead_provider():
    return factories.LeadProviderFactory(name="Teach First")


@pytest.fixture
def api(lead_provider):
    return ProviderClient(lead_provider)


@pytest.fixture
def other_api(other_lead_provider):
    return ProviderClient(other_lead_provider)


@pytest.fixture
def today():
    """Tests run on a fixed London date, so date rules are reproducible."""
    moment = dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.UTC)
    with clock.travel_to(moment):
        yield clock.london_date(moment)


def concurrently(call, *, times: int = 4, at):
    """Run `call()` from `times` threads released together, each at the London moment `at`; returns results.

    Each thread has its own database connection, so the requests really race in PostgreSQL.
    """
    import threading

    from django.db import connection

    barrier = threading.Barrier(times)
    results = []

    def attempt():
        try:
            barrier.wait()
            with clock.travel_to(at):
                results.append(call())
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
