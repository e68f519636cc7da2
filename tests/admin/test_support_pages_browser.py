"""The support pages of issue 14 in headless Chromium: each checked with axe-core for WCAG 2.2 AA as a support agent
reaches it (sign-in and its lock-out, cohorts, money moves, tokens, partnerships, portal access, deletion, the audit).

The browser runs on 15 January 2026 (the sandbox clock header).
"""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from config.admin import EDITING_GROUP
from config.models import AuditEvent
from declarations.models import Declaration, PaymentStatus
from participants.models import Participant
from schedules.models import Cohort
from schools.models import ApiToken, Partnership, SchoolMembership
from tests import builders, factories
from tests.admin.browser import assert_accessible, open_admin
from tests.admin.pages import REASON, admin_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a long and correct password"


def give_reason(page):
    page.get_by_label("Reason for this change").fill(REASON["reason"])
    page.get_by_label("Ticket reference (optional)").fill(REASON["ticket"])


def select_and_run(page, row_label, action_label):
    page.get_by_role("checkbox", name=row_label).check()
    page.get_by_label("Action:").select_option(label=action_label)
    page.get_by_role("button", name="Go").click()


def test_the_sign_in_page_and_its_lock_out_message_are_accessible(chromium, live_server, settings):
    settings.SANDBOX = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = User.objects.create_user("agent", "agent@education.example", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=EDITING_GROUP))
    context = chromium.new_context(base_url=live_server.url)
    page = context.new_page()
    try:
        page.goto("/admin/login/")
        assert_accessible(page)
        for _ in range(settings.ADMIN_SIGN_IN_MAX_FAILURES):
            page.get_by_label("Username").fill("agent")
            page.get_by_label("Password").fill("guess")
            page.get_by_role("button", name="Log in").click()
        page.get_by_label("Username").fill("agent")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_text("too many times. Try again in 15 minutes.")).to_be_visible()
        assert_accessible(page)
    finally:
        context.close()


def test_cohort_tokens_partnerships_access_deletion_and_audit_pages_are_accessible(
    editor_in_chromium, lead_provider, today
):
    page = editor_in_chromium
    started, upcoming = Cohort.objects.get(year=2025), Cohort.objects.get(year=2026)
    api_token = ApiToken.objects.create(lead_provider=lead_provider, hashed_token="0" * 64, description="Live")
    membership = SchoolMembership.objects.create(
        user=User.objects.create_user("tutor@school.example"), school=factories.SchoolFactory(name="Oak School")
    )
    starting_later, _ = builders.trained_participant(lead_provider, started_on=dt.date(2026, 4, 20))

    page.goto(admin_url(Cohort, "change", started.pk))
    expect(page.get_by_text("This cohort has started: it can only be closed")).to_be_visible()
    assert_accessible(page)
    page.goto(admin_url(Cohort, "change", upcoming.pk))
    assert_accessible(page)
    page.goto(admin_url(Cohort, "changelist"))
    assert_accessible(page)
    select_and_run(page, "2025", "Close selected cohorts (freeze their payments)")
    expect(page.get_by_text("Close these cohorts?")).to_be_visible()
    assert_accessible(page)

    page.goto(admin_url(ApiToken, "issue"))
    assert_accessible(page)
    page.goto(admin_url(ApiToken, "revoke", api_token.pk))
    give_reason(page)
    assert_accessible(page)
    page.get_by_role("button", name="Yes, revoke this token").click()
    expect(page.get_by_text("was revoked")).to_be_visible()
    api_token.refresh_from_db()
    assert api_token.revoked_at is not None

    page.goto(admin_url(Partnership, "add"))
    assert_accessible(page)
    partnership = builders.partnership(lead_provider)
    page.goto(admin_url(Partnership, "change_delivery_partner", partnership.pk))
    assert_accessible(page)

    page.goto(admin_url(SchoolMembership, "changelist"))
    assert_accessible(page)
    select_and_run(page, str(membership), "Remove portal access for the selected users and schools")
    expect(page.get_by_text("Remove these users' access to these schools in the portal?")).to_be_visible()
    assert_accessible(page)

    page.goto(admin_url(Participant, "delete", starting_later.pk))
    expect(page.get_by_text("Are you sure you want to delete this participant?")).to_be_visible()
    assert_accessible(page)
    give_reason(page)
    page.get_by_role("button", name="Yes, delete this participant").click()
    expect(page.get_by_text("was deleted.")).to_be_visible()

    page.goto(admin_url(AuditEvent, "changelist") + f"?q={starting_later.api_id}")
    expect(page.locator("#result_list")).to_contain_text("delete_participant")
    assert_accessible(page)


def test_voiding_is_confirmed_on_an_accessible_page(payer_in_chromium, lead_provider, today):
    page = payer_in_chromium
    _, training = builders.trained_participant(lead_provider)
    declaration = Declaration.objects.create(
        training_period=training,
        lead_provider=lead_provider,
        declaration_type="started",
        declaration_date=dt.datetime(2025, 10, 1, 9, 0, tzinfo=dt.UTC),
        payment_status=PaymentStatus.PAID,
        delivery_partner=training.partnership.delivery_partner,
    )

    page.goto(admin_url(Declaration, "changelist"))
    assert_accessible(page)
    select_and_run(page, str(declaration.api_id), "Void selected declarations (a paid one awaits clawback)")
    expect(page.get_by_text("Void these declarations?")).to_be_visible()
    assert_accessible(page)
    give_reason(page)
    page.get_by_role("button", name="Yes, void declarations").click()
    expect(page.get_by_text("1 declaration(s) voided")).to_be_visible()
    declaration.refresh_from_db()
    assert declaration.clawback_status == "awaiting_clawback"


@pytest.fixture
def payer_in_chromium(chromium, live_server, settings, payer):
    context, page, problems = open_admin(chromium, live_server, settings, payer)
    yield page
    context.close()
    assert problems == []
