"""Error pages: GOV.UK-styled HTML for people, the API's JSON error envelope for lead providers.

Wired up as handler400/403/404/500 in config.urls and as CSRF_FAILURE_VIEW in settings.
"""

from __future__ import annotations

import logging

from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

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


# requires_csrf_token: the pages extend the portal layout, whose sign-out form needs a token.
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
        return errors.error_response(500, errors.SERVER_ERROR_TITLE, errors.SERVER_ERROR_DETAIL)
    try:
        body = loader.get_template("500.html").render()
    except Exception:  # the error page must never fail in turn
        logger.exception("500.html could not be rendered")
        body = BARE_SERVER_ERROR
    return HttpResponseServerError(body)


@requires_csrf_token
def csrf_failure(request, reason=""):
    # Django has already logged the reason; people only need to know what to do next.
    if is_api_request(request):
        return errors.error_response(403, errors.FORBIDDEN_TITLE, errors.FORBIDDEN_DETAIL)
    return _page(request, "403_csrf.html", 403)
