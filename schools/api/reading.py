"""Reads for the schools, delivery partners and partnerships endpoints.

Each read is one query that returns plain values with everything its document needs, so a page
costs the same whatever its size. Documents are shaped by `schools.api.representation`.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Greatest

from participants.models import TrainingPeriod
from schedules.models import Cohort
from schools.models import (
    DeliveryPartner,
    LeadProvider,
    LeadProviderDeliveryPartnership,
    Partnership,
    SchoolCohortChoice,
)

# --- schools -------------------------------------------------------------------------------------------------------


def schools_in_cohort(queryset, lead_provider: LeadProvider, cohort: int):
    """The schools of `queryset` a provider may partner with in the cohort, as that provider sees them.

    Every school eligible for training is listed, plus any school the provider is already in
    partnership with for the cohort (so a partnership never hides its school). An unknown cohort lists none.
    """
    partnership = Partnership.objects.filter(school=OuterRef("pk"), lead_provider=lead_provider, cohort_id=cohort)
    choice = SchoolCohortChoice.objects.filter(school=OuterRef("pk"), cohort_id=cohort)
    # Training registered with this provider for the cohort that is still waiting for a partnership (P9).
    waiting = TrainingPeriod.objects.filter(
        school_period__school=OuterRef("pk"),
        lead_provider=lead_provider,
        partnership__isnull=True,
        schedule__cohort_id=cohort,
    )
    return (
        queryset.filter(Exists(Cohort.objects.filter(year=cohort)))
        .filter(Q(eligible_for_training=True) | Exists(partnership))
        .annotate(
            in_partnership=Exists(partnership),
            named_by_school=Exists(choice.filter(lead_provider=lead_provider)),
            has_waiting_training=Exists(waiting),
            induction_programme_choice=Coalesce(
                Subquery(choice.values("induction_programme_choice")[:1]),
                Value(SchoolCohortChoice.InductionProgramme.NOT_YET_KNOWN),
            ),
            # What this provider sees moves when the school, its choice, the partnership or waiting
            # training changes; PostgreSQL's GREATEST skips the NULLs of whatever does not exist.
            last_changed_at=Greatest(
                "updated_at",
                Subquery(choice.values("updated_at")[:1]),
                Subquery(partnership.values("updated_at")[:1]),
                Subquery(waiting.order_by("-created_at").values("created_at")[:1]),
            ),
        )
    )


SCHOOL_VALUES = (
    "api_id",
    "name",
    "urn",
    "in_partnership",
    "induction_programme_choice",
    "named_by_school",
    "has_waiting_training",
    "induction_tutor_name",
    "induction_tutor_email",
    "created_at",
    "last_changed_at",
)


def school_rows(queryset):
    return queryset.values(*SCHOOL_VALUES)


# --- delivery partners ---------------------------------------------------------------------------------------------


def _pairings(lead_provider: LeadProvider):
    return LeadProviderDeliveryPartnership.objects.filter(lead_provider=lead_provider, delivery_partner=OuterRef("pk"))


def delivery_partners(lead_provider: LeadProvider):
    """The delivery partners working with this provider, with all the cohorts they do."""
    pairings = _pairings(lead_provider)
    return DeliveryPartner.objects.filter(Exists(pairings)).annotate(
        cohorts=ArraySubquery(pairings.order_by("cohort_id").values("cohort_id"))
    )


def working_in_cohorts(queryset, lead_provider: LeadProvider, cohorts: tuple[int, ...]):
    """The delivery partners of `queryset` working with this provider in any of `cohorts`."""
    return queryset.filter(Exists(_pairings(lead_provider).filter(cohort_id__in=cohorts)))


def delivery_partner_rows(queryset):
    return queryset.values("api_id", "name", "cohorts", "created_at", "updated_at")


# --- partnerships --------------------------------------------------------------------------------------------------


def partnerships(lead_provider: LeadProvider):
    """P5: only the provider's own partnerships."""
    return Partnership.objects.filter(lead_provider=lead_provider)


def partnership_rows(queryset, *, today: dt.date):
    # P5: people on this partnership's training that covers today, whatever their training status. Someone
    # both mentoring and in induction under it counts once.
    training_today = (
        TrainingPeriod.objects.filter(TrainingPeriod.q_contains(today), partnership=OuterRef("pk"))
        .order_by()
        .values("partnership")
        .annotate(people=Count("school_period__participant", distinct=True))
        .values("people")
    )
    return queryset.annotate(participants_currently_training=Coalesce(Subquery(training_today), 0)).values(
        "api_id",
        "cohort_id",
        "school__urn",
        "school__api_id",
        "delivery_partner__api_id",
        "delivery_partner__name",
        "school__induction_tutor_name",
        "school__induction_tutor_email",
        "participants_currently_training",
        "created_at",
        "updated_at",
    )
