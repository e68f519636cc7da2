"""Served as the README's deployment section says (gunicorn, DEBUG off), pages load their own styles.

Static files come from the app itself through WhiteNoise: collectstatic's output under content-hashed
names, compressed, cached for a long time. `make test` runs collectstatic before the suite.
"""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests import processes

ROOT = Path(settings.BASE_DIR)
HASHED_NAME = re.compile(r"\.[0-9a-f]{12}\.(css|js)$")


@pytest.fixture(scope="module")
def gunicorn(django_db_setup, django_db_blocker):
    """gunicorn serving config.wsgi as the web role runs it: gunicorn.conf.py, DEBUG unset, a real secret key."""
    with django_db_blocker.unblock():
        env = processes.app_environment()
    with processes.gunicorn(env) as base:
        yield base


def _linked(html: str, tag: str, attribute: str) -> list[str]:
    return re.findall(rf'<{tag}\b[^>]*\b{attribute}="([^"]+)"', html)


def _stylesheets(html: str) -> list[str]:
    return [href for href in _linked(html, "link", "href") if href.endswith(".css")]


def _assert_served_by_the_app(base: str, path: str) -> bytes:
    status, headers, body = processes.http_get(base + path, **{"Accept-Encoding": "gzip"})
    assert status == 200, path
    assert HASHED_NAME.search(path), f"{path} is not content-hashed, so it cannot be cached for long"
    assert "max-age=315360000" in headers.get("Cache-Control", ""), headers
    assert headers.get("Content-Encoding") == "gzip", headers
    return gzip.decompress(body)


def test_the_portal_sign_in_page_loads_its_stylesheet_under_gunicorn_with_debug_off(gunicorn):
    status, _, body = processes.http_get(gunicorn + "/school/sign-in/")
    assert status == 200
    stylesheets = _stylesheets(body.decode())
    portal = [href for href in stylesheets if href.startswith("/static/portal/")]
    assert portal, stylesheets
    for href in stylesheets:
        _assert_served_by_the_app(gunicorn, href)
    assert b".govuk-header" in _assert_served_by_the_app(gunicorn, portal[0])


def test_the_admin_login_page_loads_its_stylesheets_under_gunicorn_with_debug_off(gunicorn):
    status, _, body = processes.http_get(gunicorn + "/admin/login/")
    assert status == 200
    stylesheets = _stylesheets(body.decode())
    assert any("/static/admin/css/" in href for href in stylesheets), stylesheets
    for href in stylesheets:
        _assert_served_by_the_app(gunicorn, href)


def test_the_api_docs_load_swagger_ui_from_the_app_under_gunicorn_with_debug_off(gunicorn):
    status, _, body = processes.http_get(gunicorn + "/api/docs/v3")
    assert status == 200
    html = body.decode()
    assets = _linked(html, "script", "src") + _stylesheets(html)
    assert any("swagger-ui" in src for src in assets), assets
    for src in assets:
        assert src.startswith("/"), f"{src} is not served by the app"
        if src.startswith("/static/"):
            _assert_served_by_the_app(gunicorn, src)
        else:
            assert processes.http_get(gunicorn + src)[0] == 200, src


def test_an_unknown_static_file_is_a_404_not_a_500(gunicorn):
    assert processes.http_get(gunicorn + "/static/portal/nothing-here.css")[0] == 404


def test_a_worker_freezes_what_it_loaded_at_start_so_large_pages_do_not_walk_it_again():
    # A full collection walked Django and the app's own objects again after each large page (about 60 ms
    # of a 3,000-participant page in make bench); frozen, they are out of the collector's way.
    probe = "import gc, config.wsgi; print(gc.get_freeze_count())"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=os.environ.copy(), capture_output=True, text=True, check=True
    )
    assert int(result.stdout.split()[-1]) > 10_000
