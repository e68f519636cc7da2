"""The app's own processes for tests, started as a deployment starts them, and the ports and URLs they need.

`gunicorn` serves config.wsgi from gunicorn.conf.py with a deployment's environment (`app_environment`:
DEBUG off, no pytest variables, its own metrics port), pointed at whichever database the test names.
`responses_without_a_database` sends requests from a new process whose PostgreSQL refuses connections.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
# What a test process has that a deployed one would not, or that each process must choose for itself.
_NOT_INHERITED = {"DEBUG", "SANDBOX", "PROCESS_ROLE", "PROMETHEUS_MULTIPROC_DIR", "DATABASE_URL"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def refused_port():
    """A port on 127.0.0.1 bound but not listening: connecting is refused, and nothing else can take it meanwhile."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        yield closed.getsockname()[1]


def database_url(name: str | None = None, *, settings_dict: dict | None = None) -> str:
    """A URL for another process: the test database's server, database `name` (default: the test database)."""
    database = settings_dict or connection.settings_dict
    password = f":{quote(database['PASSWORD'])}" if database.get("PASSWORD") else ""
    host, port = database.get("HOST") or "127.0.0.1", database.get("PORT") or 5432
    return f"postgres://{quote(database.get('USER') or 'postgres')}{password}@{host}:{port}/{name or database['NAME']}"


def http_get(url: str, *, timeout: float = 15, **headers: str) -> tuple[int, dict, bytes]:
    """(status, headers, body), errors included; raises OSError only when nothing answered."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def app_environment(**settings: str) -> dict[str, str]:
    """A deployed web process's environment, on the test database unless `settings` says otherwise."""
    inherited = {
        key: value
        for key, value in os.environ.items()
        if key not in _NOT_INHERITED and not key.startswith(("PYTEST_", "DATABASE_"))
    }
    return {
        **inherited,
        "SECRET_KEY": "production-like-" + "x" * 50,
        "DATABASE_URL": database_url(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "ALLOW_INSECURE_COOKIES": "1",
        "PROCESS_ROLE": "web",
        # Each gunicorn its own metrics port, so that several on one machine do not compete for the default.
        "METRICS_ADDRESS": "127.0.0.1",
        "METRICS_PORT": str(free_port()),
        **settings,
    }


@contextmanager
def gunicorn(env: dict[str, str], *, workers: int = 1, log: Path | None = None, ready_seconds: float = 120):
    """gunicorn -c gunicorn.conf.py with `env`, until /livez answers; yields its base URL, stops it afterwards.

    Its output goes to `log` (a file, not a pipe: a chatty server cannot fill it and stall).
    """
    port = free_port()
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers)}
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "config.wsgi:application"]
    with tempfile.TemporaryDirectory() as folder:
        log = log or Path(folder) / "gunicorn.log"
        with log.open("w") as output:
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_live(base, process, log, ready_seconds)
            yield base
        finally:
            stop(process)


def wait_until_live(base: str, process: subprocess.Popen, log: Path, seconds: float) -> None:
    """Returns once `base`/livez answers 200; fails with the end of `log` if the process exits or time runs out."""
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise AssertionError(f"the server for {base} exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if http_get(base + "/livez", timeout=2)[0] == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"{base} did not answer /livez within {seconds:.0f} s:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)


def stop(process: subprocess.Popen, timeout: float = 30) -> None:
    """SIGTERM, then SIGKILL if `process` has not exited within `timeout` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


_WITHOUT_A_DATABASE = """
import json, os
import django

os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
django.setup()
from django.test import Client

client = Client(raise_request_exception=False)
"""
_PRINT_RESPONSES = """
print(json.dumps({
    name: {"status": r.status_code, "body": r.content.decode(), "retry_after": r.headers.get("Retry-After")}
    for name, r in responses.items()
}))
"""


def responses_without_a_database(requests: str, **env: str) -> dict[str, dict]:
    """Runs `requests`, code that sets `responses` (a dict of name to response from `client`, Django's test client
    returning 500s rather than raising), in a new process, DEBUG off, whose PostgreSQL (and Redis, unless `env` names
    one) refuses connections. Each response's status, body and Retry-After, by name."""
    with refused_port() as port:
        result = subprocess.run(
            [sys.executable, "-c", _WITHOUT_A_DATABASE + textwrap.dedent(requests) + _PRINT_RESPONSES],
            cwd=ROOT,
            env={
                **os.environ,
                "DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/ecf_participants",
                "REDIS_URL": f"redis://127.0.0.1:{port}/0",
                "SECRET_KEY": settings.SECRET_KEY,
                "DEBUG": "0",
                **env,
            },
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])
