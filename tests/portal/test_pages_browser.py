"""The GOV.UK layout and patterns every portal page shares, walked in headless Chromium with axe-core
(WCAG 2.2 AA): the GOV.UK header, titles in GOV.UK's format, the current page marked in the service
navigation, the footer's pages, password reset, one-question pages and date errors.
"""

import datetime as dt
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from participants.models import ParticipantType
from tests import builders, factories
from tests.portal.browser import assert_accessible, fill_date, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SERVICE = "Manage training for early career teachers"


def govuk_title(page_title: str, *, error: bool = False) -> str:
    return f"{'Error: ' if error else ''}{page_title} – {SERVICE} – GOV.UK"


@pytest.fixture
def alex(school, lead_provider):
    """An ECT in provider-led training at the school since September 2025."""
    participant, _ = builders.trained_participant(lead_provider, school=school)
    participant.full_name = "Alex Carter"
    participant.save()
    return participant.school_periods.get()


def navigation(page):
    return page.get_by_role("navigation", name="Menu")


def test_every_page_has_the_govuk_header_and_a_govuk_title(browser_page, school, tutor, alex):
    page = browser_page
    page.goto("/school/sign-in/")
    header_link = page.locator("header .govuk-header .govuk-header__homepage-link")
    expect(header_link).to_have_attribute("href", "https://www.gov.uk/")
    expect(header_link.get_by_role("img", name="GOV.UK")).to_be_visible()
    assert page.title() == govuk_title("Sign in")
    assert_accessible(page)

    sign_in(page, tutor.email)
    assert page.title() == govuk_title("ECTs and mentors")
    page.get_by_role("link", name="Alex Carter").click()
    assert page.title() == govuk_title("Alex Carter")
    page.get_by_role("link", name="Change email address").click()
    assert page.title() == govuk_title("What is their email address?")
    page.get_by_label("What is their email address?").fill("not an email")
    page.get_by_role("button", name="Continue").click()
    assert page.title() == govuk_title("What is their email address?", error=True)
    expect(page.locator("header .govuk-header")).to_be_visible()
    assert_accessible(page)


def test_the_service_navigation_marks_the_section_and_the_page_you_are_on(browser_page, school, tutor, alex):
    page = browser_page
    sign_in(page, tutor.email)
    ects_and_mentors = navigation(page).get_by_role("link", name="ECTs and mentors")
    training_choices = navigation(page).get_by_role("link", name="Training choices")
    expect(ects_and_mentors).to_have_attribute("aria-current", "page")
    expect(training_choices).not_to_have_attribute("aria-current", re.compile(".*"))

    # Pages below a section mark it too, as part of it rather than as the page itself.
    page.get_by_role("link", name="Alex Carter").click()
    expect(ects_and_mentors).to_have_attribute("aria-current", "true")
    page.get_by_role("link", name="Change name").click()
    expect(ects_and_mentors).to_have_attribute("aria-current", "true")

    training_choices.click()
    expect(training_choices).to_have_attribute("aria-current", "page")
    expect(ects_and_mentors).not_to_have_attribute("aria-current", re.compile(".*"))
    page.get_by_role("link", name=re.compile("^Confirm your choice")).first.click()
    expect(training_choices).to_have_attribute("aria-current", "true")
    assert_accessible(page)


def test_sign_out_looks_exactly_like_the_navigation_links_beside_it(browser_page, school, tutor):
    page = browser_page
    sign_in(page, tutor.email)
    properties = ["color", "font-family", "font-size", "font-weight", "line-height", "text-decoration-line"]
    style = "(element, names) => names.map(name => getComputedStyle(element).getPropertyValue(name))"
    sign_out = navigation(page).get_by_role("button", name="Sign out")
    link = navigation(page).get_by_role("link", name="Training choices")
    assert sign_out.evaluate(style, properties) == link.evaluate(style, properties)
    link.hover()
    hovered_link = link.evaluate(style, properties)
    sign_out.hover()
    assert sign_out.evaluate(style, properties) == hovered_link
    sign_out.click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


@pytest.mark.parametrize(
    "link, heading, title",
    [
        ("Help and contact", "Help and contact", "Help and contact"),
        (
            "Accessibility statement",
            "Accessibility statement for Manage training for early career teachers",
            "Accessibility statement",
        ),
        ("Cookies", "Cookies", "Cookies"),
        ("Privacy notice", "Privacy notice", "Privacy notice"),
    ],
)
def test_the_footer_links_to_the_pages_every_govuk_service_has(browser_page, link, heading, title):
    page = browser_page
    page.goto("/school/sign-in/")
    page.get_by_role("contentinfo").get_by_role("link", name=link).click()
    expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
    assert page.title() == govuk_title(title)
    assert_accessible(page)


def test_the_help_page_gives_the_contact_address_and_the_way_to_reset_a_password(browser_page, settings):
    page = browser_page
    page.goto("/school/help/")
    expect(page.get_by_role("link", name=settings.PORTAL_CONTACT_EMAIL)).to_have_attribute(
        "href", f"mailto:{settings.PORTAL_CONTACT_EMAIL}"
    )
    page.get_by_role("link", name="reset your password").click()
    expect(page.get_by_role("heading", level=1, name="Reset your password")).to_be_visible()


def test_the_cookies_page_lists_every_cookie_the_service_sets(browser_page, school, tutor, alex):
    page = browser_page
    sign_in(page, tutor.email)
    # A journey keeps its answers in the session; the forms set the CSRF cookie.
    page.get_by_role("link", name="Alex Carter").click()
    page.get_by_role("link", name="Change email address").click()
    page.get_by_label("What is their email address?").fill("alex@oakfield.example")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    set_by_the_service = {cookie["name"] for cookie in page.context.cookies()}
    assert set_by_the_service, "the journey should have set cookies"

    page.get_by_role("contentinfo").get_by_role("link", name="Cookies").click()
    listed = set(page.locator(".govuk-summary-card__title").all_inner_texts())
    assert listed == set_by_the_service


def test_a_forgotten_password_is_reset_through_an_emailed_link(browser_page, school, tutor, emails_sent_at_once):
    page = browser_page
    page.goto("/school/sign-in/")
    page.get_by_role("link", name="Forgotten your password?").click()
    assert page.title() == govuk_title("Reset your password")
    assert_accessible(page)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("link", name="Enter your email address")).to_be_visible()
    assert page.title() == govuk_title("Reset your password", error=True)
    assert_accessible(page)
    page.get_by_label("Email address").fill(tutor.email)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert_accessible(page)

    (message,) = mail.outbox
    link = re.search(r"https?://\S+/password-reset/\S+/", message.body).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    page.get_by_label("New password", exact=True).fill("password1234")
    page.get_by_label("Enter the new password again").fill("password1234")
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_role("link", name=re.compile("^Enter a password that is harder to guess"))).to_be_visible()
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill("a long and unusual phrase")
    page.get_by_label("Enter the new password again").fill("a long and unusual phrase")
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_role("heading", name="Password changed")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Sign in with your new password").click()
    sign_in(page, tutor.email, "a long and unusual phrase")
    expect(page.get_by_role("heading", name="Your ECTs and mentors")).to_be_visible()


def the_h1(page):
    headings = page.get_by_role("heading", level=1)
    expect(headings).to_have_count(1)
    return headings.inner_text()


def test_a_one_question_page_asks_its_question_once_as_the_page_heading(browser_page, school, tutor, alex):
    page = browser_page
    factories.SchoolPeriodFactory(
        school=school, participant_type=ParticipantType.MENTOR, participant__full_name="Morgan Lee"
    )
    sign_in(page, tutor.email)
    page.get_by_role("link", name="Alex Carter").click()
    participant_page = page.url
    for change_link, question, field_role in [
        ("Change name", "What is their full name?", "textbox"),
        ("Change email address", "What is their email address?", "textbox"),
        ("Change mentor", "Who will mentor them?", "group"),
        ("Change lead provider", "Which lead provider will train them?", "group"),
        ("Change training programme", "How will they be trained?", "group"),
    ]:
        page.goto(participant_page)
        page.get_by_role("link", name=change_link).click()
        # The question is the h1, and it is the label or legend itself: one name, read once.
        assert the_h1(page) == question
        # (A legend also reads its caption, the person's name, first.)
        expect(page.get_by_role(field_role, name=re.compile(f"{re.escape(question)}$"))).to_be_visible()
        expect(page.locator("h1 + legend, h1 + label")).to_have_count(0)
        assert_accessible(page)

    page.goto(participant_page)
    page.get_by_role("button", name="Report that they are leaving your school").click()
    assert the_h1(page) == "When is their last day at your school?"
    expect(page.get_by_role("group", name=re.compile("When is their last day at your school\\?$"))).to_be_visible()


def test_a_date_error_marks_only_the_wrong_box_and_its_link_goes_to_that_box(browser_page, school, tutor, alex):
    page = browser_page
    sign_in(page, tutor.email)
    page.get_by_role("link", name="Alex Carter").click()
    page.get_by_role("button", name="Report that they are leaving your school").click()
    question = "When is their last day at your school?"
    fill_date(page, question, dt.date(2026, 2, 1))
    page.get_by_role("group", name=question).get_by_label("Day").fill("30")
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("link", name="Leaving date must be a real date").click()
    expect(page.get_by_label("Day")).to_be_focused()
    wrong = page.locator(".govuk-date-input__input.govuk-input--error")
    expect(wrong).to_have_count(1)
    expect(wrong).to_have_attribute("name", "leaving_on-day")
    assert_accessible(page)

    page.get_by_label("Day").fill("")
    page.get_by_label("Month").fill("")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="Leaving date must include a day and month").click()
    expect(page.get_by_label("Day")).to_be_focused()
    expect(wrong).to_have_count(2)


def test_changing_an_answer_shows_the_current_one(browser_page, school, tutor, alex, lead_provider):
    page = browser_page
    morgan = factories.SchoolPeriodFactory(
        school=school, participant_type=ParticipantType.MENTOR, participant__full_name="Morgan Lee"
    )
    factories.MentorshipFactory(ect_school_period=alex, mentor_school_period=morgan)
    alex.finished_on = dt.date(2026, 7, 31)
    alex.save()
    sign_in(page, tutor.email)
    page.get_by_role("link", name="Alex Carter").click()
    participant_page = page.url

    page.get_by_role("link", name="Change mentor").click()
    expect(page.get_by_label("Morgan Lee")).to_be_checked()
    page.goto(participant_page)
    page.get_by_role("link", name="Change lead provider").click()
    expect(page.get_by_label(lead_provider.name)).to_be_checked()
    page.goto(participant_page)
    page.get_by_role("link", name="Change training programme").click()
    expect(page.get_by_role("radio", name="Provider-led")).to_be_checked()
    page.goto(participant_page)
    page.get_by_role("link", name="Change leaving date").click()
    group = page.get_by_role("group", name=re.compile("When is their last day at your school\\?$"))
    for box, value in [("Day", "31"), ("Month", "7"), ("Year", "2026")]:
        expect(group.get_by_label(box)).to_have_value(value)
    page.goto(participant_page)
    page.get_by_role("button", name="They are staying at your school").click()
    assert the_h1(page) == "Are they staying at your school?"
    assert_accessible(page)


def test_changing_a_cohort_choice_starts_from_it_and_asks_the_question_as_the_heading(
    browser_page, school, tutor, alex
):
    from schools.models import SchoolCohortChoice

    page = browser_page
    SchoolCohortChoice.objects.create(school=school, cohort_id=2025, induction_programme_choice="school_led")
    sign_in(page, tutor.email)
    navigation(page).get_by_role("link", name="Training choices").click()
    page.get_by_role("link", name="Confirm your choice for the 2025 cohort").click()
    question = "How will your ECTs starting in the 2025 cohort be trained?"
    assert the_h1(page) == question
    expect(page.get_by_role("group", name=re.compile(f"{re.escape(question)}$"))).to_be_visible()
    expect(page.get_by_role("radio", name="School-led")).to_be_checked()
    assert_accessible(page)
