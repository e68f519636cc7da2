"""Steps the browser journeys share: signing in, checking a page with axe-core, asking the API."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from django.conf import settings
from playwright.sync_api import expect

from config import clock
from tests.conftest import ProviderClient
from tests.portal.conftest import PASSWORD

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
API_DATE = dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.UTC)

checked_pages: list[str] = []


def assert_accessible(page) -> None:
    """axe-core finds no WCAG 2.2 AA violation on the page as it is now."""
    assert AXE.exists(), "axe-core is missing: run `npm ci`"
    # A click that navigates returns once the next page starts loading; check the page it loads.
    page.wait_for_load_state("load")
    checker = getattr(page, "axe_checker", None)
    if checker is not None:
        _check_copy(page, checker)
        return
    if page.evaluate("typeof window.axe") == "undefined":
        # Evaluated rather than added as a script tag, so pages opened without JavaScript are checked too.
        page.evaluate("source => { (0, eval)(source); }", AXE.read_text())
    violations = page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return results.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                                 nodes: v.nodes.map(n => n.target.join(" "))}));
        }""",
        WCAG_22_AA,
    )
    checked_pages.append(page.url)
    assert violations == [], f"{page.url}: " + json.dumps(violations, indent=2)


def _check_copy(page, checker) -> None:
    """Check a page opened without JavaScript: its HTML, scripts removed, shown on the same site.

    The checker is not signed in and only opens the sign-in page, so it changes nothing."""
    html = re.sub(r"<script\b.*?</script>", "", page.content(), flags=re.S | re.I)
    checker.goto("/school/sign-in/")
    checker.set_content(html)
    assert_accessible(checker)


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/school/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def fill_date(page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def card(page, name: str):
    """The participants list's summary card for this person."""
    return page.locator(".govuk-summary-card").filter(has=page.get_by_role("heading", name=name, exact=True))


def continue_and_confirm(page, confirm_label: str) -> None:
    """Answer the question, check the answers page for accessibility, confirm, and land on the panel."""
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name=confirm_label).click()
    expect(page.locator(".govuk-panel--confirmation")).to_be_visible()
    assert_accessible(page)


def seen_by(lead_provider, participant) -> dict | None:
    """The participant as this lead provider's GET /api/v3/participants shows them, if at all."""
    with clock.travel_to(API_DATE):
        response = ProviderClient(lead_provider).get("/api/v3/participants")
    assert response.status_code == 200
    return next((row for row in response.json()["data"] if row["id"] == str(participant.api_id)), None)


def enrolment(row: dict, participant_type: str = "ect") -> dict:
    return next(e for e in row["attributes"]["ecf_enrolments"] if e["participant_type"] == participant_type)
