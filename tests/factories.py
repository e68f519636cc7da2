"""Factories for building domain data in tests. Dates default to the cohort of 2025."""

from __future__ import annotations

import datetime as dt
import itertools

import factory

from participants import models as pm
from schedules.models import Cohort, Schedule
from schools import models as sm

_urns = itertools.count(100000)
_trns = itertools.count(1000000)


def schedule(identifier="ecf-standard-september", cohort=2025) -> Schedule:
    return Schedule.objects.get(cohort_id=cohort, identifier=identifier)


def cohort(year=2025) -> Cohort:
    return Cohort.objects.get(year=year)


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = sm.School

    urn = factory.LazyFunction(lambda: str(next(_urns)))
    name = factory.Sequence(lambda n: f"School {n}")
    induction_tutor_name = "Ina Tutor"
    induction_tutor_email = factory.Sequence(lambda n: f"tutor{n}@school.example")


class LeadProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = sm.LeadProvider

    name = factory.Sequence(lambda n: f"Lead provider {n}")


class DeliveryPartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = sm.DeliveryPartner

    name = factory.Sequence(lambda n: f"Delivery partner {n}")


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = sm.Partnership

    school = factory.SubFactory(SchoolFactory)
    lead_provider = factory.SubFactory(LeadProviderFactory)
    delivery_partner = factory.SubFactory(DeliveryPartnerFactory)
    cohort_id = 2025


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pm.Participant

    full_name = factory.Sequence(lambda n: f"Teacher {n}")
    trn = factory.LazyFunction(lambda: str(next(_trns)))


class SchoolPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pm.SchoolPeriod

    participant = factory.SubFactory(ParticipantFactory)
    school = factory.SubFactory(SchoolFactory)
    participant_type = pm.ParticipantType.ECT
    email = factory.Sequence(lambda n: f"teacher{n}@school.example")
    started_on = dt.date(2025, 9, 1)
    working_pattern = factory.LazyAttribute(
        lambda o: pm.WorkingPattern.FULL_TIME if o.participant_type == pm.ParticipantType.ECT else None
    )


class TrainingPeriodFactory(factory.django.DjangoModelFactory):
    """Provider-led training with a confirmed partnership at the school period's school."""

    class Meta:
        model = pm.TrainingPeriod

    school_period = factory.SubFactory(SchoolPeriodFactory)
    programme_type = pm.ProgrammeType.PROVIDER_LED
    partnership = factory.SubFactory(PartnershipFactory, school=factory.SelfAttribute("..school_period.school"))
    lead_provider = factory.LazyAttribute(lambda o: o.partnership.lead_provider if o.partnership else None)
    schedule = factory.LazyAttribute(
        lambda o: schedule("ecf-standard-september", o.partnership.cohort_id if o.partnership else 2025)
    )
    started_on = factory.LazyAttribute(lambda o: o.school_period.started_on)


class MentorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pm.Mentorship

    ect_school_period = factory.SubFactory(SchoolPeriodFactory)
    mentor_school_period = factory.SubFactory(
        SchoolPeriodFactory,
        participant_type=pm.ParticipantType.MENTOR,
        school=factory.SelfAttribute("..ect_school_period.school"),
    )
    started_on = factory.LazyAttribute(lambda o: o.ect_school_period.started_on)


class InductionPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pm.InductionPeriod

    participant = factory.SubFactory(ParticipantFactory)
    appropriate_body_name = "Example appropriate body"
    started_on = dt.date(2025, 9, 1)
