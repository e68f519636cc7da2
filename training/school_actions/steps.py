"""What several school actions do to training periods: find, start, end or remove them (SC3–SC13).

Every change is a model save or delete, so config.changes audits it and moves api_updated_at.
"""

from __future__ import annotations

import datetime as dt

from declarations.models import Declaration
from participants import training_periods
from participants.models import Participant, ParticipantType, ProgrammeType, SchoolPeriod, TrainingPeriod
from schedules.models import Cohort, Schedule
from schools.models import Partnership, SchoolCohortChoice
from training import default_schedules, partnerships
from training.eligibility import become_eligible

TRAINING_ALREADY_DECLARED = (
    "A lead provider has already declared training that this change would remove. Contact us so we can help"
)


def fresh(school_period: SchoolPeriod) -> SchoolPeriod:
    """The school period as it is now the participant is locked (the caller's copy may be stale)."""
    return SchoolPeriod.objects.select_related("participant", "school").get(pk=school_period.pk)


def current_or_next(school_period: SchoolPeriod, today: dt.date) -> TrainingPeriod | None:
    """The training covering today, else the next to start (training periods never overlap)."""
    return (
        school_period.training_periods.select_related("partnership__cohort", "schedule__cohort", "lead_provider")
        .filter(TrainingPeriod.q_not_ended_before(today))
        .order_by("started_on", "id")
        .first()
    )


def latest(school_period: SchoolPeriod) -> TrainingPeriod | None:
    return (
        school_period.training_periods.select_related("partnership__cohort", "schedule__cohort", "lead_provider")
        .order_by("-started_on", "-id")
        .first()
    )


def has_declarations(trainings) -> bool:
    """Declared training cannot be deleted (declarations protect it)."""
    ids = [training.pk for training in trainings if training is not None]
    return bool(ids) and Declaration.objects.filter(training_period_id__in=ids).exists()


def is_expression_of_interest(training: TrainingPeriod) -> bool:
    return training.programme_type == ProgrammeType.PROVIDER_LED and training.partnership_id is None


def training_starts_on(school_period: SchoolPeriod, today: dt.date) -> dt.date:
    """SC4: late registrations and changes start training today; a future school start waits for it."""
    return max(school_period.started_on, today)


def partnership_for(*, school, lead_provider, cohort: Cohort, roll_over: bool, now: dt.datetime) -> Partnership | None:
    """SC3: the provider's earliest partnership with the school in the cohort, else (P11) a rolled-over one."""
    found = (
        Partnership.objects.filter(school=school, lead_provider=lead_provider, cohort=cohort)
        .order_by("created_at", "id")
        .first()
    )
    if found is not None or not roll_over:
        return found
    return partnerships.roll_over(school=school, lead_provider=lead_provider, cohort=cohort, now=now)


def start_provider_led(
    *,
    school_period: SchoolPeriod,
    lead_provider,
    schedule: Schedule,
    started_on: dt.date,
    now: dt.datetime,
    roll_over: bool = False,
) -> TrainingPeriod:
    """Provider-led training in the schedule's cohort: with the provider's partnership, else only an EOI."""
    partnership = partnership_for(
        school=school_period.school, lead_provider=lead_provider, cohort=schedule.cohort, roll_over=roll_over, now=now
    )
    return training_periods.start(
        school_period=school_period,
        lead_provider=lead_provider,
        partnership=partnership,
        schedule=schedule,
        started_on=started_on,
        now=now,
    )


def start_school_led(*, school_period: SchoolPeriod, started_on: dt.date, now: dt.datetime) -> TrainingPeriod:
    return training_periods.start(
        school_period=school_period, programme_type=ProgrammeType.SCHOOL_LED, started_on=started_on, now=now
    )


def stops_being_current(training: TrainingPeriod, *, today: dt.date) -> bool:
    """Whether `end_or_remove` deletes the training rather than ending it yesterday."""
    return training.started_on >= today or is_expression_of_interest(training)


def end_or_remove(training: TrainingPeriod, *, today: dt.date) -> None:
    """SC10/SC13: training not yet begun (or never seen by a provider) goes; the rest ends yesterday."""
    if stops_being_current(training, today=today):
        training.delete()
        return
    yesterday = today - dt.timedelta(days=1)
    if training.finished_on is None or training.finished_on > yesterday:
        training.finished_on = yesterday
        training.save()


def school_chosen_lead_provider(school, cohort: Cohort):
    choice = SchoolCohortChoice.objects.filter(
        school=school, cohort=cohort, induction_programme_choice=SchoolCohortChoice.InductionProgramme.PROVIDER_LED
    ).first()
    return choice.lead_provider if choice is not None else None


def ever_trained_as_mentor(participant: Participant) -> bool:
    return TrainingPeriod.objects.filter(
        school_period__participant=participant, school_period__participant_type=ParticipantType.MENTOR
    ).exists()


def mark_mentor_eligible(mentor: Participant, *, now: dt.datetime) -> None:
    """SC6/O10: a mentor with provider-led training is eligible from now unless their funding has ended."""
    if mentor.mentor_funding_end_date is None:
        become_eligible(mentor, ParticipantType.MENTOR, now=now)


def start_mentor_training(
    *,
    mentor_school_period: SchoolPeriod,
    lead_provider,
    started_on: dt.date,
    now: dt.datetime,
    mentee: SchoolPeriod | None = None,
    cohort: Cohort | None = None,
) -> TrainingPeriod:
    """Provider-led mentor training (mentors never roll partnerships over, P11) and eligibility (O10)."""
    mentor = mentor_school_period.participant
    schedule = default_schedules.default_schedule(
        participant=mentor,
        participant_type=ParticipantType.MENTOR,
        training_starts_on=started_on,
        now=now,
        cohort=cohort,
        mentee=mentee,
        mentor_school_period=mentor_school_period,
    )
    training = start_provider_led(
        school_period=mentor_school_period,
        lead_provider=lead_provider,
        schedule=schedule,
        started_on=started_on,
        now=now,
    )
    mark_mentor_eligible(mentor, now=now)
    return training
