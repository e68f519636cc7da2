"""Support changes to delivery partners, schools, lead providers, portal access and API tokens are in the audit
trail, with who, when, what (old and new) and the reason and ticket given; the audit search shows them."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from config.models import AuditEvent
from schools.models import ApiToken, DeliveryPartner, LeadProvider, School, SchoolMembership
from tests import factories
from tests.admin.pages import REASON, admin_url, flashed, text

WHY = (REASON["reason"], REASON["ticket"])


def events(model_label, **filters):
    return list(AuditEvent.objects.filter(model=model_label, **filters).order_by("id"))


def found_in_the_audit_search(client, model_label) -> set[str]:
    page = client.get(admin_url(AuditEvent, "changelist"), {"q": model_label})
    return {event.object_id for event in page.context["cl"].result_list}


def test_a_delivery_partner_renamed_in_the_admin_is_audited_with_the_reason(editor):
    partner = factories.DeliveryPartnerFactory(name="Old name")

    editor.post(admin_url(DeliveryPartner, "change", partner.pk), {"name": "New name", **REASON})

    [event] = events("schools.DeliveryPartner", event="updated")
    assert (event.changes, event.actor_label, (event.reason, event.ticket)) == (
        {"name": ["Old name", "New name"]},
        "editor",
        WHY,
    )
    assert str(partner.pk) in found_in_the_audit_search(editor, "schools.DeliveryPartner")


def test_a_lead_provider_renamed_in_the_admin_is_audited(editor):
    provider = factories.LeadProviderFactory(name="Old provider")

    editor.post(admin_url(LeadProvider, "change", provider.pk), {"name": "New provider", **REASON})

    [event] = events("schools.LeadProvider", event="updated")
    assert (event.changes, (event.reason, event.ticket)) == ({"name": ["Old provider", "New provider"]}, WHY)


def test_a_schools_eligibility_changed_in_the_admin_is_audited_with_the_reason(editor):
    school = factories.SchoolFactory(eligible_for_training=True)
    form = {
        "name": school.name,
        "urn": school.urn,
        "induction_tutor_name": school.induction_tutor_name,
        "induction_tutor_email": school.induction_tutor_email,
        "funding_eligibilities-TOTAL_FORMS": "0",
        "funding_eligibilities-INITIAL_FORMS": "0",
        **REASON,
    }

    assert editor.post(admin_url(School, "change", school.pk), form).status_code == 302

    [event] = events("schools.School", event="updated")
    assert (event.changes, event.actor_label, (event.reason, event.ticket)) == (
        {"eligible_for_training": [True, False]},
        "editor",
        WHY,
    )
    assert str(school.pk) in found_in_the_audit_search(editor, "schools.School")


def test_portal_access_given_in_the_admin_is_audited_with_the_reason(editor):
    school = factories.SchoolFactory()
    user = User.objects.create_user("tutor@school.example", "tutor@school.example")

    added = editor.post(admin_url(SchoolMembership, "add"), {"user": user.pk, "school": school.pk, **REASON})

    assert added.status_code == 302
    [event] = events("schools.SchoolMembership", event="created")
    assert (event.changes, event.action, (event.reason, event.ticket)) == (
        {"user": [None, user.pk], "school": [None, school.pk]},
        "give_portal_access",
        WHY,
    )


def test_portal_access_is_removed_with_the_confirmed_action_and_audited(editor):
    membership = SchoolMembership.objects.create(
        user=User.objects.create_user("tutor@school.example"), school=factories.SchoolFactory()
    )
    data = {"action": "remove_access", "_selected_action": [membership.pk]}

    asked = editor.post(admin_url(SchoolMembership, "changelist"), data)
    assert "Remove these users' access to these schools in the portal?" in text(asked)
    assert SchoolMembership.objects.filter(pk=membership.pk).exists()

    removed = editor.post(admin_url(SchoolMembership, "changelist"), {**data, "confirmed": "yes", **REASON})

    assert flashed(removed) == ["1 user(s) can no longer use the portal for those schools."]
    assert not SchoolMembership.objects.filter(pk=membership.pk).exists()
    [event] = events("schools.SchoolMembership", event="deleted")
    assert (event.action, event.actor_label, (event.reason, event.ticket)) == ("remove_portal_access", "editor", WHY)


def test_portal_access_is_not_moved_to_another_user_or_school_by_editing(editor):
    membership = SchoolMembership.objects.create(
        user=User.objects.create_user("tutor@school.example"), school=factories.SchoolFactory()
    )
    other = factories.SchoolFactory()

    refused = editor.post(admin_url(SchoolMembership, "change", membership.pk), {"school": other.pk, **REASON})

    assert refused.status_code == 403
    membership.refresh_from_db()
    assert membership.school_id != other.pk


def test_the_reader_cannot_remove_portal_access(reader):
    membership = SchoolMembership.objects.create(
        user=User.objects.create_user("tutor@school.example"), school=factories.SchoolFactory()
    )
    data = {"action": "remove_access", "_selected_action": [membership.pk], "confirmed": "yes", **REASON}

    assert reader.post(admin_url(SchoolMembership, "changelist"), data).status_code == 403
    assert SchoolMembership.objects.filter(pk=membership.pk).exists()


def test_an_invitation_to_the_portal_is_audited_as_one_action(db):
    school = factories.SchoolFactory(urn="123456")

    call_command("invite_school_user", "new.tutor@school.example", "--school", "123456", stdout=StringIO())

    invited = AuditEvent.objects.filter(action="invite_school_user")
    assert {(event.model, event.event) for event in invited} == {
        ("auth.User", "created"),
        ("schools.SchoolMembership", "created"),
    }
    membership = next(event for event in invited if event.model == "schools.SchoolMembership")
    assert membership.changes["school"] == [None, school.pk]


@pytest.fixture
def issued_token(editor, lead_provider):
    editor.post(admin_url(ApiToken, "issue"), {"lead_provider": lead_provider.pk, "description": "Live", **REASON})
    return ApiToken.objects.get(description="Live")


def test_api_tokens_issued_and_revoked_in_the_admin_are_audited_with_the_reasons(editor, issued_token):
    revoked_for = {"reason": "The provider reported the token leaked", "ticket": "SUP-999"}

    editor.post(admin_url(ApiToken, "revoke", issued_token.pk), revoked_for)

    issued, revoked = events("schools.ApiToken")
    assert (issued.event, issued.action, (issued.reason, issued.ticket)) == ("created", "issue_api_token", WHY)
    assert (revoked.event, revoked.action, revoked.reason, revoked.ticket) == (
        "updated",
        "revoke_api_token",
        revoked_for["reason"],
        "SUP-999",
    )
    assert revoked.changes["revoked_at"][0] is None and revoked.changes["revoked_at"][1] is not None
    assert str(issued_token.pk) in found_in_the_audit_search(editor, "schools.ApiToken")


def test_a_token_is_not_revoked_without_a_reason(editor, issued_token):
    asked_again = editor.post(admin_url(ApiToken, "revoke", issued_token.pk), {"reason": ""})

    assert "Enter the reason for this change" in text(asked_again)
    issued_token.refresh_from_db()
    assert issued_token.revoked_at is None


def test_a_partnership_is_not_created_without_a_reason(editor, lead_provider):
    from schools.models import Partnership

    school, partner = factories.SchoolFactory(), factories.DeliveryPartnerFactory()
    data = {"school": school.urn, "lead_provider": lead_provider.pk, "delivery_partner": partner.pk, "cohort": 2025}

    asked_again = editor.post(admin_url(Partnership, "add"), data)

    assert "Enter the reason for this change" in text(asked_again)
    assert not Partnership.objects.exists()
