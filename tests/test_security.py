"""Production hardening: the API docs without a CDN, security headers, HTTPS_ONLY, deploy checks and error pages.

Responses are checked through Django's test client with DEBUG off, static files served by WhiteNoise from
collectstatic's output (as `make test` prepares). Settings read the environment at import, so the
environment-to-settings mapping is checked in subprocesses that import config.settings.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import Client, RequestFactory
from django.urls import path

from config import error_pages
from config import urls as project_urls

ROOT = settings.BASE_DIR
SUBPROCESS_TIMEOUT = 120


# --- a URL configuration for this module: the project's, plus views that fail on purpose ------------


def _forbidden(request):
    raise PermissionDenied


def _missing(request):
    raise Http404


def _broken(request):
    raise RuntimeError("broken on purpose")


def _form(request):
    return HttpResponse("accepted")


urlpatterns = [
    path("school/test-forbidden/", _forbidden),
    path("school/test-broken/", _broken),
    path("api/test-forbidden", _forbidden),
    path("api/test-missing", _missing),
    path("api/test-broken", _broken),
    path("api/test-form", _form),
    *project_urls.urlpatterns,
]
handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500

with_failing_views = pytest.mark.urls(__name__)


# --- helpers ------------------------------------------------------------------------------------------


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    header = response.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.status_code} {response.get('Content-Type')}"
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def nonce_of(response) -> str:
    nonces = {s[len("'nonce-") : -1] for s in policy(response).get("script-src", []) if s.startswith("'nonce-")}
    assert len(nonces) == 1, policy(response)
    return nonces.pop()


def linked_urls(html: str) -> list[str]:
    """Every script, stylesheet and icon the page loads."""
    scripts = re.findall(r'<script\b[^>]*\bsrc="([^"]+)"', html)
    links = re.findall(r'<link\b[^>]*\bhref="([^"]+)"', html)
    return scripts + links


def inline_scripts(html: str) -> list[str]:
    """The opening tags of <script> elements with code in the page itself."""
    return [tag for tag in re.findall(r"<script\b[^>]*>", html) if "src=" not in tag]


def assert_strict(directives: dict[str, list[str]]) -> None:
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    for name, sources in directives.items():
        for source in sources:
            # Keywords, nonces and data: only: no host, scheme-wide or wildcard source.
            assert source.startswith("'") or source == "data:", f"{name} allows {source}"
            assert source not in {"'unsafe-inline'", "'unsafe-eval'"}, f"{name} allows {source}"


def assert_govuk_page(response, heading: str) -> None:
    html = response.content.decode()
    assert 'class="govuk-template"' in html and "govuk-template__body" in html
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in html
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert len(stylesheets) == 1 and re.fullmatch(r"/static/portal/portal\.[0-9a-f]{12}\.css", stylesheets[0]), (
        stylesheets
    )
    assert Client().get(stylesheets[0]).status_code == 200


def assert_api_error(response, status: int, title: str) -> None:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    errors = response.json()["errors"]
    assert len(errors) == 1 and errors[0]["title"] == title and errors[0]["detail"]


# --- Swagger UI without a CDN -------------------------------------------------------------------------


def test_api_docs_load_only_same_origin_scripts_and_styles_that_answer(client):
    response = client.get("/api/docs/v3")
    assert response.status_code == 200
    html = response.content.decode()
    urls = linked_urls(html)
    assert len(urls) >= 4, urls  # stylesheet, icon, Swagger UI bundle and preset, the page's own script
    for url in urls:
        # Relative to this site: not another host, not protocol-relative.
        assert url.startswith("/") and not url.startswith("//"), url
        assert Client().get(url).status_code == 200, url
    assert inline_scripts(html) == []


def test_api_docs_inline_style_carries_the_nonce_of_its_header(client):
    response = client.get("/api/docs/v3")
    styles = re.findall(r"<style\b[^>]*>", response.content.decode())
    style_nonces = {s[len("'nonce-") : -1] for s in policy(response)["style-src"] if s.startswith("'nonce-")}
    assert styles and style_nonces
    assert all(re.search(r'nonce="([^"]+)"', tag).group(1) in style_nonces for tag in styles)


def test_api_docs_script_is_served_from_the_site(client):
    response = client.get("/api/docs/v3", {"script": ""})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle(" in response.content
    # The validator badge would send the schema's address to validator.swagger.io.
    assert b'"validatorUrl": null' in response.content


# --- Content-Security-Policy ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, who",
    [
        ("/school/sign-in/", "anyone"),
        ("/admin/", "admin"),
        ("/admin/participants/participant/", "admin"),
        ("/api/docs/v3", "anyone"),
        ("/api/v3/participants", "provider"),
        ("/api/v3/no-such-endpoint", "provider"),
        ("/readyz", "anyone"),
    ],
)
def test_every_kind_of_response_has_a_strict_content_security_policy(path, who, client, admin_client, api):
    response = {"anyone": client.get, "admin": admin_client.get, "provider": api.get}[who](path)
    assert response.status_code in {200, 404}, response.status_code
    assert_strict(policy(response))


def test_only_the_api_docs_page_allows_data_images_and_its_nonced_style(client, admin_client):
    docs = policy(client.get("/api/docs/v3"))
    assert docs["img-src"] == ["'self'", "data:"]
    assert [s for s in docs["style-src"] if not s.startswith("'nonce-")] == ["'self'"]
    for response in (client.get("/school/sign-in/"), admin_client.get("/admin/")):
        directives = policy(response)
        assert "img-src" not in directives and "style-src" not in directives, directives


def test_portal_inline_script_runs_under_the_nonce_in_its_header(client):
    first, second = client.get("/school/sign-in/"), client.get("/school/sign-in/")
    for response in (first, second):
        scripts = inline_scripts(response.content.decode())
        assert scripts == [f'<script nonce="{nonce_of(response)}">']
        assert "'unsafe-inline'" not in policy(response)["script-src"]
    # A nonce is only worth having if nobody can predict it.
    assert nonce_of(first) != nonce_of(second)


# --- Referrer-Policy and Cache-Control ---------------------------------------------------------------


@pytest.mark.parametrize(
    "path, who",
    [
        ("/school/sign-in/", "anyone"),
        ("/admin/participants/participant/", "admin"),
        ("/api/docs/v3", "anyone"),
        ("/api/docs/v3/openapi.yaml", "anyone"),
        ("/api/v3/participants", "provider"),
    ],
)
def test_pages_and_api_responses_are_not_stored_nor_leak_their_address(path, who, client, admin_client, api):
    response = {"anyone": client.get, "admin": admin_client.get, "provider": api.get}[who](path)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "same-origin"


def test_signed_in_portal_page_is_not_stored(client, django_user_model):
    client.force_login(django_user_model.objects.create_user(username="tutor@example.com", password="x" * 20))
    response = client.get("/school/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_static_files_keep_their_long_cache_lifetime(client):
    stylesheet = re.search(
        r'<link rel="stylesheet" href="([^"]+)"', client.get("/school/sign-in/").content.decode()
    ).group(1)
    response = client.get(stylesheet)
    assert response.status_code == 200
    assert "no-store" not in response["Cache-Control"]
    assert "max-age=315360000" in response["Cache-Control"]


# --- HTTPS_ONLY and the deploy checks ------------------------------------------------------------------

TLS_SETTINGS = [
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
]


def _environment(**overrides) -> dict[str, str]:
    """This process's environment (DATABASE_URL, REDIS_URL, PATH…) without the test and debug switches."""
    dropped = {"DEBUG", "SANDBOX", "HTTPS_ONLY", "ALLOW_INSECURE_COOKIES", "PYTEST_VERSION", "PYTEST_CURRENT_TEST"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update({"SECRET_KEY": secrets.token_urlsafe(50), "DJANGO_SETTINGS_MODULE": "config.settings", **overrides})
    return env


def _settings_under(**environment) -> dict:
    """The TLS settings config.settings gives for an environment, read in a fresh process."""
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{name: getattr(settings, name) for name in {TLS_SETTINGS!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_environment(**environment),
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    values["SECURE_PROXY_SSL_HEADER"] = values["SECURE_PROXY_SSL_HEADER"] and tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


@pytest.fixture(scope="module")
def https_only_on():
    return _settings_under(HTTPS_ONLY="1", ALLOWED_HOSTS="example.gov.uk,testserver")


@pytest.fixture(scope="module")
def local_demo():
    """The environment `make run` serves in (config/localservices.py): plain http on 127.0.0.1."""
    return _settings_under(DEBUG="1", ALLOW_INSECURE_COOKIES="1")


def test_https_only_switches_on_redirect_hsts_proxy_header_and_secure_cookies(https_only_on):
    assert https_only_on["SECURE_SSL_REDIRECT"] is True
    assert https_only_on["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert https_only_on["SECURE_HSTS_SECONDS"] >= 365 * 24 * 60 * 60
    assert https_only_on["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert https_only_on["SESSION_COOKIE_SECURE"] is True and https_only_on["CSRF_COOKIE_SECURE"] is True


def test_without_https_only_nothing_redirects_nor_sends_hsts(local_demo):
    assert local_demo["SECURE_SSL_REDIRECT"] is False
    assert local_demo["SECURE_HSTS_SECONDS"] == 0
    assert local_demo["SECURE_PROXY_SSL_HEADER"] is None
    # `make run` signs in over plain http, so its cookies must not need https.
    assert local_demo["SESSION_COOKIE_SECURE"] is False and local_demo["CSRF_COOKIE_SECURE"] is False


def test_secure_cookies_stay_the_default_with_debug_off_even_without_https_only():
    assert _settings_under()["SESSION_COOKIE_SECURE"] is True


def _apply(settings, values):
    for name, value in values.items():
        setattr(settings, name, value)


def test_served_with_https_only_http_is_redirected_and_https_gets_hsts(https_only_on, settings):
    _apply(settings, https_only_on)
    client = Client()  # middleware reads these settings when the client first handles a request
    plain = client.get("/school/sign-in/")
    assert plain.status_code == 301 and plain["Location"] == "https://testserver/school/sign-in/"
    assert "Strict-Transport-Security" not in plain
    proxied = client.get("/school/sign-in/", HTTP_X_FORWARDED_PROTO="https")
    assert proxied.status_code == 200
    assert proxied["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert proxied.cookies["csrftoken"]["secure"] is True
    # Load balancers probe inside the network over plain http.
    assert client.get("/livez").status_code == 200
    assert client.get("/readyz").status_code == 200


def test_served_without_https_only_plain_http_is_answered_without_hsts(local_demo, settings):
    _apply(settings, local_demo)
    response = Client().get("/school/sign-in/")
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response
    assert response.cookies["csrftoken"]["secure"] == ""


def _deploy_check(**environment) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_environment(**environment),
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT,
    )


def test_deploy_check_is_clean_with_the_documented_production_settings():
    result = _deploy_check(HTTPS_ONLY="1", ALLOWED_HOSTS="example.gov.uk")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_deploy_check_flags_a_deployment_without_https_only():
    result = _deploy_check(ALLOWED_HOSTS="example.gov.uk")
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


# --- error pages: GOV.UK pages for people, the error envelope under /api/ --------------------------------


def test_portal_bad_request_page_is_govuk_styled(client):
    response = client.get("/school/sign-in/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert_govuk_page(response, "Sorry, there is a problem with your request")


def test_api_bad_request_is_the_json_error_envelope(client):
    assert_api_error(client.get("/api/v3/participants", HTTP_HOST="attacker.example"), 400, "Bad request")


def test_portal_not_found_page_is_govuk_styled(client):
    response = client.get("/school/sign-in/no/such/page/")
    assert response.status_code == 404
    assert_govuk_page(response, "Page not found")


@with_failing_views
def test_portal_permission_denied_page_is_govuk_styled(client):
    response = client.get("/school/test-forbidden/")
    assert response.status_code == 403
    assert_govuk_page(response, "You cannot view this page")


@with_failing_views
def test_portal_server_error_page_is_govuk_styled(client):
    response = Client(raise_request_exception=False).get("/school/test-broken/")
    assert response.status_code == 500
    assert_govuk_page(response, "Sorry, there is a problem with the service")


def test_server_error_page_renders_without_the_database(django_db_blocker):
    request = RequestFactory().get("/school/")
    with django_db_blocker.block():
        response = error_pages.server_error(request)
    assert response.status_code == 500
    assert_govuk_page(response, "Sorry, there is a problem with the service")


def test_server_error_page_falls_back_to_plain_html_when_its_template_fails(settings):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [], "APP_DIRS": False}]
    response = error_pages.server_error(RequestFactory().get("/school/"))
    assert response.status_code == 500
    assert b"Sorry, there is a problem with the service" in response.content


def test_portal_csrf_failure_page_is_govuk_styled():
    response = Client(enforce_csrf_checks=True).post("/school/sign-in/", {"email": "a@example.com", "password": "x"})
    assert response.status_code == 403
    assert_govuk_page(response, "Your form could not be sent")
    assert_strict(policy(response))


@with_failing_views
@pytest.mark.parametrize(
    "path, status, title",
    [
        ("/api/test-forbidden", 403, "Forbidden"),
        ("/api/test-missing", 404, "Resource not found"),
        ("/api/test-broken", 500, "Internal server error"),
    ],
)
def test_api_errors_outside_api_views_are_the_json_error_envelope(path, status, title):
    assert_api_error(Client(raise_request_exception=False).get(path), status, title)


@with_failing_views
def test_api_csrf_failure_is_the_json_error_envelope():
    response = Client(enforce_csrf_checks=True).post("/api/test-form", {})
    assert_api_error(response, 403, "Forbidden")


def test_unexpected_failure_in_an_api_view_is_the_json_error_envelope(api, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("broken on purpose")

    monkeypatch.setattr("schools.api.reading.delivery_partners", broken)
    assert_api_error(api.get("/api/v3/delivery-partners"), 500, "Internal server error")
