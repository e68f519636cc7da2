"""One access line and the HTTP metrics per request, named by route pattern, never by path or query.

The line, from logger `config.observability.access`:
    {"message": "GET /api/v3/participants 200", "method": "GET", "route": "/api/v3/participants",
     "status": 200, "duration_ms": 41.7, "provider": "Ambition Institute", "page_size": 100, "rows": 100, ...}
`provider` is the lead provider whose token the API request carried; `page_size` and `rows` are set by API
lists (`annotate`). Health probes are written at DEBUG, so a platform polling them does not fill the logs.
"""

from __future__ import annotations

import logging
import re
import time
from contextvars import ContextVar

from django.conf import settings
from django.urls import Resolver404, resolve

from config.observability import metrics

logger = logging.getLogger(__name__)

_PROBES = frozenset({"/livez", "/readyz", "/healthcheck"})
# Clients may send any method name; a label takes only these, so it stays a short list.
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
_NAMED_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")

# Fields that code deeper in the request adds to its access line (the API's page size and rows).
_annotations: ContextVar[dict | None] = ContextVar("access_annotations", default=None)


def annotate(**fields) -> None:
    """Adds fields to this request's access line; outside a request, does nothing."""
    current = _annotations.get()
    if current is not None:
        current.update(fields)


def route_of(request) -> str:
    """The URL pattern that answered, e.g. `/api/v3/participants/{id}`: the same few values whatever the path."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        # Answered above URL resolution (health probes, static files) or by no pattern at all (a 404).
        try:
            match = resolve(request.path_info)
        except Resolver404:
            static = "/" + settings.STATIC_URL.lstrip("/")
            return static + "{path}" if request.path_info.startswith(static) else "unmatched"
    route = _NAMED_GROUP.sub(r"{\1}", _CONVERTER.sub(r"{\1}", match.route))
    return "/" + route.lstrip("^").rstrip("$")


def provider_of(request) -> str:
    """The lead provider whose token authenticated this API request (DRF sets `auth` on it), else ""."""
    return str(getattr(getattr(request, "auth", None), "name", "") or "")


class AccessLogMiddleware:
    """Second in MIDDLEWARE, below the request id: it sees every request and the status finally sent."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        fields: dict = {}
        token = _annotations.set(fields)
        try:
            response = self.get_response(request)
        finally:
            _annotations.reset(token)
        seconds = time.perf_counter() - started
        route, provider = route_of(request), provider_of(request)
        method = request.method if request.method in _METHODS else "other"
        metrics.observe_request(
            route=route, method=method, status=response.status_code, provider=provider, seconds=seconds
        )
        line = {
            "method": method,
            "route": route,
            "status": response.status_code,
            "duration_ms": round(seconds * 1000, 1),
        }
        if provider:
            line["provider"] = provider
        line.update(fields)
        level = logging.DEBUG if request.path_info in _PROBES else logging.INFO
        logger.log(level, "%s %s %s", method, route, response.status_code, extra=line)
        return response
