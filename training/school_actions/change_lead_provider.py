"""A school moves an ECT's or mentor's training to another lead provider (SC13, SC14)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from config import changes, clock
from config.validation import Checks
from participants import locking
from participants.models import ParticipantType, ProgrammeType, SchoolPeriod, TrainingPeriod
from training import default_schedules
from training.school_actions import steps
from training.school_actions.checks import SELECT_LEAD_PROVIDER, has_left

LEFT_SCHOOL = "You cannot change the lead provider of someone who has left your school"
SCHOOL_LED = "You cannot change the lead provider of an ECT doing school-led training"
NO_TRAINING = "They are not training with a lead provider. Choose their training programme instead"
SAME_LEAD_PROVIDER = "Select a different lead provider from the one they have now"


def change_lead_provider(*, school_period, lead_provider, now) -> TrainingPeriod:
    today = clock.london_date(now)
    with changes.unit_of_work(now=now):
        locking.lock(school_period.participant)
        school_period = steps.fresh(school_period)
        current = steps.current_or_next(school_period, today)
        _rules(school_period, lead_provider, current, today).raise_if_any()
        if current.started_on >= today:
            return _repoint(current, lead_provider, now=now)
        return _move(school_period, current, lead_provider, today=today, now=now)


def check_change_lead_provider(*, school_period, lead_provider, now) -> list[tuple[str, str]]:
    """change_lead_provider's rules for this answer, changing nothing (a question page asks before confirming)."""
    today = clock.london_date(now)
    school_period = steps.fresh(school_period)
    return _rules(school_period, lead_provider, steps.current_or_next(school_period, today), today).errors


def _rules(school_period, lead_provider, current, today) -> Checks:
    checks = Checks()
    checks.first("lead_provider", lead_provider_rules(school_period, lead_provider, current, today))
    return checks


def lead_provider_rules(school_period: SchoolPeriod, lead_provider, current: TrainingPeriod | None, today: dt.date):
    yield lead_provider is None, SELECT_LEAD_PROVIDER
    yield has_left(school_period, today), LEFT_SCHOOL
    yield current is not None and current.programme_type == ProgrammeType.SCHOOL_LED, SCHOOL_LED
    yield current is None, NO_TRAINING
    yield current.lead_provider_id == lead_provider.pk, SAME_LEAD_PROVIDER
    # Re-pointing training that began today would hand the old provider's declarations to the new one.
    yield current.started_on >= today and steps.has_declarations([current]), steps.TRAINING_ALREADY_DECLARED


def _repoint(current: TrainingPeriod, lead_provider, *, now) -> TrainingPeriod:
    """SC13: training that has not begun simply moves to the new provider (partnership, else an EOI)."""
    current.lead_provider = lead_provider
    current.partnership = steps.partnership_for(
        school=current.school_period.school,
        lead_provider=lead_provider,
        cohort=default_schedules.cohort_of(current),
        roll_over=False,
        now=now,
    )
    current.save()
    return current


def _move(school_period: SchoolPeriod, current: TrainingPeriod, lead_provider, *, today, now) -> TrainingPeriod:
    """SC13/SC14: the old training ends yesterday and new training continues from today on the same
    schedule; an ECT in a frozen cohort continues on the extended schedule instead (DS5)."""
    cohort = default_schedules.cohort_of(current)
    leaves_frozen_cohort = school_period.participant_type == ParticipantType.ECT and cohort.payments_frozen(now=now)
    if leaves_frozen_cohort:
        schedule = default_schedules.load(default_schedules.EXTENDED_COHORT_YEAR, default_schedules.EXTENDED_SCHEDULE)
        if current.partnership_id is not None:
            participant = school_period.participant
            participant.ect_payments_frozen_year = cohort.year
            participant.save()
    else:
        schedule = current.schedule
    steps.end_or_remove(current, today=today)
    return steps.start_provider_led(
        school_period=school_period,
        lead_provider=lead_provider,
        schedule=schedule,
        started_on=steps.training_starts_on(school_period, today),
        now=now,
    )


@dataclass(frozen=True)
class Outcome:
    """What each provider will see if the school confirms the change (SC13), for the school to read first."""

    old_provider: str
    old_sees: str  # "left": they see the training ended; "nothing": they lose it; "": they never saw it
    new_provider: str
    new_sees_now: bool  # False: only an EOI until the new provider confirms a partnership (V1, V5)
    cohort_year: int


def outcome(*, school_period, lead_provider, now) -> Outcome | None:
    """SC13's effect on who sees the participant, without changing anything; None when the change is refused."""
    today = clock.london_date(now)
    school_period = steps.fresh(school_period)
    current = steps.current_or_next(school_period, today)
    if _rules(school_period, lead_provider, current, today).errors:
        return None
    cohort = default_schedules.cohort_of(current)
    if current.partnership_id is None:
        old_sees = ""
    elif current.started_on >= today:
        # Re-pointed: the old provider keeps the participant only through other training it had with them.
        others = TrainingPeriod.objects.filter(
            school_period__participant_id=school_period.participant_id,
            partnership__lead_provider=current.lead_provider,
        ).exclude(pk=current.pk)
        old_sees = "left" if others.exists() else "nothing"
    else:
        old_sees = "left"
    new_partnership = steps.partnership_for(
        school=school_period.school, lead_provider=lead_provider, cohort=cohort, roll_over=False, now=now
    )
    return Outcome(
        old_provider=current.lead_provider.name,
        old_sees=old_sees,
        new_provider=lead_provider.name,
        new_sees_now=new_partnership is not None,
        cohort_year=cohort.year,
    )
