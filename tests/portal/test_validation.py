"""Every answer is checked on its question page: first by its form, then by the school action's own rules
(its `check_<action>`), before "Check your answers"; the action checks again when the user confirms.

Either way the question comes back with the error beside the field and in the error summary, linked
to the field, and nothing is changed. Runs on 15 January 2026 (the `today` fixture).
"""

import re

import pytest
from django.urls import reverse

from participants.models import Participant, ParticipantType, SchoolPeriod
from tests import builders, factories

VALID_ECT = {
    "full_name": "Priya Shah",
    "trn": "1234567",
    "date_of_birth-day": "27",
    "date_of_birth-month": "3",
    "date_of_birth-year": "1998",
    "email": "priya.shah@oakfield.example",
    "started_on-day": "5",
    "started_on-month": "1",
    "started_on-year": "2026",
    "working_pattern": "full_time",
    "programme_type": "school_led",
}


@pytest.fixture(autouse=True)
def _on_a_fixed_day(today):
    """Rules about the past and the future read this date."""


@pytest.fixture
def ect(school):
    return factories.SchoolPeriodFactory(
        school=school, participant__full_name="Alex Carter", email="alex.carter@oakfield.example"
    )


def register_ect_url(school, step=""):
    return reverse(f"portal:register-ect{step}", kwargs={"urn": school.urn})


def errors_in(response) -> str:
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    return page


def assert_linked_error(page, anchor, message):
    """The message is in the summary, linked to the field, and beside the field."""
    assert f'<a href="#{anchor}">{message}</a>' in page
    assert f'<span class="govuk-visually-hidden">Error:</span> {message}' in page


def answer(client, question_url, data):
    """The question page's answer to these answers: the page again, with errors, if any rule fails."""
    return client.post(question_url, data)


def answer_and_confirm(client, question_url, check_url, data):
    answered = client.post(question_url, data)
    assert answered.status_code == 302 and answered.url == check_url, answered.content.decode()[:500]
    return client.post(check_url)


@pytest.mark.parametrize(
    "trn",
    ["123456", "12345678", "12345A7", "TRN1234"],
)
def test_a_trn_must_be_seven_digits(signed_in, school, trn):
    page = errors_in(signed_in.post(register_ect_url(school), {**VALID_ECT, "trn": trn}))
    assert_linked_error(page, "trn", "Enter a teacher reference number (TRN) with 7 digits")
    assert not Participant.objects.exists()


def test_a_trn_copied_with_spaces_is_accepted(signed_in, school):
    response = signed_in.post(register_ect_url(school), {**VALID_ECT, "trn": " 123 4567 "})
    assert response.status_code == 302


def boxes_marked_wrong(page, field) -> list[str]:
    return re.findall(rf'govuk-input--error" id="{field}-(day|month|year)"', page)


@pytest.mark.parametrize(
    "day, month, year, message, at_fault",
    [
        ("", "", "", "Enter their date of birth", ["day", "month", "year"]),
        ("27", "", "1998", "Date of birth must include a month", ["month"]),
        ("", "", "1998", "Date of birth must include a day and month", ["day", "month"]),
        ("31", "2", "1998", "Date of birth must be a real date", ["day"]),
        ("27", "March", "1998", "Date of birth must be a real date", ["month"]),
        ("27", "13", "1998", "Date of birth must be a real date", ["month"]),
        ("27", "3", "98", "Year must include 4 numbers", ["year"]),
    ],
)
def test_a_date_error_marks_only_the_boxes_at_fault_and_links_to_the_first(
    signed_in, school, day, month, year, message, at_fault
):
    data = {**VALID_ECT, "date_of_birth-day": day, "date_of_birth-month": month, "date_of_birth-year": year}
    page = errors_in(signed_in.post(register_ect_url(school), data))
    assert_linked_error(page, f"date_of_birth-{at_fault[0]}", message)
    assert boxes_marked_wrong(page, "date_of_birth") == at_fault
    assert boxes_marked_wrong(page, "started_on") == []
    # What was typed is shown again so it can be corrected.
    assert f'id="date_of_birth-year" name="date_of_birth-year" type="text" inputmode="numeric" value="{year}"' in page


def test_every_required_answer_is_asked_for(signed_in, school):
    page = errors_in(signed_in.post(register_ect_url(school), {}))
    for anchor, message in [
        ("full_name", "Enter their full name"),
        ("trn", "Enter their teacher reference number (TRN)"),
        ("date_of_birth-day", "Enter their date of birth"),
        ("email", "Enter their email address"),
        ("started_on-day", "Enter the date they start at your school"),
        ("working_pattern", "Select if they work full time or part time"),
        ("programme_type", "Select provider-led or school-led training"),
    ]:
        assert_linked_error(page, anchor, message)


def test_an_email_address_must_look_like_one(signed_in, school):
    page = errors_in(signed_in.post(register_ect_url(school), {**VALID_ECT, "email": "priya at oakfield"}))
    assert_linked_error(page, "email", "Enter an email address in the correct format, like name@example.com")


def test_provider_led_training_needs_a_lead_provider(signed_in, school):
    page = errors_in(signed_in.post(register_ect_url(school), {**VALID_ECT, "programme_type": "provider_led"}))
    assert_linked_error(page, "lead_provider", "Select a lead provider")


def test_a_date_of_birth_in_the_future_is_refused_on_the_question_page(signed_in, school):
    data = {**VALID_ECT, "date_of_birth-year": "2030"}
    page = errors_in(answer(signed_in, register_ect_url(school), data))
    assert_linked_error(page, "date_of_birth-day", "Their date of birth must be in the past")
    assert page.startswith("<!DOCTYPE html>") and "<title>Error: Register an early career teacher (ECT)" in page
    assert not Participant.objects.exists()


def test_a_start_date_beyond_the_last_cohort_is_refused_on_the_question_page(signed_in, school):
    data = {**VALID_ECT, "started_on-year": "2031"}
    page = errors_in(answer(signed_in, register_ect_url(school), data))
    assert "The start date must be on or before" in page
    assert '<a href="#started_on-day">The start date must be on or before' in page


def test_an_email_already_used_at_the_school_is_refused_on_the_registration_question_page(signed_in, school, ect):
    data = {**VALID_ECT, "email": "Alex.Carter@oakfield.example"}
    page = errors_in(answer(signed_in, register_ect_url(school), data))
    assert_linked_error(page, "email", "This email address is already used by someone at this school")
    assert SchoolPeriod.objects.filter(school=school).count() == 1


def test_an_email_already_used_at_the_school_is_refused_on_the_change_question_page(signed_in, school, ect):
    colleague = factories.SchoolPeriodFactory(school=school, email="sam@oakfield.example")
    kwargs = {"urn": school.urn, "pk": colleague.pk}
    response = answer(
        signed_in, reverse("portal:change-email", kwargs=kwargs), {"email": "alex.carter@oakfield.example"}
    )
    assert_linked_error(errors_in(response), "email", "This email address is already used by someone at this school")
    colleague.refresh_from_db()
    assert colleague.email == "sam@oakfield.example"


def test_a_leaving_date_before_the_start_date_is_refused_on_the_question_page(signed_in, school, ect):
    kwargs = {"urn": school.urn, "pk": ect.pk}
    response = answer(
        signed_in,
        reverse("portal:report-leaving", kwargs=kwargs),
        {"leaving_on-day": "31", "leaving_on-month": "8", "leaving_on-year": "2025"},
    )
    assert_linked_error(errors_in(response), "leaving_on-day", "The leaving date must be on or after the start date")
    ect.refresh_from_db()
    assert ect.finished_on is None


def test_an_ect_cannot_be_chosen_as_their_own_mentor_on_the_question_page(signed_in, school, ect):
    # The ECT also mentors at the school, so they are among the mentors offered.
    as_mentor = factories.SchoolPeriodFactory(
        school=school, participant=ect.participant, participant_type=ParticipantType.MENTOR
    )
    kwargs = {"urn": school.urn, "pk": ect.pk}
    response = answer(signed_in, reverse("portal:assign-mentor", kwargs=kwargs), {"mentor": str(as_mentor.pk)})
    assert_linked_error(errors_in(response), "mentor", "An ECT cannot be their own mentor")
    assert not ect.mentorships.exists()


def test_choosing_the_current_lead_provider_is_refused_on_the_question_page(signed_in, school, lead_provider):
    participant, training = builders.trained_participant(lead_provider, school=school)
    kwargs = {"urn": school.urn, "pk": training.school_period.pk}
    response = answer(
        signed_in, reverse("portal:change-lead-provider", kwargs=kwargs), {"lead_provider": str(lead_provider.pk)}
    )
    assert_linked_error(
        errors_in(response), "lead_provider", "Select a different lead provider from the one they have now"
    )


def test_the_check_page_shows_the_answers_and_changes_nothing_until_confirmed(signed_in, school):
    signed_in.post(register_ect_url(school), VALID_ECT)
    page = signed_in.get(register_ect_url(school, "-check")).content.decode()
    for answer in (
        "Priya Shah",
        "1234567",
        "27 March 1998",
        "priya.shah@oakfield.example",
        "5 January 2026",
        "Full time",
        "School-led",
    ):
        assert answer in page
    assert not Participant.objects.exists()


def test_the_check_page_without_answers_goes_back_to_the_question(signed_in, school):
    response = signed_in.get(register_ect_url(school, "-check"))
    assert response.status_code == 302 and response.url == register_ect_url(school)


def test_confirming_twice_registers_once(signed_in, school):
    answer_and_confirm(signed_in, register_ect_url(school), register_ect_url(school, "-check"), VALID_ECT)
    again = signed_in.post(register_ect_url(school, "-check"))
    assert again.status_code == 302 and again.url == register_ect_url(school)
    assert Participant.objects.count() == 1


def test_confirming_checks_the_rules_again_in_case_something_changed_since_the_question(signed_in, school, ect):
    answered = signed_in.post(register_ect_url(school), VALID_ECT)
    assert answered.status_code == 302
    # Meanwhile someone else at the school is given the same email address.
    factories.SchoolPeriodFactory(school=school, email=VALID_ECT["email"])
    page = errors_in(signed_in.post(register_ect_url(school, "-check")))
    assert_linked_error(page, "email", "This email address is already used by someone at this school")
    assert not Participant.objects.filter(trn=VALID_ECT["trn"]).exists()
