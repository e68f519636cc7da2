"""Fill the database with demo data; the work is in demo.generator."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from config import clock
from demo import generator


class ProgressBar:
    """A text bar on stderr: redrawn in place on a terminal, one line per tenth in a log."""

    def __init__(self, stream, width=30):
        self.stream, self.width = stream, width  # a command's OutputWrapper
        self.interactive = stream.isatty()
        self.last_tenth = -1

    def __call__(self, done, total):
        share = done / total if total else 1
        if not self.interactive:
            tenth = int(share * 10)
            if tenth == self.last_tenth:
                return
            self.last_tenth = tenth
        filled = int(share * self.width)
        line = f"Seeding [{'#' * filled}{'.' * (self.width - filled)}] {share:4.0%} {done:,}/{total:,} participants"
        self.stream.write(
            f"\r{line}" if self.interactive else line, ending="\n" if done >= total or not self.interactive else ""
        )
        self.stream.flush()


class Command(BaseCommand):
    help = (
        "Replace the demo data with a deterministic, realistic set: lead providers, delivery partners, schools, "
        "partnerships and participants in every state the API shows. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--participants", type=int, default=2000, help="How many participants (default 2000).")
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed; the same seed gives the same data (default 1)."
        )
        parser.add_argument(
            "--if-missing", action="store_true", help="Do nothing when demo data is already there (used by make run)."
        )

    def handle(self, *args, participants, seed, if_missing, **options):
        if participants < 1:
            raise CommandError("--participants must be at least 1")
        if if_missing and generator.present():
            self.stdout.write("Demo data is already there; run `manage.py seed_demo` to rebuild it.")
            return
        today = clock.today()
        started = time.monotonic()
        try:
            summary = generator.seed(
                participants=participants, seed=seed, today=today, progress=ProgressBar(self.stderr)
            )
        except generator.DemoDataInUse as error:
            raise CommandError(str(error)) from error
        elapsed = time.monotonic() - started
        with connection.cursor() as cursor:
            # Fresh statistics, so the first queries on bulk-loaded tables are planned for their real size.
            cursor.execute("ANALYZE")
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            size = cursor.fetchone()[0]
        counts = ", ".join(f"{value:,} {name.replace('_', ' ')}" for name, value in vars(summary).items())
        self.stdout.write(f"Demo data for {today} (seed {seed}): {counts}.")
        self.stdout.write(f"Took {elapsed:.1f}s; database size now {size}.")
