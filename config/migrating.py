"""`migrate` runs under the migrate role's limits, however it is started, and says plainly why it stopped.

A migration waiting for a lock makes every request that needs the same table queue behind it, so its wait must be
short (MIGRATE_LOCK_TIMEOUT); its statements may run long (MIGRATE_STATEMENT_TIMEOUT), since the project's
migrations take no lock that a request waits for while they work (README "Migrations: expand and contract").
The container's migrate role and `make run` set PROCESS_ROLE=migrate, which gives the connection these limits
already; `config/management/commands/migrate.py` applies them for any other role too (a shell in a web or worker
container, `manage.py migrate` by hand), and puts the connection's own back afterwards.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError
from django.db.backends.signals import connection_created

logger = logging.getLogger(__name__)

LOCK_NOT_AVAILABLE = "55P03"  # lock_timeout expired
QUERY_CANCELED = "57014"  # statement_timeout expired (or a cancel)

# Sessions whose transactions have been open longest: what a lock wait is usually waiting for. No query text, which
# may hold personal data.
OLDEST_TRANSACTIONS = """
SELECT pid, coalesce(nullif(application_name, ''), backend_type), state,
       extract(epoch FROM clock_timestamp() - xact_start)::int
  FROM pg_stat_activity
 WHERE xact_start IS NOT NULL AND pid <> pg_backend_pid() AND datname = current_database()
 ORDER BY xact_start
 LIMIT 5
"""


def _limits() -> dict[str, str]:
    return {
        "lock_timeout": f"{settings.MIGRATE_LOCK_TIMEOUT}s",
        "statement_timeout": f"{settings.MIGRATE_STATEMENT_TIMEOUT}s",
    }


def _set(connection, values: dict[str, str]) -> None:
    with connection.cursor() as cursor:
        for name, value in values.items():
            cursor.execute("SELECT set_config(%s, %s, false)", [name, value])


@contextmanager
def session_settings(connection, values: dict[str, str]):
    """These settings on `connection`'s session while inside; its own are put back afterwards."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(["current_setting(%s)"] * len(values)), list(values))
        previous = dict(zip(values, cursor.fetchone(), strict=True))
    _set(connection, values)
    try:
        yield
    finally:
        if connection.connection is not None and connection.is_usable():
            _set(connection, previous)


@contextmanager
def migrate_limits(connection):
    """The migrate role's lock and statement timeouts on `connection` (and on any reconnection) while inside."""

    def limit_new(sender, connection, **kwargs):
        if connection.alias == alias:
            _set(connection, _limits())

    alias = connection.alias
    with session_settings(connection, _limits()):
        connection_created.connect(limit_new, weak=False)
        try:
            yield
        finally:
            connection_created.disconnect(limit_new)


def timed_out(error: BaseException) -> str | None:
    """The SQLSTATE if `error` (or what caused it) is a lock or statement timeout, else None."""
    while error is not None:
        code = getattr(getattr(error, "diag", None), "sqlstate", None) or getattr(error, "sqlstate", None)
        if code in (LOCK_NOT_AVAILABLE, QUERY_CANCELED):
            return code
        error = error.__cause__
    return None


def explain_timeout(connection, *, migration, code: str) -> str:
    """What a person running `migrate` needs to know after a timeout: which migration, why, what to do."""
    if code == LOCK_NOT_AVAILABLE:
        what = f"could not get a lock it needs within {settings.MIGRATE_LOCK_TIMEOUT} s (MIGRATE_LOCK_TIMEOUT)"
        if any(getattr(op, "waits_for_older_transactions", False) for op in getattr(migration, "operations", ())):
            what += (
                f", or its concurrent index build waited longer than {settings.MIGRATE_CONCURRENT_LOCK_TIMEOUT} s "
                "(MIGRATE_CONCURRENT_LOCK_TIMEOUT) for transactions open since before it began"
            )
        else:
            what += (
                ": another transaction holds one on the same table. It gave up rather than keep requests queued "
                "behind it"
            )
    else:
        what = f"ran longer than the statement timeout ({settings.MIGRATE_STATEMENT_TIMEOUT} s) and was stopped"
    logger.error(
        "migration stopped by a timeout",
        extra={
            "migration": str(migration),
            "sqlstate": code,
            "lock_timeout_seconds": settings.MIGRATE_LOCK_TIMEOUT,
            "statement_timeout_seconds": settings.MIGRATE_STATEMENT_TIMEOUT,
        },
    )
    return (
        f"Migration {migration or '(unknown)'} {what}. Its changes were rolled back (a non-atomic migration keeps the "
        "steps it finished, and skips them next time), and the migrations before it stay applied. Run migrate again; "
        f"if it keeps stopping, look for long transactions.{_oldest_transactions(connection)}"
    )


def _oldest_transactions(connection) -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute(OLDEST_TRANSACTIONS)
            rows = cursor.fetchall()
    except DatabaseError:
        return ""
    if not rows:
        return ""
    lines = "".join(f"\n  pid {pid}: {who}, {state}, open {age} s" for pid, who, state, age in rows)
    return f"\nOldest open transactions now:{lines}"
