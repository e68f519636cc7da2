"""Decisions the API documentation states (config/api/description.md), held by the behaviour they describe."""

import datetime as dt

import pytest

from config import clock
from declarations.models import Declaration
from tests.api.openapi import served_document
from tests.builders import trained_participant
from training.school_actions.report_leaving import report_leaving


def declaration_body(participant):
    attributes = {
        "participant_id": str(participant.api_id),
        "declaration_type": "started",
        "declaration_date": "2025-10-01T10:00:00Z",
        "course_identifier": "ecf-induction",
        "evidence_held": "training-event-attended",
    }
    return {"data": {"type": "participant-declaration", "attributes": attributes}}


def test_O3_an_exact_copy_of_a_voided_declarations_request_creates_a_new_declaration(api, lead_provider, today):
    participant, _ = trained_participant(lead_provider)
    first = api.post("/api/v3/participant-declarations", declaration_body(participant)).json()["data"]
    assert api.put(f"/api/v3/participant-declarations/{first['id']}/void").status_code == 200

    again = api.post("/api/v3/participant-declarations", declaration_body(participant))

    assert again.status_code == 200
    assert again.json()["data"]["id"] != first["id"]
    assert again.json()["data"]["attributes"]["state"] == "submitted"
    assert sorted(Declaration.objects.values_list("payment_status", flat=True)) == ["no_payment", "voided"]
    # And while the new one stands, the same request returns it.
    assert api.post("/api/v3/participant-declarations", declaration_body(participant)).json() == again.json()


def test_O1_SC7_a_participant_is_leaving_on_the_reported_leaving_date_and_left_from_the_next_day(
    api, lead_provider, today, settings
):
    settings.SANDBOX = True
    participant, training = trained_participant(lead_provider)
    report_leaving(school_period=training.school_period, leaving_on=dt.date(2026, 1, 20), now=clock.now())
    path = f"/api/v3/participants/{participant.api_id}"

    def status_at(moment):
        response = api.get(path, HTTP_X_WITH_SERVER_DATE=moment)
        assert response.status_code == 200, response.content
        return response.json()["data"]["attributes"]["ecf_enrolments"][0]["participant_status"]

    assert status_at("2026-01-19T12:00:00Z") == "leaving"
    assert status_at("2026-01-20T23:59:59Z") == "leaving"  # the leaving date itself (London is on UTC in January)
    assert status_at("2026-01-21T00:00:00Z") == "left"


@pytest.mark.parametrize(
    "decision",
    [
        "Once it has been voided, the same request creates a new declaration.",
        "`leaving` up to and including that date, and `left` from the next day.",
        # Held by tests/api/test_updated_since_sync.py.
        "so you never miss a change committed after your previous request.",
    ],
)
def test_the_served_documentation_states_the_decisions(decision):
    assert decision in " ".join(served_document()["info"]["description"].split())
