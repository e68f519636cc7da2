"""The migration policy (README "Migrations: expand and contract"), checked on every migration after the baseline.

Each migration's SQL is generated as `sqlmigrate` would (against the real database, as Django does) and checked
with django-migration-linter's PostgreSQL checks, every warning counted as an error, plus the checks it lacks:

- CREATE_INDEX: an index on an existing table is built CONCURRENTLY (the linter's own check looks at the first
  index of a migration only, so it is replaced here);
- ADD_UNIQUE: a unique or primary key constraint on an existing table is added USING an index built concurrently
  (the linter's own check also refuses that concurrent build);
- CONSTRAINT_VALIDATED: a CHECK or FOREIGN KEY constraint on an existing table is added NOT VALID, as is the foreign
  key of a new column (a new ForeignKey field needs db_constraint=False, then the constraint NOT VALID);
- VALIDATED_IN_SAME_MIGRATION: a NOT VALID constraint is validated in a later migration;
- UNBATCHED_BACKFILL: no UPDATE or DELETE of an existing table's rows in one statement (BackfillInBatches);
- DATA_WITH_SCHEMA: a migration that writes rows (RunPython, RunSQL that writes, BackfillInBatches) changes no
  schema, so no schema lock is held while rows are written;
- NEEDS_NON_ATOMIC: operations that cannot run in a transaction are in a migration with `atomic = False`;
- NOT_RERUNNABLE: a migration with `atomic = False` holds only operations that can be run again after a failure (a
  failed non-atomic migration keeps the steps it finished): config.migration_operations' concurrent index operations
  and BackfillInBatches, ValidateConstraint, and RunPython written to be rerun;
- RUNSQL_REVERSIBLE: raw SQL says how it is undone (RunSQL.noop if nothing needs undoing).

BASELINE lists the migrations applied everywhere before this policy, each with the reason it is accepted; they are
not checked. REVIEWED records a finding accepted after review in a later migration: its code and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.apps import apps
from django.contrib.postgres.operations import NotInTransactionMixin, ValidateConstraint
from django.db import NotSupportedError
from django.db.migrations import RunPython, RunSQL
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import AlterModelManagers, AlterModelOptions, SeparateDatabaseAndState
from django_migration_linter import MigrationLinter
from django_migration_linter.sql_analyser import PostgresqlAnalyser
from django_migration_linter.sql_analyser.base import CheckMode

from config import migration_operations


def _clean(why: str) -> str:
    return f"Applied everywhere before this policy, and keeps it: {why}."


def _fault(what: str, today: str) -> str:
    return (
        f"Applied everywhere before this policy, so rewriting it would change nothing. {what} Written today: {today}."
    )


_NEW_TABLES = _clean("it creates new, empty tables")
_ROWS = _clean("it writes a few rows of reference data or permissions")
_STATE_ONLY = _clean("constraint messages, Python-side defaults or model options only, no SQL")
_NOT_NULL_DROPPED_DEFAULT = _fault(
    "Adds NOT NULL columns with a default that Django then drops (NOT_NULL): code still running during the release "
    "cannot insert a row without them.",
    "db_default, which stays on the column",
)

# Every migration that existed when the policy started, with the reason it is accepted unchecked.
BASELINE: dict[tuple[str, str], str] = {
    ("core", "0001_initial"): _NEW_TABLES,
    ("core", "0002_support_groups"): _ROWS,
    ("core", "0003_audit_reason_and_ticket"): _NOT_NULL_DROPPED_DEFAULT,
    ("core", "0004_payments_group"): _ROWS,
    ("core", "0005_provider_listing_permissions"): _ROWS,
    ("core", "0006_unfunded_mentor_listing_permissions"): _ROWS,
    ("schedules", "0001_initial"): _NEW_TABLES,
    ("schedules", "0002_reference_data"): _ROWS,
    ("schedules", "0003_constraint_messages"): _STATE_ONLY,
    ("schools", "0001_initial"): _NEW_TABLES,
    ("schools", "0002_school_choices_and_memberships"): _NEW_TABLES,
    ("schools", "0003_school_eligible_for_training"): _NOT_NULL_DROPPED_DEFAULT,
    ("schools", "0004_timestamps_from_the_clock"): _STATE_ONLY,
    ("schools", "0005_constraint_messages"): _STATE_ONLY,
    ("schools", "0006_forget_impossible_token_last_use"): _ROWS,
    ("schools", "0007_provider_list_indexes"): _fault(
        "Builds two partnership indexes inside its transaction, blocking partnership writes (CREATE_INDEX).",
        "AddIndexConcurrently in a migration with atomic = False",
    ),
    ("schools", "0008_appropriate_bodies"): _clean(
        "it creates a table and fills it with reference rows; the table is new, so no request waits for it"
    ),
    ("participants", "0001_initial"): _NEW_TABLES,
    ("participants", "0002_daily_status_run"): _NEW_TABLES,
    ("participants", "0003_constraint_messages"): _STATE_ONLY,
    ("participants", "0004_provider_listing"): _fault(
        "Creates the listing table and the trigger on participants, then fills the listings from every enrolment in "
        "the same transaction, holding the trigger's lock on participants throughout (DATA_WITH_SCHEMA).",
        "the table and trigger in one migration, the fill in a later one with BackfillInBatches",
    ),
    ("participants", "0005_school_period_appropriate_body_and_mentoring_only_here"): _fault(
        "Adds a foreign key column and two CHECK constraints to school periods, validated under an exclusive lock, "
        "and indexes the new column in its transaction (CONSTRAINT_VALIDATED, CREATE_INDEX).",
        "the column with db_constraint=False, its index with AddIndexConcurrently, the constraints with "
        "AddConstraintNotValid, then ValidateConstraint in a later migration",
    ),
    ("participants", "0006_listing_constraint_message"): _STATE_ONLY,
    ("participants", "0007_rows_rewritten_in_place"): _fault(
        "Recreates the listings' unique constraint (its index built under an exclusive lock) and foreign key "
        "(validated under one), and drops an index non-concurrently (ADD_UNIQUE, CONSTRAINT_VALIDATED, DROP_INDEX).",
        "a unique index built concurrently, then ADD CONSTRAINT ... USING INDEX; the foreign key NOT VALID, then "
        "validated; RemoveIndexConcurrently",
    ),
    ("participants", "0008_unfunded_mentor_listing"): _fault(
        "Creates the unfunded mentor listing and the trigger's new version, and fills the listing in the same "
        "transaction (DATA_WITH_SCHEMA).",
        "the fill in a later migration with BackfillInBatches",
    ),
    ("declarations", "0001_initial"): _NEW_TABLES,
    ("declarations", "0002_provider_and_fingerprint"): _fault(
        "Adds the provider foreign key (validated under an exclusive lock) and the fingerprint (NOT NULL, its default "
        "dropped), and builds their indexes in its transaction (CONSTRAINT_VALIDATED, NOT_NULL, CREATE_INDEX).",
        "the foreign key with db_constraint=False and added NOT VALID, the fingerprint with db_default, and "
        "AddIndexConcurrently",
    ),
    ("declarations", "0003_move_payments_permission"): _STATE_ONLY,
    ("declarations", "0004_constraint_messages"): _STATE_ONLY,
    ("declarations", "0005_provider_list_indexes"): _fault(
        "Builds two declaration indexes inside its transaction, blocking declaration writes (CREATE_INDEX).",
        "AddIndexConcurrently in a migration with atomic = False",
    ),
}

# (app label, migration name) -> {finding code: why it is accepted}. Every entry must still match a finding.
REVIEWED: dict[tuple[str, str], dict[str, str]] = {}

# Operations that change no table.
STATE_ONLY = (AlterModelOptions, AlterModelManagers)
# Operations a migration with atomic = False may hold: each can be run again after a failure.
RERUNNABLE = (
    migration_operations.AddIndexConcurrently,
    migration_operations.RemoveIndexConcurrently,
    migration_operations.BackfillInBatches,
    ValidateConstraint,
    RunPython,
)
# The linter's checks replaced here (CREATE_INDEX, ADD_UNIQUE) or made redundant by them (CREATE_INDEX_EXCLUSIVE).
REPLACED = {"CREATE_INDEX", "ADD_UNIQUE", "CREATE_INDEX_EXCLUSIVE"}
DATA_STATEMENT = re.compile(r"^(INSERT|UPDATE|DELETE|MERGE|COPY)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    where: str

    def __str__(self):
        return f"{self.code}: {self.message}\n      in: {self.where}"


# --- the SQL ------------------------------------------------------------------------------------------------------


_NAME = r'"?(\w+)"?'
_TABLE_OF = [
    re.compile(rf"^ALTER TABLE (?:IF EXISTS )?(?:ONLY )?{_NAME}", re.IGNORECASE),
    re.compile(
        rf"^CREATE (?:UNIQUE )?INDEX (?:CONCURRENTLY )?(?:IF NOT EXISTS )?(?:{_NAME} )?ON (?:ONLY )?{_NAME}", re.I
    ),
    re.compile(rf"^(?:UPDATE|DELETE FROM) (?:ONLY )?{_NAME}", re.IGNORECASE),
]


def _table(statement: str) -> str | None:
    for pattern in _TABLE_OF:
        match = pattern.search(statement)
        if match:
            return match.groups()[-1]
    return None


@dataclass
class _Statement:
    sql: str  # on one line, without leading comments
    operation: str


def _statements(migration, loader, connection) -> list[_Statement]:
    """The migration's SQL, statement by statement, each with the operation it comes from."""
    state = loader.project_state((migration.app_label, migration.name), at_end=False)
    with connection.schema_editor(collect_sql=True, atomic=migration.atomic) as editor:
        migration.apply(state, editor, collect_sql=True)
        own = len(editor.collected_sql)
    statements, operation, previous = [], "", None
    for n, line in enumerate(editor.collected_sql):
        if n >= own:
            operation = "SQL deferred to the end of the migration by its operations"
        # Each operation's SQL follows its description, written as "--", "-- <description>", "--".
        if previous == "--" and line.startswith("-- "):
            operation, previous = line[3:], line
            continue
        previous = line
        sql = " ".join(re.sub(r"^\s*(--[^\n]*\n)+", "", line + "\n").split())
        if sql and not sql.startswith("--"):
            statements.append(_Statement(sql, operation))
    return statements


def _linter_checks(mode: CheckMode):
    analyser = PostgresqlAnalyser(exclude_migration_tests=None)
    return [check for check in analyser.migration_checks if check.code not in REPLACED and check.mode == mode]


def _sql_findings(statements: list[_Statement], *, atomic: bool) -> list[Finding]:
    findings = []
    one_line_checks = _linter_checks(CheckMode.ONE_LINER)
    created: set[str] = set()
    not_valid: set[str] = set()

    def find(code, message, statement):
        findings.append(Finding(code, message, f"{statement.operation}: {statement.sql[:200]}"))

    for statement in statements:
        sql, upper = statement.sql, statement.sql.upper()
        table = _table(sql)
        existing = table is not None and table not in created
        match = re.match(rf"^CREATE TABLE (?:IF NOT EXISTS )?{_NAME}", sql, re.IGNORECASE)
        if match:
            created.add(match.group(1))
        if existing and re.match(r"^CREATE (UNIQUE )?INDEX (?!CONCURRENTLY)", upper):
            find(
                "CREATE_INDEX",
                "builds an index on an existing table while blocking its writes: use "
                "config.migration_operations.AddIndexConcurrently in a migration with atomic = False",
                statement,
            )
        if existing and re.search(r"ADD CONSTRAINT \S+ (UNIQUE|PRIMARY KEY|EXCLUDE)\b(?! USING INDEX)", upper):
            find(
                "ADD_UNIQUE",
                "builds the constraint's index under an exclusive lock: build a unique index "
                "concurrently, then ADD CONSTRAINT ... USING INDEX",
                statement,
            )
        if (
            existing
            and "NOT VALID" not in upper
            and (
                re.search(r"ADD CONSTRAINT \S+ (CHECK|FOREIGN KEY)\b", upper)
                or re.search(r"ADD COLUMN .* REFERENCES", upper)
            )
        ):
            find(
                "CONSTRAINT_VALIDATED",
                "checks every existing row under a lock that blocks writes: add it NOT "
                "VALID (AddConstraintNotValid; a foreign key with db_constraint=False and then RunSQL), and "
                "ValidateConstraint in a later migration",
                statement,
            )
        for name in re.findall(r'ADD CONSTRAINT "?(\w+)"? .*NOT VALID', sql, re.IGNORECASE):
            not_valid.add(name)
        for name in re.findall(r'VALIDATE CONSTRAINT "?(\w+)"?', sql, re.IGNORECASE):
            if name in not_valid:
                find(
                    "VALIDATED_IN_SAME_MIGRATION",
                    f"validates {name} in the migration that adds it, holding the "
                    "exclusive lock taken to add it: validate in a later migration",
                    statement,
                )
        if existing and re.match(r"^(UPDATE|DELETE)\b", upper):
            find(
                "UNBATCHED_BACKFILL",
                "changes every matching row in one statement and transaction, each locked "
                "until it ends: use config.migration_operations.BackfillInBatches",
                statement,
            )
        if atomic and "CONCURRENTLY" in upper:
            find("NEEDS_NON_ATOMIC", "cannot run inside the migration's transaction: set atomic = False", statement)
        for check in one_line_checks:
            if check.fn(sql):
                find(check.code, f"{check.message} (django-migration-linter)", statement)
    sqls = (["BEGIN;"] if atomic else []) + [statement.sql for statement in statements]
    for check in _linter_checks(CheckMode.TRANSACTION):
        if check.fn(sqls):
            findings.append(Finding(check.code, f"{check.message} (django-migration-linter)", "the migration's SQL"))
    return findings


# --- the operations -----------------------------------------------------------------------------------------------


def _writes_rows(operation, connection) -> bool:
    if isinstance(operation, (RunPython, migration_operations.BackfillInBatches)):
        return True
    if isinstance(operation, RunSQL):
        return any(DATA_STATEMENT.match(sql.strip()) for sql in _raw_sql(operation.sql, connection))
    return False


def _changes_schema(operation, connection) -> bool:
    if isinstance(operation, SeparateDatabaseAndState):
        return any(_changes_schema(each, connection) for each in operation.database_operations)
    if isinstance(operation, RunSQL):
        return any(not DATA_STATEMENT.match(sql.strip()) for sql in _raw_sql(operation.sql, connection))
    return not isinstance(operation, (*STATE_ONLY, RunPython, migration_operations.BackfillInBatches))


def _raw_sql(sql, connection) -> list[str]:
    if sql == RunSQL.noop:
        return []
    if isinstance(sql, (list, tuple)):
        return [each[0] if isinstance(each, (list, tuple)) else each for each in sql]
    return connection.ops.prepare_sql_script(sql)


def _operation_findings(migration, connection, linter: MigrationLinter) -> list[Finding]:
    findings = []
    operations = migration.operations
    writing = [op for op in operations if _writes_rows(op, connection)]
    schema = [op for op in operations if _changes_schema(op, connection)]
    if writing and schema:
        findings.append(
            Finding(
                "DATA_WITH_SCHEMA",
                "writes rows in the migration that changes the schema, so the schema change's locks are held while "
                "they are written: move the writing to a later migration",
                f"{', '.join(op.describe() for op in writing)} with {', '.join(op.describe() for op in schema)}",
            )
        )
    for op in operations:
        outside = isinstance(op, (NotInTransactionMixin, migration_operations.BackfillInBatches))
        if migration.atomic and outside:
            findings.append(
                Finding("NEEDS_NON_ATOMIC", "cannot run inside a transaction: set atomic = False", op.describe())
            )
        if not migration.atomic and not isinstance(op, RERUNNABLE):
            instead = (
                f" (use config.migration_operations.{type(op).__name__}: Django's cannot be rerun after a failure)"
                if isinstance(op, NotInTransactionMixin)
                else ""
            )
            findings.append(
                Finding(
                    "NOT_RERUNNABLE",
                    "a migration with atomic = False keeps what it finished when a later step fails, so each step "
                    f"must be safe to run again{instead}",
                    op.describe(),
                )
            )
        if isinstance(op, RunPython):
            errors, _ignored, warnings = linter.lint_runpython(op)
            for issue in errors + warnings:
                findings.append(Finding(issue.code, f"{issue.message} (django-migration-linter)", op.describe()))
        if isinstance(op, RunSQL) and not op.reversible:
            findings.append(
                Finding("RUNSQL_REVERSIBLE", "has no reverse_sql (RunSQL.noop if nothing needs undoing)", op.describe())
            )
    return findings


# --- a migration --------------------------------------------------------------------------------------------------


def findings(migration, loader: MigrationLoader, connection, linter: MigrationLinter) -> list[Finding]:
    """Everything in one migration against the policy, before any reviewed exception."""
    found = _operation_findings(migration, connection, linter)
    try:
        statements = _statements(migration, loader, connection)
    except NotSupportedError as error:
        # Django refuses to write the SQL of an operation that cannot run in a transaction inside one.
        if not any(finding.code == "NEEDS_NON_ATOMIC" for finding in found):
            found.append(Finding("NEEDS_NON_ATOMIC", str(error), "the migration"))
        return found
    return [*found, *_sql_findings(statements, atomic=migration.atomic)]


def refusals(connection) -> dict[tuple[str, str], list[Finding]]:
    """Findings of every project migration outside the baseline, less the reviewed ones, by migration."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    linter = MigrationLinter(no_cache=True, no_output=True)
    refused = {}
    for key, migration in sorted(project_migrations(loader).items()):
        if key in BASELINE:
            continue
        accepted = REVIEWED.get(key, {})
        left = [finding for finding in findings(migration, loader, connection, linter) if finding.code not in accepted]
        if left:
            refused[key] = left
    return refused


def project_migrations(loader: MigrationLoader) -> dict:
    """The project's own migrations (not Django's or an installed package's), by (app label, name)."""
    ours = {config.label for config in apps.get_app_configs() if "site-packages" not in str(config.path)}
    return {key: migration for key, migration in loader.disk_migrations.items() if key[0] in ours}
