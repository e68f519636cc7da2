"""The `filter[...]` hashes of GET /api/v3/participants, /participants/transfers and /unfunded-mentors.

Each FilterSet's order is the order its filters are checked in: the first invalid one is the 400 (O4).
"""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef

from config.api.filters import ApiFilterSet, CohortYearsFilter, TextFilter, UpdatedSinceFilter
from participants.api.reading import enrolments_of
from participants.models import ParticipantIdChange

# Q4: enrolments with each training status, by presence, so a deferred-then-withdrawn one is both.
_ENROLMENTS_WITH_STATUS = {
    "active": {"training_period__deferred_at__isnull": True, "training_period__withdrawn_at__isnull": True},
    "deferred": {"training_period__deferred_at__isnull": False},
    "withdrawn": {"training_period__withdrawn_at__isnull": False},
}
TRAINING_STATUSES = tuple(_ENROLMENTS_WITH_STATUS)
TRAINING_STATUS_INVALID = f"The filter '#/training_status' must be one of: {', '.join(TRAINING_STATUSES)}"
PARTICIPANT_ID_INVALID = "The filter '#/from_participant_id' must be a participant ID (a UUID)"


class ParticipantFilterSet(ApiFilterSet):
    """Q2–Q6 with O4, over the participants a provider sees (V3)."""

    training_status = TextFilter(
        pattern="|".join(TRAINING_STATUSES),
        method="with_training_status",
        error_messages={"invalid": TRAINING_STATUS_INVALID},
    )
    from_participant_id = django_filters.UUIDFilter(
        method="with_id_change_from", error_messages={"invalid": PARTICIPANT_ID_INVALID}
    )
    cohort = CohortYearsFilter(method="in_cohorts")
    updated_since = UpdatedSinceFilter(field_name="api_updated_at")

    def with_training_status(self, queryset, name, value):
        """Q4: an enrolment with the status."""
        return queryset.filter(Exists(enrolments_of(self.lead_provider, **_ENROLMENTS_WITH_STATUS[value])))

    def with_id_change_from(self, queryset, name, value):
        """Q5/ID2."""
        return queryset.filter(
            Exists(ParticipantIdChange.objects.filter(participant=OuterRef("pk"), from_participant_id=value))
        )

    def in_cohorts(self, queryset, name, years):
        """Q2: either enrolment in one of the cohorts; both are still shown."""
        return queryset.filter(
            Exists(enrolments_of(self.lead_provider, training_period__partnership__cohort_id__in=years))
        )


class UpdatedSinceFilterSet(ApiFilterSet):
    """Transfers and unfunded mentors: participants that changed at or after a moment (Q3)."""

    updated_since = UpdatedSinceFilter(field_name="api_updated_at")
