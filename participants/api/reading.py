"""Reads for GET /api/v3/participants: which participants a provider sees, and what it sees of them.

The queries declare everything the representation needs, so a page costs the same number of
queries whatever its size: one for the participants, one for their enrolments, one for their
ID changes. Rows come back as plain values and are shaped by `participants.api.representation`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Q, Subquery

from participants.models import (
    InductionPeriod,
    Mentorship,
    Participant,
    ParticipantIdChange,
    ParticipantType,
    ProviderEnrolment,
    SchoolPeriod,
)
from schools.models import LeadProvider, SchoolFundingEligibility

TRAINING_STATUSES = ("active", "deferred", "withdrawn")


@dataclass(frozen=True)
class ParticipantFilters:
    cohorts: tuple[int, ...] | None = None
    updated_since: dt.datetime | None = None
    training_status: str | None = None
    from_participant_id: str | None = None


@dataclass
class ParticipantRecord:
    row: dict
    enrolments: list[dict] = field(default_factory=list)
    id_changes: list[dict] = field(default_factory=list)


def _enrolments_of(lead_provider: LeadProvider, **conditions):
    return ProviderEnrolment.objects.filter(participant=OuterRef("pk"), lead_provider=lead_provider, **conditions)


def visible_participants(lead_provider: LeadProvider, filters: ParticipantFilters = ParticipantFilters()):
    """V3: participants with at least one enrolment (pointer) for this provider, filtered (Q2–Q6)."""
    queryset = Participant.objects.filter(Exists(_enrolments_of(lead_provider)))
    if filters.cohorts is not None:
        queryset = queryset.filter(
            Exists(_enrolments_of(lead_provider, training_period__partnership__cohort_id__in=filters.cohorts))
        )
    if filters.training_status == "active":
        queryset = queryset.filter(
            Exists(
                _enrolments_of(
                    lead_provider, training_period__deferred_at__isnull=True, training_period__withdrawn_at__isnull=True
                )
            )
        )
    elif filters.training_status == "deferred":
        queryset = queryset.filter(Exists(_enrolments_of(lead_provider, training_period__deferred_at__isnull=False)))
    elif filters.training_status == "withdrawn":
        queryset = queryset.filter(Exists(_enrolments_of(lead_provider, training_period__withdrawn_at__isnull=False)))
    if filters.updated_since is not None:
        queryset = queryset.filter(api_updated_at__gte=filters.updated_since)
    if filters.from_participant_id is not None:
        queryset = queryset.filter(
            Exists(
                ParticipantIdChange.objects.filter(
                    participant=OuterRef("pk"), from_participant_id=filters.from_participant_id
                )
            )
        )
    return queryset


def _participant_values(queryset):
    """F3, F13, F15–F17 inputs per participant, induction dates worked out in SQL."""
    inductions = InductionPeriod.objects.filter(participant=OuterRef("pk"))
    return queryset.annotate(
        overall_induction_start_date=Subquery(inductions.order_by("started_on").values("started_on")[:1]),
        induction_end_date=Subquery(
            inductions.filter(outcome__isnull=False).order_by("-finished_on").values("finished_on")[:1]
        ),
        most_recent_induction_period_end_date=Subquery(
            inductions.order_by("-started_on").values("finished_on")[:1]
        ),
    ).values(
        "id",
        "api_id",
        "full_name",
        "trn",
        "api_updated_at",
        "ect_training_record_id",
        "mentor_training_record_id",
        "ect_eligible_on",
        "ect_exempt_on",
        "mentor_eligible_on",
        "mentor_funding_end_date",
        "mentor_funding_end_reason",
        "ect_payments_frozen_year",
        "mentor_payments_frozen_year",
        "overall_induction_start_date",
        "induction_end_date",
        "most_recent_induction_period_end_date",
    )


def _enrolment_values(lead_provider: LeadProvider, participant_ids, *, today: dt.date):
    """F4–F20 inputs per enrolment."""
    school_periods_of_type = SchoolPeriod.objects.filter(
        participant_id=OuterRef("participant_id"), participant_type=OuterRef("participant_type")
    )
    current_or_next_mentorship = Mentorship.objects.filter(
        ect_school_period_id=OuterRef("training_period__school_period_id")
    ).filter(Q(finished_on__isnull=True) | Q(finished_on__gte=today))
    funding = SchoolFundingEligibility.objects.filter(
        school_id=OuterRef("training_period__partnership__school_id"),
        cohort_id=OuterRef("training_period__partnership__cohort_id"),
    )
    return (
        ProviderEnrolment.objects.filter(lead_provider=lead_provider, participant_id__in=participant_ids)
        .annotate(
            started_on=F("training_period__started_on"),
            finished_on=F("training_period__finished_on"),
            deferred_at=F("training_period__deferred_at"),
            deferral_reason=F("training_period__deferral_reason"),
            withdrawn_at=F("training_period__withdrawn_at"),
            withdrawal_reason=F("training_period__withdrawal_reason"),
            email=F("training_period__school_period__email"),
            school_urn=F("training_period__partnership__school__urn"),
            delivery_partner_id=F("training_period__partnership__delivery_partner__api_id"),
            cohort=F("training_period__partnership__cohort_id"),
            uplift_fees=F("training_period__partnership__cohort__uplift_fees"),
            schedule_identifier=F("training_period__schedule__identifier"),
            mentor_id=Subquery(
                current_or_next_mentorship.order_by("started_on", "id").values(
                    "mentor_school_period__participant__api_id"
                )[:1]
            ),
            school_pupil_premium_uplift=Subquery(funding.values("pupil_premium_uplift")[:1]),
            school_sparsity_uplift=Subquery(funding.values("sparsity_uplift")[:1]),
            first_created_at=Subquery(school_periods_of_type.order_by("started_on", "id").values("created_at")[:1]),
            latest_working_pattern=Subquery(
                SchoolPeriod.objects.filter(participant_id=OuterRef("participant_id"), participant_type=ParticipantType.ECT)
                .order_by("-started_on", "-id")
                .values("working_pattern")[:1]
            ),
        )
        .values(
            "participant_id",
            "participant_type",
            "started_on",
            "finished_on",
            "deferred_at",
            "deferral_reason",
            "withdrawn_at",
            "withdrawal_reason",
            "email",
            "school_urn",
            "delivery_partner_id",
            "cohort",
            "uplift_fees",
            "schedule_identifier",
            "mentor_id",
            "school_pupil_premium_uplift",
            "school_sparsity_uplift",
            "first_created_at",
            "latest_working_pattern",
        )
        .order_by("participant_id", "participant_type")
    )


def records(
    lead_provider: LeadProvider, participants_queryset, *, today: dt.date, ordering=("created_at", "id"), page=None
) -> list[ParticipantRecord]:
    """Load everything the representation needs for these participants, in three queries."""
    rows = _participant_values(participants_queryset).order_by(*ordering)
    if page is not None:
        rows = page.slice(rows)
    result = [ParticipantRecord(row) for row in rows]
    by_id = {record.row["id"]: record for record in result}
    if not by_id:
        return result
    for enrolment in _enrolment_values(lead_provider, list(by_id), today=today):
        by_id[enrolment["participant_id"]].enrolments.append(enrolment)
    for change in ParticipantIdChange.objects.filter(participant_id__in=list(by_id)).order_by("changed_at", "id").values(
        "participant_id", "from_participant_id", "to_participant_id", "changed_at"
    ):
        by_id[change["participant_id"]].id_changes.append(change)
    return result


def surviving_participant_of(retired_api_id, lead_provider: LeadProvider):
    """O8: for a merged-away id, the participant it was merged into, if this provider sees that one."""
    survivor = (
        visible_participants(lead_provider)
        .filter(Exists(ParticipantIdChange.objects.filter(participant=OuterRef("pk"), from_participant_id=retired_api_id)))
        .values_list("api_id", flat=True)
        .first()
    )
    return survivor
