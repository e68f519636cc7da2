"""The journeys for a school's own details and its people's induction details, walked in headless Chromium
with every page checked by axe-core (WCAG 2.2 AA), each change read back through the lead provider API:
the induction tutor (P5), an ECT's working pattern (F20, O2) and appropriate body, a mentor's start date
and "mentoring only at your school" (SC6), and the lead provider offered from the school's choices.

The browser and the API both run on 15 January 2026 (the sandbox clock header), in the 2025 cohort.
"""

import datetime as dt

import pytest
from playwright.sync_api import expect

from config.models import AuditEvent
from participants.models import Participant, ParticipantType, SchoolPeriod
from schools.models import SchoolCohortChoice
from tests import builders, factories
from tests.conftest import ProviderClient
from tests.portal.browser import (
    API_DATE,
    assert_accessible,
    continue_and_confirm,
    enrolment,
    fill_date,
    seen_by,
    sign_in,
)

BORN = dt.date(1985, 6, 1)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def partnered_school(school, lead_provider):
    """Oakfield is in partnership with Ambition Institute for 2025, and chose them for that cohort."""
    builders.partnership(lead_provider, school=school)
    SchoolCohortChoice.objects.create(
        school=school, cohort_id=2025, induction_programme_choice="provider_led", lead_provider=lead_provider
    )
    school.induction_tutor_name = "Ina Tutor"
    school.induction_tutor_email = "ina.tutor@oakfield.example"
    school.save()
    return school


@pytest.fixture
def alex(partnered_school, lead_provider):
    """A full-time ECT in provider-led training with Ambition Institute since September 2025."""
    participant, _ = builders.trained_participant(lead_provider, school=partnered_school)
    participant.full_name = "Alex Carter"
    participant.save()
    return participant.school_periods.get()


def audited(tutor, action) -> bool:
    return AuditEvent.objects.filter(actor_kind="school_user", actor_id=str(tutor.pk), action=action).exists()


def open_participant(page, name):
    page.goto("/school/")
    page.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
    assert_accessible(page)


def summary_value(page, key):
    return page.locator(".govuk-summary-list__row").filter(has=page.locator("dt", has_text=key))


def api_get(lead_provider, path, **params):
    from config import clock

    with clock.travel_to(API_DATE):
        response = ProviderClient(lead_provider).get(path, params)
    assert response.status_code == 200, response.content
    return response.json()["data"]


def test_P5_the_induction_tutor_is_checked_on_its_question_page_and_read_by_lead_providers(
    browser_page, partnered_school, tutor, lead_provider, other_lead_provider
):
    page = browser_page
    sign_in(page, tutor.email)
    page.get_by_role("link", name="School details").click()
    expect(page.get_by_role("heading", level=1, name="Your school's details")).to_be_visible()
    expect(summary_value(page, "Full name")).to_contain_text("Ina Tutor")
    assert_accessible(page)

    page.get_by_role("link", name="Change induction tutor's name").click()
    expect(page.get_by_role("heading", level=1, name="Who is your school's induction tutor?")).to_be_visible()
    expect(page.get_by_label("Full name")).to_have_value("Ina Tutor")
    expect(page.get_by_label("Email address")).to_have_value("ina.tutor@oakfield.example")
    assert_accessible(page)

    # The school action's rules answer on the question page, before "Check your answers".
    page.get_by_label("Full name").fill("12345")
    page.get_by_label("Email address").fill("tomas@")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Full name must include letters")).to_be_visible()
    expect(
        summary.get_by_role("link", name="Enter an email address in the correct format, like name@example.com")
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Full name").fill("Tomás O'Neill")
    page.get_by_label("Email address").fill("tomas.oneill@oakfield.example")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    expect(summary_value(page, "Email address")).to_contain_text("tomas.oneill@oakfield.example")
    continue_and_confirm_from_check(page, "Confirm induction tutor")
    panel = page.locator(".govuk-panel")
    expect(panel).to_contain_text("Induction tutor changed")
    expect(page.locator("main")).to_contain_text("Lead providers see their name and email address")

    [partnership] = api_get(lead_provider, "/api/v3/partnerships")
    assert (
        partnership["attributes"]["induction_tutor_name"],
        partnership["attributes"]["induction_tutor_email"],
    ) == ("Tomás O'Neill", "tomas.oneill@oakfield.example")
    assert api_get(other_lead_provider, "/api/v3/partnerships") == []
    [listed] = api_get(other_lead_provider, "/api/v3/schools", **{"filter[cohort]": "2025", "filter[urn]": "100001"})
    assert listed["attributes"]["induction_tutor_email"] == "tomas.oneill@oakfield.example"
    assert audited(tutor, "update_induction_tutor")

    page.get_by_role("link", name="Back to your school's details").click()
    expect(summary_value(page, "Full name")).to_contain_text("Tomás O'Neill")
    assert_accessible(page)


def continue_and_confirm_from_check(page, confirm_label):
    assert_accessible(page)
    page.get_by_role("button", name=confirm_label).click()
    expect(page.locator(".govuk-panel--confirmation")).to_be_visible()
    assert_accessible(page)


def test_F20_O2_an_ects_new_working_pattern_is_read_by_their_lead_provider_and_no_other(
    browser_page, tutor, alex, lead_provider, other_lead_provider
):
    page = browser_page
    sign_in(page, tutor.email)
    open_participant(page, "Alex Carter")
    expect(summary_value(page, "Working pattern")).to_contain_text("Full time")
    page.get_by_role("link", name="Change working pattern").click()
    expect(page.get_by_role("heading", level=1, name="Do they work full time or part time?")).to_be_visible()
    # The current answer is shown, not hidden.
    expect(page.get_by_label("Full time")).to_be_checked()
    assert_accessible(page)

    page.get_by_label("Part time").check()
    continue_and_confirm(page, "Confirm working pattern")
    expect(page.locator(".govuk-panel")).to_contain_text("Alex Carter works part time.")
    expect(page.locator("main")).to_contain_text(f"{lead_provider.name} can see this change now")
    expect(page.locator("main")).not_to_contain_text(other_lead_provider.name)

    assert enrolment(seen_by(lead_provider, alex.participant))["working_pattern"] == "part_time"
    assert seen_by(other_lead_provider, alex.participant) is None
    assert audited(tutor, "change_working_pattern")
    page.get_by_role("link", name="Back to Alex Carter").click()
    expect(summary_value(page, "Working pattern")).to_contain_text("Part time")


def test_an_ects_appropriate_body_is_chosen_from_the_reference_list_and_kept_from_lead_providers(
    browser_page, tutor, alex, lead_provider
):
    page = browser_page
    before = seen_by(lead_provider, alex.participant)
    sign_in(page, tutor.email)
    open_participant(page, "Alex Carter")
    expect(summary_value(page, "Appropriate body")).to_contain_text("Not recorded")
    page.get_by_role("link", name="Change appropriate body").click()
    expect(
        page.get_by_role("heading", level=1, name="Which appropriate body will quality assure their induction?")
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("link", name="Select their appropriate body")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Which appropriate body will quality assure their induction?").select_option(
        label="National Teacher Accreditation (NTA)"
    )
    continue_and_confirm(page, "Confirm appropriate body")
    expect(page.locator(".govuk-panel")).to_contain_text(
        "National Teacher Accreditation (NTA) is Alex Carter's appropriate body."
    )
    expect(page.locator("main")).to_contain_text("No lead provider sees this")

    assert SchoolPeriod.objects.get(pk=alex.pk).appropriate_body.name == "National Teacher Accreditation (NTA)"
    assert seen_by(lead_provider, alex.participant) == before
    assert audited(tutor, "change_appropriate_body")
    page.get_by_role("link", name="Back to Alex Carter").click()
    expect(summary_value(page, "Appropriate body")).to_contain_text("National Teacher Accreditation (NTA)")
    assert_accessible(page)


def test_SC6_a_mentor_registered_from_a_later_date_mentoring_only_here_leaves_their_other_school_the_day_before(
    browser_page, partnered_school, other_school, tutor
):
    page = browser_page
    elsewhere = factories.SchoolPeriodFactory(
        school=other_school,
        participant_type=ParticipantType.MENTOR,
        participant__trn="7654321",
        participant__date_of_birth=BORN,
    )
    sign_in(page, tutor.email)
    page.get_by_role("button", name="Register a mentor").click()
    assert_accessible(page)
    page.get_by_label("Full name").fill("Robin Ellis")
    page.get_by_label("Teacher reference number (TRN)").fill("7654321")
    fill_date(page, "Date of birth", BORN)
    page.get_by_label("Email address").fill("robin.ellis@oakfield.example")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Enter the date they start mentoring at your school")).to_be_visible()
    expect(summary.get_by_role("link", name="Select yes if they will mentor only at your school")).to_be_visible()
    assert_accessible(page)

    fill_date(page, "When do they start mentoring at your school?", dt.date(2026, 4, 20))
    page.get_by_role("radio", name="Yes").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    expect(summary_value(page, "Start date")).to_contain_text("20 April 2026")
    expect(summary_value(page, "Mentoring only at your school")).to_contain_text("Yes")
    continue_and_confirm_from_check(page, "Confirm and register mentor")

    mentor = SchoolPeriod.objects.get(participant__trn="7654321", school=partnered_school)
    assert (mentor.started_on, mentor.mentoring_only_here) == (dt.date(2026, 4, 20), True)
    assert SchoolPeriod.objects.get(pk=elsewhere.pk).finished_on == dt.date(2026, 4, 19)
    assert audited(tutor, "register_mentor")
    page.get_by_role("link", name="View their details").click()
    expect(summary_value(page, "Mentoring only at your school")).to_contain_text("Yes")
    expect(summary_value(page, "School start date")).to_contain_text("20 April 2026")
    assert_accessible(page)


def test_SC6_a_mentor_who_also_mentors_elsewhere_keeps_their_other_school_and_no_provider_trains_them(
    browser_page, partnered_school, other_school, tutor, alex, lead_provider, other_lead_provider
):
    """Registered for Alex (provider-led with Ambition Institute): mentors elsewhere too, so SC6 gives them no
    mentor training and no provider sees them as a mentor, while Alex's provider sees Alex's new mentor."""
    page = browser_page
    elsewhere = factories.SchoolPeriodFactory(
        school=other_school,
        participant_type=ParticipantType.MENTOR,
        participant__trn="2345678",
        participant__date_of_birth=BORN,
    )
    sign_in(page, tutor.email)
    open_participant(page, "Alex Carter")
    page.get_by_role("link", name="Change mentor").click()
    page.get_by_label("Register a new mentor").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Full name").fill("Dana Brooks")
    page.get_by_label("Teacher reference number (TRN)").fill("2345678")
    fill_date(page, "Date of birth", BORN)
    page.get_by_label("Email address").fill("dana.brooks@oakfield.example")
    fill_date(page, "When do they start mentoring at your school?", dt.date(2026, 1, 15))
    page.get_by_role("radio", name="No, they will also mentor at another school").check()
    continue_and_confirm(page, "Confirm and register mentor")

    dana = Participant.objects.get(trn="2345678")
    assert SchoolPeriod.objects.get(pk=elsewhere.pk).finished_on is None
    assert SchoolPeriod.objects.get(participant=dana, school=partnered_school).mentoring_only_here is False
    assert enrolment(seen_by(lead_provider, alex.participant))["mentor_id"] == str(dana.api_id)
    assert seen_by(lead_provider, dana) is None and seen_by(other_lead_provider, dana) is None


def test_registering_an_ect_offers_the_lead_provider_from_the_schools_cohort_choice(
    browser_page, partnered_school, tutor, lead_provider, other_lead_provider
):
    builders.partnership(other_lead_provider, school=partnered_school)
    page = browser_page
    sign_in(page, tutor.email)
    page.get_by_role("button", name="Register an ECT").click()
    expect(page.get_by_role("radio", name="Provider-led")).to_be_checked()
    provider = page.get_by_label("If provider-led, which lead provider will train them?")
    expect(provider).to_have_value(str(lead_provider.pk))
    expect(page.get_by_text("Filled in from your school's training choices and partnerships.")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Full name").fill("Priya Shah")
    page.get_by_label("Teacher reference number (TRN)").fill("1234567")
    fill_date(page, "Date of birth", dt.date(1998, 3, 27))
    page.get_by_label("Email address").fill("priya.shah@oakfield.example")
    fill_date(page, "When do they start at your school?", dt.date(2026, 1, 5))
    page.get_by_label("Full time").check()
    page.get_by_role("button", name="Continue").click()
    expect(summary_value(page, "Lead provider")).to_contain_text(lead_provider.name)
    continue_and_confirm_from_check(page, "Confirm and register ECT")

    priya = Participant.objects.get(trn="1234567")
    assert enrolment(seen_by(lead_provider, priya))["participant_status"] == "active"
    assert seen_by(other_lead_provider, priya) is None
