"""Funding consequences of declarations and eligibility (D28, D31, D40).

`submitted` declarations become `eligible` the moment the participant becomes eligible for funding
(F14/D31): every action that sets a first-eligible date calls `make_submitted_eligible` itself, most
through `training.eligibility.become_eligible`. A mentor's `completed` declaration ends their funded
training (D40). Each service that changes a declaration moves its `api_updated_at` (D32).
"""

from __future__ import annotations

import datetime as dt

from config import clock
from config.validation import ValidationFailed
from declarations.models import ClawbackStatus, Declaration, PaymentStatus
from participants.models import MentorFundingEndReason, Participant, ParticipantType, ProviderEnrolment, TrainingPeriod


def live(queryset):
    """D12's statuses: submitted, eligible, payable or paid, with no clawback."""
    return queryset.filter(
        payment_status__in=Declaration.LIVE_PAYMENT_STATUSES, clawback_status=ClawbackStatus.NO_CLAWBACK
    )


def make_submitted_eligible(*, participant_id: int, participant_type: str, now: dt.datetime) -> int:
    """D31: the participant became eligible for funding as this type, so their submitted declarations are."""
    declarations = Declaration.objects.filter(
        training_period__school_period__participant_id=participant_id,
        training_period__school_period__participant_type=participant_type,
        payment_status=PaymentStatus.NO_PAYMENT,
    )
    changed = 0
    for declaration in declarations:
        declaration.payment_status = PaymentStatus.ELIGIBLE
        declaration.save_moved(now=now)  # D32
        changed += 1
    return changed


def recalculate_mentor_completion(*, participant: Participant, lead_provider, now: dt.datetime) -> None:
    """D40: the latest live `completed` mentor declaration sets the funding end; none left clears it."""
    today = clock.london_date(now)
    completed = (
        live(
            Declaration.objects.filter(
                training_period__school_period__participant=participant,
                training_period__school_period__participant_type=ParticipantType.MENTOR,
                declaration_type="completed",
            )
        )
        .order_by("-declaration_date")
        .first()
    )
    pointer = (
        ProviderEnrolment.objects.select_related("training_period__school_period")
        .filter(participant=participant, lead_provider=lead_provider, participant_type=ParticipantType.MENTOR)
        .first()
    )
    training = pointer.training_period if pointer else None
    if completed is not None:
        completed_on = clock.london_date(completed.declaration_date)
        participant.mentor_funding_end_date = completed_on
        participant.mentor_funding_end_reason = MentorFundingEndReason.COMPLETED_DECLARATION_RECEIVED
        participant.save()
        if training is not None and (training.finished_on is None or training.finished_on > today):
            training.finished_on = max(completed_on, training.started_on + dt.timedelta(days=1))
            training.save()
        return
    if participant.mentor_funding_end_reason is None:
        return
    participant.mentor_funding_end_date = None
    participant.mentor_funding_end_reason = None
    participant.save()
    if training is not None and training.finished_on is not None and training.finished_on <= today:
        school_end = training.school_period.finished_on
        restart = training.finished_on + dt.timedelta(days=1)
        if school_end is None or school_end >= restart:
            TrainingPeriod.objects.create(
                school_period=training.school_period,
                programme_type=training.programme_type,
                lead_provider=training.lead_provider,
                partnership=training.partnership,
                schedule=training.schedule,
                started_on=restart,
                finished_on=school_end,
            )


NOT_AWAITING_CLAWBACK = "Only declarations awaiting clawback can be clawed back."


def complete_clawback(declaration: Declaration, *, now: dt.datetime) -> Declaration:
    """Support staff record that a paid declaration's money came back: awaiting clawback becomes clawed back (D31).

    D40 needs nothing here: the declaration stopped counting as live when it became awaiting clawback.
    """
    if declaration.clawback_status != ClawbackStatus.AWAITING_CLAWBACK:
        raise ValidationFailed([("clawback_status", NOT_AWAITING_CLAWBACK)])
    declaration.clawback_status = ClawbackStatus.CLAWED_BACK
    declaration.save_moved(now=now)  # D32
    return declaration


def move_to(declaration: Declaration, *, payment_status: str, now: dt.datetime) -> Declaration:
    """Support staff move eligible declarations to payable, and payable ones to paid (O11)."""
    allowed = {PaymentStatus.PAYABLE: PaymentStatus.ELIGIBLE, PaymentStatus.PAID: PaymentStatus.PAYABLE}
    if allowed.get(payment_status) != declaration.payment_status:
        raise ValidationFailed(
            [
                (
                    "payment_status",
                    f"Only {allowed.get(payment_status, 'eligible')} declarations can become {payment_status}.",
                )
            ]
        )
    declaration.payment_status = payment_status
    declaration.save_moved(now=now)  # D32
    return declaration
