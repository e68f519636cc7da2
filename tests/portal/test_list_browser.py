"""The ECTs and mentors list at a realistic size: GOV.UK summary cards, a search and govuk-frontend's
pagination, usable at 320 px wide (WCAG 1.4.10 reflow), and statuses that cannot contradict each other.
Checked in headless Chromium with axe-core (WCAG 2.2 AA), on 15 January 2026.
"""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from participants.models import ParticipantType
from tests import builders, factories
from tests.portal.browser import assert_accessible, card, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SERVICE_TITLE = " – Manage training for early career teachers – GOV.UK"

# The document's width, and the innermost elements reaching past the viewport (to say what overflows).
MEASURE_WIDTH = """() => ({
    width: document.documentElement.scrollWidth,
    overflowing: [...document.querySelectorAll("body *")]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
        .slice(-5)
        .map(e => e.tagName.toLowerCase() + "." + [...e.classList].join(".")),
    spilling: [...document.querySelectorAll("body *")]
        .filter(e => e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0)
        .slice(-5)
        .map(e => e.tagName.toLowerCase() + "." + [...e.classList].join(".") + ":" + e.scrollWidth),
})"""


@pytest.fixture
def fifty_seven_people(school, lead_provider):
    """45 ECTs in provider-led training and 12 mentors, with long names as real lists have."""
    people = []
    for number in range(1, 46):
        participant, _ = builders.trained_participant(lead_provider, school=school)
        participant.full_name = f"Early Career Teacher Number {number:02d} Featherstonehaugh-Cholmondeley"
        participant.save()
        people.append(participant)
    for number in range(1, 13):
        factories.SchoolPeriodFactory(
            school=school,
            participant_type=ParticipantType.MENTOR,
            participant__full_name=f"Mentor Number {number:02d}",
        )
    return people


def shown_cards(page):
    return page.locator(".govuk-summary-card")


def test_fifty_seven_people_are_paginated_twenty_to_a_page(browser_page, school, tutor, fifty_seven_people):
    page = browser_page
    sign_in(page, tutor.email)
    expect(page.get_by_text("Showing 1 to 20 of 57 people.")).to_be_visible()
    expect(shown_cards(page)).to_have_count(20)
    assert page.title() == "ECTs and mentors (page 1 of 3)" + SERVICE_TITLE
    pagination = page.get_by_role("navigation", name="Pagination")
    expect(pagination.get_by_role("link", name="Page 1")).to_have_attribute("aria-current", "page")
    expect(pagination.get_by_role("link", name="Previous page")).to_have_count(0)
    assert_accessible(page)

    pagination.get_by_role("link", name="Next page").click()
    expect(page.get_by_text("Showing 21 to 40 of 57 people.")).to_be_visible()
    assert page.title() == "ECTs and mentors (page 2 of 3)" + SERVICE_TITLE
    expect(pagination.get_by_role("link", name="Page 2")).to_have_attribute("aria-current", "page")
    pagination.get_by_role("link", name="Page 3").click()
    expect(page.get_by_text("Showing 41 to 57 of 57 people.")).to_be_visible()
    expect(shown_cards(page)).to_have_count(17)
    expect(pagination.get_by_role("link", name="Next page")).to_have_count(0)
    assert_accessible(page)

    # A page number that does not exist shows the nearest page rather than an error.
    page.goto(page.url.split("?")[0] + "?page=99")
    expect(page.get_by_text("Showing 41 to 57 of 57 people.")).to_be_visible()


def test_a_search_finds_people_by_name_email_or_trn_and_keeps_to_its_results_across_pages(
    browser_page, school, tutor, fifty_seven_people
):
    page = browser_page
    sign_in(page, tutor.email)
    search = page.get_by_role("search", name="ECTs and mentors")
    search.get_by_label("Search by name, email address or TRN").fill("number 07")
    search.get_by_role("button", name="Search").click()
    expect(page.get_by_text("2 found for ‘number 07’. Showing 1 to 2 of 2 people.")).to_be_visible()
    expect(card(page, "Mentor Number 07")).to_be_visible()
    expect(card(page, "Early Career Teacher Number 07 Featherstonehaugh-Cholmondeley")).to_be_visible()
    assert_accessible(page)

    search.get_by_label("Search by name, email address or TRN").fill(fifty_seven_people[20].trn)
    search.get_by_role("button", name="Search").click()
    expect(shown_cards(page)).to_have_count(1)
    expect(card(page, "Early Career Teacher Number 21 Featherstonehaugh-Cholmondeley")).to_be_visible()

    search.get_by_label("Search by name, email address or TRN").fill("Early Career")
    search.get_by_role("button", name="Search").click()
    expect(page.get_by_text("45 found for ‘Early Career’. Showing 1 to 20 of 45 people.")).to_be_visible()
    page.get_by_role("navigation", name="Pagination").get_by_role("link", name="Next page").click()
    expect(page.get_by_text("45 found for ‘Early Career’. Showing 21 to 40 of 45 people.")).to_be_visible()
    expect(search.get_by_label("Search by name, email address or TRN")).to_have_value("Early Career")

    search.get_by_label("Search by name, email address or TRN").fill("Nobody Here")
    search.get_by_role("button", name="Search").click()
    expect(page.get_by_text("No one matches ‘Nobody Here’.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Clear search").click()
    expect(page.get_by_text("Showing 1 to 20 of 57 people.")).to_be_visible()


@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without JavaScript"])
def test_the_list_reflows_at_320_px_without_scrolling_sideways(
    chromium, live_server, settings, school, tutor, fifty_seven_people, javascript
):
    """WCAG 1.4.10: at 320 CSS pixels wide nothing needs scrolling in two directions. The document's
    scrollWidth is what the page would scroll sideways by (the old six-column table made it 741 px)."""
    from tests.portal.conftest import BROWSER_DATE

    settings.SANDBOX = True
    context = chromium.new_context(
        base_url=live_server.url,
        java_script_enabled=javascript,
        viewport={"width": 320, "height": 640},
        extra_http_headers={"X-With-Server-Date": BROWSER_DATE},
    )
    page = context.new_page()
    try:
        sign_in(page, tutor.email)
        expect(page.get_by_role("heading", name="Your ECTs and mentors")).to_be_visible()
        page.wait_for_load_state("load")
        measured = {"list": page.evaluate(MEASURE_WIDTH)}
        name = "Early Career Teacher Number 01 Featherstonehaugh-Cholmondeley"
        page.get_by_role("link", name=name).click()
        expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
        page.wait_for_load_state("load")
        measured["participant"] = page.evaluate(MEASURE_WIDTH)
        page.goto("/school/cookies/")
        measured["cookies"] = page.evaluate(MEASURE_WIDTH)
        widths = {name: m["width"] for name, m in measured.items()}
        print(f"scrollWidth at 320 px ({'with' if javascript else 'without'} JavaScript): {widths}")
        assert widths == {"list": 320, "participant": 320, "cookies": 320}, measured
    finally:
        context.close()


def test_a_left_participants_page_shows_when_they_left_and_statuses_that_cannot_contradict(
    browser_page, school, tutor, lead_provider
):
    page = browser_page
    withdrawn, _ = builders.trained_participant(
        lead_provider,
        school=school,
        withdrawn_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC),
        withdrawal_reason="moved-school",
    )
    withdrawn.full_name = "Wren Withdrawn"
    withdrawn.save()
    left, _ = builders.trained_participant(lead_provider, school=school, school_finished_on=dt.date(2025, 12, 19))
    left.full_name = "Sam Left"
    left.save()

    sign_in(page, tutor.email)
    expect(card(page, "Wren Withdrawn").locator(".govuk-tag")).to_have_text(
        ["At your school", "Withdrawn by the lead provider"]
    )
    card(page, "Wren Withdrawn").get_by_role("link", name="Wren Withdrawn").click()
    statuses = page.locator(".govuk-summary-list__row").filter(has=page.locator(".govuk-tag"))
    expect(statuses.locator("dt")).to_have_text(["Status at your school", "Training status"])
    expect(statuses.locator(".govuk-tag")).to_have_text(["At your school", "Withdrawn by the lead provider"])
    expect(page.get_by_role("main")).not_to_contain_text(re.compile(r"\bActive\b"))
    assert_accessible(page)

    page.get_by_role("link", name="Back to your ECTs and mentors").click()
    page.get_by_role("link", name="View ECTs and mentors who have left (1)").click()
    assert page.title() == "ECTs and mentors who have left" + SERVICE_TITLE
    expect(card(page, "Sam Left").locator(".govuk-tag")).to_have_text(["Left on 19 December 2025"])
    assert_accessible(page)
    card(page, "Sam Left").get_by_role("link", name="Sam Left").click()
    expect(page.get_by_role("heading", level=1, name="Sam Left")).to_be_visible()
    expect(page.locator(".govuk-summary-list__row").filter(has_text="Leaving date")).to_contain_text("19 December 2025")
    expect(page.locator(".govuk-tag")).to_have_text(["Left on 19 December 2025"])
    expect(page.get_by_text("Training status")).to_have_count(0)
    assert_accessible(page)
