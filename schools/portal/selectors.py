"""What the portal's pages read, and everything each read loads, so templates never query.

Every read is scoped to a school the signed-in user belongs to: anything else is a 404.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch
from django.http import Http404

from participants.models import Mentorship, ParticipantType, SchoolPeriod, TrainingPeriod
from schedules.models import Cohort
from schools.models import Partnership, School, SchoolCohortChoice


def schools_of(user):
    return School.objects.filter(memberships__user=user).order_by("name")


def school_of(user, urn: str) -> School:
    """The school with this URN, if the user belongs to it; otherwise as if it did not exist."""
    school = schools_of(user).filter(urn=urn).first()
    if school is None:
        raise Http404("No such school")
    return school


def _school_periods(school: School):
    return (
        SchoolPeriod.objects.filter(school=school)
        .select_related("participant", "school", "appropriate_body")
        .prefetch_related(
            Prefetch(
                "training_periods",
                queryset=TrainingPeriod.objects.select_related(
                    "lead_provider", "partnership__delivery_partner"
                ).order_by("started_on", "id"),
            ),
            Prefetch(
                "mentorships",
                queryset=Mentorship.objects.select_related("mentor_school_period__participant").order_by(
                    "started_on", "id"
                ),
            ),
            Prefetch(
                "mentees",
                queryset=Mentorship.objects.select_related("ect_school_period__participant").order_by(
                    "started_on", "id"
                ),
            ),
        )
        .order_by("participant__full_name", "started_on", "id")
    )


def participants_at(school: School) -> list[SchoolPeriod]:
    """Every ECT and mentor period at the school, past, present and future."""
    return list(_school_periods(school))


def school_period_at(school: School, pk, *, participant_type: str | None = None) -> SchoolPeriod:
    """One ECT or mentor period at this school; a period at any other school is a 404."""
    periods = _school_periods(school)
    if participant_type is not None:
        periods = periods.filter(participant_type=participant_type)
    try:
        return periods.get(pk=int(pk))
    except (SchoolPeriod.DoesNotExist, ValueError, TypeError):
        raise Http404("No such participant at this school") from None


def mentors_at(school: School, *, today: dt.date) -> list[SchoolPeriod]:
    """The school's mentors who are there today or joining later."""
    return list(
        SchoolPeriod.objects.filter(school=school, participant_type=ParticipantType.MENTOR)
        .filter(SchoolPeriod.q_not_ended_before(today))
        .select_related("participant")
        .order_by("participant__full_name", "id")
    )


def cohorts_from(today: dt.date) -> list[Cohort]:
    """The cohort running today and any later ones we already know about."""
    return list(Cohort.objects.filter(year__gte=Cohort.year_containing(today)).order_by("year"))


def cohort(year) -> Cohort:
    try:
        return Cohort.objects.get(year=int(year))
    except (Cohort.DoesNotExist, ValueError, TypeError):
        raise Http404("No such cohort") from None


def cohort_choices(school: School) -> dict[int, SchoolCohortChoice]:
    choices = SchoolCohortChoice.objects.filter(school=school).select_related("lead_provider", "delivery_partner")
    return {choice.cohort_id: choice for choice in choices}


def partnerships_in(school: School, year: int) -> list[Partnership]:
    return list(
        Partnership.objects.filter(school=school, cohort_id=year)
        .select_related("lead_provider", "delivery_partner")
        .order_by("created_at", "id")
    )
