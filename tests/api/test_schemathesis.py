"""Property-based runs: no 5xx, nothing that breaks the schema.

One runs against the served OpenAPI document, checking responses against it; it covers every operation
the document lists, so it grows with the API. The other runs against the reference contract kept in the
repo, with negative cases and hostile headers, ids and bodies (odd Authorization spellings, extreme
X-With-Server-Date values, values of the wrong JSON type, other scripts' digits, huge numbers), checking
only that nothing is a 5xx. Bounded by `SCHEMATHESIS_MAX_EXAMPLES` (default 25 per operation) and
`SCHEMATHESIS_HOSTILE_MAX_EXAMPLES` (default 30) to keep `make test` quick.
"""

import datetime as dt
import os
from pathlib import Path

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from participants.models import Participant, ParticipantType
from schools.models import DeliveryPartner, Partnership, School
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


# --- the reference contract, with hostile headers and bodies --------------------------------------------------------

# The contract copy kept in the repo: what providers' clients are generated from, whatever this service serves.
reference = schemathesis.openapi.from_path(
    Path(__file__).resolve().parents[1] / "contract" / "lead-provider-api-v3.yaml"
)
reference.app = application
# Positive cases and negative ones (values of the wrong type or out of the schema's bounds).
reference.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])

HOSTILE_MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_HOSTILE_MAX_EXAMPLES", "30"))

EXTREME_SERVER_DATES = [
    "9999-12-31T23:59:59-14:00",
    "0001-01-01T00:00:00+14:00",
    "0001-01-01",
    "9999-12-31",
    "2025-02-30",
    "2025-09-01T25:00:00Z",
    "2025-09-01T10:00:00+99:00",
    "",
    "1" * 5000,
    "2026-01-15",
    "2025-09-01T10:00:00Z",
]
ODD_VALUES = [
    "²",
    "٢٠٢٥",
    "2025²",
    "1" * 4301,
    "2025",
    "",
    " ",
    "\x00",
    "other",
    "ecf-induction",
    "ecf-mentor",
    "ecf-extended-september",
    "started",
    "training-event-attended",
    "2025-10-01T10:00:00Z",
    "9999-12-31T23:59:59-14:00",
    "0001-01-01T00:00:00+14:00",
    "20251001",
    "00000000-0000-0000-0000-000000000000",
]
BODY_ATTRIBUTES = [
    "reason",
    "course_identifier",
    "cohort",
    "schedule_identifier",
    "participant_id",
    "declaration_type",
    "declaration_date",
    "evidence_held",
    "school_id",
    "delivery_partner_id",
]


def _hostile_values(known_ids):
    return st.one_of(
        st.sampled_from(ODD_VALUES + known_ids),
        st.integers(min_value=-(2**63), max_value=2**64 - 1),
        st.floats(allow_nan=False, allow_infinity=False),
        st.booleans(),
        st.none(),
        st.text(max_size=20),
        st.lists(st.sampled_from(ODD_VALUES), max_size=2),
        st.dictionaries(st.sampled_from(BODY_ATTRIBUTES), st.sampled_from(ODD_VALUES), max_size=2),
    )


def _authorization(token):
    return st.sampled_from(
        [
            f"Bearer {token}",
            f"bearer {token}",
            f"Bearer  {token}",
            f"BEARER {token}",
            f"Token token={token}",
            f'Token token="{token}"',
            f"Bearer {token}x",
            "Bearer",
            "Basic dXNlcjpwYXNz",
            "",
        ]
    )


def _known_ids(lead_provider):
    ids = list(Participant.objects.values_list("api_id", flat=True))
    ids += Partnership.objects.filter(lead_provider=lead_provider).values_list("api_id", flat=True)
    ids += School.objects.values_list("api_id", flat=True)
    ids += DeliveryPartner.objects.values_list("api_id", flat=True)
    return [str(known) for known in ids]


@reference.given(data=st.data())
@reference.parametrize()
@settings(max_examples=HOSTILE_MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors_for_hostile_requests_made_from_the_reference_contract(
    case, data, in_process_requests, api, some_participants, lead_provider, settings
):
    """Headers, ids and bodies a careless or hostile client could send: never a 5xx."""
    settings.SANDBOX = True  # so the time-travel header is read, not ignored
    known = _known_ids(lead_provider)
    headers = {"Authorization": data.draw(_authorization(api.token))}
    # Header values cannot start or end with whitespace on the wire.
    printable = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40).map(str.strip)
    server_date = data.draw(st.one_of(st.none(), st.sampled_from(EXTREME_SERVER_DATES), printable))
    if server_date is not None:
        headers["X-With-Server-Date"] = server_date
    if "id" in (case.path_parameters or {}) and data.draw(st.booleans()):
        case.path_parameters["id"] = data.draw(st.sampled_from(known))  # reach the rules, not only the 404
    envelope = case.body.get("data") if isinstance(case.body, dict) else None
    attributes = envelope.get("attributes") if isinstance(envelope, dict) else None
    if isinstance(attributes, dict):
        values = _hostile_values(known)
        for name in data.draw(st.lists(st.sampled_from(BODY_ATTRIBUTES), max_size=4, unique=True)):
            attributes[name] = data.draw(values)
    response = case.call(headers=headers)
    case.validate_response(response, checks=[not_a_server_error])
