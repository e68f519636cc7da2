"""`manage.py migrate` under the migrate role's limits whatever the process's role, stopping with a clear message
when it cannot get a lock in time, and finishing when simply run again (config/migrating.py and the migrate command).

Each test runs real `manage.py migrate` processes on the test database with a throwaway app (tests/migrations/probe.py).
"""

import time

import psycopg
import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from config import migrating
from config.migration_operations import index_validity
from tests import processes
from tests.migrations.probe import manage, start_manage, timed_write


def migrate(probe, *args, role="migrate"):
    return manage("migrate", probe.label, *args, database=processes.database_url(), role=role, probe=probe)


def applied(probe):
    with psycopg.connect(processes.database_url()) as db:
        rows = db.execute("SELECT name FROM django_migrations WHERE app = %s ORDER BY name", [probe.label]).fetchall()
    return [name for (name,) in rows]


def columns(probe):
    with psycopg.connect(processes.database_url()) as db:
        rows = db.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s", [probe.table])
        return {name for (name,) in rows}


def wait_until(condition, *, timeout, what):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout} s for {what}")
        time.sleep(0.1)


def test_migrate_that_cannot_get_its_lock_gives_up_after_the_migrate_lock_timeout_whatever_the_role_and_can_be_rerun(
    probe,
):
    code = probe.add(
        "code", 'migrations.AddField(model_name="thing", name="code", field=models.CharField(max_length=9, null=True)),'
    )
    assert migrate(probe, "0001")[0] == 0
    url = processes.database_url()
    with psycopg.connect(url) as holder, psycopg.connect(url, autocommit=True) as watcher:
        # A transaction that wrote to the table and is still open: adding a column must wait for it to end.
        holder.execute(f"INSERT INTO {probe.table} (name) VALUES ('held')")
        started = time.monotonic()
        # A maintenance shell's role: its own lock timeout is 30 s, longer than any request should queue.
        process = start_manage("migrate", probe.label, database=url, role="manage", probe=probe)
        try:
            wait_until(
                lambda: watcher.execute(
                    "SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
                    " WHERE c.relname = %s AND l.mode = 'AccessExclusiveLock' AND NOT l.granted",
                    [probe.table],
                ).fetchone(),
                timeout=60,
                what="migrate to queue for its lock",
            )
            # A request writing to the table now queues behind the migration's lock request...
            request_waited = timed_write(url, probe.table)
            out, err = process.communicate(timeout=120)
        finally:
            process.kill()
        elapsed = time.monotonic() - started

    # ... until the migration gives up, after the migrate role's lock timeout, not the shell's 30 s.
    assert process.returncode != 0
    assert request_waited < settings.MIGRATE_LOCK_TIMEOUT + 5, request_waited
    assert elapsed < 25, elapsed
    assert (
        f"Migration {probe.label}.{code} could not get a lock it needs within {settings.MIGRATE_LOCK_TIMEOUT} s" in err
    )
    assert "Run migrate again" in err
    assert "Traceback" not in err, err
    assert code not in applied(probe)
    assert "code" not in columns(probe)

    # With the other transaction gone, the same command simply finishes the job.
    assert migrate(probe)[0] == 0
    assert code in applied(probe)
    assert "code" in columns(probe)


def test_a_concurrent_build_waiting_for_an_older_transaction_blocks_no_write_and_waits_only_its_own_limit(probe):
    index = f"{probe.label}_name"
    build = probe.add(
        "index",
        f"""
        config.migration_operations.AddIndexConcurrently(
            model_name="thing", index=models.Index(fields=["name"], name="{index}")
        ),
        """,
        atomic=False,
    )
    assert migrate(probe, "0001")[0] == 0
    url = processes.database_url()
    with psycopg.connect(url) as holder, psycopg.connect(url, autocommit=True) as watcher:
        # A transaction that wrote to the table and is still open: a concurrent build waits for it to end.
        holder.execute(f"INSERT INTO {probe.table} (name) VALUES ('held')")
        process = start_manage(
            "migrate",
            probe.label,
            database=url,
            role="migrate",
            probe=probe,
            extra_env={"MIGRATE_CONCURRENT_LOCK_TIMEOUT": "15"},
        )
        try:
            wait_until(
                lambda: watcher.execute(
                    "SELECT 1 FROM pg_stat_progress_create_index p JOIN pg_class c ON c.oid = p.relid"
                    " WHERE c.relname = %s",
                    [probe.table],
                ).fetchone(),
                timeout=60,
                what="migrate to start the build",
            )
            time.sleep(settings.MIGRATE_LOCK_TIMEOUT + 1)
            # Past the migration's own 5 s lock timeout, the build still waits, and a write goes straight through.
            assert process.poll() is None
            request_waited = timed_write(url, probe.table)
            out, err = process.communicate(timeout=120)
        finally:
            process.kill()

    assert request_waited < 2, request_waited
    assert process.returncode != 0
    assert f"Migration {probe.label}.{build} could not get a lock it needs within" in err
    assert "its concurrent index build waited longer than 15 s" in err
    assert "idle in transaction" in err, err
    assert build not in applied(probe)
    assert migrate(probe)[0] == 0
    with psycopg.connect(url) as db:
        assert index_validity(db, index) is True


def test_a_non_atomic_migration_that_stopped_part_way_finishes_when_run_again(probe):
    index = f"{probe.label}_name"
    fill = probe.add(
        "fill",
        f"""
        config.migration_operations.AddIndexConcurrently(
            model_name="thing", index=models.Index(fields=["name"], name="{index}")
        ),
        config.migration_operations.BackfillInBatches(
            model_name="thing",
            # Fails with a division by zero until a row named 'ready' exists.
            sql="UPDATE {{table}} SET number = 1 / (SELECT count(*) FROM {{table}} WHERE name = 'ready')"
            " WHERE id BETWEEN %(first)s AND %(last)s AND number IS NULL",
            batch_size=2,
        ),
        """,
        atomic=False,
    )
    assert migrate(probe, "0001")[0] == 0
    url = processes.database_url()
    with psycopg.connect(url, autocommit=True) as db:
        db.execute(f"INSERT INTO {probe.table} (name) SELECT 'same' FROM generate_series(1, 5)")
        # What a failed concurrent build leaves: an invalid index under the name the migration will build.
        with pytest.raises(psycopg.errors.UniqueViolation):
            db.execute(f"CREATE UNIQUE INDEX CONCURRENTLY {index} ON {probe.table} (name)")
        assert index_validity(db, index) is False

        returncode, _out, err = migrate(probe)
        assert returncode != 0, err
        assert "division by zero" in err
        # The invalid index was replaced by a valid one before the backfill stopped.
        assert index_validity(db, index) is True
        assert fill not in applied(probe)

        db.execute(f"INSERT INTO {probe.table} (name) VALUES ('ready')")
        returncode, _out, err = migrate(probe)
        assert returncode == 0, err
        assert fill in applied(probe)
        assert index_validity(db, index) is True
        assert db.execute(f"SELECT count(*) FROM {probe.table} WHERE number IS NULL").fetchone() == (0,)


def test_each_backfill_batch_commits_on_its_own(probe):
    probe.add(
        "fill",
        """
        config.migration_operations.BackfillInBatches(
            model_name="thing",
            sql="UPDATE {table} SET number = 0 WHERE id BETWEEN %(first)s AND %(last)s AND number IS NULL",
            batch_size=10,
        ),
        """,
        atomic=False,
    )
    assert migrate(probe, "0001")[0] == 0
    with psycopg.connect(processes.database_url(), autocommit=True) as db:
        db.execute(f"INSERT INTO {probe.table} (name) SELECT 'row' FROM generate_series(1, 45)")

        assert migrate(probe)[0] == 0

        # xmin is the transaction that wrote each row's current version: one per batch of ten ids.
        transactions = db.execute(f"SELECT count(DISTINCT xmin::text) FROM {probe.table} WHERE number = 0").fetchone()
    assert transactions == (5,)


def test_migrate_limits_apply_to_the_connection_and_its_reconnections_and_are_put_back_after():
    own = connections.create_connection(DEFAULT_DB_ALIAS)

    def limits():
        with own.cursor() as cursor:
            cursor.execute(
                "SELECT name, setting::int / 1000 FROM pg_settings WHERE name IN ('lock_timeout', 'statement_timeout')"
            )
            return dict(cursor.fetchall())

    migrate_role = {
        "lock_timeout": settings.MIGRATE_LOCK_TIMEOUT,
        "statement_timeout": settings.MIGRATE_STATEMENT_TIMEOUT,
    }
    try:
        before = limits()
        assert before != migrate_role
        with migrating.migrate_limits(own):
            assert limits() == migrate_role
            own.close()
            assert limits() == migrate_role
        assert limits() == before
    finally:
        own.close()
