"""The school details and induction details journeys over HTTP: who may open them, what each question
refuses before "Check your answers", and the school action's refusals coming back on the question.
Runs on 15 January 2026 (the `today` fixture).
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.html import escape

from participants.models import ParticipantType, SchoolPeriod
from schools.models import AppropriateBody
from tests import factories
from tests.portal.test_validation import answer_and_confirm, assert_linked_error, errors_in


@pytest.fixture(autouse=True)
def _on_a_fixed_day(today):
    """Rules about the past and the future read this date."""


@pytest.fixture
def ect(school):
    return factories.SchoolPeriodFactory(school=school, participant__full_name="Alex Carter")


def url(name, school, **kwargs):
    return reverse(f"portal:{name}", kwargs={"urn": school.urn, **kwargs})


def test_another_schools_details_and_induction_tutor_are_pages_not_found(signed_in, other_school):
    for name in ("school-details", "induction-tutor", "induction-tutor-check"):
        assert signed_in.get(url(name, other_school)).status_code == 404
    response = signed_in.post(url("induction-tutor", other_school), {"full_name": "Eve", "email": "eve@x.example"})
    assert response.status_code == 404
    other_school.refresh_from_db()
    assert other_school.induction_tutor_name != "Eve"


def test_a_signed_out_visitor_is_sent_to_sign_in_from_the_school_details(client, school):
    response = client.get(url("school-details", school))
    assert response.status_code == 302 and "sign-in" in response.url


def test_another_schools_ect_has_no_working_pattern_or_appropriate_body_pages(signed_in, school, other_school):
    theirs = factories.SchoolPeriodFactory(school=other_school)
    for name in ("change-working-pattern", "change-appropriate-body"):
        assert signed_in.get(url(name, school, pk=theirs.pk)).status_code == 404
        assert signed_in.post(url(name, school, pk=theirs.pk), {"working_pattern": "part_time"}).status_code == 404
    assert SchoolPeriod.objects.get(pk=theirs.pk).working_pattern == "full_time"


def test_a_mentor_has_no_working_pattern_or_appropriate_body_pages(signed_in, school):
    mentor = factories.SchoolPeriodFactory(school=school, participant_type=ParticipantType.MENTOR)
    for name in ("change-working-pattern", "change-appropriate-body"):
        assert signed_in.get(url(name, school, pk=mentor.pk)).status_code == 404


@pytest.mark.parametrize(
    ("data", "anchor", "message"),
    [
        ({"full_name": "", "email": "tomas@oakfield.example"}, "full_name", "Enter the induction tutor's full name"),
        ({"full_name": "42", "email": "tomas@oakfield.example"}, "full_name", "Full name must include letters"),
        ({"full_name": "Tomás O'Neill", "email": ""}, "email", "Enter the induction tutor's email address"),
        (
            {"full_name": "Tomás O'Neill", "email": "tomas@"},
            "email",
            "Enter an email address in the correct format, like name@example.com",
        ),
    ],
)
def test_the_induction_tutor_question_applies_the_school_actions_rules_before_check_your_answers(
    signed_in, school, data, anchor, message
):
    page = errors_in(signed_in.post(url("induction-tutor", school), data))
    assert_linked_error(page, anchor, escape(message))
    # Nothing waits for "Check your answers".
    assert signed_in.get(url("induction-tutor-check", school)).status_code == 302


def test_the_induction_tutor_is_changed_once_confirmed(signed_in, school):
    response = answer_and_confirm(
        signed_in,
        url("induction-tutor", school),
        url("induction-tutor-check", school),
        {"full_name": "Tomás O'Neill", "email": "tomas@oakfield.example"},
    )
    assert response.status_code == 302
    school.refresh_from_db()
    assert (school.induction_tutor_name, school.induction_tutor_email) == ("Tomás O'Neill", "tomas@oakfield.example")


def test_a_working_pattern_must_be_one_of_the_two(signed_in, school, ect):
    page = errors_in(signed_in.post(url("change-working-pattern", school, pk=ect.pk), {"working_pattern": "weekends"}))
    assert_linked_error(page, "working_pattern", "Select if they work full time or part time")


def test_an_appropriate_body_not_on_the_reference_list_is_refused(signed_in, school, ect):
    page = errors_in(signed_in.post(url("change-appropriate-body", school, pk=ect.pk), {"appropriate_body": "999999"}))
    assert_linked_error(page, "appropriate_body", "Select their appropriate body")
    page = errors_in(
        signed_in.post(url("change-appropriate-body", school, pk=ect.pk), {"appropriate_body": "My local hub"})
    )
    assert_linked_error(page, "appropriate_body", "Select their appropriate body")


def test_the_working_pattern_of_an_ect_who_left_before_confirming_is_refused(signed_in, school, ect):
    question, check = (
        url("change-working-pattern", school, pk=ect.pk),
        url("change-working-pattern-check", school, pk=ect.pk),
    )
    assert signed_in.post(question, {"working_pattern": "part_time"}).status_code == 302
    SchoolPeriod.objects.filter(pk=ect.pk).update(finished_on=dt.date(2026, 1, 14))
    response = signed_in.post(check)
    assert response.status_code == 403
    assert "They have left your school, so you can no longer change their details" in response.content.decode()
    assert SchoolPeriod.objects.get(pk=ect.pk).working_pattern == "full_time"


def test_an_appropriate_body_is_recorded_once_confirmed(signed_in, school, ect):
    body = AppropriateBody.objects.get(name="Independent Schools Teacher Induction Panel (ISTIP)")
    response = answer_and_confirm(
        signed_in,
        url("change-appropriate-body", school, pk=ect.pk),
        url("change-appropriate-body-check", school, pk=ect.pk),
        {"appropriate_body": str(body.pk)},
    )
    assert response.status_code == 302
    assert SchoolPeriod.objects.get(pk=ect.pk).appropriate_body == body


def test_registering_a_mentor_asks_their_start_date_and_whether_they_mentor_only_here(signed_in, school):
    data = {"full_name": "Robin Ellis", "trn": "7654321", "email": "robin@oakfield.example"}
    page = errors_in(signed_in.post(url("register-mentor", school), data))
    assert_linked_error(page, "started_on-day", "Enter the date they start mentoring at your school")
    assert_linked_error(page, "mentoring_only_here", "Select yes if they will mentor only at your school")


def test_a_mentor_start_date_beyond_the_last_cohort_is_refused_on_the_question(signed_in, school):
    data = {
        "full_name": "Robin Ellis",
        "trn": "7654321",
        "date_of_birth-day": "1",
        "date_of_birth-month": "6",
        "date_of_birth-year": "1985",
        "email": "robin@oakfield.example",
        "started_on-day": "1",
        "started_on-month": "9",
        "started_on-year": "2031",
        "mentoring_only_here": "yes",
    }
    page = errors_in(signed_in.post(url("register-mentor", school), data))
    assert '<a href="#started_on-day">The start date must be on or before' in page
    assert not SchoolPeriod.objects.filter(school=school).exists()
