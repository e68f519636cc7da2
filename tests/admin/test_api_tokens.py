"""Support staff issue lead provider API tokens (shown once, only a digest kept) and revoke them (C2)."""

import datetime as dt
import re

import pytest
from django.test import Client

from config import clock
from config.models import AuditEvent
from schools import tokens
from schools.models import ApiToken
from tests.admin.pages import REASON, admin_url, flashed, text

UTC = dt.UTC
ISSUED_AT = dt.datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
REVOKED_AT = dt.datetime(2026, 1, 16, 10, 0, tzinfo=UTC)


def issue(client, lead_provider, description="Production"):
    with clock.travel_to(ISSUED_AT):
        return client.post(
            admin_url(ApiToken, "issue"), {"lead_provider": lead_provider.pk, "description": description, **REASON}
        )


def shown_token(response) -> str:
    return re.search(r'<code id="issued-token">([^<]+)</code>', response.content.decode()).group(1)


def calls_api_with(token):
    return Client().get("/api/v3/participants", HTTP_AUTHORIZATION=f"Bearer {token}").status_code


def test_C2_an_issued_token_is_shown_once_kept_only_as_a_digest_and_works(editor, lead_provider):
    assert editor.get(admin_url(ApiToken, "issue")).status_code == 200

    response = issue(editor, lead_provider)

    token = shown_token(response)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    api_token = ApiToken.objects.get()
    assert (api_token.lead_provider, api_token.description) == (lead_provider, "Production")
    assert api_token.hashed_token == tokens.digest(token) != token
    assert calls_api_with(token) == 200
    # Nowhere else in the admin is the token shown again.
    for page in (admin_url(ApiToken, "changelist"), admin_url(ApiToken, "change", api_token.pk)):
        assert token not in editor.get(page).content.decode()


def test_C2_issuing_is_audited_to_the_staff_user_without_the_token_or_its_digest(editor, lead_provider):
    token = shown_token(issue(editor, lead_provider))

    [event] = AuditEvent.objects.filter(model="schools.ApiToken")
    assert (event.action, event.event, event.actor_label, event.occurred_at) == (
        "issue_api_token",
        "created",
        "editor",
        ISSUED_AT,
    )
    assert event.changes == {
        "lead_provider": [None, lead_provider.pk],
        "description": [None, "Production"],
        "revoked_at": [None, None],
    }
    assert token not in str(event.changes) and tokens.digest(token) not in str(event.changes)


def test_C2_a_revoked_token_is_refused_by_the_api_after_the_staff_user_confirms(editor, lead_provider):
    token = shown_token(issue(editor, lead_provider))
    api_token = ApiToken.objects.get()
    revoke_url = admin_url(ApiToken, "revoke", api_token.pk)

    asked = editor.get(revoke_url)
    assert "Are you sure you want to revoke" in text(asked)
    assert calls_api_with(token) == 200
    with clock.travel_to(REVOKED_AT):
        response = editor.post(revoke_url, REASON)

    assert response.status_code == 302
    assert flashed(response) == [f"{api_token} was revoked. {lead_provider} can no longer use it."]
    api_token.refresh_from_db()
    assert api_token.revoked_at == REVOKED_AT
    assert calls_api_with(token) == 401
    event = AuditEvent.objects.get(model="schools.ApiToken", action="revoke_api_token")
    assert (event.actor_label, event.changes) == ("editor", {"revoked_at": [None, "2026-01-16T10:00:00Z"]})


def test_C2_revoking_again_keeps_the_first_revocation(editor, lead_provider):
    issue(editor, lead_provider)
    api_token = ApiToken.objects.get()
    with clock.travel_to(REVOKED_AT):
        editor.post(admin_url(ApiToken, "revoke", api_token.pk), REASON)

    again = editor.post(admin_url(ApiToken, "revoke", api_token.pk), REASON)

    assert "was already revoked" in text(again)
    api_token.refresh_from_db()
    assert api_token.revoked_at == REVOKED_AT


@pytest.mark.parametrize("view", ["issue", "revoke"])
def test_C2_the_read_only_group_cannot_issue_or_revoke_tokens(reader, lead_provider, view):
    token = tokens.issue(lead_provider=lead_provider, now=clock.now())
    api_token = ApiToken.objects.get()
    url = admin_url(ApiToken, "issue") if view == "issue" else admin_url(ApiToken, "revoke", api_token.pk)

    assert reader.get(url).status_code == 403
    assert reader.post(url, {"lead_provider": lead_provider.pk}).status_code == 403
    bulk = reader.post(admin_url(ApiToken, "changelist"), {"action": "revoke", "_selected_action": [api_token.pk]})
    assert bulk.status_code == 403
    assert ApiToken.objects.count() == 1
    assert calls_api_with(token) == 200


def test_O12_a_last_use_stored_beyond_readable_dates_is_forgotten_so_the_token_list_works(editor, lead_provider):
    from importlib import import_module

    from django.db import connection

    migration = import_module("schools.migrations.0006_forget_impossible_token_last_use")
    tokens.issue(lead_provider=lead_provider, now=ISSUED_AT)
    tokens.issue(lead_provider=lead_provider, now=ISSUED_AT)
    with connection.cursor() as cursor:  # as a travelled request could store them before O12 was fixed
        cursor.execute(
            "UPDATE schools_apitoken SET last_used_at = CASE WHEN id % 2 = 0 THEN '10000-01-01T00:00:00Z'::timestamptz"
            " ELSE '0001-01-01T00:00:00Z'::timestamptz - interval '1 year' END"
        )

    with connection.schema_editor() as schema_editor:
        migration.forget_impossible_last_use(None, schema_editor)

    assert list(ApiToken.objects.values_list("last_used_at", flat=True)) == [None, None]
    assert editor.get(admin_url(ApiToken, "changelist")).status_code == 200
