"""Migration operations that change live tables without making API requests wait (README "Migrations: expand and
contract"). Each runs outside a transaction, in a migration with `atomic = False`, and can be run again after a
failure: `migrate` simply carries on where the last attempt stopped.

- `AddIndexConcurrently` and `RemoveIndexConcurrently`: Django's, made safe to rerun. A concurrent build that fails
  (a lock or statement timeout, a cancelled deploy) leaves an invalid index behind under the index's name, which
  PostgreSQL keeps updating but never reads; the next attempt drops it and builds again, and skips an index that an
  earlier attempt finished.
- `BackfillInBatches`: fills existing rows a range of ids at a time, each range in its own short transaction.

A concurrent build takes a lock that no read or write of the table conflicts with, then waits for every transaction
older than it to finish. Those waits block no request, so they run under MIGRATE_CONCURRENT_LOCK_TIMEOUT rather than
the migration's short lock timeout, which would fail the build whenever a nightly batch or a long report happened to
be running.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.conf import settings
from django.contrib.postgres import operations as postgres
from django.db import NotSupportedError, transaction
from django.db.migrations.operations.base import Operation, OperationCategory

from config import migrating

INDEX_VALIDITY = """
SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
 WHERE c.relname = %s AND pg_table_is_visible(c.oid)
"""


def index_validity(connection, name: str) -> bool | None:
    """True if the index exists and can be read, False if a failed concurrent build left it invalid, else None."""
    with connection.cursor() as cursor:
        cursor.execute(INDEX_VALIDITY, [name])
        row = cursor.fetchone()
    return None if row is None else row[0]


@contextmanager
def waiting_only_for_older_transactions(schema_editor):
    """Statements inside wait for locks up to MIGRATE_CONCURRENT_LOCK_TIMEOUT (see the module's docstring)."""
    if schema_editor.collect_sql:
        yield
        return
    with migrating.session_settings(
        schema_editor.connection, {"lock_timeout": f"{settings.MIGRATE_CONCURRENT_LOCK_TIMEOUT}s"}
    ):
        yield


def _build(operation, schema_editor, model, index) -> None:
    """Build `index` concurrently unless a finished one exists; first drop what a failed build left behind."""
    operation._ensure_not_in_transaction(schema_editor)
    if not operation.allow_migrate_model(schema_editor.connection.alias, model):
        return
    with waiting_only_for_older_transactions(schema_editor):
        if not schema_editor.collect_sql:
            valid = index_validity(schema_editor.connection, index.name)
            if valid:
                return
            if valid is False:
                schema_editor.remove_index(model, index, concurrently=True)
        schema_editor.add_index(model, index, concurrently=True)


class AddIndexConcurrently(postgres.AddIndexConcurrently):
    """CREATE INDEX CONCURRENTLY, rerunnable."""

    waits_for_older_transactions = True

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        _build(self, schema_editor, to_state.apps.get_model(app_label, self.model_name), self.index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        with waiting_only_for_older_transactions(schema_editor):
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class RemoveIndexConcurrently(postgres.RemoveIndexConcurrently):
    """DROP INDEX CONCURRENTLY IF EXISTS; undone, a rerunnable concurrent build."""

    waits_for_older_transactions = True

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        with waiting_only_for_older_transactions(schema_editor):
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        index = to_state.models[app_label, self.model_name_lower].get_index_by_name(self.name)
        _build(self, schema_editor, to_state.apps.get_model(app_label, self.model_name), index)


class BackfillInBatches(Operation):
    """Run `sql` over a model's rows by ranges of `batch_size` ids, each range in its own transaction.

    `sql` gets the range as %(first)s and %(last)s (inclusive) and must leave rows it already did alone (e.g. `WHERE
    new_column IS NULL`), so that a rerun after a failure costs little. Each batch waits for row locks only as long as
    the migration's lock timeout, and no row stays locked longer than its batch takes. Schema changes belong in an
    earlier migration, so the backfill never holds their locks. `reverse_sql`, when given, runs the same way.
    """

    reduces_to_sql = False
    category = OperationCategory.PYTHON

    def __init__(self, model_name: str, sql: str, reverse_sql: str | None = None, batch_size: int = 1000):
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.model_name = model_name
        self.sql = sql
        self.reverse_sql = reverse_sql
        self.batch_size = batch_size

    @property
    def reversible(self):
        return self.reverse_sql is not None

    def deconstruct(self):
        kwargs = {"model_name": self.model_name, "sql": self.sql}
        if self.reverse_sql is not None:
            kwargs["reverse_sql"] = self.reverse_sql
        if self.batch_size != 1000:
            kwargs["batch_size"] = self.batch_size
        return (self.__class__.__qualname__, [], kwargs)

    def describe(self):
        return f"Backfill {self.model_name} in batches of {self.batch_size:,} ids"

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._run(app_label, schema_editor, to_state, self.sql)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if self.reverse_sql is None:
            raise NotImplementedError(f"{self.describe()} cannot be undone: it has no reverse_sql")
        self._run(app_label, schema_editor, from_state, self.reverse_sql)

    def _run(self, app_label, schema_editor, state, sql):
        connection = schema_editor.connection
        if connection.in_atomic_block:
            raise NotSupportedError(
                "BackfillInBatches commits each batch on its own: set atomic = False on the migration."
            )
        model = state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(connection.alias, model):
            return
        table, pk = (connection.ops.quote_name(name) for name in (model._meta.db_table, model._meta.pk.column))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT min({pk}), max({pk}) FROM {table}")
            low, high = cursor.fetchone()
        if low is None:
            return
        for first in range(low, high + 1, self.batch_size):
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                cursor.execute(sql, {"first": first, "last": first + self.batch_size - 1})
