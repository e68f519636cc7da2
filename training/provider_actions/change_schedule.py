"""A lead provider moves a participant to another schedule or cohort (S1–S25, with O6)."""

from __future__ import annotations

import datetime as dt

from config import changes, clock, validation
from config.validation import Checks
from declarations.models import Declaration, PaymentStatus
from participants import enrolments, locking, status, training_periods
from participants.models import ParticipantStatus, ParticipantType, TrainingPeriod
from schedules.milestones import window_error
from schedules.models import SCHEDULE_IDENTIFIERS, Cohort, Schedule
from schools.models import Partnership

NO_SUCH_SCHEDULE = "The property '#/schedule_identifier' must be present and correspond to a valid schedule."
INVALID_IDENTIFIER = "Enter a valid schedule identifier."
SAME_SCHEDULE = "Selected schedule is already on the profile"
NOT_FOR_ECTS = "Selected schedule is not valid for the course_identifier"
NOT_FOR_MENTORS = "Mentors cannot be placed on a reduced schedule. Assign them to a different schedule."
WOULD_INVALIDATE_DECLARATIONS = (
    "The change of schedule cannot be applied because a previous change of schedule and a declaration were made on "
    "the same day. Applying another change of schedule would invalidate existing declarations. Please contact DfE "
    "for assistance."
)
NO_PARTNERSHIP_IN_COHORT = (
    "You cannot change a participant to this contract_period as you do not have a partnership with the school for "
    "the contract_period. Contact the DfE for assistance."
)
NOT_A_YEAR = "The '#/cohort' must be a year, for example 2025."
FROZEN_COHORT = (
    "You cannot move a participant to a payments frozen cohort unless they previously belonged to that cohort."
)
COMPLETED = "You cannot change this participant's schedule as they have completed their training or induction."
LEFT = (
    "You cannot change this participant's schedule. This is because the participant has a 'left' participant_status, "
    "so they are not training with you currently."
)
WITHDRAWN = "Cannot perform actions on a withdrawn participant"
STARTING_ELSEWHERE = (
    "You cannot change this participant's schedule as they are due to start with another lead provider in the future."
)


def _target_cohort(cohort, training: TrainingPeriod | None) -> Cohort | None:
    """S1: the named cohort if it exists, otherwise silently the training's own (a value that is not a year
    at all is also reported, by `_not_a_year`)."""
    named = validation.year(cohort)
    found = Cohort.objects.filter(year=named).first() if named is not None else None
    if found is not None:
        return found
    return training.partnership.cohort if training is not None else None


def _not_a_year(cohort) -> bool:
    """Our addition to S1: a cohort that is given but names no year at all ("abc", "²") is a mistake worth
    reporting, where a well-formed year with no cohort is silently the training's own."""
    given = cohort is not None and not (isinstance(cohort, str) and not cohort.strip())
    return given and validation.year(cohort) is None


def _induction_end_date(participant) -> dt.date | None:
    periods = participant.induction_periods.values("started_on", "finished_on", "outcome")
    return status.induction_dates(list(periods))["induction_end_date"]


def _completed(participant, participant_type) -> bool:
    """S15.1/O6: a recorded induction outcome for ECTs; any funding end for mentors."""
    if participant_type == ParticipantType.ECT:
        return _induction_end_date(participant) is not None
    return participant.mentor_funding_end_date is not None


def _declarations_fall_outside(training: TrainingPeriod, schedule: Schedule) -> bool:
    milestones = {m.declaration_type: m for m in schedule.milestones.all()}
    for declaration in Declaration.objects.filter(training_period=training).exclude(
        payment_status=PaymentStatus.VOIDED
    ):
        milestone = milestones.get(declaration.declaration_type)
        if milestone is None or window_error(milestone=milestone, declaration_date=declaration.declaration_date):
            return True
    return False


def _check_schedule(checks, *, identifier, target, training, participant_type, today) -> Schedule | None:
    """S3, first failure only."""
    text = identifier.strip() if isinstance(identifier, str) else ""
    if not text:
        checks.fail("schedule_identifier", NO_SUCH_SCHEDULE)
        return None
    if text not in SCHEDULE_IDENTIFIERS:
        checks.fail("schedule_identifier", INVALID_IDENTIFIER)
        return None
    schedule = Schedule.objects.filter(cohort=target, identifier=text).first() if target else None
    if schedule is None:
        checks.fail("schedule_identifier", NO_SUCH_SCHEDULE)
        return None
    if training is None:
        return schedule
    checks.first(
        "schedule_identifier",
        [
            (schedule.pk == training.schedule_id, SAME_SCHEDULE),
            (participant_type == ParticipantType.ECT and schedule.kind == "replacement", NOT_FOR_ECTS),
            (participant_type == ParticipantType.MENTOR and schedule.kind == "reduced", NOT_FOR_MENTORS),
            (
                training.started_on >= today and _declarations_fall_outside(training, schedule),
                WOULD_INVALIDATE_DECLARATIONS,
            ),
        ],
    )
    return schedule


def _frozen_year_field(participant_type) -> str:
    return "ect_payments_frozen_year" if participant_type == ParticipantType.ECT else "mentor_payments_frozen_year"


def _partnership_in(target: Cohort, training: TrainingPeriod, lead_provider) -> Partnership | None:
    """S11: same delivery partner if the provider has one there, else its most recent partnership."""
    candidates = Partnership.objects.filter(
        school_id=training.partnership.school_id, lead_provider=lead_provider, cohort=target
    ).order_by("-created_at", "-id")
    same_partner = candidates.filter(delivery_partner_id=training.partnership.delivery_partner_id).first()
    return same_partner or candidates.first()


def change_schedule(*, participant, lead_provider, course_identifier, schedule_identifier, cohort=None, now):
    today = clock.london_date(now)
    with changes.unit_of_work(now=now):
        [participant] = locking.lock(participant)
        checks = Checks()
        training = enrolments.training_period_for(
            checks, participant=participant, lead_provider=lead_provider, course_identifier=course_identifier
        )
        participant_type = enrolments.participant_type_for(course_identifier)
        target = _target_cohort(cohort, training)
        schedule = _check_schedule(
            checks,
            identifier=schedule_identifier,
            target=target,
            training=training,
            participant_type=participant_type,
            today=today,
        )
        if training is None:
            checks.raise_if_any()
        current_cohort = training.partnership.cohort
        cohort_changes = target.pk != current_cohort.pk
        new_partnership = _partnership_in(target, training, lead_provider) if cohort_changes else training.partnership
        checks.first(
            "cohort",
            [
                (_not_a_year(cohort), NOT_A_YEAR),
                (cohort_changes and new_partnership is None, NO_PARTNERSHIP_IN_COHORT),
                (
                    target.payments_frozen(now=now)
                    and getattr(participant, _frozen_year_field(participant_type)) != target.year,
                    FROZEN_COHORT,
                ),
            ],
        )
        moving_completed_ect_to_reduced = (
            participant_type == ParticipantType.ECT and schedule is not None and schedule.kind == "reduced"
        )
        completed = _completed(participant, participant_type)
        induction_end = _induction_end_date(participant)
        if not checks.failed("participant_id"):
            current_status = status.participant_status(
                participant_type=participant_type,
                started_on=training.started_on,
                finished_on=training.finished_on,
                deferred_at=training.deferred_at,
                withdrawn_at=training.withdrawn_at,
                induction_end_date=induction_end,
                mentor_funding_end_date=participant.mentor_funding_end_date,
                today=today,
            )
            later_training = TrainingPeriod.objects.filter(
                school_period__participant=participant,
                school_period__participant_type=participant_type,
                started_on__gt=training.started_on,
            ).exclude(pk=training.pk)
            checks.first(
                "participant_id",
                [
                    (completed and not moving_completed_ect_to_reduced, COMPLETED),
                    (current_status == ParticipantStatus.LEFT, LEFT),
                    (
                        status.training_status(deferred_at=training.deferred_at, withdrawn_at=training.withdrawn_at)
                        == status.WITHDRAWN,
                        WITHDRAWN,
                    ),
                    (later_training.exists(), STARTING_ELSEWHERE),
                ],
            )
        checks.raise_if_any()

        if cohort_changes:
            _record_frozen_cohort_move(participant, participant_type, current_cohort, target, now=now)
        if (completed and moving_completed_ect_to_reduced) or training.started_on >= today:
            # S21/S22: nothing has been trained under the old schedule yet (or the ECT has finished): amend in place.
            training.schedule = schedule
            training.partnership = new_partnership
            training.save()
            return training
        # S20: the old training ends yesterday and continues from today under the new schedule.
        return training_periods.continue_from(
            training,
            day=today,
            now=now,
            schedule=schedule,
            partnership=new_partnership,
            lead_provider=new_partnership.lead_provider,
        )


def _record_frozen_cohort_move(participant, participant_type, source: Cohort, target: Cohort, *, now) -> None:
    """S23: leaving a frozen cohort is remembered (F17); returning to it clears the record."""
    field = _frozen_year_field(participant_type)
    if source.payments_frozen(now=now):
        setattr(participant, field, source.year)
        participant.save()
    elif target.payments_frozen(now=now):
        setattr(participant, field, None)
        participant.save()
