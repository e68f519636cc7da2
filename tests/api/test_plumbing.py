"""Shared API plumbing: rate limiting (O7), error envelopes (C10, C13, O12) and /healthcheck."""

import pytest

from config import shared_redis
from tests.conftest import ProviderClient


@pytest.fixture
def small_rate_limit(settings):
    settings.API_RATE_LIMIT = 3
    settings.API_RATE_WINDOW_SECONDS = 300


@pytest.fixture
def unreachable_redis(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    yield
    shared_redis.forget_clients()


def test_O7_rate_limit_is_per_token_with_retry_after(small_rate_limit, api, other_api):
    statuses = [api.get("/api/v3/participants").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api.get("/api/v3/participants")
    assert response.status_code == 429
    assert response.json()["errors"][0]["title"] == "Too many requests"
    assert 1 <= int(response["Retry-After"]) <= 300
    assert other_api.get("/api/v3/participants").status_code == 200


def test_O7_rate_limit_is_shared_through_redis_across_clients(small_rate_limit, lead_provider):
    first = ProviderClient(lead_provider)
    second_process = ProviderClient(lead_provider)
    second_process.token = first.token  # same token from a different client (another web process)
    shared_redis.forget_clients()
    assert [first.get("/api/v3/participants").status_code for _ in range(2)] == [200, 200]
    shared_redis.forget_clients()  # a fresh connection, as another process would have
    assert [second_process.get("/api/v3/participants").status_code for _ in range(2)] == [200, 429]


def test_O7_limiter_fails_open_when_redis_is_down_and_healthcheck_reports_it(
    small_rate_limit, unreachable_redis, api, client
):
    assert [api.get("/api/v3/participants").status_code for _ in range(5)] == [200] * 5
    response = client.get("/healthcheck")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "redis": "unreachable"}


def test_healthcheck_is_200_when_database_and_redis_answer(client):
    response = client.get("/healthcheck")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}
