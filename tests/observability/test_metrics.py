"""HTTP and updated_since metrics as one process records them (tests/observability/test_serving.py checks
that gunicorn's workers add up)."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

import psycopg
import pytest
from django.db import connection
from prometheus_client import REGISTRY

from config.changes import COMMIT_STAMP_LOCK

UPDATED_SINCE = {"filter[updated_since]": "2025-01-01T00:00:00Z"}


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def requests(route, status, provider="", method="GET"):
    return sample("ecf_http_requests_total", route=route, method=method, status=str(status), provider=provider)


@contextmanager
def counted(measure):
    """Yields a list that holds, after the block, how much `measure()` grew inside it."""
    grown = []
    before = measure()
    yield grown
    grown.append(measure() - before)


@contextmanager
def stamping_writer_holding_the_lock(*, until_waited_on_for: float | None = None):
    """Another session holds the shared stamping lock, as a writer between stamping and committing does.

    With `until_waited_on_for`, it lets go that many seconds after a read starts waiting for it (never before:
    a first request on a busy machine can take longer than that to get there).
    """
    settings = connection.settings_dict
    writer = psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"] or "postgres",
        dbname=settings["NAME"],
        autocommit=True,
    )
    writer.execute("SELECT pg_advisory_lock_shared(%s)", [COMMIT_STAMP_LOCK])

    def release_once_waited_on():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            waiting = writer.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s AND NOT granted",
                [COMMIT_STAMP_LOCK],
            ).fetchone()[0]
            if waiting:
                break
            time.sleep(0.02)
        time.sleep(until_waited_on_for)
        writer.execute("SELECT pg_advisory_unlock_all()")

    releasing = None
    if until_waited_on_for is not None:
        releasing = threading.Thread(target=release_once_waited_on)
        releasing.start()
    try:
        yield
    finally:
        if releasing is not None:
            releasing.join()
        writer.close()


def test_requests_are_counted_and_timed_by_route_method_status_and_provider(api, client, today):
    participants = "/api/v3/participants"
    with (
        counted(lambda: requests(participants, 200, "Ambition Institute")) as answered,
        counted(lambda: requests(participants, 401)) as refused,
        counted(lambda: requests("unmatched", 404)) as unknown,
        counted(lambda: requests("/api/v3/participants/{id}", 404, "Ambition Institute")) as not_found,
        counted(
            lambda: sample(
                "ecf_http_request_duration_seconds_count",
                route=participants,
                method="GET",
                provider="Ambition Institute",
            )
        ) as timed,
    ):
        api.get(participants)
        api.get(participants, {"page[per_page]": "5"})
        client.get(participants)
        client.get("/metrics")
        api.get(f"{participants}/00000000-0000-0000-0000-000000000000")
    assert (answered, refused, unknown, not_found, timed) == ([2], [1], [1], [1], [2])


def test_too_many_requests_are_counted_under_429(api, settings, today):
    settings.API_RATE_LIMIT = 1
    with counted(lambda: requests("/api/v3/participants", 429, "Ambition Institute")) as throttled:
        assert [api.get("/api/v3/participants").status_code for _ in range(3)] == [200, 429, 429]
    assert throttled == [2]


def test_an_updated_since_read_records_how_long_it_waited_for_the_stamping_lock(api, today):
    with (
        counted(lambda: sample("ecf_updated_since_lock_wait_seconds_count")) as reads,
        counted(lambda: sample("ecf_updated_since_lock_wait_seconds_sum")) as waited,
        counted(lambda: sample("ecf_updated_since_lock_wait_seconds_bucket", le="0.25")) as quick,
    ):
        with stamping_writer_holding_the_lock(until_waited_on_for=0.5):
            assert api.get("/api/v3/participants", UPDATED_SINCE).status_code == 200
        assert api.get("/api/v3/participants").status_code == 200  # no updated_since: no wait
    assert reads == [1]
    assert waited[0] >= 0.45
    assert quick == [0]


def test_a_read_the_database_cancels_is_counted_under_503_with_its_wait(api, today):
    with (
        counted(lambda: requests("/api/v3/participants", 503, "Ambition Institute")) as unavailable,
        counted(lambda: sample("ecf_updated_since_lock_wait_seconds_count")) as reads,
        stamping_writer_holding_the_lock(),
        connection.cursor() as cursor,
    ):
        # The test's transaction is the request's: its wait for the lock is cancelled after half a second.
        cursor.execute("SET LOCAL statement_timeout = 500")
        response = api.get("/api/v3/participants", UPDATED_SINCE)
    assert response.status_code == 503 and response["Retry-After"]
    assert unavailable == [1]
    assert reads == [1]


@pytest.mark.parametrize("method", ["BREW", "PROPFIND"])
def test_an_unknown_method_is_counted_as_other(client, method):
    with counted(lambda: requests("/livez", 200, method="other")) as other:
        client.generic(method, "/livez")
    # Health probes answer GET and HEAD only; anything else goes on to the URL pattern's view.
    assert other == [1]
