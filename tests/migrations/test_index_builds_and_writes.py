"""What the policy guards against, at a small scale: an index built in a migration's transaction makes writes to
the table wait for the whole build; config.migration_operations.AddIndexConcurrently lets them through.

The index is on a deliberately slow expression (10 ms a row), so that a few hundred rows take as long to index as a
large table would. Real `manage.py migrate` processes build it while this test writes a row.
"""

import time

import psycopg
import pytest

from config.migration_operations import index_validity
from tests import processes
from tests.migrations.probe import ProbeApp, manage, start_manage, timed_write

ROWS = 500
SLOW = """
CREATE FUNCTION {table}_slow(bigint) RETURNS bigint IMMUTABLE LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_sleep(0.01);
    RETURN $1;
END
$$;
"""


def index_on_slow_expression(probe: ProbeApp, name: str, operation: str) -> str:
    return f"""
        {operation}(
            model_name="thing",
            index=models.Index(
                models.Func(models.F("id"), function="{probe.table}_slow", output_field=models.BigIntegerField()),
                name="{name}",
            ),
        ),
        """


def write_while_building(probe: ProbeApp, index: str):
    """Start `migrate`; once it is building `index`, insert a row. (seconds the insert took, whether the index was
    built and committed when it returned, whether migrate was still building it then)."""
    url = processes.database_url()
    with psycopg.connect(url, autocommit=True) as watcher:
        process = start_manage("migrate", probe.label, database=url, role="migrate", probe=probe)
        try:
            deadline = time.monotonic() + 120
            while not watcher.execute(
                "SELECT 1 FROM pg_stat_progress_create_index p JOIN pg_class c ON c.oid = p.relid"
                " WHERE c.relname = %s AND p.phase = 'building index: scanning table'",
                [probe.table],
            ).fetchone():
                assert process.poll() is None, process.communicate()
                assert time.monotonic() < deadline, "migrate never started building the index"
                time.sleep(0.05)
            waited = timed_write(url, probe.table)
            built = index_validity(watcher, index) is True
            building = (
                watcher.execute(
                    "SELECT 1 FROM pg_stat_progress_create_index p JOIN pg_class c ON c.oid = p.relid WHERE c.relname = %s",
                    [probe.table],
                ).fetchone()
                is not None
            )
            out, err = process.communicate(timeout=300)
        finally:
            process.kill()
    assert process.returncode == 0, err
    return waited, built, building


@pytest.fixture
def slow_table(probe):
    probe.add("slow", f'migrations.RunSQL("""{SLOW}""", "DROP FUNCTION {{table}}_slow(bigint)"),')
    url = processes.database_url()
    assert manage("migrate", probe.label, database=url, role="migrate", probe=probe)[0] == 0
    with psycopg.connect(url, autocommit=True) as db:
        db.execute(f"INSERT INTO {probe.table} (name) SELECT 'row' FROM generate_series(1, {ROWS})")
    return probe


def test_an_index_built_in_the_migration_transaction_makes_a_write_wait_for_the_whole_build(slow_table):
    index = f"{slow_table.label}_naive"
    slow_table.add("naive", index_on_slow_expression(slow_table, index, "migrations.AddIndex"))

    waited, built, _building = write_while_building(slow_table, index)

    print(f"a write during a non-concurrent build of {ROWS} rows at 10 ms each waited {waited:.2f} s")
    assert built, "the write returned before the index build committed"


def test_a_concurrent_index_build_lets_a_write_through_while_it_builds(slow_table):
    index = f"{slow_table.label}_concurrent"
    slow_table.add(
        "concurrent",
        index_on_slow_expression(slow_table, index, "config.migration_operations.AddIndexConcurrently"),
        atomic=False,
    )

    waited, built, building = write_while_building(slow_table, index)

    print(f"a write during a concurrent build of {ROWS} rows at 10 ms each waited {waited:.2f} s")
    assert building and not built, "the write waited for the build to finish"
