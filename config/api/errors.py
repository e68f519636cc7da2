"""The API's error envelope (C7–C13): every error a lead provider sees is built here."""

from __future__ import annotations

import logging

from django.http import Http404, JsonResponse
from rest_framework import exceptions
from rest_framework.response import Response

from config import outages
from config.validation import ValidationFailed

logger = logging.getLogger(__name__)

ACCESS_DENIED = {"error": "HTTP Token: Access denied"}
NOT_FOUND_TITLE = "Resource not found"
NOT_FOUND_DETAIL = "Nothing could be found for the provided details"
BAD_REQUEST = "Bad request"
MALFORMED_BODY = "Correct json data structure required. See API docs for reference."
BAD_REQUEST_DETAIL = "The request could not be understood"
FORBIDDEN_TITLE = "Forbidden"
FORBIDDEN_DETAIL = "You are not allowed to do this"
SERVER_ERROR_TITLE = "Internal server error"
SERVER_ERROR_DETAIL = "Something went wrong on our side. Try again later."


class ApiError(exceptions.APIException):
    """An error with a status, a title and a detail, rendered in the `errors` envelope."""

    def __init__(self, status: int, title: str, detail: str):
        self.status_code = status
        self.title = title
        self.error_detail = detail
        super().__init__(detail)


class BadRequest(ApiError):
    def __init__(self, detail: str, title: str = BAD_REQUEST):
        super().__init__(400, title, detail)


class MalformedBody(BadRequest):
    def __init__(self):
        super().__init__(MALFORMED_BODY)


class NotFound(ApiError):
    def __init__(self, detail: str = NOT_FOUND_DETAIL):
        super().__init__(404, NOT_FOUND_TITLE, detail)


class Unprocessable(exceptions.APIException):
    """422 with errors grouped by attribute in first-seen order, duplicates removed (C7)."""

    status_code = 422

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = dedupe(errors)
        super().__init__("Unprocessable")


def dedupe(errors):
    seen, ordered = set(), {}
    for title, detail in errors:
        if (title, detail) in seen:
            continue
        seen.add((title, detail))
        ordered.setdefault(title, []).append(detail)
    return [(title, detail) for title, details in ordered.items() for detail in details]


def envelope(errors):
    return {"errors": [{"title": title, "detail": detail} for title, detail in errors]}


def error_response(status: int, title: str, detail: str) -> JsonResponse:
    """For code outside DRF views (middleware, unrouted paths)."""
    return JsonResponse(envelope([(title, detail)]), status=status)


# --- Limits: a body over API_MAX_BODY_BYTES (413), a database that cannot be reached (503) ---------

BODY_TOO_LARGE_TITLE = "Request body too large"
UNAVAILABLE_TITLE = "Service unavailable"
UNAVAILABLE_DETAIL = "The service is temporarily unavailable. Try again later."
_MB = 1024 * 1024


def body_too_large_detail(limit: int) -> str:
    size = f"{limit // _MB} MB ({limit:,} bytes)" if limit and limit % _MB == 0 else f"{limit:,} bytes"
    return f"The request body must be no larger than {size}"


class BodyTooLarge(ApiError):
    def __init__(self, limit: int):
        super().__init__(413, BODY_TOO_LARGE_TITLE, body_too_large_detail(limit))


def body_too_large(limit: int) -> JsonResponse:
    return error_response(413, BODY_TOO_LARGE_TITLE, body_too_large_detail(limit))


def database_unavailable() -> JsonResponse:
    response = error_response(503, UNAVAILABLE_TITLE, UNAVAILABLE_DETAIL)
    response["Retry-After"] = str(outages.RETRY_AFTER_SECONDS)
    return response


def exception_handler(exc, context):
    headers = {}
    if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        return Response(ACCESS_DENIED, status=401, headers={"WWW-Authenticate": 'Token realm="Application"'})
    if isinstance(exc, Unprocessable):
        return Response(envelope(exc.errors), status=422)
    if isinstance(exc, ValidationFailed):
        return Response(envelope(dedupe(exc.errors)), status=422)
    if isinstance(exc, ApiError):
        return Response(envelope([(exc.title, exc.error_detail)]), status=exc.status_code)
    if isinstance(exc, (Http404, exceptions.NotFound)):
        return Response(envelope([(NOT_FOUND_TITLE, NOT_FOUND_DETAIL)]), status=404)
    if isinstance(exc, exceptions.ParseError):
        return Response(envelope([(BAD_REQUEST, MALFORMED_BODY)]), status=400)
    if isinstance(exc, exceptions.Throttled):
        wait = max(1, int(exc.wait or 1))
        headers["Retry-After"] = str(wait)
        detail = f"You have made too many requests. Try again in {wait} seconds."
        return Response(envelope([("Too many requests", detail)]), status=429, headers=headers)
    if isinstance(exc, exceptions.APIException):
        return Response(envelope([(exc.__class__.__name__, str(exc.detail))]), status=exc.status_code)
    if outages.is_database_outage(exc):
        logger.error("Database unavailable; answering 503", exc_info=exc)
        headers["Retry-After"] = str(outages.RETRY_AFTER_SECONDS)
        return Response(envelope([(UNAVAILABLE_TITLE, UNAVAILABLE_DETAIL)]), status=503, headers=headers)
    logger.exception("Unhandled API error", exc_info=exc)
    return Response(envelope([(SERVER_ERROR_TITLE, SERVER_ERROR_DETAIL)]), status=500)


def unrouted(request, *args, **kwargs):
    """C13: an API path that matches no endpoint."""
    return JsonResponse({"error": NOT_FOUND_TITLE}, status=404)
