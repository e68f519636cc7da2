"""The request id: the caller's `X-Request-Id` when it is safe to repeat, else a new one.

It is returned in the response's `X-Request-Id` and carried by every log line written for the request, so
a load balancer's, a provider's and our own records of one request can be matched.
"""

from __future__ import annotations

import re
import uuid

from config.observability import context

HEADER = "X-Request-Id"
# Short and plain: it is repeated in every log line and response, so nothing a client sends can forge a
# log field or bloat the logs.
_SAFE = re.compile(r"[A-Za-z0-9._-]{1,64}")


def from_header(value: str | None) -> str:
    if value and _SAFE.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """First in MIDDLEWARE, so health probes, static files and error pages get an id too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = from_header(request.headers.get(HEADER))
        token = context.request_id.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            context.request_id.reset(token)
        response[HEADER] = request.request_id
        return response
