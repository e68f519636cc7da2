"""/livez and /readyz: health a platform can act on (config/health.py).

A liveness probe that failed with PostgreSQL or Redis would restart every web process during an outage of
either; a readiness probe that failed with Redis alone would take every process out of service although
the app keeps serving without it.
"""

from __future__ import annotations

import json

from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import processes


def test_livez_is_200_with_the_commit_and_runs_no_query(client, settings, django_assert_num_queries):
    settings.COMMIT_SHA = "0123abc"
    with django_assert_num_queries(0):
        response = client.get("/livez")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "commit": "0123abc"}


def test_readyz_is_200_when_database_and_redis_answer(client, settings):
    settings.COMMIT_SHA = "0123abc"
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "commit": "0123abc",
        "checks": {"database": "ok", "redis": "ok"},
    }


def test_readyz_stays_200_and_says_degraded_when_only_redis_is_down(unreachable_redis, client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"] == {"database": "ok", "redis": "unreachable"}


def test_livez_does_not_ask_redis(unreachable_redis, client):
    assert client.get("/livez").status_code == 200


def test_probes_load_no_session_or_user(client, admin_user):
    client.force_login(admin_user)  # the request carries a real session cookie
    with CaptureQueriesContext(connection) as livez:
        assert client.get("/livez").status_code == 200
    with CaptureQueriesContext(connection) as readyz:
        assert client.get("/readyz").status_code == 200
    assert livez.captured_queries == []
    # Its own SELECT 1 (in a transaction with a statement limit), never the session or the user.
    assert [q["sql"] for q in readyz.captured_queries if "SELECT" in q["sql"]] == ["SELECT 1"]


def test_while_the_database_refuses_connections_livez_is_200_and_readyz_503_in_json_even_with_a_session_cookie():
    responses = processes.responses_without_a_database(
        """
        cookie = {"HTTP_COOKIE": "sessionid=0123456789abcdefghijklmnopqrstuv"}
        responses = {
            "livez": client.get("/livez", **cookie),
            "readyz": client.get("/readyz", **cookie),
            "healthcheck": client.get("/healthcheck", **cookie),
        }
        """,
        REDIS_URL=django_settings.REDIS_URL,
        COMMIT_SHA="feedbeef",
    )
    assert responses["livez"]["status"] == 200
    assert json.loads(responses["livez"]["body"]) == {"status": "ok", "commit": "feedbeef"}
    for name in ("readyz", "healthcheck"):
        assert responses[name]["status"] == 503, responses[name]
        assert json.loads(responses[name]["body"]) == {
            "status": "unavailable",
            "commit": "feedbeef",
            "checks": {"database": "unreachable", "redis": "ok"},
        }
