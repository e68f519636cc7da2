"""Each school portal journey, walked in headless Chromium as an induction tutor would, every page
checked with axe-core for WCAG 2.2 AA, and each change read back through the lead provider API.

The browser and the API both run on 15 January 2026 (the sandbox clock header), in the 2025 cohort.
"""

import datetime as dt

import pytest
from playwright.sync_api import expect

from config.models import AuditEvent
from participants.models import Participant, ParticipantType, ProgrammeType, SchoolPeriod
from schools.models import LeadProviderDeliveryPartnership, Partnership, SchoolCohortChoice
from tests import builders, factories
from tests.portal.browser import assert_accessible, card, continue_and_confirm, enrolment, fill_date, seen_by, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def delivery_partner():
    return factories.DeliveryPartnerFactory(name="Northern Teaching Schools")


@pytest.fixture
def school_with_partners(school, lead_provider, other_lead_provider, delivery_partner):
    """Oakfield works with Ambition Institute in 2025 and has chosen them; Teach First also partners it.

    Ambition Institute keeps the same delivery partner in 2026, so that partnership can roll over."""
    builders.partnership(lead_provider, school=school, delivery_partner=delivery_partner)
    LeadProviderDeliveryPartnership.objects.create(
        lead_provider=lead_provider, delivery_partner=delivery_partner, cohort_id=2026
    )
    builders.partnership(other_lead_provider, school=school)
    SchoolCohortChoice.objects.create(
        school=school,
        cohort_id=2025,
        induction_programme_choice="provider_led",
        lead_provider=lead_provider,
        delivery_partner=delivery_partner,
    )
    return school


@pytest.fixture
def alex(school_with_partners, lead_provider):
    """An ECT in provider-led training with Ambition Institute since September 2025."""
    participant, _ = builders.trained_participant(
        lead_provider, school=school_with_partners, email="alex.carter@oakfield.example"
    )
    participant.full_name = "Alex Carter"
    participant.save()
    return participant.school_periods.get()


@pytest.fixture
def morgan(school_with_partners):
    """A mentor at the school with no training of their own yet."""
    return factories.SchoolPeriodFactory(
        school=school_with_partners,
        participant_type=ParticipantType.MENTOR,
        participant__full_name="Morgan Lee",
        email="morgan.lee@oakfield.example",
    )


def audited(tutor, action) -> bool:
    return AuditEvent.objects.filter(actor_kind="school_user", actor_id=str(tutor.pk), action=action).exists()


def open_participant(page, name):
    page.goto("/school/")
    page.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
    assert_accessible(page)


def change(page, row):
    page.get_by_role("link", name=f"Change {row.lower()}").click()


def test_signing_in_and_the_list_show_each_person_with_provider_partner_programme_mentor_and_status(
    browser_page, school_with_partners, tutor, alex, morgan, lead_provider, delivery_partner
):
    page = browser_page
    factories.MentorshipFactory(ect_school_period=alex, mentor_school_period=morgan)
    factories.SchoolPeriodFactory(
        school=school_with_partners, participant__full_name="Jo Joining", started_on=dt.date(2026, 4, 20)
    )
    factories.SchoolPeriodFactory(
        school=school_with_partners, participant__full_name="Lee Leaving", finished_on=dt.date(2026, 3, 31)
    )
    factories.SchoolPeriodFactory(
        school=school_with_partners, participant__full_name="Sam Left", finished_on=dt.date(2025, 12, 19)
    )

    sign_in(page, tutor.email, "not the password")
    expect(page.get_by_role("link", name="Enter a correct email address and password")).to_be_visible()
    assert page.title().startswith("Error: ")
    assert_accessible(page)

    sign_in(page, tutor.email)
    expect(page.get_by_role("heading", name="Your ECTs and mentors")).to_be_visible()
    assert_accessible(page)
    alex_card = card(page, "Alex Carter")
    for text in ("ECT", "Provider-led", lead_provider.name, delivery_partner.name, "Morgan Lee", "At your school"):
        expect(alex_card).to_contain_text(text)
    expect(alex_card.locator(".govuk-tag")).to_have_text(["At your school", "In training"])
    expect(card(page, "Jo Joining")).to_contain_text("Joining on 20 April 2026")
    expect(card(page, "Lee Leaving")).to_contain_text("Leaving on 31 March 2026")
    expect(card(page, "Morgan Lee")).to_contain_text("Mentor")
    expect(card(page, "Morgan Lee")).to_contain_text("Alex Carter")
    expect(card(page, "Sam Left")).to_have_count(0)
    page.get_by_role("link", name="View ECTs and mentors who have left (1)").click()
    expect(card(page, "Sam Left")).to_contain_text("Left on 19 December 2025")
    assert_accessible(page)


def test_registering_a_provider_led_ect_shows_them_to_their_lead_provider(
    browser_page, school_with_partners, tutor, lead_provider
):
    page = browser_page
    sign_in(page, tutor.email)
    page.get_by_role("button", name="Register an ECT").click()
    expect(page.get_by_role("heading", name="Register an early career teacher (ECT)")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    for message in (
        "Enter their full name",
        "Enter their teacher reference number (TRN)",
        "Enter their date of birth",
    ):
        expect(summary.get_by_role("link", name=message)).to_be_visible()
    assert_accessible(page)
    summary.get_by_role("link", name="Enter their teacher reference number (TRN)").click()
    expect(page.locator("#trn")).to_be_focused()

    page.get_by_label("Full name").fill("Priya Shah")
    page.get_by_label("Teacher reference number (TRN)").fill("123 45")
    fill_date(page, "Date of birth", dt.date(1998, 3, 27))
    page.get_by_label("Email address").fill("priya.shah@oakfield.example")
    fill_date(page, "When do they start at your school?", dt.date(2026, 1, 5))
    page.get_by_label("Full time").check()
    page.get_by_role("radio", name="Provider-led").check()
    page.get_by_label("Which lead provider will train them?").select_option(label=lead_provider.name)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("link", name="Enter a teacher reference number (TRN) with 7 digits")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Teacher reference number (TRN)").fill("1234567")
    continue_and_confirm(page, "Confirm and register ECT")
    expect(page.get_by_role("heading", name="ECT registered")).to_be_visible()

    priya = Participant.objects.get(trn="1234567")
    row = seen_by(lead_provider, priya)
    assert row["attributes"]["full_name"] == "Priya Shah"
    assert enrolment(row)["email"] == "priya.shah@oakfield.example"
    assert enrolment(row)["participant_status"] == "active"
    assert audited(tutor, "register_ect")

    page.get_by_role("link", name="View their details").click()
    expect(page.get_by_role("heading", level=1, name="Priya Shah")).to_be_visible()
    assert_accessible(page)


def test_registering_a_mentor_adds_them_to_the_schools_mentors(browser_page, school_with_partners, tutor):
    page = browser_page
    sign_in(page, tutor.email)
    page.get_by_role("button", name="Register a mentor").click()
    assert_accessible(page)
    page.get_by_label("Full name").fill("Robin Ellis")
    page.get_by_label("Teacher reference number (TRN)").fill("7654321")
    fill_date(page, "Date of birth", dt.date(1984, 6, 2))
    page.get_by_label("Email address").fill("robin.ellis@oakfield.example")
    fill_date(page, "When do they start mentoring at your school?", dt.date(2026, 1, 15))
    page.get_by_role("radio", name="Yes").check()
    continue_and_confirm(page, "Confirm and register mentor")
    expect(page.get_by_role("heading", name="Mentor registered")).to_be_visible()

    mentor = SchoolPeriod.objects.get(participant__trn="7654321")
    assert mentor.participant_type == ParticipantType.MENTOR and mentor.school == school_with_partners
    assert audited(tutor, "register_mentor")
    page.goto("/school/")
    expect(card(page, "Robin Ellis")).to_contain_text("Mentor")


def test_changing_name_and_email_reaches_the_lead_provider(browser_page, tutor, alex, lead_provider):
    page = browser_page
    sign_in(page, tutor.email)
    open_participant(page, "Alex Carter")

    change(page, "Name")
    assert_accessible(page)
    expect(page.get_by_label("Full name")).to_have_value("Alex Carter")
    page.get_by_label("Full name").fill("Alex Carter-Jones")
    page.get_by_role("button", name="Continue").click()
    # Changing an answer from the check page keeps what was typed.
    page.get_by_role("link", name="Change full name").click()
    expect(page.get_by_label("Full name")).to_have_value("Alex Carter-Jones")
    continue_and_confirm(page, "Confirm name change")

    page.get_by_role("link", name="Back to Alex Carter-Jones").click()
    change(page, "Email address")
    page.get_by_label("Email address").fill("alex.cj@oakfield.example")
    continue_and_confirm(page, "Confirm email address change")

    row = seen_by(lead_provider, alex.participant)
    assert row["attributes"]["full_name"] == "Alex Carter-Jones"
    assert enrolment(row)["email"] == "alex.cj@oakfield.example"
    assert audited(tutor, "update_name") and audited(tutor, "update_email")


def test_reporting_that_an_ect_is_leaving_shows_them_leaving_to_the_lead_provider(
    browser_page, tutor, alex, lead_provider
):
    page = browser_page
    sign_in(page, tutor.email)
    open_participant(page, "Alex Carter")
    page.get_by_role("button", name="Report that they are leaving your school").click()
    assert_accessible(page)
    fill_date(page, "When is their last day at your school?", dt.date(2025, 8, 1))
    page.get_by_role("button", name="Continue").click()
    # The school action's rule is checked on the question page, linked to the date.
    link = page.get_by_role("link", name="The leaving date must be on or after the start date")
    expect(link).to_be_visible()
    assert_accessible(page)

    fill_date(page, "When is their last day at your school?", dt.date(2026, 3, 31))
    continue_and_confirm(page, "Confirm they are leaving")
    expect(page.locator(".govuk-panel")).to_contain_text("leaves your school on 31 March 2026")

    assert enrolment(seen_by(lead_provider, alex.participant))["participant_status"] == "leaving"
    assert audited(tutor, "report_leaving")
    page.get_by_role("link", name="Back to Alex Carter").click()
    expect(page.get_by_text("Leaving on 31 March 2026")).to_be_visible()


def test_assigning_one_of_the_schools_mentors_gives_the_ect_that_mentor(
    browser_page, tutor, alex, morgan, lead_provider
):
    page = browser_page
    sign_in(page, tutor.email)
    open_participant(page, "Alex Carter")
    change(page, "Mentor")
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("link", name="Select a mentor, or that you will register a new mentor")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Morgan Lee").check()
    continue_and_confirm(page, "Confirm mentor")
    expect(page.locator(".govuk-panel")).to_contain_text("Morgan Lee will mentor Alex Carter")

    assert enrolment(seen_by(lead_provider, alex.participant))["mentor_id"] == str(morgan.participant.api_id)
    assert audited(tutor, "assign_mentor")


def test_registering_a_new_mentor_for_an_ect_assigns_them(browser_page, tutor, alex, lead_provider):
    page = browser_page
    sign_in(page, tutor.email)
    open_participant(page, "Alex Carter")
    change(page, "Mentor")
    page.get_by_label("Register a new mentor").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Register a new mentor")).to_be_visible()
    assert_accessible(page)

    # A mentor who is the ECT themself is refused by the school action's rule, on the question page.
    alex.participant.date_of_birth = dt.date(1996, 4, 9)
    alex.participant.save()
    page.get_by_label("Full name").fill("Alex Carter")
    page.get_by_label("Teacher reference number (TRN)").fill(alex.participant.trn)
    fill_date(page, "Date of birth", dt.date(1996, 4, 9))
    page.get_by_label("Email address").fill("alex.mentor@oakfield.example")
    fill_date(page, "When do they start mentoring at your school?", dt.date(2026, 1, 15))
    page.get_by_role("radio", name="Yes").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("link", name="An ECT cannot be their own mentor")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Full name").fill("Dana Brooks")
    page.get_by_label("Teacher reference number (TRN)").fill("2345678")
    fill_date(page, "Date of birth", dt.date(1979, 12, 1))
    page.get_by_label("Email address").fill("dana.brooks@oakfield.example")
    continue_and_confirm(page, "Confirm and register mentor")
    expect(page.locator(".govuk-panel")).to_contain_text("will mentor Alex Carter")

    dana = Participant.objects.get(trn="2345678")
    assert enrolment(seen_by(lead_provider, alex.participant))["mentor_id"] == str(dana.api_id)
    assert audited(tutor, "register_mentor")


def test_switching_an_ect_to_school_led_and_back_to_provider_led(browser_page, tutor, alex, lead_provider):
    page = browser_page
    sign_in(page, tutor.email)
    open_participant(page, "Alex Carter")
    change(page, "Training programme")
    assert_accessible(page)
    page.get_by_role("radio", name="School-led").check()
    continue_and_confirm(page, "Confirm training programme")
    expect(page.locator(".govuk-panel")).to_contain_text("now doing school-led training")
    assert enrolment(seen_by(lead_provider, alex.participant))["participant_status"] == "left"

    page.get_by_role("link", name="Back to Alex Carter").click()
    expect(page.locator(".govuk-summary-list__row").filter(has_text="Training programme")).to_contain_text("School-led")
    change(page, "Training programme")
    page.get_by_role("radio", name="Provider-led").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("link", name="Select a lead provider")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Which lead provider will train them?").select_option(label=lead_provider.name)
    continue_and_confirm(page, "Confirm training programme")

    assert enrolment(seen_by(lead_provider, alex.participant))["participant_status"] == "active"
    assert audited(tutor, "switch_programme")


def test_moving_an_ect_to_another_lead_provider(browser_page, tutor, alex, lead_provider, other_lead_provider):
    page = browser_page
    sign_in(page, tutor.email)
    open_participant(page, "Alex Carter")
    change(page, "Lead provider")
    assert_accessible(page)
    page.get_by_label(other_lead_provider.name).check()
    continue_and_confirm(page, "Confirm lead provider")
    expect(page.locator(".govuk-panel")).to_contain_text(f"{other_lead_provider.name} will train Alex Carter")

    assert enrolment(seen_by(lead_provider, alex.participant))["participant_status"] == "left"
    assert enrolment(seen_by(other_lead_provider, alex.participant))["participant_status"] == "active"
    assert audited(tutor, "change_lead_provider")


def test_keeping_the_lead_provider_and_delivery_partner_for_a_new_cohort_rolls_the_partnership_over(
    browser_page, school_with_partners, tutor, lead_provider, delivery_partner
):
    page = browser_page
    sign_in(page, tutor.email)
    page.get_by_role("link", name="Training choices").click()
    assert_accessible(page)
    page.get_by_role("link", name="Confirm your choice for the 2026 cohort").click()
    assert_accessible(page)
    expect(page.get_by_text(f"Provider-led with {lead_provider.name} ({delivery_partner.name})")).to_be_visible()
    page.get_by_label("Yes").check()
    continue_and_confirm(page, "Confirm")

    rolled = Partnership.objects.get(school=school_with_partners, cohort_id=2026)
    assert (rolled.lead_provider, rolled.delivery_partner) == (lead_provider, delivery_partner)
    assert audited(tutor, "confirm_cohort_choice")
    page.get_by_role("link", name="Back to your cohorts").click()
    expect(page.get_by_role("row").filter(has_text="2026 to 2027")).to_contain_text(
        f"Provider-led with {lead_provider.name}"
    )


def test_choosing_school_led_for_a_new_cohort(browser_page, school_with_partners, tutor):
    page = browser_page
    sign_in(page, tutor.email)
    page.goto(f"/school/{school_with_partners.urn}/cohorts/2026/")
    page.get_by_role("button", name="Continue").click()
    expect(
        page.get_by_role("link", name="Select yes if you will keep the same lead provider and delivery partner")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("No").check()
    page.get_by_role("radio", name="School-led").check()
    continue_and_confirm(page, "Confirm")
    choice = SchoolCohortChoice.objects.get(school=school_with_partners, cohort_id=2026)
    assert choice.induction_programme_choice == ProgrammeType.SCHOOL_LED and choice.lead_provider is None
    assert not Partnership.objects.filter(school=school_with_partners, cohort_id=2026).exists()


def test_every_journey_works_without_javascript(no_js_page, school_with_partners, tutor, lead_provider):
    """The provider question is revealed by script when there is one; without it, it is simply shown."""
    page = no_js_page
    sign_in(page, tutor.email)
    page.get_by_role("button", name="Register an ECT").click()
    page.get_by_label("Full name").fill("Kai Moreno")
    page.get_by_label("Teacher reference number (TRN)").fill("3456789")
    fill_date(page, "Date of birth", dt.date(1995, 11, 2))
    page.get_by_label("Email address").fill("kai.moreno@oakfield.example")
    fill_date(page, "When do they start at your school?", dt.date(2026, 1, 12))
    page.get_by_label("Part time").check()
    page.get_by_role("radio", name="Provider-led").check()
    page.get_by_label("Which lead provider will train them?").select_option(label=lead_provider.name)
    continue_and_confirm(page, "Confirm and register ECT")
    kai = Participant.objects.get(trn="3456789")
    assert enrolment(seen_by(lead_provider, kai))["working_pattern"] == "part_time"

    page.get_by_role("link", name="View their details").click()
    change(page, "Email address")
    page.get_by_label("Email address").fill("kai@oakfield.example")
    continue_and_confirm(page, "Confirm email address change")
    assert enrolment(seen_by(lead_provider, kai))["email"] == "kai@oakfield.example"
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_another_schools_participant_is_a_page_not_found(browser_page, school_with_partners, other_school, tutor):
    page = browser_page
    theirs = factories.SchoolPeriodFactory(school=other_school, participant__full_name="Not Yours")
    sign_in(page, tutor.email)
    for path in (
        f"/school/{other_school.urn}/",
        f"/school/{school_with_partners.urn}/participants/{theirs.pk}/",
        f"/school/{other_school.urn}/participants/{theirs.pk}/name/",
    ):
        response = page.goto(path)
        assert response.status == 404, path
        expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
        expect(page.locator("body")).not_to_contain_text("Not Yours")
    assert_accessible(page)


def test_an_invited_member_of_staff_chooses_a_password_and_signs_in(browser_page, school_with_partners):
    from schools.portal import invitations

    page = browser_page
    path = invitations.invite(email="head@oakfield.example", school=school_with_partners, now=dt.datetime.now(dt.UTC))
    page.goto(path)
    expect(page.get_by_role("heading", name="Choose your password")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Confirm password").fill("short")
    page.get_by_role("button", name="Save password and sign in").click()
    expect(page.get_by_role("link", name="Password must be 12 characters or more")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Password", exact=True).fill("a long and unusual phrase")
    page.get_by_label("Confirm password").fill("a long and unusual phrase")
    page.get_by_role("button", name="Save password and sign in").click()
    expect(page.get_by_role("heading", name="Your ECTs and mentors")).to_be_visible()
