"""A lead provider voids its declaration, or asks for a paid one back (D35–D37, with O11)."""

from __future__ import annotations

from config import changes
from config.validation import Checks
from declarations import funding
from declarations.models import ClawbackStatus, Declaration, PaymentStatus
from declarations.submission import closed_cohort_message
from participants import locking
from participants.models import ParticipantType

WILL_BE_REFUNDED = "The declaration will or has been refunded"
ALREADY_VOIDED = "The declaration has already been voided."


def void(*, declaration: Declaration, now) -> Declaration:
    with changes.unit_of_work(now=now):
        [participant] = locking.lock(declaration.training_period.school_period.participant)
        declaration = (
            Declaration.objects.select_for_update(of=("self",))
            .select_related("training_period__partnership__cohort")
            .get(pk=declaration.pk)
        )
        checks = Checks()
        cohort = declaration.training_period.partnership.cohort
        if declaration.payment_status == PaymentStatus.PAID:
            checks.first(
                "participant_declaration_id",
                [
                    (declaration.clawback_status != ClawbackStatus.NO_CLAWBACK, WILL_BE_REFUNDED),
                    (cohort.payments_frozen(now=now), closed_cohort_message(cohort.year, full_stop=False)),
                ],
            )
            checks.raise_if_any()
            declaration.clawback_status = ClawbackStatus.AWAITING_CLAWBACK
        else:
            checks.first(
                "participant_declaration_id", [(declaration.payment_status == PaymentStatus.VOIDED, ALREADY_VOIDED)]
            )
            checks.raise_if_any()
            declaration.payment_status = PaymentStatus.VOIDED
        declaration.save_moved(now=now)  # D32
        if declaration.declaration_type == "completed" and (
            declaration.training_period.school_period.participant_type == ParticipantType.MENTOR
        ):
            funding.recalculate_mentor_completion(
                participant=participant, lead_provider=declaration.lead_provider, now=now
            )
        return declaration
