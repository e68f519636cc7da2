"""New training periods: one home for starting training and for continuing it after a change.

History is never overwritten: a change ends the training that was, the day before, and a new period
carries on from the day of the change. New training runs until its school period ends, or until the
training it continues was due to end if that comes first.
"""

from __future__ import annotations

import datetime as dt

from participants.models import ProgrammeType, SchoolPeriod, TrainingPeriod


def start(
    *,
    school_period: SchoolPeriod,
    started_on: dt.date,
    now: dt.datetime,
    programme_type: str = ProgrammeType.PROVIDER_LED,
    lead_provider=None,
    partnership=None,
    schedule=None,
    until: dt.date | None = None,
) -> TrainingPeriod:
    """Training in `school_period` from `started_on` until the school period ends, or `until` if sooner."""
    ends = [day for day in (until, school_period.finished_on) if day is not None]
    return TrainingPeriod.objects.create(
        school_period=school_period,
        programme_type=programme_type,
        lead_provider=lead_provider,
        partnership=partnership,
        schedule=schedule,
        started_on=started_on,
        finished_on=min(ends) if ends else None,
        created_at=now,
    )


def continue_from(training: TrainingPeriod, *, day: dt.date, now: dt.datetime, **changes) -> TrainingPeriod:
    """`training` carries on from `day` as a new period, with `changes` (a schedule, partnership or provider).

    The old period ends the day before unless it has already ended; the new one keeps its end date if that
    is still to come.
    """
    due_to_end = training.finished_on
    day_before = day - dt.timedelta(days=1)
    if due_to_end is None or due_to_end > day_before:
        training.finished_on = day_before
        training.save()
    kept = {
        "programme_type": training.programme_type,
        "lead_provider": training.lead_provider,
        "partnership": training.partnership,
        "schedule": training.schedule,
    }
    return start(
        school_period=training.school_period,
        started_on=day,
        now=now,
        until=due_to_end if due_to_end is not None and due_to_end >= day else None,
        **{**kept, **changes},
    )
