"""What the API answers before, or instead of, its views: an oversized body (413) and a database it
cannot reach (503), both in the error envelope.

The body limit is decided before authentication, unlike C2's order for every other error. Its size
is a property of the transport, known from the headers alone, as a reverse proxy's body limit would
be: deciding it first means an oversized upload costs no token lookup and is never read, whoever
sends it, and the answer reveals nothing beyond the documented limit. A body that fits goes on to
authentication (401) and parsing (400) as before.
"""

from __future__ import annotations

import io
import sys

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.core.signals import got_request_exception
from django.dispatch import receiver

from config import outages
from config.api import errors
from config.api.parsing import read_at_most

API_PREFIX = "/api/"
_DATABASE_FAILED = "_api_database_unavailable"


def is_api_request(request) -> bool:
    """Whether the API's error envelope, not a GOV.UK page, answers this request's errors."""
    return request.path_info.startswith(API_PREFIX)


class ApiEdgeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_api_request(request):
            return self.get_response(request)
        refusal = _refuse_oversized_body(request)
        if refusal is not None:
            return refusal
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, _DATABASE_FAILED, False):
            return errors.database_unavailable()
        return response


def _refuse_oversized_body(request):
    limit = settings.API_MAX_BODY_BYTES
    declared = request.META.get("CONTENT_LENGTH")
    if declared:
        try:
            length = int(declared)
        except ValueError:
            return None  # Django reads a body with an unreadable length as empty, so nothing is read
        return errors.body_too_large(limit) if length > limit else None
    # Without a Content-Length only a server that marks the input as ending (chunked, under gunicorn) can
    # be read safely; Django and DRF would read such a body as empty.
    chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
    if not (chunked and request.META.get("wsgi.input_terminated")):
        return None
    body = read_at_most(request.META["wsgi.input"], limit + 1)
    if len(body) > limit:
        return errors.body_too_large(limit)
    # Handed on as if it had come with a Content-Length, so the parser reads it like any other body.
    request._stream = LimitedStream(io.BytesIO(body), len(body))
    request.META["CONTENT_LENGTH"] = str(len(body))
    return None


@receiver(got_request_exception, dispatch_uid="config.api.middleware.database_unavailable")
def _note_database_failure(sender, request=None, **kwargs):
    """Marks an API request whose uncaught exception was the database being unreachable.

    DRF's exception handler answers 503 for failures inside API views. This covers the rest: failures
    before the view (given a session cookie, the user middleware further down MIDDLEWARE queries the
    database) or outside DRF, which Django has turned into a 500 before ApiEdgeMiddleware sees the response.
    """
    if request is not None and is_api_request(request) and outages.is_database_outage(sys.exc_info()[1]):
        setattr(request, _DATABASE_FAILED, True)
