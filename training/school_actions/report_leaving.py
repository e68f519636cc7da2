"""A school reports that an ECT or mentor is leaving, or has left, on a date (SC7, SC8)."""

from __future__ import annotations

import datetime as dt
import itertools

from config import changes, clock
from config.validation import Checks
from participants import locking
from participants.models import Mentorship, ParticipantType, SchoolPeriod
from schedules.models import Cohort
from training.school_actions import steps
from training.school_actions.checks import is_date, long_date, still_here_rules

ENTER_LEAVING_DATE = "Enter the date they leave or left your school"
BEFORE_START = "The leaving date must be on or after the start date"
TOO_LATE = "The leaving date must be on or before {day}"
AFTER_REPORTED_DATE = "The leaving date must be on or before {day}, the leaving date you already told us"


def report_leaving(*, school_period, leaving_on, now) -> None:
    today = clock.london_date(now)
    with changes.unit_of_work(now=now):
        locking.lock(school_period.participant, *other_parties(school_period))
        school_period = steps.fresh(school_period)
        training = _training(school_period)
        _rules(school_period, leaving_on, training, today).raise_if_any()
        finish(school_period, leaving_on=leaving_on, training=training)


def check_report_leaving(*, school_period, leaving_on, now) -> list[tuple[str, str]]:
    """report_leaving's rules for this answer, changing nothing (a question page asks before confirming)."""
    school_period = steps.fresh(school_period)
    return _rules(school_period, leaving_on, _training(school_period), clock.london_date(now)).errors


def _rules(school_period, leaving_on, training, today) -> Checks:
    checks = Checks()
    checks.first(
        "leaving_on",
        itertools.chain(still_here_rules(school_period, today), leaving_rules(school_period, leaving_on, training)),
    )
    return checks


def latest_leaving_date() -> dt.date:
    """The last day of the latest cohort we have: as for start dates, nothing is planned beyond it."""
    return Cohort.objects.order_by("-year").values_list("finished_on", flat=True).first()


def leaving_date_rules(school_period: SchoolPeriod, leaving_on):
    """A real date from their start at the school to the end of the latest cohort."""
    yield not is_date(leaving_on), ENTER_LEAVING_DATE
    yield leaving_on < school_period.started_on, BEFORE_START
    latest = latest_leaving_date()
    yield leaving_on > latest, TOO_LATE.format(day=long_date(latest))


def leaving_rules(school_period: SchoolPeriod, leaving_on, training: list):
    yield from leaving_date_rules(school_period, leaving_on)
    # Training already removed for an earlier date cannot come back: a later date is a change (change_leaving_date).
    reported = school_period.finished_on
    yield (
        reported is not None and leaving_on > reported,
        AFTER_REPORTED_DATE.format(day=long_date(reported or leaving_on)),
    )
    yield from declared_training_rules(training, leaving_on)


def declared_training_rules(training: list, leaving_on):
    """Training that would start on or after the leaving date goes, unless a provider has declared it."""
    starting = [period for period in training if period.started_on >= leaving_on] if is_date(leaving_on) else []
    yield steps.has_declarations(starting), steps.TRAINING_ALREADY_DECLARED


def finish(school_period: SchoolPeriod, *, leaving_on: dt.date, training: list | None = None) -> None:
    """End everything in the school period on the leaving date; what would start on or after it goes.

    Mentorships also end no later than the ECT's own end at the school (SC8). `training` is the school
    period's training in order, when the caller has already loaded it.
    """
    for mentorship in mentorships_of(school_period):
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


def mentorships_of(school_period: SchoolPeriod):
    field = "ect_school_period" if school_period.participant_type == ParticipantType.ECT else "mentor_school_period"
    return (
        # Both sides loaded: ending a mentorship moves what providers see of both participants.
        Mentorship.objects.select_related("ect_school_period", "mentor_school_period")
        .filter(**{field: school_period})
        .order_by("started_on", "id")
    )


def other_parties(school_period: SchoolPeriod) -> list:
    """The ECTs or mentors on the other side of this period's mentorships: their mentor_id changes too."""
    return [
        mentorship.mentor_school_period.participant
        if school_period.participant_type == ParticipantType.ECT
        else mentorship.ect_school_period.participant
        for mentorship in mentorships_of(school_period).select_related(
            "mentor_school_period__participant", "ect_school_period__participant"
        )
    ]
