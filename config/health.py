"""Health for a platform to act on: /livez (restart me?) and /readyz (send me traffic?).

Both are answered by HealthMiddleware, above the session and user middleware, so a probe never loads a
session or a user, and neither can fail because the session store (the database) is down.

- /livez checks this process only: it answers as long as the process can serve a request. It never
  touches PostgreSQL or Redis, so an outage of either never restarts every web process.
- /readyz answers 503 when PostgreSQL cannot be reached: this process cannot serve anyone. Redis being
  down is reported as "degraded" with 200, because everything that uses Redis on the request path fails
  open (the rate limit, the sign-in lock-outs).
- /healthcheck is the older name of /readyz, kept for load balancers already pointed at it.

Every answer names the commit the process runs (COMMIT_SHA, recorded in the image).
"""

from __future__ import annotations

import logging

import redis
from django.conf import settings
from django.db import connection, transaction
from django.http import JsonResponse

logger = logging.getLogger(__name__)

# The database answers this quickly when it answers at all; a probe must not queue behind a slow server.
_PROBE_STATEMENT_TIMEOUT_MS = 2000


def _database_ok() -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL statement_timeout = {_PROBE_STATEMENT_TIMEOUT_MS}")
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any failure means "not reachable" to the caller
        logger.warning("readiness: database unreachable", exc_info=True)
        return False


def _redis_ok() -> bool:
    # A client of its own: the request path's breaker (config.shared_redis) remembers past failures, and a
    # probe must report Redis as it is now.
    timeout = max(float(settings.REDIS_SOCKET_TIMEOUT), 1.0)
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=timeout, socket_timeout=timeout)
        return bool(client.ping())
    except Exception:
        logger.warning("readiness: redis unreachable", exc_info=True)
        return False


def livez(request) -> JsonResponse:
    return JsonResponse({"status": "ok", "commit": settings.COMMIT_SHA})


def readyz(request) -> JsonResponse:
    database, redis_ = _database_ok(), _redis_ok()
    status = "unavailable" if not database else ("ok" if redis_ else "degraded")
    body = {
        "status": status,
        "commit": settings.COMMIT_SHA,
        "checks": {"database": "ok" if database else "unreachable", "redis": "ok" if redis_ else "unreachable"},
    }
    return JsonResponse(body, status=200 if database else 503)


PROBES = {"/livez": livez, "/readyz": readyz, "/healthcheck": readyz}


class HealthMiddleware:
    """Answers the probes before any middleware below it can load a session or a user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info)
        if probe is None or request.method not in {"GET", "HEAD"}:
            return self.get_response(request)
        return probe(request)
