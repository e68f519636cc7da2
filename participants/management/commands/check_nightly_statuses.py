"""A monitor's check that the nightly status job has run (O1): exit 0 when it has, 1 naming the missing day."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from config import clock
from participants import daily_status_check

# Distinct from "missing" (1), so a monitor can tell "the job is late" from "could not look".
COULD_NOT_CHECK = 2


class Command(BaseCommand):
    help = "Exit 1 if the nightly participant statuses for today (from 01:00 London time; before then, yesterday) are missing."

    def handle(self, *args, **options):
        now = clock.now()
        try:
            missing = daily_status_check.missing_day(now=now)
            latest = daily_status_check.latest_day()
        except DatabaseError as exc:
            raise CommandError(
                f"Could not check the nightly statuses: the database did not answer ({type(exc).__name__}).",
                returncode=COULD_NOT_CHECK,
            ) from exc
        if missing is not None:
            since = f"the latest run is for {latest}" if latest else "no run has ever completed"
            raise CommandError(
                f"Nightly statuses missing: the run for {missing} was due by 01:00 London time that day; {since}. "
                "Run `manage.py update_participant_statuses` to catch up, and check the worker and beat.",
                returncode=1,
            )
        self.stdout.write(f"Nightly statuses recorded through {latest}.")
