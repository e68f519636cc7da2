"""Scenario builders on top of the factories: a participant as a given provider sees them."""

from __future__ import annotations

import datetime as dt

from participants.models import ParticipantType
from tests import factories


def partnership(lead_provider, *, school=None, cohort=2025, delivery_partner=None):
    kwargs = {"lead_provider": lead_provider, "cohort_id": cohort}
    if school is not None:
        kwargs["school"] = school
    if delivery_partner is not None:
        kwargs["delivery_partner"] = delivery_partner
    from schools.models import Partnership

    if school is not None:
        existing = Partnership.objects.filter(school=school, lead_provider=lead_provider, cohort_id=cohort).first()
        if existing:
            return existing
    return factories.PartnershipFactory(**kwargs)


def trained_participant(
    lead_provider,
    *,
    participant=None,
    participant_type=ParticipantType.ECT,
    school=None,
    cohort=2025,
    started_on=dt.date(2025, 9, 1),
    finished_on=None,
    school_finished_on=None,
    schedule="ecf-standard-september",
    email=None,
    **training,
):
    """A participant with a school period and provider-led training under a confirmed partnership."""
    the_partnership = partnership(lead_provider, school=school, cohort=cohort)
    school_period_kwargs = {
        "school": the_partnership.school,
        "participant_type": participant_type,
        "started_on": started_on,
        "finished_on": school_finished_on,
    }
    if participant is not None:
        school_period_kwargs["participant"] = participant
    if email is not None:
        school_period_kwargs["email"] = email
    school_period = factories.SchoolPeriodFactory(**school_period_kwargs)
    training_period = factories.TrainingPeriodFactory(
        school_period=school_period,
        partnership=the_partnership,
        schedule=factories.schedule(schedule, cohort),
        started_on=started_on,
        finished_on=finished_on,
        **training,
    )
    school_period.participant.refresh_from_db()
    return school_period.participant, training_period
