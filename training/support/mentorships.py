"""Support staff correct when a mentorship started or ended, or end it, by the rules a school's assignment keeps.

A mentorship joins an ECT's time at a school to a mentor's time at the same school (SC9): never the ECT themselves,
only while both are there, and one mentor at a time. Providers see the mentor as the ECT's `mentor_id` (F4).
"""

from __future__ import annotations

import datetime as dt

from config import changes
from config.validation import Checks
from participants import locking
from participants.models import Mentorship, SchoolPeriod
from training.school_actions.assign_mentor import DIFFERENT_SCHOOL, OWN_MENTOR
from training.school_actions.checks import long_date

MERGED_AWAY = "This participant was merged into another record. Change their mentorships there."
ENTER_START = "Enter the date mentoring started"
END_BEFORE_START = "The end date must be on or after the start date"
OUTSIDE_ECT_TIME = "Mentoring must be within the ECT's time at the school, {dates}"
OUTSIDE_MENTOR_TIME = "Mentoring must be within the mentor's time at the school, {dates}"
OVERLAPS = "This overlaps their mentorship with {mentor}, {dates}. An ECT has one mentor at a time."


def correct_mentorship(
    *, mentorship: Mentorship, started_on: dt.date | None, finished_on: dt.date | None, now: dt.datetime
) -> Mentorship:
    with changes.unit_of_work(now=now):
        ect_period, mentor_period = mentorship.ect_school_period, mentorship.mentor_school_period
        locking.lock(ect_period.participant, mentor_period.participant)
        mentorship = Mentorship.objects.select_related(
            "ect_school_period__participant", "mentor_school_period__participant"
        ).get(pk=mentorship.pk)
        ect_period, mentor_period = mentorship.ect_school_period, mentorship.mentor_school_period
        checks = Checks()
        _both_are_current(checks, ect_period, mentor_period)
        checks.first("mentor", _pairing_rules(ect_period, mentor_period))
        checks.first("started_on", _start_rules(started_on, ect_period, mentor_period))
        if not checks.failed("started_on"):
            checks.first("finished_on", _end_rules(started_on, finished_on, ect_period, mentor_period))
        if not checks.failed("started_on") and not checks.failed("finished_on"):
            _one_mentor_at_a_time(checks, mentorship, started_on, finished_on)
        checks.raise_if_any()
        mentorship.started_on = started_on
        mentorship.finished_on = finished_on
        mentorship.save()
    return mentorship


def _both_are_current(checks: Checks, *periods: SchoolPeriod) -> None:
    if any(period.participant.retired_into_id is not None for period in periods):
        checks.fail("participant", MERGED_AWAY)


def _pairing_rules(ect: SchoolPeriod, mentor: SchoolPeriod):
    yield mentor.participant_id == ect.participant_id, OWN_MENTOR
    yield mentor.school_id != ect.school_id, DIFFERENT_SCHOOL


def _start_rules(started_on, ect: SchoolPeriod, mentor: SchoolPeriod):
    yield not isinstance(started_on, dt.date), ENTER_START
    yield (
        started_on < ect.started_on or not ect.not_ended_before(started_on),
        OUTSIDE_ECT_TIME.format(dates=_dates(ect)),
    )
    yield (
        started_on < mentor.started_on or not mentor.not_ended_before(started_on),
        OUTSIDE_MENTOR_TIME.format(dates=_dates(mentor)),
    )


def _end_rules(started_on, finished_on, ect: SchoolPeriod, mentor: SchoolPeriod):
    yield finished_on is not None and finished_on < started_on, END_BEFORE_START
    for period, message in ((ect, OUTSIDE_ECT_TIME), (mentor, OUTSIDE_MENTOR_TIME)):
        ends_later = period.finished_on is not None and (finished_on is None or finished_on > period.finished_on)
        yield ends_later, message.format(dates=_dates(period))


def _one_mentor_at_a_time(checks: Checks, mentorship: Mentorship, started_on, finished_on) -> None:
    corrected = Mentorship(started_on=started_on, finished_on=finished_on)
    others = (
        Mentorship.objects.filter(ect_school_period=mentorship.ect_school_period)
        .exclude(pk=mentorship.pk)
        .select_related("mentor_school_period__participant")
        .order_by("started_on")
    )
    for other in others:
        if corrected.period.overlaps(other.period):
            mentor = other.mentor_school_period.participant.full_name
            checks.fail("started_on", OVERLAPS.format(mentor=mentor, dates=_dates(other)))


def _dates(period) -> str:
    return f"{long_date(period.started_on)} to {long_date(period.finished_on) if period.finished_on else 'no end date'}"
