"""Prometheus metrics, and the server that exposes them on a port of their own.

The gunicorn master (gunicorn.conf.py) and each Celery worker's main process serve `/metrics` on
METRICS_ADDRESS:METRICS_PORT (default 0.0.0.0:9100), never on the app's port: the platform scrapes it from
inside and routes no public traffic to it. Forked processes (gunicorn's workers, Celery's pool) write their
counts to files in PROMETHEUS_MULTIPROC_DIR (`multiprocess`), which the server adds up at each scrape.

Labels hold route patterns, lead provider names, methods, statuses and task names: short lists whatever
the traffic, never paths, ids or people.
"""

from __future__ import annotations

import logging
import os

from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server
from prometheus_client import multiprocess as _multiprocess

logger = logging.getLogger(__name__)

DEFAULT_PORT = 9100
_SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

HTTP_REQUESTS = Counter(
    "ecf_http_requests",
    "Requests answered, by route pattern, method, status and lead provider ('' when none).",
    ["route", "method", "status", "provider"],
)
HTTP_SECONDS = Histogram(
    "ecf_http_request_duration_seconds",
    "Time to answer a request, by route pattern, method and lead provider.",
    ["route", "method", "provider"],
    buckets=_SECONDS,
)
UPDATED_SINCE_LOCK_WAIT = Histogram(
    "ecf_updated_since_lock_wait_seconds",
    "Time an updated_since read waited for transactions that had stamped rows to commit.",
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
CELERY_TASKS = Counter(
    "ecf_celery_tasks",
    "Celery task runs, by task name and outcome (succeeded, failed, retried).",
    ["task", "outcome"],
)
CELERY_TASK_SECONDS = Histogram(
    "ecf_celery_task_duration_seconds",
    "Time a Celery task ran, by task name, whatever its outcome.",
    ["task"],
    buckets=(*_SECONDS, 60, 300, 900, 1800, 3600),
)


def observe_request(*, route: str, method: str, status: int, provider: str, seconds: float) -> None:
    HTTP_REQUESTS.labels(route, method, str(status), provider).inc()
    HTTP_SECONDS.labels(route, method, provider).observe(seconds)


def listen_address() -> tuple[str, int]:
    return os.environ.get("METRICS_ADDRESS", "0.0.0.0"), int(os.environ.get("METRICS_PORT", DEFAULT_PORT))


def serve(*, collectors=()) -> None:
    """Serves every process's metrics from a thread of this one; `collectors` add values read at scrape time.

    A failure is logged as an error, not raised: the app or the worker keeps running without metrics.
    """
    address, port = listen_address()
    if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        logger.error("metrics not served: no PROMETHEUS_MULTIPROC_DIR (see multiprocess.py)")
        return
    registry = CollectorRegistry()
    _multiprocess.MultiProcessCollector(registry)
    for collector in collectors:
        registry.register(collector)
    try:
        start_http_server(port, addr=address, registry=registry)
    except OSError as error:
        logger.error("metrics not served", extra={"address": address, "port": port, "error": error.strerror})
        return
    logger.info("metrics served", extra={"address": address, "port": port})


def mark_process_dead(pid: int) -> None:
    """Called when a forked process has exited: its gauges that count only live processes are dropped."""
    _multiprocess.mark_process_dead(pid)
