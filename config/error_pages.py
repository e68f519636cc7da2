"""Error pages: GOV.UK-styled HTML for people, the API's JSON error envelope for lead providers.

Wired up as handler400/403/404/500 in config.urls and as CSRF_FAILURE_VIEW in settings. A 500 whose cause is
the database being unavailable (config.outages) is a 503 instead: GOV.UK's "service unavailable" page.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from config import outages
from config.api import errors
from config.api.middleware import is_api_request

logger = logging.getLogger(__name__)

# Error pages' layout when the portal's cannot render: no static files, no session, no user.
BARE_LAYOUT = "errors/bare.html"
# The page if 500.html itself cannot be rendered (a missing stylesheet in the manifest, a broken template).
BARE_SERVER_ERROR = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Sorry, there is a problem with the service'
    "</title></head><body><h1>Sorry, there is a problem with the service</h1><p>Try again later.</p></body></html>"
)
BARE_SERVICE_UNAVAILABLE = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Sorry, the service is unavailable</title>'
    "</head><body><h1>Sorry, the service is unavailable</h1><p>Try again in a few minutes.</p></body></html>"
)


def _page(request, template: str, status: int) -> HttpResponse:
    """The GOV.UK page; if the portal layout cannot render (a static file missing from the manifest, the
    session store down), the same words in a bare layout, so a refusal never turns into a 500."""
    try:
        return render(request, template, status=status)
    except Exception:
        logger.exception("%s could not be rendered in the portal layout", template)
    try:
        return HttpResponse(loader.render_to_string(template, {"layout": BARE_LAYOUT}), status=status)
    except Exception:
        logger.exception("%s could not be rendered in the bare layout", template)
        return HttpResponse(BARE_SERVER_ERROR, status=status)


# requires_csrf_token: the pages extend the portal layout, whose sign-out form needs a token.
@requires_csrf_token
def bad_request(request, exception=None):
    if is_api_request(request):
        return errors.error_response(400, errors.BAD_REQUEST, errors.BAD_REQUEST_DETAIL)
    return _page(request, "400.html", 400)


@requires_csrf_token
def permission_denied(request, exception=None):
    if is_api_request(request):
        return errors.error_response(403, errors.FORBIDDEN_TITLE, errors.FORBIDDEN_DETAIL)
    return _page(request, "403.html", 403)


@requires_csrf_token
def page_not_found(request, exception=None):
    if is_api_request(request):
        return errors.error_response(404, errors.NOT_FOUND_TITLE, errors.NOT_FOUND_DETAIL)
    return _page(request, "404.html", 404)


def server_error(request):
    """Rendered without the request: its session, user or database may be what failed."""
    if is_api_request(request):
        # A database outage becomes the API's 503 in config.api.middleware, which also covers DEBUG.
        return errors.error_response(500, errors.SERVER_ERROR_TITLE, errors.SERVER_ERROR_DETAIL)
    # Django calls this while handling the uncaught exception, so it is the one being handled.
    if outages.is_database_outage(sys.exc_info()[1]):
        return service_unavailable()
    try:
        body = loader.get_template("500.html").render()
    except Exception:  # the error page must never fail in turn
        logger.exception("500.html could not be rendered")
        body = BARE_SERVER_ERROR
    return HttpResponseServerError(body)


def service_unavailable() -> HttpResponse:
    """GOV.UK's "service unavailable" page, 503 with Retry-After: rendered without the request or the database,
    and as plain HTML if the template cannot be rendered (a stylesheet missing from the manifest)."""
    try:
        body = loader.get_template("503.html").render({"contact_email": settings.PORTAL_CONTACT_EMAIL})
    except Exception:  # the error page must never fail in turn
        logger.exception("503.html could not be rendered")
        body = BARE_SERVICE_UNAVAILABLE
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(outages.RETRY_AFTER_SECONDS)
    return response


@requires_csrf_token
def csrf_failure(request, reason=""):
    # Django has already logged the reason; people only need to know what to do next.
    if is_api_request(request):
        return errors.error_response(403, errors.FORBIDDEN_TITLE, errors.FORBIDDEN_DETAIL)
    return _page(request, "403_csrf.html", 403)
