"""Limits on the API's request path: body size (413), a Redis that hangs, an unreachable database (503)."""

from __future__ import annotations

import io
import json
import logging

import orjson
import pytest
from django.conf import settings as django_settings
from django.test import Client

from config import shared_redis
from config.api.errors import BodyTooLarge
from config.api.parsing import JSONParser
from tests import processes
from tests.silent_server import serve_silent_redis

UNKNOWN_PARTICIPANT = "/api/v3/participants/00000000-0000-0000-0000-000000000000/defer"
VALID_DEFER = {"data": {"attributes": {"reason": "other", "course_identifier": "ecf-induction"}}}
MB = 1024 * 1024


class CountingStream:
    """A request body that records how much of it was read, standing in for the client's socket."""

    def __init__(self, content: bytes = b"", *, size: int | None = None):
        self._content = content
        self._size = len(content) if size is None else size
        self.bytes_read = 0

    def read(self, size=-1):
        remaining = self._size - self.bytes_read
        count = remaining if size is None or size < 0 else min(size, remaining)
        self.bytes_read += count
        start = self.bytes_read - count
        return self._content[start : start + count] if self._content else b"{" * count

    def readline(self, size=-1):  # Django's request wraps any input that has one; nothing here reads lines
        return self.read(size)


def put_raw(path: str, stream, *, token: str | None = None, **environ):
    """A PUT whose body is read from `stream`, with the WSGI environ given (the test client would buffer it)."""
    environ = {"CONTENT_TYPE": "application/json", "wsgi.input": stream, **environ}
    if token:
        environ["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return Client().generic("PUT", path, b"", **environ)


# What gunicorn passes for a chunked body: no Content-Length, and an input that ends where the body does.
CHUNKED = {"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input_terminated": True}


# --- Body size ------------------------------------------------------------------------------------


def test_default_body_limit_is_one_megabyte():
    assert django_settings.API_MAX_BODY_BYTES == 1_048_576


@pytest.mark.parametrize("authenticated", [True, False], ids=["with-token", "without-token"])
def test_a_50MB_body_is_refused_with_413_in_the_envelope_before_any_of_it_is_read(api, authenticated):
    body = CountingStream(size=50 * MB)
    response = put_raw(
        UNKNOWN_PARTICIPANT, body, token=api.token if authenticated else None, CONTENT_LENGTH=str(50 * MB)
    )
    assert response.status_code == 413
    assert response.json() == {
        "errors": [
            {
                "title": "Request body too large",
                "detail": "The request body must be no larger than 1 MB (1,048,576 bytes)",
            }
        ]
    }
    assert body.bytes_read == 0


def test_a_body_of_exactly_the_limit_is_parsed_and_one_byte_more_is_refused(api, settings):
    settings.API_MAX_BODY_BYTES = 300
    payload = orjson.dumps(VALID_DEFER)
    fits = payload + b" " * (300 - len(payload))
    # Parsed: a well-formed body for an unknown participant is the C9 404, not the C10 400 or a 413.
    assert api.put(UNKNOWN_PARTICIPANT, fits).status_code == 404
    refused = api.put(UNKNOWN_PARTICIPANT, fits + b" ")
    assert refused.status_code == 413
    assert refused.json()["errors"] == [
        {"title": "Request body too large", "detail": "The request body must be no larger than 300 bytes"}
    ]


def test_a_chunked_body_over_the_limit_is_refused_after_reading_one_byte_more_than_the_limit(api, settings):
    settings.API_MAX_BODY_BYTES = 1000
    body = CountingStream(size=50 * MB)
    response = put_raw(UNKNOWN_PARTICIPANT, body, token=api.token, **CHUNKED)
    assert response.status_code == 413
    assert response.json()["errors"][0]["title"] == "Request body too large"
    assert body.bytes_read == 1001


def test_a_chunked_body_within_the_limit_is_parsed(api):
    body = CountingStream(orjson.dumps(VALID_DEFER))
    response = put_raw(UNKNOWN_PARTICIPANT, body, token=api.token, **CHUNKED)
    # Read as empty, it would be the C10 400; parsed, it reaches the participant lookup.
    assert response.status_code == 404
    assert response.json()["errors"][0]["title"] == "Resource not found"


def test_json_parser_refuses_a_body_over_the_limit_reading_at_most_one_byte_more(settings):
    settings.API_MAX_BODY_BYTES = 500
    stream = CountingStream(size=10 * MB)
    with pytest.raises(BodyTooLarge) as refusal:
        JSONParser().parse(stream)
    assert refusal.value.status_code == 413
    assert stream.bytes_read == 501
    assert JSONParser().parse(io.BytesIO(b'{"a": 1}' + b" " * 492)) == {"a": 1}


# --- Redis that accepts connections and never answers ----------------------------------------------


@pytest.fixture
def silent_redis(settings, monkeypatch):
    yield from serve_silent_redis(settings, monkeypatch)


def pauses_logged(caplog) -> int:
    return sum(1 for r in caplog.records if r.name == "config.shared_redis" and "did not answer" in r.getMessage())


def test_request_path_redis_client_has_the_short_timeouts_and_no_retries(settings):
    settings.REDIS_SOCKET_TIMEOUT = 0.15
    shared_redis.forget_clients()
    try:
        client = shared_redis.call("a test", lambda client: client)
        options = client.connection_pool.connection_kwargs
        assert options["socket_timeout"] == options["socket_connect_timeout"] == 0.15
        assert options["retry"].get_retries() == 0
    finally:
        shared_redis.forget_clients()


def test_rate_limit_fails_open_on_a_silent_redis_and_leaves_it_alone_until_the_pause_ends(silent_redis, api, caplog):
    caplog.set_level(logging.INFO, logger="config.shared_redis")
    assert api.get("/api/v3/participants").status_code == 200
    connections, sent = silent_redis.settled_counts()
    assert connections >= 1 and sent > 0  # the first request asked Redis, and waited only for the timeout
    assert pauses_logged(caplog) == 1

    silent_redis.clock.now += 4.9
    assert [api.get("/api/v3/participants").status_code for _ in range(5)] == [200] * 5
    assert silent_redis.settled_counts() == (connections, sent)  # not contacted at all within the pause
    assert pauses_logged(caplog) == 1

    silent_redis.clock.now += 0.2
    assert api.get("/api/v3/participants").status_code == 200
    later_connections, later_sent = silent_redis.settled_counts()
    assert later_connections > connections and later_sent > sent  # the pause is over: Redis is tried again
    assert pauses_logged(caplog) == 2


def test_readiness_still_reports_a_silent_redis_while_requests_skip_it(silent_redis, api, client):
    assert api.get("/api/v3/participants").status_code == 200
    connections, _ = silent_redis.settled_counts()
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json()["status"] == "degraded"
    assert response.json()["checks"] == {"database": "ok", "redis": "unreachable"}
    assert silent_redis.settled_counts()[0] > connections  # it asked Redis itself despite the pause


# --- Database unreachable -------------------------------------------------------------------------


def test_api_answers_503_in_the_envelope_while_the_database_refuses_connections():
    responses = processes.responses_without_a_database(
        f"""
        bearer = {{"HTTP_AUTHORIZATION": "Bearer some-token"}}
        responses = {{
            # Token authentication inside DRF is the first query.
            "list": client.get("/api/v3/participants", **bearer),
            "put": client.put({UNKNOWN_PARTICIPANT!r}, {json.dumps(VALID_DEFER)!r}, content_type="application/json", **bearer),
            # A session cookie makes the middleware load the user before any view runs.
            "with-session-cookie": client.get("/api/v3/participants", HTTP_COOKIE="sessionid=0123456789abcdefghijklmnopqrstuv", **bearer),
        }}
        """
    )
    for name, response in responses.items():
        assert response["status"] == 503, (name, response)
        assert json.loads(response["body"]) == {
            "errors": [
                {"title": "Service unavailable", "detail": "The service is temporarily unavailable. Try again later."}
            ]
        }, name
        assert response["retry_after"] == "30", name
