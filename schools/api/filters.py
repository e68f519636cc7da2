"""The `filter[...]` hashes of the schools, delivery partners and partnerships endpoints.

Each FilterSet's order is the order its filters are checked in: the first invalid one is the 400 (O4).
"""

from __future__ import annotations

from config.api.filters import ApiFilterSet, CohortYearsFilter, TextFilter, UpdatedSinceFilter, UUIDListFilter
from schools.api import reading

COHORT_MISSING = "The filter '#/cohort' must be included in your request"
COHORT_NOT_A_YEAR = "The filter '#/cohort' must be a year, for example 2025"
URN_INVALID = "The filter '#/urn' must be a school URN (digits only), for example 100001"


class SchoolFilterSet(ApiFilterSet):
    """A school is described for one cohort, so its filter names exactly one year, and is required."""

    # First: it scopes and annotates the schools that the list's other filters narrow.
    cohort = TextFilter(
        pattern=r"[0-9]{4}",
        required=True,
        method="in_cohort",
        error_messages={"required": COHORT_MISSING, "invalid": COHORT_NOT_A_YEAR},
    )

    @property
    def cohort_year(self) -> int:
        return int(self.form.cleaned_data["cohort"])

    def in_cohort(self, queryset, name, year):
        return reading.schools_in_cohort(queryset, self.lead_provider, int(year))


class SchoolListFilterSet(SchoolFilterSet):
    urn = TextFilter(pattern=r"[0-9]+", error_messages={"invalid": URN_INVALID})
    updated_since = UpdatedSinceFilter(field_name="last_changed_at")


class DeliveryPartnerFilterSet(ApiFilterSet):
    cohort = CohortYearsFilter(method="in_cohorts")

    def in_cohorts(self, queryset, name, years):
        return reading.working_in_cohorts(queryset, self.lead_provider, years)


class PartnershipFilterSet(ApiFilterSet):
    """P5."""

    cohort = CohortYearsFilter(field_name="cohort_id")
    updated_since = UpdatedSinceFilter(field_name="updated_at")
    delivery_partner_id = UUIDListFilter(field_name="delivery_partner__api_id")
