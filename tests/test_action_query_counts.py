"""An action's effects (audit events, `api_updated_at`, provider enrolments, D31, D32) run once, at its end.

So the SQL an action costs is small and does not grow with the number of rows it touches. (Inside a
test's transaction an action's own transaction is a SAVEPOINT and RELEASE; in production the same two
statements are BEGIN and COMMIT.) An action's last statement stamps what providers poll with the moment it
commits, under the shared stamping lock (config.changes, the `updated_since` guarantee).
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config import changes, clock
from config.changes import Actor
from config.models import AuditEvent
from participants.models import ParticipantType
from schools.models import LeadProviderDeliveryPartnership
from tests import factories
from tests.builders import trained_participant
from training.school_actions import report_leaving

NOW = dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.UTC)


def count(call):
    with CaptureQueriesContext(connection) as queries:
        response = call()
    return response, len(queries)


def put(api, participant, action, **attributes):
    body = {"data": {"type": f"participant-{action}", "attributes": attributes}}
    return api.put(f"/api/v3/participants/{participant.api_id}/{action}", body)


@pytest.fixture
def ect(lead_provider, today):
    participant, _ = trained_participant(lead_provider, started_on=dt.date(2025, 9, 1))
    return participant


def test_defer_withdraw_and_resume_each_cost_at_most_13_queries(api, lead_provider, today):
    deferred_earlier, withdrawn_now = (
        trained_participant(lead_provider, started_on=dt.date(2025, 9, 1))[0] for _ in range(2)
    )
    with clock.travel_to(dt.datetime(2026, 1, 10, 12, 0, tzinfo=dt.UTC)):
        put(api, deferred_earlier, "defer", reason="other", course_identifier="ecf-induction")
    deferred_now = trained_participant(lead_provider, started_on=dt.date(2025, 9, 1))[0]

    costs = {}
    for action, participant, attributes in [
        ("defer", deferred_now, {"reason": "other"}),
        ("resume", deferred_earlier, {}),
        ("withdraw", withdrawn_now, {"reason": "other"}),
    ]:
        response, costs[action] = count(
            lambda: put(api, participant, action, course_identifier="ecf-induction", **attributes)  # noqa: B023
        )
        assert response.status_code == 200, response.content

    assert costs == {action: min(queries, 13) for action, queries in costs.items()}


def test_a_declaration_post_costs_at_most_13_queries(api, ect):
    attributes = {
        "participant_id": str(ect.api_id),
        "declaration_type": "started",
        "declaration_date": "2025-10-01T10:00:00Z",
        "course_identifier": "ecf-induction",
        "evidence_held": "training-event-attended",
    }
    body = {"data": {"type": "participant-declaration", "attributes": attributes}}

    response, queries = count(lambda: api.post("/api/v3/participant-declarations", body))

    assert response.status_code == 200, response.content
    assert queries <= 13


def test_a_school_reporting_leaving_costs_at_most_15_queries(lead_provider, today):
    _, training = trained_participant(lead_provider, started_on=dt.date(2025, 9, 1))
    factories.MentorshipFactory(ect_school_period=training.school_period)

    def leave():
        with changes.recording(actor=Actor("school_user", "1", "tutor"), action="report_leaving", now=NOW):
            return report_leaving(school_period=training.school_period, leaving_on=dt.date(2026, 3, 31), now=NOW)

    _, queries = count(leave)

    assert queries <= 15


def _partnership_created_with_waiting_training(api, lead_provider, waiting):
    school, delivery_partner = factories.SchoolFactory(), factories.DeliveryPartnerFactory()
    LeadProviderDeliveryPartnership.objects.create(
        lead_provider=lead_provider, delivery_partner=delivery_partner, cohort_id=2025
    )
    for _ in range(waiting):
        factories.TrainingPeriodFactory(
            school_period=factories.SchoolPeriodFactory(school=school, participant_type=ParticipantType.ECT),
            partnership=None,
            lead_provider=lead_provider,
            schedule=factories.schedule("ecf-standard-september", 2025),
        )
    attributes = {
        "cohort": "2025",
        "school_id": str(school.api_id),
        "delivery_partner_id": str(delivery_partner.api_id),
    }
    body = {"data": {"type": "partnership", "attributes": attributes}}
    response, queries = count(lambda: api.post("/api/v3/partnerships", body))
    assert response.status_code == 200, response.content
    return queries


def test_P9_creating_a_partnership_costs_the_same_queries_however_many_trainings_wait_for_it(api, lead_provider, today):
    with_one = _partnership_created_with_waiting_training(api, lead_provider, waiting=1)
    with_ten = _partnership_created_with_waiting_training(api, lead_provider, waiting=10)

    assert with_ten == with_one
    # Each attached training is still audited, in the one batch the action writes.
    assert AuditEvent.objects.filter(action="create_partnership", model="participants.TrainingPeriod").count() == 11
