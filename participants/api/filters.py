"""The `filter[...]` hashes of GET /api/v3/participants, /participants/transfers and /unfunded-mentors.

Each FilterSet's order is the order its filters are checked in: the first invalid one is the 400 (O4).
"""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef

from config.api.filters import ApiFilterSet, CohortYearsFilter, TextFilter, UpdatedSinceFilter
from participants.models import ParticipantIdChange

# Q4: the listing's flag for an enrolment with each training status (participants.enrolments derives them).
_LISTED_WITH_STATUS = {"active": "has_active", "deferred": "has_deferred", "withdrawn": "has_withdrawn"}
TRAINING_STATUSES = tuple(_LISTED_WITH_STATUS)
TRAINING_STATUS_INVALID = f"The filter '#/training_status' must be one of: {', '.join(TRAINING_STATUSES)}"
PARTICIPANT_ID_INVALID = "The filter '#/from_participant_id' must be a participant ID (a UUID)"


class ParticipantFilterSet(ApiFilterSet):
    """Q2–Q6 with O4, over the provider's listings (V3, `reading.listings`)."""

    training_status = TextFilter(
        pattern="|".join(TRAINING_STATUSES),
        method="with_training_status",
        error_messages={"invalid": TRAINING_STATUS_INVALID},
    )
    from_participant_id = django_filters.UUIDFilter(
        method="with_id_change_from", error_messages={"invalid": PARTICIPANT_ID_INVALID}
    )
    cohort = CohortYearsFilter(field_name="cohorts", lookup_expr="overlap")
    updated_since = UpdatedSinceFilter(field_name="api_updated_at")

    def with_training_status(self, queryset, name, value):
        """Q4: an enrolment with the status."""
        return queryset.filter(**{_LISTED_WITH_STATUS[value]: True})

    def with_id_change_from(self, queryset, name, value):
        """Q5/ID2."""
        return queryset.filter(
            Exists(
                ParticipantIdChange.objects.filter(participant=OuterRef("participant_id"), from_participant_id=value)
            )
        )


class UpdatedSinceFilterSet(ApiFilterSet):
    """Transfers and unfunded mentors: participants that changed at or after a moment (Q3)."""

    updated_since = UpdatedSinceFilter(field_name="api_updated_at")
