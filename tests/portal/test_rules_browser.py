"""The school actions' rules as an induction tutor meets them in Chromium, every page checked with axe-core for
WCAG 2.2 AA, and each change read back through the lead provider API: which provider sees it, and that the
others do not.

Data is built on 14 January 2026; the browser and the API run on 15 January 2026 (the sandbox clock header),
so `updated_at` tells whether a change reached the providers.
"""

import datetime as dt

import pytest
from playwright.sync_api import expect

from config import clock
from participants.models import Participant, ParticipantType, SchoolPeriod
from tests import builders, factories
from tests.portal.browser import assert_accessible, continue_and_confirm, enrolment, fill_date, seen_by, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BUILT = dt.datetime(2026, 1, 14, 9, 0, tzinfo=dt.UTC)
ACTED = "2026-01-15T12:00:00Z"  # the browser's clock


def built(make, *args, **kwargs):
    with clock.travel_to(BUILT):
        return make(*args, **kwargs)


@pytest.fixture
def alex(school, lead_provider, other_lead_provider):
    """An ECT Ambition Institute has trained at Oakfield since September; Teach First also partners Oakfield."""
    built(builders.partnership, other_lead_provider, school=school)
    participant, training = built(
        builders.trained_participant, lead_provider, school=school, email="alex.carter@oakfield.example"
    )
    Participant.objects.filter(pk=participant.pk).update(full_name="Alex Carter")
    return training.school_period


@pytest.fixture
def jordan(other_school, other_lead_provider):
    """A mentor Teach First trains at Riverside, whose date of birth is recorded."""
    participant, training = built(
        builders.trained_participant, other_lead_provider, school=other_school, participant_type=ParticipantType.MENTOR
    )
    Participant.objects.filter(pk=participant.pk).update(full_name="Jordan Price", date_of_birth=dt.date(1984, 6, 2))
    participant.refresh_from_db()
    return participant


def open_participant(page, name):
    page.goto("/school/")
    page.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
    assert_accessible(page)


def error_link(page, message):
    return page.locator(".govuk-error-summary").get_by_role("link", name=message)


def test_SC6_a_mentor_is_matched_by_trn_and_date_of_birth_and_another_schools_teacher_cannot_be_renamed(
    browser_page, school, tutor, jordan, other_lead_provider, lead_provider
):
    page = browser_page
    sign_in(page, tutor.email)
    page.get_by_role("button", name="Register a mentor").click()
    page.get_by_label("Full name").fill("Anyone At All")
    page.get_by_label("Teacher reference number (TRN)").fill(jordan.trn)
    fill_date(page, "Date of birth", dt.date(1990, 1, 1))
    page.get_by_label("Email address").fill("jp@oakfield.example")
    fill_date(page, "When do they start mentoring at your school?", dt.date(2026, 1, 15))
    page.get_by_role("radio", name="No, they will also mentor at another school").check()
    page.get_by_role("button", name="Continue").click()
    # Refused on the question page: the TRN alone attaches no one, and their name is not shown.
    message = "The date of birth does not match the teacher with this TRN. Check the TRN and date of birth"
    expect(error_link(page, message)).to_be_visible()
    expect(page.get_by_role("heading", name="Check your answers")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text("Jordan Price")
    assert_accessible(page)
    assert not SchoolPeriod.objects.filter(school=school, participant=jordan).exists()

    fill_date(page, "Date of birth", dt.date(1984, 6, 2))
    continue_and_confirm(page, "Confirm and register mentor")
    expect(page.get_by_text("No lead provider sees this change")).to_be_visible()
    here = SchoolPeriod.objects.get(school=school, participant=jordan)

    # Teach First's view of the mentor is untouched by Oakfield, and Ambition Institute does not see them.
    row = seen_by(other_lead_provider, jordan)
    assert row["attributes"]["full_name"] == "Jordan Price"
    assert enrolment(row, "mentor")["school_urn"] != school.urn
    assert seen_by(lead_provider, jordan) is None

    response = page.goto(f"/school/{school.urn}/participants/{here.pk}/name/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="You cannot make this change")).to_be_visible()
    expect(
        page.get_by_text("You cannot change the name of someone who is or was registered at another school")
    ).to_be_visible()
    assert_accessible(page)
    assert Participant.objects.get(pk=jordan.pk).full_name == "Jordan Price"


def test_each_rule_is_shown_on_its_question_page_before_check_your_answers(
    browser_page, school, tutor, alex, lead_provider
):
    page = browser_page
    factories.SchoolPeriodFactory(school=school, email="taken@oakfield.example")
    sign_in(page, tutor.email)
    page.get_by_role("button", name="Register an ECT").click()
    page.get_by_label("Full name").fill("Priya Shah")
    page.get_by_label("Teacher reference number (TRN)").fill("1234567")
    fill_date(page, "Date of birth", dt.date(2030, 3, 27))
    page.get_by_label("Email address").fill("taken@oakfield.example")
    fill_date(page, "When do they start at your school?", dt.date(2031, 1, 5))
    page.get_by_label("Full time").check()
    page.get_by_role("radio", name="School-led").check()
    page.get_by_role("button", name="Continue").click()
    for message in (
        "Their date of birth must be in the past",
        "This email address is already used by someone at this school",
    ):
        expect(error_link(page, message)).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The start date must be on or before")
    assert_accessible(page)

    fill_date(page, "Date of birth", dt.date(2010, 3, 27))
    page.get_by_label("Email address").fill("priya@oakfield.example")
    fill_date(page, "When do they start at your school?", dt.date(2026, 1, 5))
    page.get_by_role("button", name="Continue").click()
    expect(
        error_link(page, "Check their date of birth: they must be at least 18 years old on 5 January 2026")
    ).to_be_visible()
    assert_accessible(page)
    assert not Participant.objects.filter(trn="1234567").exists()

    open_participant(page, "Alex Carter")
    page.get_by_role("link", name="Change lead provider").click()
    page.get_by_label(lead_provider.name).check()
    page.get_by_role("button", name="Continue").click()
    expect(error_link(page, "Select a different lead provider from the one they have now")).to_be_visible()
    assert_accessible(page)


def test_SC7_a_school_changes_then_withdraws_a_leaving_date_and_only_the_ects_provider_sees_it(
    browser_page, tutor, alex, lead_provider, other_lead_provider
):
    page = browser_page
    participant = alex.participant
    assert seen_by(lead_provider, participant)["attributes"]["updated_at"] != ACTED
    sign_in(page, tutor.email)
    open_participant(page, "Alex Carter")
    page.get_by_role("button", name="Report that they are leaving your school").click()
    fill_date(page, "When is their last day at your school?", dt.date(9999, 1, 1))
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The leaving date must be on or before")
    assert_accessible(page)
    fill_date(page, "When is their last day at your school?", dt.date(2026, 3, 31))
    continue_and_confirm(page, "Confirm they are leaving")
    expect(page.get_by_text("Ambition Institute can see this change now")).to_be_visible()

    page.get_by_role("link", name="Back to Alex Carter").click()
    page.get_by_role("link", name="Change leaving date").click()
    assert_accessible(page)
    fill_date(page, "When is their last day at your school?", dt.date(2026, 7, 20))
    continue_and_confirm(page, "Confirm new leaving date")
    expect(page.locator(".govuk-panel")).to_contain_text("leaves your school on 20 July 2026")
    expect(
        page.get_by_text("They see Alex Carter as leaving until 20 July 2026, then as left from the day after.")
    ).to_be_visible()
    row = seen_by(lead_provider, participant)
    assert row["attributes"]["updated_at"] == ACTED
    assert enrolment(row)["participant_status"] == "leaving"
    assert seen_by(other_lead_provider, participant) is None
    assert SchoolPeriod.objects.get(pk=alex.pk).finished_on == dt.date(2026, 7, 20)

    page.get_by_role("link", name="Back to Alex Carter").click()
    page.get_by_role("button", name="They are staying at your school").click()
    expect(page.get_by_role("heading", name="Are they staying at your school?")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Yes, they are staying").check()
    continue_and_confirm(page, "Confirm they are staying")
    expect(page.get_by_text("Ambition Institute can see this change now")).to_be_visible()
    assert enrolment(seen_by(lead_provider, participant))["participant_status"] == "active"
    assert seen_by(other_lead_provider, participant) is None
    assert SchoolPeriod.objects.get(pk=alex.pk).finished_on is None
    assert alex.training_periods.get().finished_on is None


def test_someone_who_has_left_cannot_be_changed_by_typing_the_address_but_their_leaving_date_can_be_corrected(
    browser_page, school, tutor, lead_provider
):
    page = browser_page
    participant, training = built(
        builders.trained_participant,
        lead_provider,
        school=school,
        school_finished_on=dt.date(2025, 12, 19),
        finished_on=dt.date(2025, 12, 19),
    )
    Participant.objects.filter(pk=participant.pk).update(full_name="Sam Left")
    pk = training.school_period.pk
    sign_in(page, tutor.email)
    for path in ("name/", "email/", "leaving/", "lead-provider/", "programme/", "mentor/", "mentor/new/"):
        response = page.goto(f"/school/{school.urn}/participants/{pk}/{path}")
        assert response.status == 403, path
        expect(page.get_by_role("heading", name="You cannot make this change")).to_be_visible()
        expect(
            page.get_by_text("They have left your school, so you can no longer change their details")
        ).to_be_visible()
    assert_accessible(page)

    page.goto(f"/school/{school.urn}/participants/{pk}/")
    expect(page.get_by_role("link", name="Change name")).to_have_count(0)
    page.get_by_role("link", name="Change leaving date").click()
    fill_date(page, "When is their last day at your school?", dt.date(2026, 2, 13))
    continue_and_confirm(page, "Confirm new leaving date")
    assert enrolment(seen_by(lead_provider, participant))["participant_status"] == "leaving"


def test_P11_a_provider_led_cohort_choice_offers_only_that_providers_delivery_partners(
    browser_page, school, tutor, lead_provider, other_lead_provider
):
    from schools.models import LeadProviderDeliveryPartnership, SchoolCohortChoice

    page = browser_page
    ours, theirs = (
        factories.DeliveryPartnerFactory(name="Northern Partners"),
        factories.DeliveryPartnerFactory(name="Southern Partners"),
    )
    LeadProviderDeliveryPartnership.objects.create(lead_provider=lead_provider, delivery_partner=ours, cohort_id=2026)
    LeadProviderDeliveryPartnership.objects.create(
        lead_provider=other_lead_provider, delivery_partner=theirs, cohort_id=2026
    )
    sign_in(page, tutor.email)
    page.goto(f"/school/{school.urn}/cohorts/2026/")
    page.get_by_role("radio", name="Provider-led").check()
    page.get_by_label("If provider-led, which lead provider will train them?").select_option(label=lead_provider.name)
    page.get_by_role("button", name="Continue").click()
    partners = page.get_by_role("group", name="Delivery partner")
    expect(partners.get_by_role("radio")).to_have_count(2)
    expect(partners.get_by_label("Northern Partners")).to_be_visible()
    expect(partners.get_by_label("Southern Partners")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    expect(error_link(page, "Select a delivery partner, or that it is not known yet")).to_be_visible()
    assert_accessible(page)
    partners.get_by_label("Northern Partners").check()
    continue_and_confirm(page, "Confirm")
    expect(
        page.get_by_text("Ambition Institute has no partnership with your school for the 2026 cohort yet")
    ).to_be_visible()
    choice = SchoolCohortChoice.objects.get(school=school, cohort_id=2026)
    assert (choice.lead_provider, choice.delivery_partner) == (lead_provider, ours)
