"""The migration policy (tests/migrations/policy.py) holds for every migration after the baseline, and refuses each
kind of unsafe migration, written as a real migration file of a throwaway app."""

import pytest
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django_migration_linter import MigrationLinter

from tests.migrations import policy
from tests.migrations.probe import ProbeApp


@pytest.fixture
def lint_connection():
    """A connection of its own to the test database, outside the test's transaction: a concurrent operation's SQL
    is only written outside one."""
    connection = connections.create_connection(DEFAULT_DB_ALIAS)
    yield connection
    connection.close()


def report(refused):
    return "\n".join(
        f"{app}.{name}:\n" + "\n".join(f"    {finding}" for finding in found) for (app, name), found in refused.items()
    )


def test_every_migration_after_the_baseline_keeps_the_policy(lint_connection):
    refused = policy.refusals(lint_connection)

    assert not refused, "Migrations against the policy (README 'Migrations: expand and contract'):\n" + report(refused)


def test_the_baseline_names_migrations_that_exist_each_with_its_reason(lint_connection):
    on_disk = set(policy.project_migrations(MigrationLoader(lint_connection)))

    assert set(policy.BASELINE) <= on_disk
    # The first migration written to the policy follows the baseline, and is checked.
    assert ("core", "0007_audit_lookup_indexes") in on_disk - set(policy.BASELINE)
    assert all(reason.strip() for reason in policy.BASELINE.values())


def test_the_migrations_describe_the_models_as_they_are():
    # Hand-edited migrations (a concurrent build in place of the AddIndex makemigrations wrote) must leave the
    # migrations' state equal to the models'.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_each_reviewed_exception_still_matches_a_finding(lint_connection):
    loader = MigrationLoader(lint_connection)
    linter = MigrationLinter(no_cache=True, no_output=True)
    for key, accepted in policy.REVIEWED.items():
        found = {
            finding.code for finding in policy.findings(loader.disk_migrations[key], loader, lint_connection, linter)
        }
        assert set(accepted) <= found, f"{key}: reviewed {sorted(set(accepted) - found)} no longer found; remove it"


def findings_of(probe, migration, connection):
    with probe.installed():
        loader = MigrationLoader(connection)
        linter = MigrationLinter(no_cache=True, no_output=True)
        return policy.findings(loader.disk_migrations[probe.label, migration], loader, connection, linter)


UNSAFE = {
    "an index built in the transaction": (
        "CREATE_INDEX",
        True,
        """
        migrations.AddIndex(model_name="thing", index=models.Index(fields=["name"], name="thing_name_idx")),
        """,
        "Create index thing_name_idx",
    ),
    # django-migration-linter's own check looks at a migration's first index only.
    "an index on an existing table after one on a new table": (
        "CREATE_INDEX",
        True,
        """
        migrations.CreateModel(
            name="Other",
            fields=[("id", models.BigAutoField(primary_key=True)), ("name", models.CharField(max_length=10))],
        ),
        migrations.AddIndex(model_name="other", index=models.Index(fields=["name"], name="other_name_idx")),
        migrations.AddIndex(model_name="thing", index=models.Index(fields=["number"], name="thing_number_idx")),
        """,
        "Create index thing_number_idx",
    ),
    "a unique constraint building its index under an exclusive lock": (
        "ADD_UNIQUE",
        True,
        """
        migrations.AddConstraint(model_name="thing", constraint=models.UniqueConstraint(fields=["name"], name="one_name")),
        """,
        "Create constraint one_name",
    ),
    "a CHECK constraint validated while writes wait": (
        "CONSTRAINT_VALIDATED",
        True,
        """
        migrations.AddConstraint(
            model_name="thing", constraint=models.CheckConstraint(condition=models.Q(number__gte=0), name="number_0")
        ),
        """,
        "Create constraint number_0",
    ),
    "a new column's foreign key validated while writes wait": (
        "CONSTRAINT_VALIDATED",
        True,
        """
        migrations.AddField(
            model_name="thing",
            name="participant",
            field=models.ForeignKey(
                null=True, db_index=False, on_delete=django.db.models.deletion.CASCADE, to="participants.participant"
            ),
        ),
        """,
        "Add field participant to thing",
    ),
    "a NOT VALID constraint validated in the migration that adds it": (
        "VALIDATED_IN_SAME_MIGRATION",
        True,
        """
        django.contrib.postgres.operations.AddConstraintNotValid(
            model_name="thing", constraint=models.CheckConstraint(condition=models.Q(number__gte=0), name="number_0")
        ),
        django.contrib.postgres.operations.ValidateConstraint(model_name="thing", name="number_0"),
        """,
        "Validate constraint number_0",
    ),
    "a backfill of every row in one statement": (
        "UNBATCHED_BACKFILL",
        True,
        """
        migrations.RunSQL("UPDATE {table} SET number = 0 WHERE number IS NULL", migrations.RunSQL.noop),
        """,
        "Raw SQL operation: UPDATE",
    ),
    "rows written in the migration that changes the schema": (
        "DATA_WITH_SCHEMA",
        True,
        """
        migrations.AddField(model_name="thing", name="code", field=models.CharField(max_length=10, null=True)),
        migrations.RunSQL("INSERT INTO {table} (name, code) VALUES ('a', 'b')", migrations.RunSQL.noop),
        """,
        "Raw SQL operation with Add field code to thing",
    ),
    "a Python backfill with the schema change": (
        "DATA_WITH_SCHEMA",
        True,
        """
        migrations.AddField(model_name="thing", name="code", field=models.CharField(max_length=10, null=True)),
        migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop),
        """,
        "Raw Python operation with Add field code to thing",
    ),
    "a concurrent build in a transaction": (
        "NEEDS_NON_ATOMIC",
        True,
        """
        config.migration_operations.AddIndexConcurrently(
            model_name="thing", index=models.Index(fields=["name"], name="thing_name_idx")
        ),
        """,
        "Concurrently create index thing_name_idx",
    ),
    "raw concurrent SQL in a transaction": (
        "NEEDS_NON_ATOMIC",
        True,
        """
        migrations.RunSQL("CREATE INDEX CONCURRENTLY thing_name_idx ON {table} (name)", "DROP INDEX thing_name_idx"),
        """,
        "Raw SQL operation: CREATE INDEX CONCURRENTLY",
    ),
    "a batched backfill in a transaction": (
        "NEEDS_NON_ATOMIC",
        True,
        """
        config.migration_operations.BackfillInBatches(
            model_name="thing", sql="UPDATE {table} SET number = 0 WHERE id BETWEEN %(first)s AND %(last)s"
        ),
        """,
        "Backfill thing in batches",
    ),
    "Django's own concurrent build, which a rerun after a failure trips over": (
        "NOT_RERUNNABLE",
        False,
        """
        django.contrib.postgres.operations.AddIndexConcurrently(
            model_name="thing", index=models.Index(fields=["name"], name="thing_name_idx")
        ),
        """,
        "Concurrently create index thing_name_idx",
    ),
    "a schema change outside a transaction": (
        "NOT_RERUNNABLE",
        False,
        """
        migrations.AddField(model_name="thing", name="code", field=models.CharField(max_length=10, null=True)),
        """,
        "Add field code to thing",
    ),
    "raw SQL that cannot be undone": (
        "RUNSQL_REVERSIBLE",
        True,
        """
        migrations.RunSQL("ALTER TABLE {table} SET (fillfactor = 50)"),
        """,
        "Raw SQL operation",
    ),
    "a NOT NULL column without a database default (the linter's own check)": (
        "NOT_NULL",
        True,
        """
        migrations.AddField(model_name="thing", name="code", field=models.CharField(max_length=10, default="x")),
        """,
        "the migration's SQL",
    ),
    "a dropped column (the linter's own check)": (
        "DROP_COLUMN",
        True,
        """
        migrations.RemoveField(model_name="thing", name="number"),
        """,
        "Remove field number from thing",
    ),
}


@pytest.mark.parametrize("case", UNSAFE)
def test_the_policy_refuses_an_unsafe_migration_naming_the_rule_and_the_operation(case, tmp_path, lint_connection):
    code, atomic, operations, where = UNSAFE[case]
    probe = ProbeApp(tmp_path)
    name = probe.add("unsafe", operations, atomic=atomic)

    found = findings_of(probe, name, lint_connection)

    matching = [finding for finding in found if finding.code == code]
    assert matching, f"{code} not found in: {[str(finding) for finding in found]}"
    assert any(where in finding.where for finding in matching), [str(finding) for finding in matching]


def test_the_policy_accepts_the_same_changes_made_in_expand_steps(tmp_path, lint_connection):
    probe = ProbeApp(tmp_path)
    steps = [
        probe.add(
            "code",
            """
            migrations.AddField(model_name="thing", name="code", field=models.CharField(max_length=10, null=True)),
            migrations.AddField(
                model_name="thing", name="size", field=models.IntegerField(db_default=0, default=0)
            ),
            """,
        ),
        probe.add(
            "indexes",
            """
            config.migration_operations.AddIndexConcurrently(
                model_name="thing", index=models.Index(fields=["code"], name="thing_code_idx")
            ),
            config.migration_operations.RemoveIndexConcurrently(model_name="thing", name="thing_code_idx"),
            """,
            atomic=False,
        ),
        probe.add(
            "check",
            """
            django.contrib.postgres.operations.AddConstraintNotValid(
                model_name="thing", constraint=models.CheckConstraint(condition=models.Q(size__gte=0), name="size_0")
            ),
            """,
        ),
        probe.add(
            "validate", 'django.contrib.postgres.operations.ValidateConstraint(model_name="thing", name="size_0"),'
        ),
        probe.add(
            "fill",
            """
            config.migration_operations.BackfillInBatches(
                model_name="thing",
                sql="UPDATE {table} SET code = name WHERE id BETWEEN %(first)s AND %(last)s AND code IS NULL",
            ),
            """,
            atomic=False,
        ),
    ]

    for step in steps:
        assert findings_of(probe, step, lint_connection) == [], step
