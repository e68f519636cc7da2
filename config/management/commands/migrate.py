"""Django's `migrate`, always under the migrate role's lock and statement timeouts (config/migrating.py).

A migration stopped by either timeout ends the command with a message saying which migration stopped, why, and
that running migrate again is safe, rather than a traceback.
"""

from django.core.management.base import CommandError
from django.core.management.commands import migrate
from django.db import DatabaseError, connections

from config import migrating


class Command(migrate.Command):
    def handle(self, *args, **options):
        connection = connections[options["database"]]
        self.current_migration = None
        with migrating.migrate_limits(connection):
            try:
                return super().handle(*args, **options)
            except DatabaseError as error:
                code = migrating.timed_out(error)
                if code is None:
                    raise
                raise CommandError(
                    migrating.explain_timeout(connection, migration=self.current_migration, code=code)
                ) from error

    def migration_progress_callback(self, action, migration=None, fake=False):
        if action in ("apply_start", "unapply_start"):
            self.current_migration = migration
        super().migration_progress_callback(action, migration, fake)
