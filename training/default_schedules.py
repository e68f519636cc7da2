"""The schedule a new provider-led training period gets when nobody names one (DS1–DS8).

`choose` is the rule on plain values; `default_schedule` loads its inputs and the schedule row.
Nothing here changes a schedule that already exists: transfers keep theirs through DS2 (DS8).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from config import clock
from config.validation import ValidationFailed
from declarations.models import Declaration, PaymentStatus
from participants.models import Mentorship, ParticipantType, ProgrammeType, SchoolPeriod, TrainingPeriod
from schedules.models import Cohort, Schedule

# DS5: ECTs taken out of a closed (payments-frozen) cohort finish on an extended schedule here.
EXTENDED_COHORT_YEAR = 2024
EXTENDED_SCHEDULE = "ecf-extended-september"

MISSING_SCHEDULE = "There is no {identifier} schedule in the {year} cohort. Contact us so we can add it."


@dataclass(frozen=True)
class PreviousTraining:
    """The participant's most recent provider-led training of the same type."""

    cohort_year: int
    schedule_identifier: str
    payments_frozen: bool


def schedule_month(day: dt.date) -> str:
    """DS4: June–October starts in September, November–February in January, March–May in April."""
    if 6 <= day.month <= 10:
        return "september"
    if day.month >= 11 or day.month <= 2:
        return "january"
    return "april"


def choose(
    *,
    participant_type: str,
    training_starts_on: dt.date,
    today: dt.date,
    cohort_year: int | None = None,
    previous: PreviousTraining | None = None,
    replacement: bool = False,
) -> tuple[int, str]:
    """(cohort year, schedule identifier) for a new provider-led training period (DS1–DS6)."""
    if participant_type == ParticipantType.ECT and previous is not None and previous.payments_frozen:
        return EXTENDED_COHORT_YEAR, EXTENDED_SCHEDULE
    reference_date = max(training_starts_on, today)
    target_year = cohort_year if cohort_year is not None else Cohort.year_containing(reference_date)
    if previous is not None:
        # Same identifier in the target cohort: the exact schedule when the cohort is unchanged.
        return target_year, previous.schedule_identifier
    kind = "replacement" if replacement and participant_type == ParticipantType.MENTOR else "standard"
    return target_year, f"ecf-{kind}-{schedule_month(reference_date)}"


def cohort_of(training: TrainingPeriod) -> Cohort:
    """A training period's cohort: its partnership's, or for an expression of interest its schedule's."""
    return training.partnership.cohort if training.partnership_id else training.schedule.cohort


def previous_training(*, participant, participant_type: str, now: dt.datetime) -> PreviousTraining | None:
    latest = (
        TrainingPeriod.objects.select_related("partnership__cohort", "schedule__cohort")
        .filter(
            school_period__participant=participant,
            school_period__participant_type=participant_type,
            programme_type=ProgrammeType.PROVIDER_LED,
        )
        .order_by("-started_on", "-id")
        .first()
    )
    if latest is None:
        return None
    cohort = cohort_of(latest)
    return PreviousTraining(cohort.year, latest.schedule.identifier, cohort.payments_frozen(now=now))


def mentee_had_a_funded_mentor(
    *, mentee: SchoolPeriod, mentor_school_period: SchoolPeriod | None, today: dt.date
) -> bool:
    """DS6: another mentor of this ECT (at any school) was declared for while mentoring them."""
    mentorships = Mentorship.objects.filter(ect_school_period__participant_id=mentee.participant_id).select_related(
        "mentor_school_period"
    )
    if mentor_school_period is not None and mentor_school_period.pk is not None:
        mentorships = mentorships.exclude(mentor_school_period=mentor_school_period)
    for mentorship in mentorships:
        ends_on = mentorship.finished_on or today
        declared = (
            Declaration.objects.filter(
                training_period__school_period__participant_id=mentorship.mentor_school_period.participant_id,
                training_period__school_period__participant_type=ParticipantType.MENTOR,
                declaration_date__gte=clock.start_of_london_day(mentorship.started_on),
                declaration_date__lt=clock.start_of_london_day(ends_on + dt.timedelta(days=1)),
            )
            .exclude(payment_status=PaymentStatus.VOIDED)
            .exists()
        )
        if declared:
            return True
    return False


def default_schedule(
    *,
    participant,
    participant_type: str,
    training_starts_on: dt.date,
    now: dt.datetime,
    cohort: Cohort | None = None,
    mentee: SchoolPeriod | None = None,
    mentor_school_period: SchoolPeriod | None = None,
) -> Schedule:
    """The schedule row for a new provider-led training period; DS7 when it does not exist.

    `mentee` is the provider-led ECT a mentor's training is being created for (DS6 only).
    """
    today = clock.london_date(now)
    previous = previous_training(participant=participant, participant_type=participant_type, now=now)
    replacement = (
        participant_type == ParticipantType.MENTOR
        and previous is None
        and mentee is not None
        and participant.mentor_funding_end_date is None
        and mentee_had_a_funded_mentor(mentee=mentee, mentor_school_period=mentor_school_period, today=today)
    )
    year, identifier = choose(
        participant_type=participant_type,
        training_starts_on=training_starts_on,
        today=today,
        cohort_year=cohort.year if cohort is not None else None,
        previous=previous,
        replacement=replacement,
    )
    return load(year, identifier)


def load(year: int, identifier: str) -> Schedule:
    """DS7: a schedule the rules call for must exist; there is no fallback."""
    schedule = Schedule.objects.select_related("cohort").filter(cohort_id=year, identifier=identifier).first()
    if schedule is None:
        raise ValidationFailed([("schedule", MISSING_SCHEDULE.format(identifier=identifier, year=year))])
    return schedule
