"""Support staff delete a participant who never started training (providers ask for this instead of a withdrawal).

Allowed only while no training period has started and nothing billable was declared: such a record has no history a
provider was paid for. Their school periods, training, mentorships and induction periods go with them; each row's
deletion is audited by config.changes. `refusals` runs the same checks without changing anything, for the admin's
confirmation page.

Their personal data (name, TRN, date of birth, email addresses) is then blanked in every audit event of theirs, and
the deletion's own event keeps their old participant id: a tombstone, so a provider's or school's question about that
id can still be answered with when, by whom and why they were deleted (`tombstone`).
"""

from __future__ import annotations

import datetime as dt

from config import changes, clock
from config.models import AuditEvent
from config.validation import Checks, ValidationFailed
from declarations.models import Declaration, PaymentStatus
from participants import locking
from participants.models import Participant, SchoolPeriod, TrainingPeriod

BILLABLE = (PaymentStatus.ELIGIBLE, PaymentStatus.PAYABLE, PaymentStatus.PAID)
# Their own records, whose personal fields (declared where each is audited, `changes.track`) are removed from their
# audit events when they are deleted.
OWN_RECORDS = (Participant, SchoolPeriod)

MERGED_AWAY = "This record was merged into {survivor} and is kept as the trail of that merge."
MERGED_INTO = "Other records were merged into this participant, so their history depends on it."
TRAINING_STARTED = "Their training started on {day}. Only a participant who never started can be deleted."
BILLABLE_DECLARATIONS = "They have {count} eligible, payable or paid declaration(s). These must stay on record."
NAMED_AS_MENTOR = "They are the mentor named on {count} declaration(s) for other participants."


def refusals(*, participant: Participant, today: dt.date) -> list[tuple[str, str]]:
    checks = Checks()
    _is_not_merged_away(checks, participant)
    _nobody_was_merged_into_them(checks, participant)
    _training_never_started(checks, participant, today=today)
    _nothing_billable_was_declared(checks, participant)
    _not_named_as_a_mentor(checks, participant)
    return checks.errors


def delete_participant(*, participant: Participant, now: dt.datetime) -> None:
    today = clock.london_date(now)
    with changes.unit_of_work(now=now):
        [participant] = locking.lock(participant)
        errors = refusals(participant=participant, today=today)
        if errors:
            raise ValidationFailed(errors)
        _delete_unbilled_declarations(participant)
        participant_id, api_id = participant.pk, participant.api_id
        participant.delete()
        changes.erase_personal_data(participant_id=participant_id, fields=changes.personal_fields(*OWN_RECORDS))
        _leave_tombstone(participant_id=participant_id, api_id=api_id)


def tombstone(api_id) -> AuditEvent | None:
    """The deletion event of the participant who had this participant id, if they were deleted."""
    return (
        AuditEvent.objects.filter(model="participants.Participant", event="deleted", changes__api_id__0=str(api_id))
        .order_by("-occurred_at")
        .first()
    )


def _leave_tombstone(*, participant_id: int, api_id) -> None:
    event = AuditEvent.objects.select_for_update().get(
        model="participants.Participant", event="deleted", object_id=str(participant_id)
    )
    event.changes["api_id"] = [str(api_id), None]
    event.save(update_fields=["changes"])


def _is_not_merged_away(checks: Checks, participant: Participant) -> None:
    if participant.retired_into_id is not None:
        survivor = Participant.objects.get(pk=participant.retired_into_id)
        checks.fail("participant", MERGED_AWAY.format(survivor=survivor))


def _nobody_was_merged_into_them(checks: Checks, participant: Participant) -> None:
    if Participant.objects.filter(retired_into=participant).exists():
        checks.fail("participant", MERGED_INTO)


def _training_never_started(checks: Checks, participant: Participant, *, today: dt.date) -> None:
    started = (
        TrainingPeriod.objects.filter(school_period__participant=participant, started_on__lte=today)
        .order_by("started_on")
        .first()
    )
    if started is not None:
        checks.fail(
            "training_periods", TRAINING_STARTED.format(day=f"{started.started_on.day} {started.started_on:%B %Y}")
        )


def _nothing_billable_was_declared(checks: Checks, participant: Participant) -> None:
    count = _declarations_of(participant).filter(payment_status__in=BILLABLE).count()
    if count:
        checks.fail("declarations", BILLABLE_DECLARATIONS.format(count=count))


def _not_named_as_a_mentor(checks: Checks, participant: Participant) -> None:
    # Another participant's declarations keep the mentor they name; those are not ours to delete.
    count = (
        Declaration.objects.filter(mentor=participant)
        .exclude(training_period__school_period__participant=participant)
        .count()
    )
    if count:
        checks.fail("declarations", NAMED_AS_MENTOR.format(count=count))


def _declarations_of(participant: Participant):
    return Declaration.objects.filter(training_period__school_period__participant=participant)


def _delete_unbilled_declarations(participant: Participant) -> None:
    # Declarations protect their training periods; once checked, none left here was ever billable.
    for declaration in _declarations_of(participant).order_by("pk"):
        declaration.delete()
