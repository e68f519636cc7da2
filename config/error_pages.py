"""Error pages: GOV.UK-styled HTML for people, the API's JSON error envelope for lead providers.

Wired up as handler400/403/404/500 in config.urls and as CSRF_FAILURE_VIEW in settings. A 500 whose cause is
the database being unavailable (config.outages) is a 503 instead: GOV.UK's "service unavailable" page.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.http import HttpResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from config import outages
from config.api import errors
from config.api.middleware import is_api_request

logger = logging.getLogger(__name__)

# Error pages' layout when their own cannot render: no static files, no session, no user.
BARE_LAYOUT = "errors/bare.html"


def _plain(title: str, advice: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>'
        f"<body><h1>{title}</h1><p>{advice}</p></body></html>"
    )


# The page if no template renders at all (a broken template, a missing templates folder).
BARE_SERVER_ERROR = _plain("Sorry, there is a problem with the service", "Try again later.")
BARE_SERVICE_UNAVAILABLE = _plain("Sorry, the service is unavailable", "Try again in a few minutes.")


def _page(template: str, status: int, request=None, context=None, fallback: str = BARE_SERVER_ERROR) -> HttpResponse:
    """The GOV.UK page; if its layout cannot render (a static file missing from the manifest, the session store
    down), the same words in the bare layout; if even that fails, `fallback`: an error page never fails in turn.

    500 and 503 pass no request: its session, user or database may be what failed."""
    for layout in (None, BARE_LAYOUT):
        try:
            body = loader.render_to_string(template, {**(context or {}), "layout": layout}, request)
            return HttpResponse(body, status=status)
        except Exception:
            logger.exception("%s could not be rendered in the layout %s", template, layout or "of its own")
    return HttpResponse(fallback, status=status)


# requires_csrf_token: the pages extend the portal layout, whose sign-out form needs a token.
@requires_csrf_token
def bad_request(request, exception=None):
    if is_api_request(request):
        return errors.error_response(400, errors.BAD_REQUEST, errors.BAD_REQUEST_DETAIL)
    return _page("400.html", 400, request)


@requires_csrf_token
def permission_denied(request, exception=None):
    if is_api_request(request):
        return errors.error_response(403, errors.FORBIDDEN_TITLE, errors.FORBIDDEN_DETAIL)
    return _page("403.html", 403, request)


@requires_csrf_token
def page_not_found(request, exception=None):
    if is_api_request(request):
        return errors.error_response(404, errors.NOT_FOUND_TITLE, errors.NOT_FOUND_DETAIL)
    return _page("404.html", 404, request)


def server_error(request):
    if is_api_request(request):
        # A database outage becomes the API's 503 in config.api.middleware, which also covers DEBUG.
        return errors.error_response(500, errors.SERVER_ERROR_TITLE, errors.SERVER_ERROR_DETAIL)
    # Django calls this while handling the uncaught exception, so it is the one being handled.
    if outages.is_database_outage(sys.exc_info()[1]):
        return service_unavailable()
    return _page("500.html", 500)


def service_unavailable() -> HttpResponse:
    """GOV.UK's "service unavailable" page, 503 with Retry-After."""
    context = {"contact_email": settings.PORTAL_CONTACT_EMAIL}
    response = _page("503.html", 503, context=context, fallback=BARE_SERVICE_UNAVAILABLE)
    response["Retry-After"] = str(outages.RETRY_AFTER_SECONDS)
    return response


@requires_csrf_token
def csrf_failure(request, reason=""):
    # Django has already logged the reason; people only need to know what to do next.
    if is_api_request(request):
        return errors.error_response(403, errors.FORBIDDEN_TITLE, errors.FORBIDDEN_DETAIL)
    return _page("403_csrf.html", 403, request)
