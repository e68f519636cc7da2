"""A school changes or withdraws a leaving date it reported (SC7, SC8 undone as far as they can be).

Moving the date earlier ends everything sooner, as reporting it did. Moving it later, or withdrawing it,
carries on what the reported date ended: the school period, the training that ended on that date (unless a
provider had already ended it by withdrawing or deferring) and the mentorships that ended with it. Training
and mentorships that reporting the date removed (they would have started after it) do not come back.
"""

from __future__ import annotations

import datetime as dt
import itertools

from config import changes
from config.validation import Checks
from participants import locking
from participants.models import Mentorship, ParticipantType, SchoolPeriod
from training.school_actions import steps
from training.school_actions.report_leaving import (
    declared_training_rules,
    finish,
    leaving_date_rules,
    mentorships_of,
    other_parties,
)

NOTHING_REPORTED = "You have not told us they are leaving your school"
SAME_DATE = "Enter a different date from the leaving date you told us"
MOVED_ON = (
    "They have been registered at another school since they left yours, so you cannot change this leaving date. "
    "Contact us if it is wrong"
)


def change_leaving_date(*, school_period, leaving_on, now) -> None:
    with changes.unit_of_work(now=now):
        locking.lock(school_period.participant, *other_parties(school_period))
        school_period = steps.fresh(school_period)
        _change_rules(school_period, leaving_on).raise_if_any()
        if leaving_on < school_period.finished_on:
            finish(school_period, leaving_on=leaving_on)
        else:
            _carry_on(school_period, until=leaving_on)


def check_change_leaving_date(*, school_period, leaving_on, now) -> list[tuple[str, str]]:
    """change_leaving_date's rules for this answer, changing nothing (a question page asks before confirming)."""
    return _change_rules(steps.fresh(school_period), leaving_on).errors


def withdraw_leaving_date(*, school_period, now) -> None:
    with changes.unit_of_work(now=now):
        locking.lock(school_period.participant, *other_parties(school_period))
        school_period = steps.fresh(school_period)
        _withdraw_rules(school_period).raise_if_any()
        _carry_on(school_period, until=None)


def check_withdraw_leaving_date(*, school_period, now) -> list[tuple[str, str]]:
    """withdraw_leaving_date's rules, changing nothing (a question page asks before confirming)."""
    return _withdraw_rules(steps.fresh(school_period)).errors


def reported_leaving_rules(school_period: SchoolPeriod):
    """There is a leaving date to change, and nothing since has relied on it."""
    yield school_period.finished_on is None, NOTHING_REPORTED
    yield moved_on(school_period), MOVED_ON


def moved_on(school_period: SchoolPeriod) -> bool:
    """Another school's registration ended this period (SC1, or SC6's "mentoring only at the new school"):
    for an ECT, any later ECT period; for a mentor, a period elsewhere that began the day after this one ended."""
    others = SchoolPeriod.objects.filter(
        participant_id=school_period.participant_id, participant_type=school_period.participant_type
    ).exclude(pk=school_period.pk)
    if school_period.participant_type == ParticipantType.ECT:
        return others.filter(started_on__gt=school_period.started_on).exists()
    return (
        others.exclude(school_id=school_period.school_id)
        .filter(started_on=school_period.finished_on + dt.timedelta(days=1))
        .exists()
    )


def _change_rules(school_period: SchoolPeriod, leaving_on) -> Checks:
    checks = Checks()
    checks.first(
        "leaving_on",
        itertools.chain(
            reported_leaving_rules(school_period),
            leaving_date_rules(school_period, leaving_on),
            _earlier_date_rules(school_period, leaving_on),
        ),
    )
    return checks


def _earlier_date_rules(school_period: SchoolPeriod, leaving_on):
    yield leaving_on == school_period.finished_on, SAME_DATE
    if leaving_on < school_period.finished_on:
        yield from declared_training_rules(list(school_period.training_periods.all()), leaving_on)


def _withdraw_rules(school_period: SchoolPeriod) -> Checks:
    checks = Checks()
    checks.first("leaving_on", reported_leaving_rules(school_period))
    return checks


def _carry_on(school_period: SchoolPeriod, *, until: dt.date | None) -> None:
    """What ended on the reported date runs on to `until` (None: with no end)."""
    reported = school_period.finished_on
    latest = steps.latest(school_period)
    # A provider's withdrawal or deferral ended that training itself: it stays ended.
    if (
        latest is not None
        and latest.finished_on == reported
        and latest.withdrawn_at is None
        and latest.deferred_at is None
    ):
        latest.finished_on = until
        latest.save()
    school_period.finished_on = until
    school_period.save()
    for mentorship in mentorships_of(school_period):
        if mentorship.finished_on != reported or _replaced(mentorship):
            continue
        other = (
            mentorship.mentor_school_period
            if school_period.participant_type == ParticipantType.ECT
            else mentorship.ect_school_period
        )
        ends = [day for day in (until, other.finished_on) if day is not None]
        mentorship.finished_on = min(ends) if ends else None
        if mentorship.finished_on != reported:
            mentorship.save()


def _replaced(mentorship: Mentorship) -> bool:
    """The ECT has had another mentorship since this one ended."""
    return Mentorship.objects.filter(
        ect_school_period_id=mentorship.ect_school_period_id, started_on__gt=mentorship.started_on
    ).exists()
