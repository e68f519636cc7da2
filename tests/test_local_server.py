"""`make run`'s development server leaves no database connections behind (config.localservices.web_server).

The fault: runserver serves each request on a thread of its own, and with connections kept for reuse
(DATABASE_CONN_MAX_AGE=60) each finished thread left its connection open: 91 after a burst of requests, until
PostgreSQL refused more.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config import localservices
from tests import processes

ROOT = Path(settings.BASE_DIR)
BURST = 24


def _status(url: str) -> int:
    return processes.http_get(url, timeout=60)[0]


def _connections_to_this_database() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@pytest.fixture
def development_server(django_db_setup, tmp_path):
    """runserver started as `make run` starts it (its command and environment, DEBUG on, the web role), on the
    test database."""
    port = processes.free_port()
    command, extra = localservices.web_server(port)
    env = processes.app_environment(DEBUG="1", REDIS_URL=settings.REDIS_URL, **extra)
    log = tmp_path / "runserver.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    base = f"http://127.0.0.1:{port}"
    try:
        processes.wait_until_live(base, process, log, 60)
        yield base
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


@pytest.mark.django_db(transaction=True)
def test_make_runs_development_server_closes_every_connection_after_a_burst_of_requests(development_server):
    assert _status(development_server + "/readyz") == 200  # the database is reached at all
    before = _connections_to_this_database()  # its start-up checks' own, if still open

    with ThreadPoolExecutor(BURST) as pool:
        statuses = list(pool.map(_status, [development_server + "/readyz"] * BURST))
    assert statuses == [200] * BURST

    # A request's connection is closed just after its answer is sent: allow a moment for the last ones.
    deadline = time.monotonic() + 10
    while (left := _connections_to_this_database()) > before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert left <= before, f"{left - before} connections left open by {BURST} requests"
