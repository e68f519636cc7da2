"""What support staff may change about a cohort: close it (O11), and its settings until it starts.

Closing freezes its payments from that moment. A closed cohort is not reopened: the freeze has consequences recorded
on participants that a reopening would not undo (payments-frozen years, S23, SC12, SC14, F17; moves to an extended
schedule, DS5), so providers would see records that contradict the cohort. A cohort's year, dates and freeze moment
are never edited: the year names the cohort and its schedules (changing it would make another cohort, with none).
Its settings (mentor funding, detailed evidence types, uplift fees) decide how declarations are checked and paid, so
they change only before the cohort starts, while nothing has been declared under them.
"""

from __future__ import annotations

import datetime as dt

from config import changes, clock
from config.validation import ValidationFailed
from schedules.models import Cohort

SETTINGS = ("mentor_funding", "detailed_evidence_types", "uplift_fees")
STARTED = (
    "The {year} cohort started on {day}, so its settings can no longer change. "
    "Once a cohort has started, it can only be closed."
)


def has_started(cohort: Cohort, *, today: dt.date) -> bool:
    return cohort.started_on <= today


def started_message(cohort: Cohort) -> str:
    return STARTED.format(year=cohort.year, day=f"{cohort.started_on.day} {cohort.started_on:%B %Y}")


def close(*, cohorts, now) -> list[Cohort]:
    """Freeze the payments of the given cohorts; one already closed keeps the moment it was closed."""
    with changes.unit_of_work(now=now):
        closing = list(
            Cohort.objects.select_for_update().filter(pk__in=[c.pk for c in cohorts], payments_frozen_at__isnull=True)
        )
        for cohort in closing:
            cohort.payments_frozen_at = now
            cohort.save(update_fields=["payments_frozen_at"])
        return closing


def change_settings(*, cohort: Cohort, now: dt.datetime, **settings: bool) -> Cohort:
    """Change a cohort's settings, refused once it has started."""
    unknown = set(settings) - set(SETTINGS)
    if unknown:
        raise ValueError(f"Not a cohort setting: {', '.join(sorted(unknown))}")
    with changes.unit_of_work(now=now):
        cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
        if has_started(cohort, today=clock.london_date(now)):
            raise ValidationFailed([("cohort", started_message(cohort))])
        for name, value in settings.items():
            setattr(cohort, name, value)
        cohort.save(update_fields=list(settings))
        return cohort
