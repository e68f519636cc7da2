"""The `filter[...]` hash of GET /api/v3/participant-declarations (D39 with O4).

The FilterSet's order is the order its filters are checked in: the first invalid one is the 400.
"""

from __future__ import annotations

from config.api.filters import ApiFilterSet, CohortYearsFilter, UpdatedSinceFilter, UUIDListFilter


class DeclarationFilterSet(ApiFilterSet):
    cohort = CohortYearsFilter(field_name="training_period__partnership__cohort_id")
    participant_id = UUIDListFilter(field_name="training_period__school_period__participant__api_id")
    delivery_partner_id = UUIDListFilter(field_name="delivery_partner__api_id")
    updated_since = UpdatedSinceFilter(field_name="api_updated_at")
