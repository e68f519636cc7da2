"""What the participant's history page loads: everything about one participant, oldest first."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from config.models import AuditEvent
from declarations.models import Declaration
from participants import status
from participants.models import Mentorship, Participant, TrainingPeriod


@dataclass
class ParticipantHistory:
    participant: Participant
    school_periods: list
    induction_periods: list
    id_changes: list
    enrolments: list
    events: list


def participant_history(participant: Participant, *, with_events: bool = True) -> ParticipantHistory:
    """Everything about one participant, oldest first, in a fixed number of queries."""
    training = (
        TrainingPeriod.objects.select_related(
            "lead_provider", "partnership__lead_provider", "partnership__delivery_partner", "schedule"
        )
        .prefetch_related(
            Prefetch(
                "declarations",
                Declaration.objects.select_related("lead_provider", "mentor").order_by("declaration_date", "pk"),
            )
        )
        .order_by("started_on", "pk")
    )
    school_periods = list(
        participant.school_periods.select_related("school")
        .prefetch_related(
            Prefetch("training_periods", training),
            Prefetch(
                "mentorships",
                Mentorship.objects.select_related("mentor_school_period__participant").order_by("started_on"),
            ),
            Prefetch(
                "mentees", Mentorship.objects.select_related("ect_school_period__participant").order_by("started_on")
            ),
        )
        .order_by("started_on", "pk")
    )
    for school_period in school_periods:
        for training_period in school_period.training_periods.all():
            training_period.training_status = status.training_status(
                deferred_at=training_period.deferred_at, withdrawn_at=training_period.withdrawn_at
            )
    events = []
    if with_events:
        events = list(
            AuditEvent.objects.filter(participant_ids__contains=[participant.pk]).order_by("occurred_at", "id")
        )
        for event in events:
            # A new row's empty fields say nothing; show only what was set or changed.
            event.change_list = [(name, old, new) for name, (old, new) in event.changes.items() if old != new]
    return ParticipantHistory(
        participant=participant,
        school_periods=school_periods,
        induction_periods=list(participant.induction_periods.order_by("started_on", "pk")),
        id_changes=list(participant.id_changes.order_by("changed_at", "pk")),
        enrolments=list(
            participant.provider_enrolments.select_related("lead_provider", "training_period").order_by(
                "lead_provider__name", "participant_type"
            )
        ),
        events=events,
    )
