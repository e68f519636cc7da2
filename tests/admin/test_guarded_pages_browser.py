"""The guarded induction and training pages in headless Chromium, as a support agent uses them: each page checked with
axe-core for WCAG 2.2 AA, each refusal shown by its field, and each change read back through the lead provider API.

The browser and the API run on 15 January 2026 (the sandbox clock header).
"""

import datetime as dt

import pytest
from playwright.sync_api import expect

from participants.models import InductionPeriod, Mentorship, Participant, ParticipantType, SchoolPeriod, TrainingPeriod
from tests import builders, factories
from tests.admin.browser import assert_accessible
from tests.admin.pages import REASON, admin_url
from tests.portal.browser import enrolment, seen_by

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def page(editor_in_chromium):
    return editor_in_chromium


@pytest.fixture
def alex(lead_provider):
    participant, training = builders.trained_participant(lead_provider)
    participant.full_name = "Alex Carter"
    participant.save()
    return participant, training


def give_reason(page):
    page.get_by_label("Reason for this change").fill(REASON["reason"])
    page.get_by_label("Ticket reference (optional)").fill(REASON["ticket"])


def test_O9_F15_recording_an_open_inductions_outcome_refuses_a_future_end_then_providers_see_the_end_date(
    page, lead_provider, alex
):
    participant, _ = alex
    InductionPeriod.objects.create(participant=participant, started_on=dt.date(2025, 9, 1))

    page.goto(admin_url(Participant, "change", participant.pk))
    assert_accessible(page)
    page.get_by_role("link", name="Record the outcome").click()
    expect(page.get_by_role("heading", name="Record the outcome of Alex Carter's induction")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("End date").fill("2026-07-31")
    page.get_by_label("Outcome").select_option("pass")
    give_reason(page)
    page.get_by_role("button", name="Save the induction period").click()
    expect(page.get_by_text("An outcome can only be recorded once the induction period has ended")).to_be_visible()
    assert_accessible(page)
    assert enrolment(seen_by(lead_provider, participant))["induction_end_date"] is None

    page.get_by_label("End date").fill("2026-01-14")
    page.get_by_role("button", name="Save the induction period").click()
    expect(page.get_by_text("The induction period was saved.")).to_be_visible()
    assert_accessible(page)
    assert enrolment(seen_by(lead_provider, participant))["induction_end_date"] == "2026-01-14"


def test_V1_S20_a_partnership_of_another_school_is_refused_and_a_schedule_change_reaches_the_provider(
    page, lead_provider, other_lead_provider, alex
):
    participant, training = alex
    elsewhere = builders.partnership(other_lead_provider)

    page.goto(admin_url(SchoolPeriod, "change", training.school_period_id))
    assert_accessible(page)
    page.get_by_role("link", name="Change partnership").click()
    assert_accessible(page)
    page.get_by_label("Partnership id").fill(str(elsewhere.api_id))
    give_reason(page)
    page.get_by_role("button", name="Change the partnership").click()
    expect(page.get_by_text(f"This partnership is with {elsewhere.school.name}")).to_be_visible()
    assert_accessible(page)

    page.goto(admin_url(TrainingPeriod, "change", training.pk))
    assert_accessible(page)
    page.get_by_role("link", name="Change schedule").click()
    assert_accessible(page)
    page.get_by_label("Schedule").select_option("ecf-standard-january")
    give_reason(page)
    page.get_by_role("button", name="Change the schedule").click()
    expect(page.get_by_text("The training's schedule was changed.")).to_be_visible()
    seen = enrolment(seen_by(lead_provider, participant))
    assert (seen["schedule_identifier"], seen["school_urn"]) == (
        "ecf-standard-january",
        training.school_period.school.urn,
    )


def test_the_other_guarded_pages_and_the_read_only_pages_pass_axe(page, lead_provider, alex):
    participant, training = alex
    mentor, _ = builders.trained_participant(
        lead_provider, participant_type=ParticipantType.MENTOR, school=training.school_period.school
    )
    mentorship = factories.MentorshipFactory(
        ect_school_period=training.school_period, mentor_school_period=mentor.school_periods.get()
    )
    induction = InductionPeriod.objects.create(
        participant=participant, started_on=dt.date(2024, 9, 1), finished_on=dt.date(2025, 7, 31), outcome="fail"
    )
    pages = [
        admin_url(Participant, "record_induction", participant.pk),
        admin_url(InductionPeriod, "correct", induction.pk),
        admin_url(InductionPeriod, "change", induction.pk),
        admin_url(Mentorship, "dates", mentorship.pk),
        admin_url(Mentorship, "change", mentorship.pk),
        admin_url(SchoolPeriod, "end", training.school_period_id),
        admin_url(Participant, "merge", mentor.pk),
        admin_url(Participant, "delete", participant.pk),
    ]
    for url in pages:
        page.goto(url)
        assert_accessible(page)
    page.goto(admin_url(SchoolPeriod, "end", training.school_period_id))
    page.get_by_role("button", name="End their time at this school").click()
    expect(page.get_by_text("Enter the reason for this change")).to_be_visible()
    assert_accessible(page)
