"""A school registers a mentor, optionally for one of its ECTs (SC6, O10)."""

from __future__ import annotations

import datetime as dt
import itertools

from config import changes, clock
from config.validation import Checks
from participants.models import ParticipantType, ProgrammeType, SchoolPeriod
from participants.registration import find_or_create_teacher, find_teacher, lock_teacher, normalised_trn
from schedules.models import Cohort
from training import default_schedules
from training.school_actions import steps
from training.school_actions.assign_mentor import OWN_MENTOR, assign
from training.school_actions.checks import (
    cleaned_email,
    cleaned_name,
    is_date,
    person_rules,
    start_rules,
)
from training.school_actions.report_leaving import finish

ALREADY_REGISTERED = "This mentor is already registered at your school"
MENTEE_NOT_HERE = "Select an ECT registered at your school"
MENTEE_LEFT = "This ECT has left your school. Select another ECT"
STARTED_ELSEWHERE_LATER = "The start date must be after they started mentoring at their other school"


def register_mentor(
    *,
    school,
    full_name,
    trn,
    date_of_birth,
    email,
    started_on=None,
    mentee=None,
    lead_provider=None,
    mentoring_only_here=False,
    now,
) -> SchoolPeriod:
    today = clock.london_date(now)
    started_on = today if started_on is None else started_on
    with changes.unit_of_work(now=now):
        # The mentor and the ECT in one call, in the one order: assigning a mentor locks the same pair.
        teacher = lock_teacher(normalised_trn(trn), *([mentee.participant] if mentee is not None else []))
        if mentee is not None:
            mentee = steps.fresh(mentee)
        _rules(
            teacher=teacher,
            school=school,
            full_name=full_name,
            trn=trn,
            date_of_birth=date_of_birth,
            email=email,
            started_on=started_on,
            mentee=mentee,
            mentoring_only_here=mentoring_only_here,
            today=today,
        ).raise_if_any()

        teacher = find_or_create_teacher(
            trn=normalised_trn(trn), full_name=cleaned_name(full_name), date_of_birth=date_of_birth, now=now
        )
        if mentoring_only_here:
            _finish_other_schools(teacher, school, started_on)
        school_period = SchoolPeriod.objects.create(
            participant=teacher,
            school=school,
            participant_type=ParticipantType.MENTOR,
            email=cleaned_email(email),
            started_on=started_on,
            mentoring_only_here=bool(mentoring_only_here),
            created_at=now,
        )
        chosen = _chosen_lead_provider(lead_provider, mentee, today)
        if chosen is not None and _may_train(teacher, school, mentoring_only_here, today):
            steps.start_mentor_training(
                mentor_school_period=school_period,
                lead_provider=chosen,
                started_on=started_on,
                now=now,
                mentee=mentee,
                cohort=_mentor_cohort(teacher, started_on=started_on, today=today, now=now),
            )
        if steps.ever_trained_as_mentor(teacher):
            steps.mark_mentor_eligible(teacher, now=now)
        if mentee is not None:
            assign(
                ect_school_period=mentee, mentor_school_period=school_period, today=today, now=now, train_mentor=False
            )
        return school_period


def check_register_mentor(
    *,
    school,
    full_name,
    trn,
    date_of_birth,
    email,
    started_on=None,
    mentee=None,
    lead_provider=None,
    mentoring_only_here=False,
    now,
) -> list[tuple[str, str]]:
    """register_mentor's rules for these answers, changing nothing (a question page asks before confirming)."""
    teacher, today = find_teacher(normalised_trn(trn)), clock.london_date(now)
    return _rules(
        teacher=teacher,
        school=school,
        full_name=full_name,
        trn=trn,
        date_of_birth=date_of_birth,
        email=email,
        started_on=today if started_on is None else started_on,
        mentee=mentee,
        mentoring_only_here=mentoring_only_here,
        today=today,
    ).errors


def _rules(
    *, teacher, school, full_name, trn, date_of_birth, email, started_on, mentee, mentoring_only_here, today
) -> Checks:
    """SC6 with the identity rule: an existing teacher is matched by TRN and date of birth together."""
    checks = Checks()
    person_rules(
        checks,
        teacher=teacher,
        school=school,
        full_name=full_name,
        trn=trn,
        date_of_birth=date_of_birth,
        email=email,
        started_on=started_on,
        today=today,
        already_here=_not_already_here(teacher, school, started_on),
    )
    checks.first(
        "started_on",
        itertools.chain(
            start_rules(started_on, today=today),
            _not_before_other_schools(teacher, school, started_on, mentoring_only_here),
        ),
    )
    checks.first("mentee", _mentee_rules(mentee, school, today))
    checks.first(
        "mentor", [(teacher is not None and mentee is not None and mentee.participant_id == teacher.pk, OWN_MENTOR)]
    )
    return checks


def _mentor_periods(teacher):
    return SchoolPeriod.objects.filter(participant=teacher, participant_type=ParticipantType.MENTOR)


def _not_already_here(teacher, school, started_on):
    running = _mentor_periods(teacher).filter(school=school)
    if is_date(started_on):
        running = running.filter(SchoolPeriod.q_not_ended_before(started_on))
    yield teacher is not None and running.exists(), ALREADY_REGISTERED


def _not_before_other_schools(teacher, school, started_on, mentoring_only_here):
    """Mentoring only here ends the other schools the day before, so they must have started before it."""
    others = _mentor_periods(teacher).exclude(school=school).filter(SchoolPeriod.q_not_ended_before(started_on))
    yield (
        mentoring_only_here and teacher is not None and others.filter(started_on__gte=started_on).exists(),
        STARTED_ELSEWHERE_LATER,
    )


def _mentee_rules(mentee, school, today):
    if mentee is None:
        return
    yield mentee.participant_type != ParticipantType.ECT or mentee.school_id != school.pk, MENTEE_NOT_HERE
    yield mentee.finished_on is not None and mentee.finished_on < today, MENTEE_LEFT


def _finish_other_schools(teacher, school, started_on: dt.date) -> None:
    for school_period in (
        _mentor_periods(teacher).exclude(school=school).filter(SchoolPeriod.q_not_ended_before(started_on))
    ):
        finish(school_period, leaving_on=started_on - dt.timedelta(days=1))


def _chosen_lead_provider(lead_provider, mentee, today):
    """SC6: a lead provider is chosen only for a provider-led mentee (or named when there is no mentee)."""
    if mentee is None:
        return lead_provider
    mentee_training = steps.current_or_next(mentee, today)
    if mentee_training is None or mentee_training.programme_type != ProgrammeType.PROVIDER_LED:
        return None
    return lead_provider or mentee_training.lead_provider


def _may_train(teacher, school, mentoring_only_here: bool, today: dt.date) -> bool:
    """SC6: not after their funding ended, and not while they mentor (now or later) at another school."""
    if teacher.mentor_funding_end_date is not None:
        return False
    mentoring_elsewhere = (
        _mentor_periods(teacher).exclude(school=school).filter(SchoolPeriod.q_not_ended_before(today)).exists()
    )
    return mentoring_only_here or not mentoring_elsewhere


def _mentor_cohort(teacher, *, started_on: dt.date, today: dt.date, now: dt.datetime) -> Cohort:
    """SC6: the cohort of their previous mentor training unless it is frozen, else the one they start in."""
    previous = default_schedules.previous_training(
        participant=teacher, participant_type=ParticipantType.MENTOR, now=now
    )
    if previous is not None and not previous.payments_frozen:
        return Cohort.objects.get(year=previous.cohort_year)
    return Cohort.objects.get(year=max(Cohort.year_containing(started_on), Cohort.year_containing(today)))
