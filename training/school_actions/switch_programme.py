"""A school switches an ECT between provider-led and school-led training (SC10–SC12)."""

from __future__ import annotations

import datetime as dt

from config import changes, clock
from config.validation import Checks
from participants import locking
from participants.models import Mentorship, ParticipantType, ProgrammeType, SchoolPeriod, TrainingPeriod
from schedules.models import Cohort
from training import default_schedules
from training.school_actions import steps
from training.school_actions.checks import SELECT_PROGRAMME, has_left, lead_provider_rules

ONLY_ECTS = "Only ECTs have a training programme to change"
ECT_LEFT = "You cannot change the training programme of an ECT who has left your school"
ALREADY_SCHOOL_LED = "This ECT is already doing school-led training"
ALREADY_PROVIDER_LED = "This ECT is already doing provider-led training. Change their lead provider instead"


def switch_programme(*, ect_school_period, programme_type, lead_provider=None, now) -> TrainingPeriod:
    today = clock.london_date(now)
    with changes.unit_of_work(now=now):
        mentorship = _current_mentorship(ect_school_period, today)
        locking.lock(
            ect_school_period.participant, *([mentorship.mentor_school_period.participant] if mentorship else [])
        )
        ect_school_period = steps.fresh(ect_school_period)
        replaced = _training_to_replace(ect_school_period, today)
        _rules(ect_school_period, programme_type, lead_provider, replaced, today).raise_if_any()
        if programme_type == ProgrammeType.SCHOOL_LED:
            return _to_school_led(ect_school_period, replaced, today=today, now=now)
        return _to_provider_led(ect_school_period, replaced, lead_provider, today=today, now=now)


def check_switch_programme(*, ect_school_period, programme_type, lead_provider=None, now) -> list[tuple[str, str]]:
    """switch_programme's rules for these answers, changing nothing (a question page asks before confirming)."""
    today = clock.london_date(now)
    ect_school_period = steps.fresh(ect_school_period)
    replaced = _training_to_replace(ect_school_period, today)
    return _rules(ect_school_period, programme_type, lead_provider, replaced, today).errors


def _rules(ect_school_period, programme_type, lead_provider, replaced, today) -> Checks:
    checks = Checks()
    checks.first("programme_type", programme_rules(ect_school_period, programme_type, replaced, today))
    checks.first("lead_provider", lead_provider_rules(programme_type, lead_provider))
    return checks


def _training_to_replace(school_period: SchoolPeriod, today: dt.date) -> list[TrainingPeriod]:
    """SC10: the current and any later training, else the latest."""
    running = list(
        school_period.training_periods.filter(TrainingPeriod.q_not_ended_before(today)).order_by("started_on", "id")
    )
    if running:
        return running
    latest = steps.latest(school_period)
    return [latest] if latest is not None else []


def programme_rules(school_period: SchoolPeriod, programme_type, replaced: list[TrainingPeriod], today: dt.date):
    yield school_period.participant_type != ParticipantType.ECT, ONLY_ECTS
    yield programme_type not in ProgrammeType.values, SELECT_PROGRAMME
    yield has_left(school_period, today), ECT_LEFT
    current = next((t for t in replaced if t.not_ended_before(today)), None)
    same = current is not None and current.programme_type == programme_type
    yield same and programme_type == ProgrammeType.SCHOOL_LED, ALREADY_SCHOOL_LED
    yield same and programme_type == ProgrammeType.PROVIDER_LED, ALREADY_PROVIDER_LED
    removed = [t for t in replaced if steps.stops_being_current(t, today=today)]
    yield steps.has_declarations(removed), steps.TRAINING_ALREADY_DECLARED


def _to_school_led(school_period, replaced, *, today, now) -> TrainingPeriod:
    """SC10: the provider-led training ends yesterday, or goes if it had not begun or no provider saw it."""
    for period in replaced:
        steps.end_or_remove(period, today=today)
    return steps.start_school_led(
        school_period=school_period, started_on=steps.training_starts_on(school_period, today), now=now
    )


def _to_provider_led(school_period, replaced, lead_provider, *, today, now) -> TrainingPeriod:
    """SC11/SC12: continue in the cohort of earlier provider-led training; out of a frozen one into 2024."""
    participant = school_period.participant
    for period in replaced:
        steps.end_or_remove(period, today=today)
    starts_on = steps.training_starts_on(school_period, today)
    previous = default_schedules.previous_training(
        participant=participant, participant_type=ParticipantType.ECT, now=now
    )
    cohort = Cohort.objects.get(year=previous.cohort_year) if previous and not previous.payments_frozen else None
    schedule = default_schedules.default_schedule(
        participant=participant,
        participant_type=ParticipantType.ECT,
        training_starts_on=starts_on,
        now=now,
        cohort=cohort,
    )
    if previous is not None and previous.payments_frozen:
        participant.ect_payments_frozen_year = previous.cohort_year
        participant.save()
    started = steps.start_provider_led(
        school_period=school_period, lead_provider=lead_provider, schedule=schedule, started_on=starts_on, now=now
    )
    _train_current_mentor(school_period, lead_provider, today=today, now=now)
    return started


def _train_current_mentor(school_period: SchoolPeriod, lead_provider, *, today, now) -> None:
    """SC11: the ECT's mentor starts provider-led training at this school if they have none and are funded."""
    mentorship = _current_mentorship(school_period, today)
    if mentorship is None:
        return
    mentor = mentorship.mentor_school_period
    if mentor.participant.mentor_funding_end_date is not None:
        return
    if mentor.training_periods.filter(programme_type=ProgrammeType.PROVIDER_LED).exists():
        return
    steps.start_mentor_training(
        mentor_school_period=mentor,
        lead_provider=lead_provider,
        started_on=max(today, mentor.started_on),
        now=now,
        mentee=school_period,
    )


def _current_mentorship(school_period: SchoolPeriod, today: dt.date):
    return (
        school_period.mentorships.select_related("mentor_school_period__participant", "mentor_school_period__school")
        .filter(Mentorship.q_not_ended_before(today))
        .order_by("started_on", "id")
        .first()
    )
