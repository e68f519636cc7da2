"""gunicorn as production runs it (gunicorn.conf.py, two workers): JSON lines only, one access line per request,
and metrics on their own port that add up across workers, including workers that have since been replaced."""

from __future__ import annotations

import json
import socket
import time

import pytest
from prometheus_client.parser import text_string_to_metric_families

from config import clock
from schools import tokens
from tests import factories, processes
from tests.builders import trained_participant

REQUESTS = 12
# Each worker is replaced after this many requests, so the requests are answered by at least four processes.
MAX_REQUESTS = 3


def get(url: str, **headers) -> tuple[int, bytes]:
    status, _, body = processes.http_get(url, timeout=30, **headers)
    return status, body


def wait_for_port(port: int, *, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                pytest.fail(f"nothing listened on {port} within {timeout} seconds")
            time.sleep(0.2)


def samples(body: bytes, name: str) -> list:
    return [
        sample
        for family in text_string_to_metric_families(body.decode())
        for sample in family.samples
        if sample.name == name
    ]


@pytest.mark.django_db(transaction=True)
def test_gunicorn_workers_metrics_add_up_on_the_metrics_port_and_every_line_is_json(tmp_path):
    lead_provider = factories.LeadProviderFactory(name="Ambition Institute")
    trained_participant(lead_provider)
    token = tokens.issue(lead_provider=lead_provider, now=clock.now())
    metrics_port = processes.free_port()
    env = processes.app_environment(
        GUNICORN_MAX_REQUESTS=str(MAX_REQUESTS), GUNICORN_MAX_REQUESTS_JITTER="0", METRICS_PORT=str(metrics_port)
    )
    metrics = f"http://127.0.0.1:{metrics_port}/metrics"
    log = tmp_path / "gunicorn.log"
    with processes.gunicorn(env, workers=2, log=log) as app:
        wait_for_port(metrics_port)
        bearer = {"Authorization": f"Bearer {token}"}
        for number in range(REQUESTS):
            query = "?filter[updated_since]=2025-01-01T00:00:00Z" if number % 2 else ""
            status, _ = get(f"{app}/api/v3/participants{query}", **bearer, **{"X-Request-Id": f"metrics-test-{number}"})
            assert status == 200
        # Personal data in a query string, which neither gunicorn nor the app may write.
        assert get(f"{app}/school/sign-in/?next=/school/?q=Priya+Shah")[0] == 200
        assert get(f"{app}/metrics")[0] == 404  # the metrics are not served on the app's port
        status, scraped = get(metrics)
        assert status == 200
    text = log.read_text()
    print(text, scraped.decode(), sep="\n")  # shown when the test fails

    api = {"route": "/api/v3/participants", "method": "GET", "provider": "Ambition Institute"}
    counted = [s for s in samples(scraped, "ecf_http_requests_total") if s.labels == {**api, "status": "200"}]
    assert [s.value for s in counted] == [REQUESTS]
    timed = [s for s in samples(scraped, "ecf_http_request_duration_seconds_count") if s.labels == api]
    assert [s.value for s in timed] == [REQUESTS]
    assert [s.value for s in samples(scraped, "ecf_updated_since_lock_wait_seconds_count")] == [REQUESTS // 2]

    lines = [json.loads(line) for line in text.splitlines()]  # every line gunicorn and the app wrote is JSON
    access = [line for line in lines if line["logger"] == "config.observability.access" and "provider" in line]
    assert sorted(line["request_id"] for line in access) == sorted(f"metrics-test-{n}" for n in range(REQUESTS))
    assert {(line["route"], line["page_size"], line["rows"]) for line in access} == {("/api/v3/participants", 100, 1)}
    assert len({line["pid"] for line in access}) >= REQUESTS // MAX_REQUESTS  # replaced workers' counts were kept
    assert any(line["logger"] == "gunicorn.error" and "Booting worker" in line["message"] for line in lines)
    assert "Priya" not in text and "q=" not in text
