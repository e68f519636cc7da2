"""The statuses the portal shows a school, derived by participants.status from the time at the school."""

import datetime as dt

import pytest

from schools.portal import presenters, selectors
from tests import builders, factories

TODAY = dt.date(2026, 1, 15)


def summary(school_period):
    return presenters.summarise(selectors.school_period_at(school_period.school, school_period.pk), TODAY)


@pytest.mark.parametrize(
    "started_on, finished_on, expected, tag",
    [
        (dt.date(2025, 9, 1), None, "Active", "govuk-tag--green"),
        (dt.date(2026, 4, 20), None, "Joining on 20 April 2026", "govuk-tag--blue"),
        (dt.date(2025, 9, 1), dt.date(2026, 1, 16), "Leaving on 16 January 2026", "govuk-tag--yellow"),
        # The leaving date is their last day there; they have left once it has passed, as providers see it.
        (dt.date(2025, 9, 1), TODAY, "Leaving on 15 January 2026", "govuk-tag--yellow"),
        (dt.date(2025, 9, 1), dt.date(2026, 1, 14), "Left", "govuk-tag--grey"),
    ],
)
def test_the_status_follows_the_dates_at_the_school(started_on, finished_on, expected, tag):
    period = factories.SchoolPeriodFactory(started_on=started_on, finished_on=finished_on)
    shown = summary(period)
    assert (shown.status, shown.status_tag_class) == (expected, tag)
    assert shown.can_change is (expected != "Left")


def test_a_lead_providers_deferral_is_noted_beside_the_status(lead_provider):
    _, training = builders.trained_participant(
        lead_provider, deferred_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC), deferral_reason="parental_leave"
    )
    shown = summary(training.school_period)
    assert shown.status == "Active"
    assert shown.training_note == "Training paused by the lead provider"


def test_training_waiting_for_a_partnership_shows_its_delivery_partner_as_not_confirmed(lead_provider):
    period = factories.SchoolPeriodFactory()
    factories.TrainingPeriodFactory(school_period=period, partnership=None, lead_provider=lead_provider)
    shown = summary(period)
    assert (shown.programme, shown.lead_provider, shown.delivery_partner) == (
        "Provider-led",
        lead_provider.name,
        "Not confirmed yet",
    )


def test_the_lists_separate_ects_mentors_and_those_who_have_left(school):
    ect = factories.SchoolPeriodFactory(school=school)
    mentor = factories.SchoolPeriodFactory(school=school, participant_type="mentor")
    gone = factories.SchoolPeriodFactory(school=school, finished_on=dt.date(2025, 12, 19))
    lists = presenters.participant_lists(selectors.participants_at(school), TODAY)
    assert [s.pk for s in lists.ects] == [ect.pk]
    assert [s.pk for s in lists.mentors] == [mentor.pk]
    assert [s.pk for s in lists.left] == [gone.pk]
