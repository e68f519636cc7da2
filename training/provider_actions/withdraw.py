"""A lead provider withdraws a participant from training (A20–A24)."""

from __future__ import annotations

from config import changes, clock
from config.validation import Checks
from participants import enrolments, locking, status
from participants.models import ParticipantType, TrainingPeriod, WithdrawalReason
from training.provider_actions.defer import ALREADY_WITHDRAWN, CHANGED_TODAY, check_reason

REASONS = {value.replace("_", "-"): value for value in WithdrawalReason.values}
NOT_STARTED = (
    "You cannot withdraw #/participant_id. This is because they have not been training with you for at least one day."
)
ECT_IS_NOT_A_MENTOR = "You cannot withdraw an ECT for this reason. The ECT is not a mentor."


def withdraw(*, participant, lead_provider, course_identifier, reason, now) -> TrainingPeriod:
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
                    (training_status == status.WITHDRAWN, ALREADY_WITHDRAWN),
                    (training.started_on > today, NOT_STARTED),
                    (training.started_on == today, CHANGED_TODAY),
                ],
            )
            if (
                not checks.failed()
                and training.school_period.participant_type == ParticipantType.ECT
                and reason == "mentor-no-longer-being-mentor"
            ):
                checks.fail("reason", ECT_IS_NOT_A_MENTOR)
        checks.raise_if_any()
        training.withdrawn_at = now
        training.withdrawal_reason = REASONS[reason]
        training.finished_on = min(training.finished_on or today, today)
        training.save()
        return training
