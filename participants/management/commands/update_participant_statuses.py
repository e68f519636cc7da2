"""Run the nightly date-driven status job by hand (O1), e.g. to catch up after an outage."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from config import clock
from participants import daily_statuses


class Command(BaseCommand):
    help = "Record participant_status changes that came with the calendar, through a day (default today)."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=dt.date.fromisoformat, help="London date, YYYY-MM-DD; default today")
        parser.add_argument(
            "--every-enrolment",
            action="store_true",
            help="Recheck every enrolment, not only those whose dates fall in the days being completed",
        )

    def handle(self, *args, date=None, every_enrolment=False, **options):
        now = clock.now()
        today = clock.london_date(now)
        through = date or today
        # Recording a future day would mark it done and leave providers with tomorrow's statuses today.
        if through > today:
            raise CommandError(f"{through} is in the future; statuses can be recorded up to {today}.")
        outcome = daily_statuses.record_date_driven_statuses(through=through, now=now, every_enrolment=every_enrolment)
        if outcome.busy:
            raise CommandError("Another run is recording statuses now and will complete the day; try again later.")
        if not outcome.days:
            self.stdout.write(f"Statuses were already recorded through {through}; 0 changed.")
            return
        days = outcome.days[0].isoformat() if len(outcome.days) == 1 else f"{outcome.days[0]} to {outcome.days[-1]}"
        self.stdout.write(f"Recorded statuses for {days}: {outcome.changed} changed.")
