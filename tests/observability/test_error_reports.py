"""Error reports reach Sentry, switched on by SENTRY_DSN, named with the release and the environment, tagged
with the request id, and carrying none of the personal data of the request that failed.

A tiny HTTP server here stands in for Sentry's ingest; a Django process configured from the environment (as
every role is) sends it a real report of a view that failed with a name, email and TRN in its query string,
body, headers and exception message, and a database lookup by the email.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import textwrap
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import sentry_sdk
from django.conf import settings

from tests import processes

ROOT = Path(settings.BASE_DIR)
NAME, EMAIL, TRN, BIRTH_DATE = "Priya Shah", "priya.shah@oakfield.example", "1234567", "1998-03-27"

_FAILING_REQUEST = textwrap.dedent(
    """
    import django, sentry_sdk
    django.setup()
    from django.core.wsgi import get_wsgi_application
    from django.test import RequestFactory
    from django.test.utils import override_settings

    # Through the WSGI application, as gunicorn calls it, so that every integration sees the whole request.
    environ = RequestFactory().post(
        "/fails/?trn=%(trn)s&name=%(name)s",
        {"full_name": "%(name)s", "email": "%(email)s", "date_of_birth": "%(birth)s"},
        HTTP_X_REQUEST_ID="report-me-42",
        HTTP_REFERER="http://testserver/school/100001/?q=%(name)s",
        HTTP_COOKIE="sessionid=abc; last_search=%(email)s",
        HTTP_AUTHORIZATION="Bearer not-a-real-token",
    ).environ
    statuses = []
    with override_settings(ROOT_URLCONF="tests.observability.failing_urls"):
        b"".join(get_wsgi_application()(environ, lambda status, headers, *rest: statuses.append(status)))
    assert statuses == ["500 Internal Server Error"], statuses
    assert sentry_sdk.flush(timeout=20) is not False
    """
) % {"trn": TRN, "name": NAME, "email": EMAIL, "birth": BIRTH_DATE}


class Ingest(BaseHTTPRequestHandler):
    """Keeps each envelope's body, decompressed, as Sentry would receive it."""

    received: list[bytes] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        else:
            assert not encoding, f"cannot read {encoding}"
        self.received.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):  # quiet
        pass


def events(envelopes: list[bytes]) -> list[dict]:
    """The `event` items of Sentry envelopes (newline-separated JSON: envelope header, then item header and
    payload pairs)."""
    found = []
    for envelope in envelopes:
        lines = envelope.split(b"\n")[1:]
        for header, payload in zip(lines[::2], lines[1::2], strict=False):
            if json.loads(header).get("type") == "event":
                found.append(json.loads(payload))
    return found


def test_without_a_dsn_nothing_is_reported():
    assert not settings.SENTRY_DSN
    assert not sentry_sdk.get_client().is_active()


def test_a_failing_request_is_reported_with_release_environment_and_request_id_and_no_personal_data():
    Ingest.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Ingest)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": processes.database_url(),
        "SECRET_KEY": "production-like-" + "x" * 50,
        "SENTRY_DSN": f"http://public-key@127.0.0.1:{server.server_port}/1",
        "COMMIT_SHA": "0123abcd",
        "ENVIRONMENT": "staging",
    }
    try:
        result = subprocess.run(
            [sys.executable, "-c", _FAILING_REQUEST], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
    finally:
        server.shutdown()
        server.server_close()
    assert result.returncode == 0, result.stdout + result.stderr

    (event,) = events(Ingest.received)
    everything = b"\n".join(Ingest.received).decode().lower()
    for value in (NAME, "priya", "shah", EMAIL, TRN, BIRTH_DATE, "not-a-real-token", "last_search"):
        assert value.lower() not in everything, f"{value!r} was reported"
    assert event["release"] == "0123abcd"
    assert event["environment"] == "staging"
    assert [value["type"] for value in event["exception"]["values"]] == ["ValueError"]
    assert event["tags"]["request_id"] == "report-me-42"
    assert event["request"] == {"method": "POST", "url": "http://testserver/fails/"}
    frames = event["exception"]["values"][0]["stacktrace"]["frames"]
    assert frames[-1]["function"] == "register_and_fail"  # where it failed is kept
    assert any(crumb.get("category") == "query" for crumb in event["breadcrumbs"]["values"])
