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
        (dt.date(2025, 9, 1), None, "At your school", "govuk-tag--green"),
        (dt.date(2026, 4, 20), None, "Joining on 20 April 2026", "govuk-tag--blue"),
        (dt.date(2025, 9, 1), dt.date(2026, 1, 16), "Leaving on 16 January 2026", "govuk-tag--yellow"),
        # The leaving date is their last day there; they have left once it has passed, as providers see it.
        (dt.date(2025, 9, 1), TODAY, "Leaving on 15 January 2026", "govuk-tag--yellow"),
        (dt.date(2025, 9, 1), dt.date(2026, 1, 14), "Left on 14 January 2026", "govuk-tag--grey"),
    ],
)
def test_the_status_follows_the_dates_at_the_school(started_on, finished_on, expected, tag):
    period = factories.SchoolPeriodFactory(started_on=started_on, finished_on=finished_on)
    shown = summary(period)
    assert (shown.status, shown.status_tag_class) == (expected, tag)
    assert shown.can_change is (not expected.startswith("Left"))


@pytest.mark.parametrize(
    "recorded, expected, tag",
    [
        ({}, "In training", "govuk-tag--green"),
        (
            {"deferred_at": dt.datetime(2026, 1, 5, tzinfo=dt.UTC), "deferral_reason": "parental_leave"},
            "Paused by the lead provider",
            "govuk-tag--yellow",
        ),
        (
            {"withdrawn_at": dt.datetime(2026, 1, 5, tzinfo=dt.UTC), "withdrawal_reason": "moved-school"},
            "Withdrawn by the lead provider",
            "govuk-tag--red",
        ),
    ],
)
def test_the_training_status_is_apart_from_the_school_status_and_never_says_active(
    lead_provider, recorded, expected, tag
):
    _, training = builders.trained_participant(lead_provider, **recorded)
    shown = summary(training.school_period)
    assert shown.status == "At your school"
    assert (shown.training_status, shown.training_status_tag_class) == (expected, tag)
    # The words of one status never appear in the other's, so together they cannot contradict.
    assert "train" not in shown.status.lower() and "Active" not in (shown.status + shown.training_status)


def test_training_starting_later_says_when(lead_provider):
    _, training = builders.trained_participant(lead_provider, started_on=dt.date(2026, 4, 20))
    assert summary(training.school_period).training_status == "Starts on 20 April 2026"


def test_someone_who_has_left_shows_no_training_status_and_school_led_training_has_none(lead_provider, school):
    _, training = builders.trained_participant(lead_provider, school_finished_on=dt.date(2025, 12, 19))
    left = summary(training.school_period)
    assert (left.status, left.training_status) == ("Left on 19 December 2025", "")
    school_led = factories.SchoolPeriodFactory(school=school)
    factories.TrainingPeriodFactory(
        school_period=school_led, programme_type="school_led", partnership=None, lead_provider=None, schedule=None
    )
    assert summary(school_led).training_status == ""


def test_training_waiting_for_a_partnership_shows_its_delivery_partner_as_not_confirmed(lead_provider):
    period = factories.SchoolPeriodFactory()
    factories.TrainingPeriodFactory(school_period=period, partnership=None, lead_provider=lead_provider)
    shown = summary(period)
    assert (shown.programme, shown.lead_provider, shown.delivery_partner) == (
        "Provider-led",
        lead_provider.name,
        "Not confirmed yet",
    )


def test_the_list_keeps_those_who_have_left_apart(school):
    ect = factories.SchoolPeriodFactory(school=school, participant__full_name="Alex Carter")
    mentor = factories.SchoolPeriodFactory(school=school, participant_type="mentor", participant__full_name="Bo Lee")
    gone = factories.SchoolPeriodFactory(school=school, finished_on=dt.date(2025, 12, 19))
    lists = presenters.participant_lists(selectors.participants_at(school), TODAY)
    assert [s.pk for s in lists.here] == [ect.pk, mentor.pk]
    assert [s.pk for s in lists.left] == [gone.pk]


def test_a_search_matches_part_of_a_name_an_email_address_or_a_trn(school):
    alex = factories.SchoolPeriodFactory(
        school=school, participant__full_name="Alex Carter", participant__trn="1234567", email="ac@oakfield.example"
    )
    bo = factories.SchoolPeriodFactory(school=school, participant__full_name="Bo Lee", email="bo@oakfield.example")
    people = presenters.participant_lists(selectors.participants_at(school), TODAY).here
    assert [p.pk for p in presenters.matching(people, "  cART ")] == [alex.pk]
    assert [p.pk for p in presenters.matching(people, "bo@")] == [bo.pk]
    assert [p.pk for p in presenters.matching(people, "34567")] == [alex.pk]
    assert presenters.matching(people, "") == people
    assert presenters.matching(people, "nobody") == []
