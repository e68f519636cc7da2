"""What lead providers can see about a participant, and so what moves `api_updated_at` (F30, O1, O2).

Models register here once; `config.changes` reports every save and delete, and this listener
moves the participants' `api_updated_at` and refreshes their provider enrolments (V7). Views,
forms and services never touch `api_updated_at` themselves.
"""

from __future__ import annotations

from config import changes, clock
from participants import enrolments
from participants.models import (
    InductionPeriod,
    Mentorship,
    Participant,
    ParticipantIdChange,
    SchoolPeriod,
    TrainingPeriod,
)
from schools.models import Partnership, School, SchoolFundingEligibility


def _participants_at_school(school):
    return SchoolPeriod.objects.filter(school=school).values_list("participant_id", flat=True).distinct()


def _participants_in_partnership(partnership):
    return (
        TrainingPeriod.objects.filter(partnership=partnership)
        .values_list("school_period__participant_id", flat=True)
        .distinct()
    )


def _participants_with_uplift(eligibility):
    return (
        TrainingPeriod.objects.filter(
            partnership__school_id=eligibility.school_id, partnership__cohort_id=eligibility.cohort_id
        )
        .values_list("school_period__participant_id", flat=True)
        .distinct()
    )


# model -> (audited fields, fields whose change providers see (None = any), whose participants)
VISIBILITY = {
    Participant: (
        (
            "full_name",
            "trn",
            "date_of_birth",
            "ect_training_record_id",
            "mentor_training_record_id",
            "ect_eligible_on",
            "ect_exempt_on",
            "mentor_eligible_on",
            "mentor_funding_end_date",
            "mentor_funding_end_reason",
            "ect_payments_frozen_year",
            "mentor_payments_frozen_year",
            "retired_into",
        ),
        {
            "full_name",
            "trn",
            "ect_training_record_id",
            "mentor_training_record_id",
            "ect_eligible_on",
            "ect_exempt_on",
            "mentor_eligible_on",
            "mentor_funding_end_date",
            "mentor_funding_end_reason",
            "ect_payments_frozen_year",
            "mentor_payments_frozen_year",
            "retired_into",
        },
        lambda obj: [obj.pk],
    ),
    SchoolPeriod: (
        ("participant", "school", "participant_type", "email", "working_pattern", "started_on", "finished_on"),
        {"email", "working_pattern", "started_on", "finished_on", "school", "participant", "participant_type"},
        lambda obj: [obj.participant_id],
    ),
    TrainingPeriod: (
        (
            "school_period",
            "programme_type",
            "lead_provider",
            "partnership",
            "schedule",
            "started_on",
            "finished_on",
            "deferred_at",
            "deferral_reason",
            "withdrawn_at",
            "withdrawal_reason",
        ),
        None,
        lambda obj: [
            SchoolPeriod.objects.filter(pk=obj.school_period_id).values_list("participant_id", flat=True).first()
        ],
    ),
    Mentorship: (
        ("ect_school_period", "mentor_school_period", "started_on", "finished_on"),
        None,
        lambda obj: list(
            SchoolPeriod.objects.filter(pk__in=[obj.ect_school_period_id, obj.mentor_school_period_id]).values_list(
                "participant_id", flat=True
            )
        ),
    ),
    InductionPeriod: (
        ("participant", "appropriate_body_name", "started_on", "finished_on", "outcome"),
        {"participant", "started_on", "finished_on", "outcome"},
        lambda obj: [obj.participant_id],
    ),
    ParticipantIdChange: (
        ("participant", "from_participant_id", "to_participant_id", "changed_at"),
        None,
        lambda obj: [obj.participant_id],
    ),
    Partnership: (
        ("school", "lead_provider", "delivery_partner", "cohort", "created_by"),
        {"delivery_partner", "lead_provider", "school", "cohort"},
        _participants_in_partnership,
    ),
    School: (("urn", "name", "induction_tutor_name", "induction_tutor_email"), {"urn"}, _participants_at_school),
    SchoolFundingEligibility: (
        ("school", "cohort", "pupil_premium_uplift", "sparsity_uplift"),
        {"pupil_premium_uplift", "sparsity_uplift"},
        _participants_with_uplift,
    ),
}

for _model, (_fields, _visible, _resolver) in VISIBILITY.items():
    changes.track(_model, fields=_fields, participant_ids=_resolver)


def provider_visible(change: changes.Change) -> bool:
    visible_fields = VISIBILITY[change.model][1]
    if change.event != "updated" or visible_fields is None:
        return True
    return bool(visible_fields.intersection(change.changed))


def touch(participant_ids, *, now) -> None:
    """Move `api_updated_at` and re-derive the provider enrolments of these participants."""
    ids = [pid for pid in set(participant_ids) if pid is not None]
    if not ids:
        return
    Participant.objects.filter(pk__in=ids).update(api_updated_at=now)
    enrolments.refresh(ids, today=clock.london_date(now))


def _previous_owners(change: changes.Change) -> set[int]:
    """A row moved to another participant also changes what providers see of the one it left."""
    if change.event != "updated":
        return set()
    owners = {change.changed["participant"][0]} if "participant" in change.changed else set()
    periods = [
        change.changed[name][0]
        for name in ("school_period", "ect_school_period", "mentor_school_period")
        if name in change.changed
    ]
    if periods:
        owners.update(SchoolPeriod.objects.filter(pk__in=periods).values_list("participant_id", flat=True))
    return owners


@changes.listen
def _on_change(change: changes.Change) -> None:
    if change.model in VISIBILITY and provider_visible(change):
        touch([*change.participant_ids, *_previous_owners(change)], now=change.now)
