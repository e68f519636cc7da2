"""A school registers an early career teacher (SC1–SC5, with O5)."""

from __future__ import annotations

import datetime as dt
import itertools

from config import changes, clock
from config.validation import Checks
from participants import eligibility
from participants.models import (
    InductionPeriod,
    ParticipantType,
    ProgrammeType,
    SchoolPeriod,
    TrainingPeriod,
    WorkingPattern,
)
from participants.registration import find_or_create_teacher, find_teacher, lock_teacher, normalised_trn
from schedules.models import Cohort
from schools.models import LeadProvider, Partnership, SchoolCohortChoice
from training import default_schedules
from training.eligibility import become_eligible
from training.school_actions import steps
from training.school_actions.checks import (
    SELECT_PROGRAMME,
    cleaned_email,
    cleaned_name,
    is_date,
    lead_provider_rules,
    person_rules,
    start_rules,
)
from training.school_actions.report_leaving import finish

ALREADY_REGISTERED = "This ECT is already registered at your school"
STARTED_ELSEWHERE_LATER = "The start date must be after they started at their previous school"
SELECT_WORKING_PATTERN = "Select if they work full time or part time"


def register_ect(
    *,
    school,
    full_name,
    trn,
    date_of_birth,
    email,
    started_on,
    working_pattern,
    programme_type,
    lead_provider=None,
    now,
) -> SchoolPeriod:
    today = clock.london_date(now)
    with changes.unit_of_work(now=now):
        teacher = lock_teacher(normalised_trn(trn))
        _rules(
            teacher=teacher,
            school=school,
            full_name=full_name,
            trn=trn,
            date_of_birth=date_of_birth,
            email=email,
            started_on=started_on,
            working_pattern=working_pattern,
            programme_type=programme_type,
            lead_provider=lead_provider,
            today=today,
        ).raise_if_any()

        teacher = find_or_create_teacher(
            trn=normalised_trn(trn), full_name=cleaned_name(full_name), date_of_birth=date_of_birth, now=now
        )
        _finish_earlier_schools(teacher, school, started_on)
        school_period = SchoolPeriod.objects.create(
            participant=teacher,
            school=school,
            participant_type=ParticipantType.ECT,
            email=cleaned_email(email),
            working_pattern=working_pattern,
            started_on=started_on,
            created_at=now,
        )
        if programme_type == ProgrammeType.PROVIDER_LED:
            _start_provider_led(school_period, lead_provider, today=today, now=now)
        else:
            steps.start_school_led(
                school_period=school_period, started_on=steps.training_starts_on(school_period, today), now=now
            )
        _mark_eligible_if_in_induction(teacher, now=now)
        return school_period


def check_register_ect(
    *,
    school,
    full_name,
    trn,
    date_of_birth,
    email,
    started_on,
    working_pattern,
    programme_type,
    lead_provider=None,
    now,
) -> list[tuple[str, str]]:
    """register_ect's rules for these answers, changing nothing (a question page asks before confirming)."""
    teacher, today = find_teacher(normalised_trn(trn)), clock.london_date(now)
    return _rules(
        teacher=teacher,
        school=school,
        full_name=full_name,
        trn=trn,
        date_of_birth=date_of_birth,
        email=email,
        started_on=started_on,
        working_pattern=working_pattern,
        programme_type=programme_type,
        lead_provider=lead_provider,
        today=today,
    ).errors


def _rules(
    *,
    teacher,
    school,
    full_name,
    trn,
    date_of_birth,
    email,
    started_on,
    working_pattern,
    programme_type,
    lead_provider,
    today,
) -> Checks:
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
        itertools.chain(start_rules(started_on, today=today), _not_before_earlier_school(teacher, school, started_on)),
    )
    checks.first("working_pattern", [(working_pattern not in WorkingPattern.values, SELECT_WORKING_PATTERN)])
    checks.first("programme_type", [(programme_type not in ProgrammeType.values, SELECT_PROGRAMME)])
    checks.first("lead_provider", lead_provider_rules(programme_type, lead_provider))
    return checks


def _open_ect_periods(teacher, started_on):
    """The teacher's ECT school periods still running on (or after) the new start date."""
    periods = SchoolPeriod.objects.filter(participant=teacher, participant_type=ParticipantType.ECT)
    return (
        periods.filter(SchoolPeriod.q_not_ended_before(started_on))
        if is_date(started_on)
        else periods.filter(finished_on__isnull=True)
    )


def _not_already_here(teacher, school, started_on):
    yield (
        teacher is not None and _open_ect_periods(teacher, started_on).filter(school=school).exists(),
        ALREADY_REGISTERED,
    )


def _not_before_earlier_school(teacher, school, started_on):
    """SC1 ends an earlier school the day before the new start, so that school must have started before it."""
    earlier = _open_ect_periods(teacher, started_on).exclude(school=school) if teacher is not None else None
    yield earlier is not None and earlier.filter(started_on__gte=started_on).exists(), STARTED_ELSEWHERE_LATER


def _finish_earlier_schools(teacher, school, started_on: dt.date) -> None:
    """SC1: another school's period still running on the new start ends the day before (as SC7)."""
    for school_period in _open_ect_periods(teacher, started_on).exclude(school=school):
        finish(school_period, leaving_on=started_on - dt.timedelta(days=1))


def registration_cohort(teacher, *, started_on: dt.date, today: dt.date, now: dt.datetime) -> tuple[Cohort, bool]:
    """SC2: (cohort, reassigned out of a frozen cohort?). A transfer keeps an open cohort; a frozen one moves on."""
    previous = default_schedules.previous_training(participant=teacher, participant_type=ParticipantType.ECT, now=now)
    if previous is not None and previous.payments_frozen:
        return Cohort.objects.get(year=default_schedules.EXTENDED_COHORT_YEAR), True
    if previous is not None:
        return Cohort.objects.get(year=previous.cohort_year), False
    year = max(Cohort.year_containing(today), Cohort.year_containing(started_on))
    return Cohort.objects.get(year=year), False


def _start_provider_led(
    school_period: SchoolPeriod, lead_provider, *, today: dt.date, now: dt.datetime
) -> TrainingPeriod:
    teacher = school_period.participant
    cohort, reassigned = registration_cohort(teacher, started_on=school_period.started_on, today=today, now=now)
    # SC4: reassigned ECTs continue from the extended cohort's start rather than from today.
    starts_on = (
        max(school_period.started_on, cohort.started_on)
        if reassigned
        else steps.training_starts_on(school_period, today)
    )
    schedule = default_schedules.default_schedule(
        participant=teacher, participant_type=ParticipantType.ECT, training_starts_on=starts_on, now=now, cohort=cohort
    )
    # P11: a reassigned ECT only joins a partnership that already exists in the new cohort.
    return steps.start_provider_led(
        school_period=school_period,
        lead_provider=lead_provider,
        schedule=schedule,
        started_on=starts_on,
        now=now,
        roll_over=not reassigned,
    )


def _mark_eligible_if_in_induction(teacher, *, now: dt.datetime) -> None:
    """SC5/F14: an ECT in induction today is eligible for funding from today (and stays so)."""
    if eligibility.first_eligible_on(teacher, ParticipantType.ECT) is not None:
        return
    today = clock.london_date(now)
    if InductionPeriod.objects.filter(participant=teacher).filter(InductionPeriod.q_contains(today)).exists():
        become_eligible(teacher, ParticipantType.ECT, now=now)


def suggested_training(*, school, today: dt.date) -> tuple[str | None, LeadProvider | None]:
    """(programme type, lead provider) to offer first when a school registers an ECT today.

    In order: the school's decided choice for the cohort containing today; else the one lead provider
    it is in partnership with in that cohort, if only one; else its latest earlier decided choice (the
    one P11 keeps). A suggestion only: the school may answer otherwise.
    """
    year = Cohort.year_containing(today)
    decided = (
        SchoolCohortChoice.objects.select_related("lead_provider")
        .filter(school=school, cohort__year__lte=year)
        .exclude(induction_programme_choice=SchoolCohortChoice.InductionProgramme.NOT_YET_KNOWN)
        .order_by("-cohort__year")
    )
    choice = decided.first()
    if choice is None or choice.cohort_id != year:
        partnered = set(
            Partnership.objects.filter(school=school, cohort__year=year).values_list("lead_provider", flat=True)
        )
        if len(partnered) == 1:
            return ProgrammeType.PROVIDER_LED, LeadProvider.objects.get(pk=partnered.pop())
    if choice is None:
        return None, None
    if choice.induction_programme_choice == SchoolCohortChoice.InductionProgramme.SCHOOL_LED:
        return ProgrammeType.SCHOOL_LED, None
    return ProgrammeType.PROVIDER_LED, choice.lead_provider
