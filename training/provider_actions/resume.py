"""A lead provider resumes a deferred or withdrawn participant (A30–A33, with O5)."""

from __future__ import annotations

from config import changes, clock
from config.periods import Period
from config.validation import Checks
from participants import enrolments, locking, status, training_periods
from participants.models import TrainingPeriod

ALREADY_ACTIVE = "The '#/participant_id' is already active."
ACTIVE_ELSEWHERE = "This participant cannot be resumed because they are already active with another provider."
SCHOOL_CHANGED_TRAINING = (
    "This participant cannot be resumed because their school has changed their lead provider or training programme. "
    "Contact the induction tutor to resolve."
)
SAME_DAY = (
    "You cannot resume a participant on the same day they were withdrawn or deferred. Resume them tomorrow or later."
)
LEFT_SCHOOL = "The participant is no longer at the school. Please contact the induction tutor to resolve."


def resume(*, participant, lead_provider, course_identifier, now) -> TrainingPeriod:
    today = clock.london_date(now)
    with changes.unit_of_work(now=now):
        [participant] = locking.lock(participant)
        checks = Checks()
        training = enrolments.training_period_for(
            checks, participant=participant, lead_provider=lead_provider, course_identifier=course_identifier
        )
        if training is not None:
            others = _other_training_periods(training)
            school_period = training.school_period
            checks.first(
                "participant_id",
                [
                    (
                        status.training_status(deferred_at=training.deferred_at, withdrawn_at=training.withdrawn_at)
                        == status.ACTIVE,
                        ALREADY_ACTIVE,
                    ),
                    (any(other.contains(today) for other in others), ACTIVE_ELSEWHERE),
                    # O5: a later change by the school (new provider, school-led) is not the provider's to undo.
                    (any(other.started_on > training.started_on for other in others), SCHOOL_CHANGED_TRAINING),
                    (training.finished_on == today, SAME_DAY),
                    # O5: once the school has reported a leaving date, only the school can change it.
                    (school_period.finished_on is not None, LEFT_SCHOOL),
                ],
            )
        checks.raise_if_any()
        return training_periods.continue_from(training, day=today, now=now)


def _other_training_periods(training: TrainingPeriod) -> list[Period]:
    """Training at the same school period other than this one."""
    return [
        Period(started_on, finished_on)
        for started_on, finished_on in TrainingPeriod.objects.filter(school_period_id=training.school_period_id)
        .exclude(pk=training.pk)
        .values_list("started_on", "finished_on")
    ]
