"""What every provider action starts with: lock the participant, find the enrolment (A1–A3)."""

from __future__ import annotations

from django.db.models import Q

from config.validation import Checks
from participants.models import COURSE_IDENTIFIERS, Participant, ParticipantType, ProviderEnrolment, TrainingPeriod

PARTICIPANT_TYPE_FOR_COURSE = {course: participant_type for participant_type, course in COURSE_IDENTIFIERS.items()}

ENTER_COURSE = "Enter a '#/course_identifier'."
COURSE_NOT_RECOGNISED = (
    "The entered '#/course_identifier' is not recognised for the given participant. Check details and try again."
)


def lock(participant: Participant) -> Participant:
    """Serialise every change to one participant: concurrent actions wait here, then see the result."""
    return Participant.objects.select_for_update().get(pk=participant.pk)


def participant_type_for(course_identifier) -> str | None:
    return PARTICIPANT_TYPE_FOR_COURSE.get(course_identifier) if isinstance(course_identifier, str) else None


def training_period_for(checks: Checks, *, participant, lead_provider, course_identifier) -> TrainingPeriod | None:
    """A2/A3: the provider's latest training period of the chosen type, or a `course_identifier` failure."""
    participant_type = participant_type_for(course_identifier)
    if participant_type is None:
        checks.fail("course_identifier", ENTER_COURSE)
        return None
    enrolment = (
        ProviderEnrolment.objects.select_related(
            "training_period__school_period", "training_period__partnership", "training_period__schedule"
        )
        .filter(participant=participant, lead_provider=lead_provider, participant_type=participant_type)
        .first()
    )
    if enrolment is None:
        checks.fail("course_identifier", COURSE_NOT_RECOGNISED)
        return None
    return enrolment.training_period


def other_training_periods(training_period: TrainingPeriod):
    """Training at the same school period other than this one."""
    return TrainingPeriod.objects.filter(school_period_id=training_period.school_period_id).exclude(
        pk=training_period.pk
    )


def covering(day) -> Q:
    return Q(started_on__lte=day) & (Q(finished_on__isnull=True) | Q(finished_on__gte=day))


def is_ect(training_period: TrainingPeriod) -> bool:
    return training_period.school_period.participant_type == ParticipantType.ECT
