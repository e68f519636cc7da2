"""For tests of backups and restores: real dumps and restores of the test database, and the app served by
gunicorn from a restored database, as a deployment would serve it."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from psycopg import sql

from config import backups
from tests import processes

ROOT = Path(settings.BASE_DIR)
RESOURCES = ("participants", "participant-declarations", "partnerships", "unfunded-mentors")


def server_connection(dbname: str = "postgres") -> psycopg.Connection:
    """A connection of its own (autocommit) to a database on the test database's server."""
    server, _ = backups.database_from_settings()
    return server.connect(dbname, autocommit=True)


def database_exists(name: str) -> bool:
    with server_connection() as server:
        return server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def drop_database(name: str) -> None:
    with server_connection() as server:
        server.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@contextmanager
def restored_database(dump: Path, *, suffix: str = "restored"):
    """The dump restored (by restore_database) into a database of its own, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_{suffix}"
    drop_database(name)
    try:
        call_command("restore_database", str(dump), "--into", name, "--timeout", "600", stdout=StringIO())
        yield name
    finally:
        drop_database(name)


def app_environment(database: str, **extra) -> dict:
    """A deployment's environment for a process of the app on `database` (not the test settings)."""
    return processes.app_environment(DATABASE_URL=processes.database_url(database), **extra)


@contextmanager
def serving(database: str):
    """gunicorn (gunicorn.conf.py, one worker) serving the app from `database`; yields its base URL."""
    with processes.gunicorn(app_environment(database), ready_seconds=60) as base:
        yield base


def http_client(base: str, token: str):
    """fetch(path, params) -> (status, JSON body) against a served app, with a provider's bearer token."""

    def fetch(path: str, params: dict) -> tuple[int, dict]:
        url = f"{base}{path}?{urllib.parse.urlencode(params)}"
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    return fetch


def in_process_client(api):
    """fetch(path, params) -> (status, JSON body) in this process, for a `tests.conftest.ProviderClient`."""

    def fetch(path: str, params: dict) -> tuple[int, dict]:
        response = api.get(path, params)
        return response.status_code, response.json()

    return fetch


def read_all(fetch, resource: str, since=None) -> dict[str, dict]:
    """Every page of a provider's list (from `since`, when given): {id: attributes}."""
    found: dict[str, dict] = {}
    page = 1
    while True:
        params = {"page[per_page]": "3000", "page[page]": str(page)}
        if since is not None:
            params["filter[updated_since]"] = since.isoformat()
        status, body = fetch(f"/api/v3/{resource}", params)
        assert status == 200, (resource, status, body)
        if not body["data"]:
            return found
        found.update((item["id"], item["attributes"]) for item in body["data"])
        page += 1
