"""A school reports that an ECT or mentor is leaving, or has left, on a date (SC7, SC8)."""

from __future__ import annotations

import datetime as dt

from config import changes
from config.validation import Checks
from participants import locking
from participants.models import Mentorship, ParticipantType, SchoolPeriod
from training.school_actions import steps
from training.school_actions.checks import is_date, long_date

ENTER_LEAVING_DATE = "Enter the date they leave or left your school"
BEFORE_START = "The leaving date must be on or after the start date"
AFTER_REPORTED_DATE = "The leaving date must be on or before {day}, the leaving date you already told us"


def report_leaving(*, school_period, leaving_on, now) -> None:
    with changes.unit_of_work(now=now):
        locking.lock(school_period.participant, *_other_parties(school_period))
        school_period = steps.fresh(school_period)
        training = _training(school_period)
        checks = Checks()
        checks.first("leaving_on", leaving_rules(school_period, leaving_on, training))
        checks.raise_if_any()
        finish(school_period, leaving_on=leaving_on, training=training)


def leaving_rules(school_period: SchoolPeriod, leaving_on, training: list):
    yield not is_date(leaving_on), ENTER_LEAVING_DATE
    yield leaving_on < school_period.started_on, BEFORE_START
    # Training already removed for an earlier date cannot come back.
    reported = school_period.finished_on
    yield (
        reported is not None and leaving_on > reported,
        AFTER_REPORTED_DATE.format(day=long_date(reported or leaving_on)),
    )
    starting = [period for period in training if period.started_on >= leaving_on] if is_date(leaving_on) else []
    yield steps.has_declarations(starting), steps.TRAINING_ALREADY_DECLARED


def finish(school_period: SchoolPeriod, *, leaving_on: dt.date, training: list | None = None) -> None:
    """End everything in the school period on the leaving date; what would start on or after it goes.

    Mentorships also end no later than the ECT's own end at the school (SC8). `training` is the school
    period's training in order, when the caller has already loaded it.
    """
    for mentorship in _mentorships(school_period):
        if mentorship.started_on >= leaving_on:
            mentorship.delete()
            continue
        ect_end = mentorship.ect_school_period.finished_on
        ends_on = min(leaving_on, ect_end) if ect_end is not None else leaving_on
        if mentorship.finished_on is None or mentorship.finished_on > ends_on:
            mentorship.finished_on = ends_on
            mentorship.save()
    for period in _training(school_period) if training is None else training:
        if period.started_on >= leaving_on:
            period.delete()
        elif period.finished_on is None or period.finished_on > leaving_on:
            period.finished_on = leaving_on
            period.save()
    school_period.finished_on = leaving_on
    school_period.save()


def _training(school_period: SchoolPeriod) -> list:
    return list(school_period.training_periods.order_by("started_on", "id"))


def _mentorships(school_period: SchoolPeriod):
    field = "ect_school_period" if school_period.participant_type == ParticipantType.ECT else "mentor_school_period"
    return (
        # Both sides loaded: ending a mentorship moves what providers see of both participants.
        Mentorship.objects.select_related("ect_school_period", "mentor_school_period")
        .filter(**{field: school_period})
        .order_by("started_on", "id")
    )


def _other_parties(school_period: SchoolPeriod) -> list:
    """The ECTs or mentors on the other side of this period's mentorships: their mentor_id changes too."""
    return [
        mentorship.mentor_school_period.participant
        if school_period.participant_type == ParticipantType.ECT
        else mentorship.ect_school_period.participant
        for mentorship in _mentorships(school_period).select_related(
            "mentor_school_period__participant", "ect_school_period__participant"
        )
    ]
