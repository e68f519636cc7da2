"""Back up the configured database: one consistent pg_dump and its manifest (config/backups.py)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from config import backups


class Command(BaseCommand):
    help = (
        "Dump the database (DATABASE_URL) into FILE in pg_dump's custom format, from one snapshot, and write "
        "FILE.manifest.json beside it: every table's row count and checksum in that snapshot, and the dump's "
        "SHA-256, which restore_database checks. Never overwrites a file. The password goes to pg_dump through "
        "a private password file, never the command line. Exit codes: 0 done, 1 failed, 2 refused before "
        "starting (e.g. pg_dump older than the server), 124 timed out."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write the dump, e.g. backups/ecf-2026-01-15.dump")
        parser.add_argument(
            "--timeout",
            type=float,
            default=settings.BACKUP_TIMEOUT_SECONDS,
            help="Seconds the whole backup may take before it is stopped (default BACKUP_TIMEOUT_SECONDS).",
        )
        parser.add_argument(
            "--lock-wait-timeout",
            type=float,
            default=settings.BACKUP_LOCK_WAIT_SECONDS,
            help="Seconds pg_dump waits for each table's lock, e.g. behind a migration (default BACKUP_LOCK_WAIT_SECONDS).",
        )

    def handle(self, *args, file, timeout, lock_wait_timeout, **options):
        try:
            result = backups.back_up(file, timeout=timeout, lock_wait_timeout=lock_wait_timeout)
        except backups.BackupError as error:
            raise CommandError(str(error), returncode=error.exit_code) from error
        self.stdout.write(
            f"Backed up {result.tables} tables ({result.rows:,} rows) into {result.path} "
            f"({result.bytes:,} bytes) in {result.seconds:.1f}s; manifest {result.manifest}."
        )
