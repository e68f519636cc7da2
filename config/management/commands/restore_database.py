"""Restore a backup into a new database and prove it holds what was dumped (config/backups.py)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from config import backups


class Command(BaseCommand):
    help = (
        "Restore FILE (from backup_database) into a new database INTO on the server of DATABASE_URL, then check "
        "every table against FILE.manifest.json. It is built under a staging name and takes the name INTO only "
        "once restored and checked, so a failed restore leaves nothing behind. An existing INTO is refused unless "
        "--replace is given (and nothing is connected to it). Exit codes: 0 done, 1 failed, 2 refused before "
        "starting, 124 timed out."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A dump written by backup_database.")
        parser.add_argument("--into", required=True, help="The database to create, e.g. ecf_participants_restored.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Put the restored database in place of an existing INTO, dropping it (never the default).",
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=settings.RESTORE_TIMEOUT_SECONDS,
            help="Seconds the whole restore may take before it is stopped (default RESTORE_TIMEOUT_SECONDS).",
        )
        parser.add_argument(
            "--jobs", type=int, default=1, help="Parallel pg_restore jobs (default 1: one all-or-nothing transaction)."
        )
        parser.add_argument(
            "--no-verify",
            action="store_true",
            help="Skip the manifest check (for a dump without a manifest, e.g. one made by hand).",
        )

    def handle(self, *args, file, into, replace, timeout, jobs, no_verify, **options):
        if jobs < 1:
            raise CommandError("--jobs must be at least 1.", returncode=backups.Refused.exit_code)
        try:
            result = backups.restore(file, into=into, replace=replace, timeout=timeout, jobs=jobs, verify=not no_verify)
        except backups.BackupError as error:
            raise CommandError(str(error), returncode=error.exit_code) from error
        checked = (
            "every table matches the backup's manifest"
            if result.verified
            else "NOT checked against a manifest (--no-verify)"
        )
        self.stdout.write(
            f"Restored {result.tables} tables ({result.rows:,} rows) into {result.database} in {result.seconds:.1f}s; "
            f"{checked}."
        )
