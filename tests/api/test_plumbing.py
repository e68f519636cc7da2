"""Shared API plumbing: rate limiting (O7), error envelopes (C9, C10, C13, O12) and readiness."""

import datetime as dt
import uuid

import pytest

from config import shared_redis
from tests.conftest import ProviderClient


@pytest.fixture
def small_rate_limit(settings):
    settings.API_RATE_LIMIT = 3
    settings.API_RATE_WINDOW_SECONDS = 300


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


def test_O7_limiter_fails_open_when_redis_is_down_and_readiness_reports_it(
    small_rate_limit, unreachable_redis, api, client
):
    assert [api.get("/api/v3/participants").status_code for _ in range(5)] == [200] * 5
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"] == {"database": "ok", "redis": "unreachable"}


# --- C9: one way to find what a provider asked for ------------------------------------------------------------------

DEFER = {"data": {"type": "participant-defer", "attributes": {"reason": "other", "course_identifier": "ecf-induction"}}}
CHANGE_PARTNER = {"data": {"type": "partnership", "attributes": {"delivery_partner_id": str(uuid.uuid4())}}}
SHOWN_OR_CHANGED_BY_ID = [
    ("get", "/api/v3/participants/{id}", None),
    ("put", "/api/v3/participants/{id}/defer", DEFER),
    ("get", "/api/v3/participants/{id}/transfers", None),
    ("get", "/api/v3/unfunded-mentors/{id}", None),
    ("get", "/api/v3/schools/{id}?filter[cohort]=2025", None),
    ("get", "/api/v3/delivery-partners/{id}", None),
    ("get", "/api/v3/partnerships/{id}", None),
    ("put", "/api/v3/partnerships/{id}", CHANGE_PARTNER),
    ("get", "/api/v3/participant-declarations/{id}", None),
    ("put", "/api/v3/participant-declarations/{id}/void", None),
]


@pytest.mark.parametrize("method, path, body", SHOWN_OR_CHANGED_BY_ID)
@pytest.mark.parametrize("id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_C9_unknown_or_malformed_ids_are_404_on_every_endpoint(api, today, method, path, body, id):
    response = getattr(api, method)(path.format(id=id), *([body] if method == "put" else []))
    assert response.status_code == 404
    assert response.json() == {
        "errors": [{"title": "Resource not found", "detail": "Nothing could be found for the provided details"}]
    }


# --- O7 per token, O12 time travel, C2 first ------------------------------------------------------------------------


def test_O7_every_spelling_of_a_tokens_header_counts_against_that_one_token(small_rate_limit, api, other_api):
    spellings = [f"Bearer {api.token}", f"bearer {api.token}", f"Bearer  {api.token}", f"Token token={api.token}"]
    statuses = [api.get("/api/v3/participants", HTTP_AUTHORIZATION=spelling).status_code for spelling in spellings]
    assert statuses == [200, 200, 200, 429]
    assert api.get("/api/v3/participants", HTTP_AUTHORIZATION=f'Token token="{api.token}"').status_code == 429
    assert other_api.get("/api/v3/participants").status_code == 200


@pytest.fixture
def sandbox(settings):
    settings.SANDBOX = True


@pytest.mark.parametrize(
    "value",
    [
        "9999-12-31T23:59:59-14:00",  # a representable local time that is year 10000 in UTC
        "0001-01-01T00:00:00+14:00",  # and one before year 1
        "0001-01-01",
        "9999-12-31",
        "1899-12-31T23:59:59Z",
        "3000-01-01",
        "2025-02-30",
        "2025-01-01T10:00:00+25:00",
    ],
)
def test_O12_time_travel_out_of_range_or_unrepresentable_is_400_naming_the_header(sandbox, api, value):
    response = api.get("/api/v3/participants", HTTP_X_WITH_SERVER_DATE=value)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["title"] == "Bad request"
    assert error["detail"].startswith("The header 'X-With-Server-Date' must be a valid ISO 8601 date or date-time")


def test_O12_a_tokens_last_use_is_the_real_moment_not_the_travelled_one(sandbox, api):
    from django.utils import timezone

    from schools.models import ApiToken

    before = timezone.now()
    assert api.get("/api/v3/participants", HTTP_X_WITH_SERVER_DATE="2999-12-31T23:00:00Z").status_code == 200
    assert api.get("/api/v3/participants", HTTP_X_WITH_SERVER_DATE="1900-01-01").status_code == 200
    assert api.get("/api/v3/participants", HTTP_X_WITH_SERVER_DATE="9999-12-31T23:59:59-14:00").status_code == 400
    assert before <= ApiToken.objects.get().last_used_at <= timezone.now()


def test_O12_a_token_whose_last_use_was_stored_out_of_range_still_works(sandbox, api):
    from django.db import connection
    from django.utils import timezone

    from schools.models import ApiToken

    with connection.cursor() as cursor:  # as a travelled request could store it before O12 was fixed
        cursor.execute("UPDATE schools_apitoken SET last_used_at = '10000-01-01T00:00:00Z'")
    assert api.get("/api/v3/participants").status_code == 200
    assert ApiToken.objects.get().last_used_at <= timezone.now()


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token"])
def test_C2_authentication_comes_before_the_time_travel_header(sandbox, client, authorization):
    headers = {"HTTP_X_WITH_SERVER_DATE": "not a date"}
    if authorization:
        headers["HTTP_AUTHORIZATION"] = authorization
    response = client.get("/api/v3/participants", **headers)
    assert response.status_code == 401
    assert response.json() == {"error": "HTTP Token: Access denied"}


def test_a_tokens_last_use_is_written_at_most_once_a_minute_not_on_every_request(sandbox, api, monkeypatch):
    from django.utils import timezone

    from schools.models import ApiToken

    start = timezone.now()
    seen = []
    for seconds in (0, 30, 59, 60, 61, 125):
        monkeypatch.setattr("config.clock.real_now", lambda seconds=seconds: start + dt.timedelta(seconds=seconds))
        assert api.get("/api/v3/participants").status_code == 200
        seen.append((ApiToken.objects.values_list("last_used_at", flat=True).get() - start).total_seconds())
    assert seen == [0, 0, 0, 60, 60, 125]
