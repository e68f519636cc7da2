"""Support staff record an induction period for an appropriate body (O9): start, optional end and outcome; later
they record its outcome when it ends, or correct it, by the same rules.

Providers see the induction dates derived from these periods (F15). Recording one that covers today makes an ECT
eligible for funding from today (F14), which in turn makes their submitted declarations eligible (D31); nothing
here ever clears that date again (F13).
"""

from __future__ import annotations

import datetime as dt

from config import changes, clock
from config.validation import Checks
from participants import eligibility, locking
from participants.models import InductionOutcome, InductionPeriod, Participant, ParticipantType, SchoolPeriod
from training.eligibility import become_eligible

MERGED_AWAY = "This participant was merged into another record. Record induction periods there."
ENTER_START = "Enter the date the induction period started"
END_BEFORE_START = "The end date must be on or after the start date"
OUTCOME_UNKNOWN = "Choose an outcome: passed or failed"
OUTCOME_NEEDS_END = "Enter the date the induction period ended to record its outcome"
OUTCOME_IN_FUTURE = "An outcome can only be recorded once the induction period has ended"
OVERLAPS = "This overlaps their induction period from {start} to {end}"


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def record_induction_period(
    *,
    participant: Participant,
    started_on: dt.date | None,
    finished_on: dt.date | None = None,
    outcome: str | None = None,
    appropriate_body_name: str = "",
    now: dt.datetime,
) -> InductionPeriod:
    today = clock.london_date(now)
    with changes.unit_of_work(now=now):
        [participant] = locking.lock(participant)
        _check(participant, started_on, finished_on, outcome, today=today)
        induction_period = InductionPeriod.objects.create(
            participant=participant,
            appropriate_body_name=(appropriate_body_name or "").strip(),
            started_on=started_on,
            finished_on=finished_on,
            outcome=outcome or None,
            created_at=now,
        )
        _mark_ect_eligible_if_in_induction(participant, now=now)
    return induction_period


def correct_induction_period(
    *,
    induction_period: InductionPeriod,
    started_on: dt.date | None,
    finished_on: dt.date | None = None,
    outcome: str | None = None,
    appropriate_body_name: str = "",
    now: dt.datetime,
) -> InductionPeriod:
    """Finish an open induction period with its outcome, or correct one already recorded, by the same rules.

    Providers see the new dates at once (F15). A first-eligible date already set stays as it is (F13), whatever
    the outcome: only recording a new period can set it (F14).
    """
    today = clock.london_date(now)
    with changes.unit_of_work(now=now):
        [participant] = locking.lock(induction_period.participant)
        induction_period = InductionPeriod.objects.get(pk=induction_period.pk)
        _check(participant, started_on, finished_on, outcome, today=today, correcting=induction_period)
        induction_period.appropriate_body_name = (appropriate_body_name or "").strip()
        induction_period.started_on = started_on
        induction_period.finished_on = finished_on
        induction_period.outcome = outcome or None
        induction_period.save()
    return induction_period


def _check(participant, started_on, finished_on, outcome, *, today: dt.date, correcting=None) -> None:
    checks = Checks()
    _participant_is_current(checks, participant)
    _dates_are_in_order(checks, started_on, finished_on)
    _outcome_follows_the_end(checks, outcome, finished_on, today=today)
    if not checks.failed("started_on") and not checks.failed("finished_on"):
        _does_not_overlap(checks, participant, started_on, finished_on, correcting=correcting)
    checks.raise_if_any()


def _participant_is_current(checks: Checks, participant: Participant) -> None:
    if participant.retired_into_id is not None:
        checks.fail("participant", MERGED_AWAY)


def _dates_are_in_order(checks: Checks, started_on, finished_on) -> None:
    if not isinstance(started_on, dt.date):
        checks.fail("started_on", ENTER_START)
    elif finished_on is not None and finished_on < started_on:
        checks.fail("finished_on", END_BEFORE_START)


def _outcome_follows_the_end(checks: Checks, outcome, finished_on, *, today: dt.date) -> None:
    if not outcome:
        return
    checks.first(
        "outcome",
        [
            (outcome not in InductionOutcome.values, OUTCOME_UNKNOWN),
            (finished_on is None, OUTCOME_NEEDS_END),
            (finished_on is not None and finished_on > today, OUTCOME_IN_FUTURE),
        ],
    )


def _does_not_overlap(checks: Checks, participant: Participant, started_on, finished_on, *, correcting=None) -> None:
    recording = InductionPeriod(started_on=started_on, finished_on=finished_on)
    others = participant.induction_periods.order_by("started_on")
    if correcting is not None:
        others = others.exclude(pk=correcting.pk)
    for existing in others:
        if recording.period.overlaps(existing.period):
            end = _day(existing.finished_on) if existing.finished_on else "no end date"
            checks.fail("started_on", OVERLAPS.format(start=_day(existing.started_on), end=end))


def _mark_ect_eligible_if_in_induction(participant: Participant, *, now: dt.datetime) -> None:
    """F14: eligible from today when in induction today and an ECT somewhere; set once, never moved.

    Becoming eligible makes their submitted declarations eligible too (D31).
    """
    if eligibility.first_eligible_on(participant, ParticipantType.ECT) is not None:
        return
    today = clock.london_date(now)
    in_induction = participant.induction_periods.filter(InductionPeriod.q_contains(today)).exists()
    is_an_ect = SchoolPeriod.objects.filter(participant=participant, participant_type=ParticipantType.ECT).exists()
    if in_induction and is_an_ect:
        become_eligible(participant, ParticipantType.ECT, now=now)
