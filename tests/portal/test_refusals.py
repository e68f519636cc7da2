"""Someone who has left the school cannot be changed through any change page, however it is reached: each
answers with a clear page saying why (403) and changes nothing. Only their leaving date can still be corrected.
Runs on 15 January 2026 (the `today` fixture)."""

import datetime as dt

import pytest
from django.urls import reverse

from participants.models import Participant, ParticipantType, SchoolPeriod
from tests import factories
from tests.portal.test_access import PARTICIPANT_PAGES

# Every change page but the leaving date's, which is how a school corrects a leaving date that has passed.
CHANGE_PAGES = [name for name in PARTICIPANT_PAGES if name != "participant" and "leaving-date" not in name]


@pytest.fixture(autouse=True)
def _on_a_fixed_day(today):
    """Leaving and left are read on this date."""


@pytest.fixture
def left_ect(school):
    return factories.SchoolPeriodFactory(
        school=school,
        participant__full_name="Sam Left",
        started_on=dt.date(2025, 9, 1),
        finished_on=dt.date(2025, 12, 19),
    )


def url(name, school_period):
    return reverse(f"portal:{name}", kwargs={"urn": school_period.school.urn, "pk": school_period.pk})


@pytest.mark.parametrize("name", CHANGE_PAGES)
def test_every_change_page_refuses_someone_who_has_left(signed_in, left_ect, name):
    for response in (signed_in.get(url(name, left_ect)), signed_in.post(url(name, left_ect), {"full_name": "X"})):
        assert response.status_code == 403, name
        page = response.content.decode()
        assert "You cannot make this change" in page
        assert "They have left your school, so you can no longer change their details" in page
    assert Participant.objects.get(pk=left_ect.participant_id).full_name == "Sam Left"


def test_a_mentor_who_has_left_is_refused_too(signed_in, school):
    mentor = factories.SchoolPeriodFactory(
        school=school, participant_type=ParticipantType.MENTOR, finished_on=dt.date(2026, 1, 14)
    )
    assert signed_in.get(url("change-email", mentor)).status_code == 403


def test_the_leaving_date_of_someone_who_has_left_can_still_be_corrected(signed_in, left_ect):
    assert signed_in.get(url("change-leaving-date", left_ect)).status_code == 200
    answered = signed_in.post(
        url("change-leaving-date", left_ect),
        {"leaving_on-day": "20", "leaving_on-month": "7", "leaving_on-year": "2026"},
    )
    assert answered.status_code == 302
    assert signed_in.post(url("change-leaving-date-check", left_ect)).status_code == 302
    assert SchoolPeriod.objects.get(pk=left_ect.pk).finished_on == dt.date(2026, 7, 20)


def test_a_leaving_date_cannot_be_changed_or_withdrawn_when_none_was_reported(signed_in, school):
    here = factories.SchoolPeriodFactory(school=school)
    for name in ("change-leaving-date", "withdraw-leaving-date"):
        response = signed_in.get(url(name, here))
        assert response.status_code == 403
        assert "You have not told us they are leaving your school" in response.content.decode()


def test_a_leaving_date_of_9999_is_refused_on_the_question_page(signed_in, school):
    here = factories.SchoolPeriodFactory(school=school, started_on=dt.date(2025, 9, 1))
    response = signed_in.post(
        url("report-leaving", here), {"leaving_on-day": "1", "leaving_on-month": "1", "leaving_on-year": "9999"}
    )
    assert response.status_code == 200
    assert '<a href="#leaving_on-day">The leaving date must be on or before' in response.content.decode()
    assert SchoolPeriod.objects.get(pk=here.pk).finished_on is None
