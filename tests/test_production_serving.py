"""Served as the README's deployment section says (gunicorn, DEBUG off), pages load their own styles.

Static files come from the app itself through WhiteNoise: collectstatic's output under content-hashed
names, compressed, cached for a long time. `make test` runs collectstatic before the suite.
"""

from __future__ import annotations

import gzip
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)
HASHED_NAME = re.compile(r"\.[0-9a-f]{12}\.(css|js)$")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, **headers) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def gunicorn(django_db_setup, django_db_blocker):
    """gunicorn serving config.wsgi with the production settings: DEBUG unset, a real secret key."""
    with django_db_blocker.unblock():
        database = connection.settings_dict
    port = _free_port()
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in {"DEBUG", "SANDBOX", "PYTEST_VERSION", "PYTEST_CURRENT_TEST"}
        },
        "SECRET_KEY": "production-like-" + "x" * 50,
        "DATABASE_URL": f"postgres://{database['USER'] or 'postgres'}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "ALLOW_INSECURE_COOKIES": "1",
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited with {process.returncode}:\n{process.stdout.read()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("gunicorn did not listen within 30 seconds")
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=15)


def _linked(html: str, tag: str, attribute: str) -> list[str]:
    return re.findall(rf'<{tag}\b[^>]*\b{attribute}="([^"]+)"', html)


def _stylesheets(html: str) -> list[str]:
    return [href for href in _linked(html, "link", "href") if href.endswith(".css")]


def _assert_served_by_the_app(base: str, path: str) -> bytes:
    status, headers, body = _get(base + path, **{"Accept-Encoding": "gzip"})
    assert status == 200, path
    assert HASHED_NAME.search(path), f"{path} is not content-hashed, so it cannot be cached for long"
    assert "max-age=315360000" in headers.get("Cache-Control", ""), headers
    assert headers.get("Content-Encoding") == "gzip", headers
    return gzip.decompress(body)


def test_the_portal_sign_in_page_loads_its_stylesheet_under_gunicorn_with_debug_off(gunicorn):
    status, _, body = _get(gunicorn + "/school/sign-in/")
    assert status == 200
    stylesheets = _stylesheets(body.decode())
    portal = [href for href in stylesheets if href.startswith("/static/portal/")]
    assert portal, stylesheets
    for href in stylesheets:
        _assert_served_by_the_app(gunicorn, href)
    assert b".govuk-header" in _assert_served_by_the_app(gunicorn, portal[0])


def test_the_admin_login_page_loads_its_stylesheets_under_gunicorn_with_debug_off(gunicorn):
    status, _, body = _get(gunicorn + "/admin/login/")
    assert status == 200
    stylesheets = _stylesheets(body.decode())
    assert any("/static/admin/css/" in href for href in stylesheets), stylesheets
    for href in stylesheets:
        _assert_served_by_the_app(gunicorn, href)


def test_the_api_docs_load_swagger_ui_from_the_app_under_gunicorn_with_debug_off(gunicorn):
    status, _, body = _get(gunicorn + "/api/docs/v3")
    assert status == 200
    html = body.decode()
    assets = _linked(html, "script", "src") + _stylesheets(html)
    assert any("swagger-ui" in src for src in assets), assets
    for src in assets:
        assert src.startswith("/"), f"{src} is not served by the app"
        if src.startswith("/static/"):
            _assert_served_by_the_app(gunicorn, src)
        else:
            assert _get(gunicorn + src)[0] == 200, src


def test_an_unknown_static_file_is_a_404_not_a_500(gunicorn):
    assert _get(gunicorn + "/static/portal/nothing-here.css")[0] == 404


def test_a_worker_freezes_what_it_loaded_at_start_so_large_pages_do_not_walk_it_again():
    # A full collection walked Django and the app's own objects again after each large page (about 60 ms
    # of a 3,000-participant page in make bench); frozen, they are out of the collector's way.
    probe = "import gc, config.wsgi; print(gc.get_freeze_count())"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=os.environ.copy(), capture_output=True, text=True, check=True
    )
    assert int(result.stdout.split()[-1]) > 10_000
