"""A production build cannot miss its assets, and error pages still render when one is missing.

Followed as an operator would (collectstatic without building the portal's stylesheet first), the build used
to succeed with a warning and every portal page, and every error page that extends the portal layout, then
answered 500. Now the build fails naming what is missing (config/static.py), and a refusal (400, 403, 404,
CSRF) keeps its status and words in a bare layout (config/error_pages.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client

ROOT = Path(settings.BASE_DIR)


def _sources(**replaced: Path) -> list:
    """STATICFILES_DIRS with some prefixes pointed at other folders."""
    return [(prefix, replaced.get(prefix, folder)) for prefix, folder in settings.STATICFILES_DIRS]


def test_collectstatic_fails_naming_the_portal_stylesheet_when_it_was_not_built(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "collected"
    settings.STATICFILES_DIRS = _sources(portal=tmp_path / "not-built")
    (tmp_path / "not-built").mkdir()

    with pytest.raises(ImproperlyConfigured, match=r"not collected: portal/portal\.css\. Build the portal's assets"):
        call_command("collectstatic", interactive=False, verbosity=0)


def test_collectstatic_fails_naming_govuk_assets_when_govuk_frontend_is_not_installed(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "collected"
    empty = tmp_path / "no-govuk"
    empty.mkdir()
    portal_only = tmp_path / "portal"
    portal_only.mkdir()
    # The stylesheet alone, without the fonts and images it names, so only the pages' own references are missing.
    (portal_only / "portal.css").write_text("body{margin:0}")
    settings.STATICFILES_DIRS = _sources(govuk=empty, portal=portal_only)

    with pytest.raises(ImproperlyConfigured) as refusal:
        call_command("collectstatic", interactive=False, verbosity=0)
    for name in ("govuk/assets/images/favicon.ico", "govuk/assets/images/favicon.svg", "govuk/govuk-frontend.min.js"):
        assert name in str(refusal.value)


def test_collectstatic_succeeds_when_everything_was_built(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "collected"

    call_command("collectstatic", interactive=False, verbosity=0)

    manifest = json.loads((tmp_path / "collected" / "staticfiles.json").read_text())["paths"]
    assert "portal/portal.css" in manifest and "govuk/govuk-frontend.min.js" in manifest


@pytest.fixture
def manifest_without_the_stylesheet(settings, tmp_path):
    """Served as production serves (DEBUG off, strict manifest), from a build whose manifest lacks portal.css."""
    manifest = json.loads((ROOT / "staticfiles" / "staticfiles.json").read_text())
    del manifest["paths"]["portal/portal.css"]
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    settings.STATIC_ROOT = tmp_path
    settings.DEBUG = False


def test_404_page_renders_with_its_status_and_words_when_a_static_file_is_missing(manifest_without_the_stylesheet):
    response = Client().get("/no-such-page/")

    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_403_page_renders_when_a_static_file_is_missing(manifest_without_the_stylesheet):
    staff = get_user_model().objects.create_user("staff@example.com", "staff@example.com", "x", is_staff=True)
    client = Client()
    client.force_login(staff)

    response = client.get("/admin/participants/participant/")  # staff with no permissions: refused

    assert response.status_code == 403
    assert b"You cannot view this page" in response.content


def test_csrf_failure_page_renders_when_a_static_file_is_missing(manifest_without_the_stylesheet):
    response = Client(enforce_csrf_checks=True).post("/school/sign-in/", {"email": "a@example.com"})

    assert response.status_code == 403
    assert b"Your form could not be sent" in response.content


def test_400_page_renders_when_a_static_file_is_missing(manifest_without_the_stylesheet):
    response = Client().get("/school/sign-in/", HTTP_HOST="not-an-allowed-host.example")

    assert response.status_code == 400
    assert b"Sorry, there is a problem with your request" in response.content


def test_a_page_that_needs_the_missing_file_is_a_plain_500_page_not_a_traceback(manifest_without_the_stylesheet):
    response = Client(raise_request_exception=False).get("/school/sign-in/")

    assert response.status_code == 500
    assert b"Sorry, there is a problem with the service" in response.content
