"""A lead provider defers a participant's training (A10–A13)."""

from __future__ import annotations

from config import changes, clock
from config.validation import Checks
from participants import enrolments, locking, status
from participants.models import DeferralReason, TrainingPeriod

REASONS = {value.replace("_", "-"): value for value in DeferralReason.values}
ENTER_REASON = "Enter a '#/reason'."
REASON_NOT_RECOGNISED = (
    "The entered '#/reason' is not recognised for the given participant. Check details and try again."
)
ALREADY_DEFERRED = "The '#/participant_id' is already deferred."
ALREADY_WITHDRAWN = "The '#/participant_id' is already withdrawn."
NOT_STARTED = (
    "You cannot defer #/participant_id. This is because they have not been training with you for at least one day."
)
CHANGED_TODAY = (
    "You cannot defer or withdraw this participant today. You need to try again tomorrow as the training was "
    "recently changed for this participant."
)


def check_reason(checks: Checks, reason, valid: dict) -> None:
    checks.first(
        "reason",
        [
            (not isinstance(reason, str) or not reason.strip(), ENTER_REASON),
            (reason not in valid, REASON_NOT_RECOGNISED),
        ],
    )


def defer(*, participant, lead_provider, course_identifier, reason, now) -> TrainingPeriod:
    today = clock.london_date(now)
    with changes.unit_of_work(now=now):
        [participant] = locking.lock(participant)
        checks = Checks()
        training = enrolments.training_period_for(
            checks, participant=participant, lead_provider=lead_provider, course_identifier=course_identifier
        )
        check_reason(checks, reason, REASONS)
        if training is not None:
            training_status = status.training_status(
                deferred_at=training.deferred_at, withdrawn_at=training.withdrawn_at
            )
            checks.first(
                "participant_id",
                [
                    (training_status == status.DEFERRED, ALREADY_DEFERRED),
                    (training_status == status.WITHDRAWN, ALREADY_WITHDRAWN),
                    (training.started_on > today, NOT_STARTED),
                    (training.started_on == today, CHANGED_TODAY),
                ],
            )
        checks.raise_if_any()
        training.deferred_at = now
        training.deferral_reason = REASONS[reason]
        training.finished_on = min(training.finished_on or today, today)
        training.save()
        return training
