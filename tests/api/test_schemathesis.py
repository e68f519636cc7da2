"""Property-based run against the served OpenAPI document: no 5xx, nothing that breaks the schema.

It covers every operation the document lists, so it grows with the API. Bounded by
`SCHEMATHESIS_MAX_EXAMPLES` (default 25 per operation) to keep `make test` quick.
"""

import datetime as dt
import os

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from participants.models import ParticipantType
from tests.api.openapi import SERVED_PATH
from tests.builders import trained_participant

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "25"))


# Loaded at collection: serving the document touches no database.
schema = schemathesis.openapi.from_wsgi(SERVED_PATH, application)


@pytest.fixture
def in_process_requests():
    # In-process WSGI calls would close the test transaction's connection at the end of each request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def some_participants(lead_provider):
    trained_participant(lead_provider)
    trained_participant(lead_provider, participant_type=ParticipantType.MENTOR)
    trained_participant(
        lead_provider,
        finished_on=dt.date(2025, 11, 1),
        deferred_at=dt.datetime(2025, 11, 1, tzinfo=dt.UTC),
        deferral_reason="parental_leave",
    )


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_responses_match_the_served_schema(case, in_process_requests, api, some_participants):
    response = case.call(headers={"Authorization": f"Bearer {api.token}"})
    case.validate_response(
        response,
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
    )
