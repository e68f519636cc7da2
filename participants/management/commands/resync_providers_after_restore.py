"""After a restore to an earlier moment: stamp again what providers may hold wrongly (training/resync_after_restore.py)."""

import json
import os
from argparse import RawDescriptionHelpFormatter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config import backups, clock
from training import resync_after_restore

HELP = """
After the database was restored to an earlier moment, providers may hold records in a state the database
has lost, and their `updated_since` polls would never list those records again. This stamps them again,
in short batches through the service's stamping lock (so it may run while the service is open), with an
audit event per record by the system, with your --reason. Run it once the restored database is the one
the service uses; providers' next polls then bring them back in step.

Which records:
- by default, every record a provider can see (participants, so transfers and unfunded mentors too;
  declarations; partnerships; schools): always correct, and providers' next poll is a full resync.
- with --compare-with-env NAME, where the environment variable NAME holds the URL of the database as it
  was before the restore (the damaged one, or a copy): only records whose stamp there differs from here,
  or that are missing there. It also finds what providers may hold that the restored database no longer
  has (made after the restore point), which no poll can retract: --lost-records FILE writes those ids
  per provider, to send them.
"""


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name, subcommand, **kwargs):
        # HELP keeps its paragraphs and list.
        return super().create_parser(prog_name, subcommand, formatter_class=RawDescriptionHelpFormatter, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument(
            "--reason", required=True, help='Kept with every audit event, e.g. "Restored to 10:00 after INC-42".'
        )
        parser.add_argument("--ticket", default="", help="The incident or ticket reference, if any.")
        parser.add_argument(
            "--compare-with-env",
            metavar="NAME",
            help="An environment variable holding the URL of the database as it was before the restore.",
        )
        parser.add_argument(
            "--lost-records", metavar="FILE", type=Path, help="With --compare-with-env: write the lost ids here (JSON)."
        )
        parser.add_argument("--batch-size", type=int, default=resync_after_restore.BATCH_SIZE)
        parser.add_argument("--dry-run", action="store_true", help="Say what would be stamped; change nothing.")

    def handle(self, *args, reason, ticket, compare_with_env, lost_records, batch_size, dry_run, **options):
        if not reason.strip():
            raise CommandError("--reason must say why.", returncode=2)
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.", returncode=2)
        if lost_records is not None and not compare_with_env:
            raise CommandError("--lost-records needs --compare-with-env: only that finds lost records.", returncode=2)
        selection = self._compared(compare_with_env) if compare_with_env else resync_after_restore.everything()
        counts = selection.counts()
        self.stdout.write("To stamp again: " + ", ".join(f"{count:,} {kind}" for kind, count in counts.items()) + ".")
        if compare_with_env:
            self._report_lost(selection.lost, lost_records)
        if dry_run:
            self.stdout.write("Dry run: nothing changed.")
            return
        outcome = resync_after_restore.restamp(
            selection,
            now=clock.now(),
            reason=reason,
            ticket=ticket,
            batch_size=batch_size,
            progress=lambda kind, done: self.stdout.write(f"  {kind}: {done:,} stamped"),
        )
        stamped = ", ".join(f"{count:,} {kind}" for kind, count in outcome.stamped.items())
        self.stdout.write(f"Stamped again: {stamped} ({outcome.batches} batches, {outcome.seconds:.1f}s).")

    def _compared(self, variable: str):
        url = os.environ.get(variable, "").strip()
        if not url:
            raise CommandError(f"The environment variable {variable} is not set.", returncode=2)
        try:
            with backups.read_only_snapshot(*backups.database_from_url(url)) as damaged:
                return resync_after_restore.changed_since_restore(damaged)
        except backups.BackupError as error:
            raise CommandError(str(error), returncode=error.exit_code) from error
        except resync_after_restore.SameDatabase as error:
            raise CommandError(
                f"{variable} names this database; it must name the one from before the restore.", returncode=2
            ) from error

    def _report_lost(self, lost: dict, path: Path | None) -> None:
        total = sum(len(ids) for resources in lost.values() for ids in resources.values())
        for provider, resources in lost.items():
            found = ", ".join(f"{len(ids):,} {resource}" for resource, ids in resources.items())
            self.stdout.write(f"Lost for {provider}: {found}.")
        if path is not None:
            path.write_text(json.dumps(lost, indent=1, sort_keys=True) + "\n")
            self.stdout.write(f"Wrote {total:,} lost ids to {path}.")
        elif total:
            self.stdout.write("Pass --lost-records FILE to write their ids, to send each provider theirs.")
