"""What counts as the database being unavailable (config.outages), the answers it gets, and the `updated_since`
lock's own limit (config.changes.wait_for_stamped_commits). Against the real PostgreSQL: each fault is made,
not imitated. tests/test_database_waits.py runs the same faults through a real gunicorn."""

from __future__ import annotations

import time

import psycopg
import pytest
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.backends.postgresql.base import DatabaseWrapper
from django.test import RequestFactory

from config import changes, error_pages, outages
from config.api import errors
from tests.silent_server import SilentServer

MARGIN = 5.0  # seconds beyond a limit, for a busy machine


def _other_session() -> psycopg.Connection:
    database = connection.settings_dict
    return psycopg.connect(
        dbname=database["NAME"],
        user=database["USER"] or "postgres",
        host=database["HOST"] or "127.0.0.1",
        port=database["PORT"] or 5432,
        autocommit=False,
    )


def _failure(run) -> BaseException:
    try:
        run()
    except Exception as error:  # noqa: BLE001 - returned to the test
        return error
    raise AssertionError("no failure")


def _statement_timeout():
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 50")
        cursor.execute("SELECT pg_sleep(5)")


def _lock_timeout():
    with _other_session() as holder:
        holder.execute("SELECT pg_advisory_xact_lock(4242)")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = 50")
            cursor.execute("SELECT pg_advisory_xact_lock(4242)")


def _connect_timeout():
    silent = SilentServer()
    try:
        wrapper = DatabaseWrapper(
            {**connection.settings_dict, "HOST": "127.0.0.1", "PORT": silent.port, "OPTIONS": {"connect_timeout": 2}}
        )
        wrapper.ensure_connection()
    finally:
        silent.stop()


def _dropped_connection():
    wrapper = DatabaseWrapper(dict(connection.settings_dict))
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (pid,) = cursor.fetchone()
        with _other_session() as other:
            other.execute("SELECT pg_terminate_backend(%s)", [pid])
            other.commit()
        time.sleep(0.2)
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        wrapper.close()


@pytest.mark.parametrize(
    ("fault", "psycopg_error"),
    [
        (_statement_timeout, psycopg.errors.QueryCanceled),
        (_lock_timeout, psycopg.errors.LockNotAvailable),
        (_connect_timeout, psycopg.errors.ConnectionTimeout),
        (_dropped_connection, psycopg.OperationalError),
    ],
    ids=["statement-timeout", "lock-timeout", "connect-timeout", "dropped-connection"],
)
def test_each_limit_and_a_lost_connection_arrive_as_djangos_operational_error_and_count_as_an_outage(
    fault, psycopg_error
):
    error = _failure(fault)
    assert isinstance(error, OperationalError), repr(error)
    assert isinstance(error.__cause__, psycopg_error), repr(error.__cause__)
    assert outages.is_database_outage(error)
    # Inside a DRF view: the envelope's 503.
    response = errors.exception_handler(error, {})
    assert (response.status_code, response["Retry-After"]) == (503, "30")
    assert response.data == {"errors": [{"title": errors.UNAVAILABLE_TITLE, "detail": errors.UNAVAILABLE_DETAIL}]}


def test_a_broken_constraint_is_no_outage():
    def duplicate():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("CREATE TEMPORARY TABLE once (id int PRIMARY KEY)")
            cursor.execute("INSERT INTO once VALUES (1), (1)")

    error = _failure(duplicate)
    assert isinstance(error, IntegrityError)
    assert not outages.is_database_outage(error)


# --- People's page ---------------------------------------------------------------------------------


def _server_error_while_handling(error, path="/school/"):
    """handler500 as Django calls it: while the request's uncaught exception is being handled."""
    try:
        raise error
    except Exception:  # noqa: BLE001 - Django's handler runs inside its own except block
        return error_pages.server_error(RequestFactory().get(path))


def assert_service_unavailable_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert (
        "<title>Sorry, the service is unavailable – Manage training for early career teachers – GOV.UK</title>" in html
    )
    assert '<h1 class="govuk-heading-l">Sorry, the service is unavailable</h1>' in html
    return html


def test_people_get_govuk_service_unavailable_page_with_503_when_the_database_is_unavailable(settings):
    settings.PORTAL_CONTACT_EMAIL = "help@example.com"
    html = assert_service_unavailable_page(_server_error_while_handling(OperationalError("lock timeout")))
    assert 'rel="stylesheet" href="/static/portal/portal.' in html  # the GOV.UK styles, by their hashed name
    assert "help@example.com" in html


def test_the_service_unavailable_page_renders_without_the_database(django_db_blocker):
    with django_db_blocker.block():
        assert_service_unavailable_page(_server_error_while_handling(OperationalError("connection refused")))


def test_the_service_unavailable_page_still_answers_when_its_stylesheet_is_missing(settings):
    staticfiles = settings.STORAGES["staticfiles"]
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {**staticfiles, "OPTIONS": {"manifest_name": "none.json"}}}
    response = _server_error_while_handling(OperationalError("connection refused"))
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert b"Sorry, the service is unavailable" in response.content


def test_other_server_errors_stay_the_500_page():
    response = _server_error_while_handling(IntegrityError("duplicate key"))
    assert response.status_code == 500
    assert b"Sorry, there is a problem with the service" in response.content


# --- The updated_since lock ------------------------------------------------------------------------


def test_an_updated_since_read_gives_up_at_its_own_lock_timeout_behind_a_writer_that_has_stamped(settings):
    settings.UPDATED_SINCE_LOCK_TIMEOUT = 0.2
    with _other_session() as writer:
        writer.execute("SELECT pg_advisory_xact_lock_shared(%s)", [changes.COMMIT_STAMP_LOCK])
        started = time.monotonic()
        error = _failure(changes.wait_for_stamped_commits)
        waited = time.monotonic() - started
    assert isinstance(error.__cause__, psycopg.errors.LockNotAvailable), repr(error)
    assert outages.is_database_outage(error)
    assert waited < 0.2 + MARGIN


def test_an_updated_since_read_inside_a_transaction_gives_back_the_lock_and_its_limit_at_once():
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        before = cursor.fetchone()
        changes.wait_for_stamped_commits()
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone() == before
        # A writer can stamp while the rest of this transaction runs.
        with _other_session() as writer:
            granted = writer.execute(
                "SELECT pg_try_advisory_xact_lock_shared(%s)", [changes.COMMIT_STAMP_LOCK]
            ).fetchone()
        assert granted == (True,)
