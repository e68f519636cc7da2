"""A school assigns a mentor to an ECT, or switches the ECT to another mentor (SC9, O10)."""

from __future__ import annotations

import datetime as dt

from config import changes, clock
from config.validation import Checks
from participants import locking
from participants.models import Mentorship, ParticipantType, ProgrammeType, SchoolPeriod
from schedules.models import Cohort
from training.school_actions import steps
from training.school_actions.checks import has_left

NOT_AN_ECT = "Select an ECT to assign a mentor to"
NOT_A_MENTOR = "Select a mentor registered at your school"
OWN_MENTOR = "An ECT cannot be their own mentor"
DIFFERENT_SCHOOL = "The mentor must be registered at the same school as the ECT"
ECT_LEFT = "You cannot assign a mentor to an ECT who has left your school"
MENTOR_LEFT = "This mentor has left your school. Select another mentor"
MENTOR_GONE_BEFORE_ECT_STARTS = "This mentor leaves your school before the ECT starts. Select another mentor"


def assign_mentor(*, ect_school_period, mentor_school_period, now) -> Mentorship:
    today = clock.london_date(now)
    with changes.unit_of_work(now=now):
        locking.lock(ect_school_period.participant, mentor_school_period.participant)
        ect_school_period = steps.fresh(ect_school_period)
        mentor_school_period = steps.fresh(mentor_school_period)
        _rules(ect_school_period, mentor_school_period, today).raise_if_any()
        return assign(
            ect_school_period=ect_school_period, mentor_school_period=mentor_school_period, today=today, now=now
        )


def check_assign_mentor(*, ect_school_period, mentor_school_period, now) -> list[tuple[str, str]]:
    """assign_mentor's rules for this answer, changing nothing (a question page asks before confirming)."""
    return _rules(steps.fresh(ect_school_period), steps.fresh(mentor_school_period), clock.london_date(now)).errors


def _rules(ect: SchoolPeriod, mentor: SchoolPeriod, today: dt.date) -> Checks:
    checks = Checks()
    checks.first("mentor", mentor_rules(ect, mentor, today))
    return checks


def mentor_rules(ect: SchoolPeriod, mentor: SchoolPeriod, today: dt.date):
    yield ect.participant_type != ParticipantType.ECT, NOT_AN_ECT
    yield mentor.participant_type != ParticipantType.MENTOR, NOT_A_MENTOR
    yield mentor.participant_id == ect.participant_id, OWN_MENTOR
    yield mentor.school_id != ect.school_id, DIFFERENT_SCHOOL
    yield _left_before(ect, today), ECT_LEFT
    yield _left_before(mentor, today), MENTOR_LEFT
    yield (
        mentor.finished_on is not None and mentor.finished_on < _mentoring_starts_on(ect, mentor, today),
        MENTOR_GONE_BEFORE_ECT_STARTS,
    )


def _left_before(school_period: SchoolPeriod, today: dt.date) -> bool:
    return has_left(school_period, today)


def _mentoring_starts_on(ect: SchoolPeriod, mentor: SchoolPeriod, today: dt.date) -> dt.date:
    return max(ect.started_on, mentor.started_on, today)


def assign(
    *,
    ect_school_period: SchoolPeriod,
    mentor_school_period: SchoolPeriod,
    today: dt.date,
    now: dt.datetime,
    train_mentor: bool = True,
) -> Mentorship:
    """SC9 once checked: the new mentorship replaces the current or next one; the mentor may start training.

    Registering a mentor decides their training by SC6 instead (`train_mentor=False`).
    """
    starts_on = _mentoring_starts_on(ect_school_period, mentor_school_period, today)
    replaced = list(
        ect_school_period.mentorships.filter(Mentorship.q_not_ended_before(starts_on)).order_by("started_on", "id")
    )
    if (
        replaced
        and replaced[0].mentor_school_period_id == mentor_school_period.pk
        and replaced[0].started_on <= starts_on
    ):
        return replaced[0]  # already their mentor: nothing changes
    for mentorship in replaced:
        if mentorship.started_on < starts_on:
            mentorship.finished_on = starts_on - dt.timedelta(days=1)
            mentorship.save()
        else:
            mentorship.delete()
    ends = [day for day in (ect_school_period.finished_on, mentor_school_period.finished_on) if day is not None]
    mentorship = Mentorship.objects.create(
        ect_school_period=ect_school_period,
        mentor_school_period=mentor_school_period,
        started_on=starts_on,
        finished_on=min(ends) if ends else None,
        created_at=now,
    )
    if train_mentor:
        _train_new_mentor(ect_school_period, mentor_school_period, switching=bool(replaced), today=today, now=now)
    return mentorship


def _train_new_mentor(
    ect: SchoolPeriod, mentor: SchoolPeriod, *, switching: bool, today: dt.date, now: dt.datetime
) -> None:
    """SC9: a provider-led ECT's mentor gets training once, if their funding has not ended."""
    ect_training = steps.current_or_next(ect, today)
    if ect_training is None or ect_training.programme_type != ProgrammeType.PROVIDER_LED:
        return
    if mentor.participant.mentor_funding_end_date is not None or steps.ever_trained_as_mentor(mentor.participant):
        return
    # A new mentor trains from when they join; one replacing another mentor, from today at the earliest.
    starts_on = max(today, mentor.started_on) if switching else mentor.started_on
    cohort = Cohort.objects.get(year=Cohort.year_containing(max(starts_on, today)))
    lead_provider = steps.school_chosen_lead_provider(mentor.school, cohort) or ect_training.lead_provider
    steps.start_mentor_training(
        mentor_school_period=mentor,
        lead_provider=lead_provider,
        started_on=starts_on,
        now=now,
        mentee=ect,
        cohort=cohort,
    )
