"""The served OpenAPI document: valid, true to real responses, and conformant with the reference contract."""

from pathlib import Path

import pytest
import yaml
from openapi_core import OpenAPI
from openapi_spec_validator import validate as validate_spec

from participants.models import ParticipantType
from tests import factories
from tests.api.openapi import served_document, validate
from tests.builders import trained_participant

REFERENCE = yaml.safe_load((Path(__file__).resolve().parents[1] / "contract" / "lead-provider-api-v3.yaml").read_text())


@pytest.fixture(scope="module")
def document(django_db_blocker):
    with django_db_blocker.unblock():
        return served_document()


def test_served_document_is_valid_openapi(document):
    validate_spec(document)


def test_swagger_ui_is_served(client):
    response = client.get("/api/docs/v3")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


def test_real_responses_validate_against_the_served_document(document, api, lead_provider, today):
    import datetime as dt

    participant, training = trained_participant(lead_provider)
    mentor, _ = trained_participant(
        lead_provider, participant_type=ParticipantType.MENTOR, school=training.school_period.school
    )
    factories.MentorshipFactory(
        ect_school_period=training.school_period, mentor_school_period=mentor.school_periods.get()
    )
    trained_participant(
        lead_provider,
        finished_on=dt.date(2025, 11, 1),
        withdrawn_at=dt.datetime(2025, 11, 1, tzinfo=dt.UTC),
        withdrawal_reason="moved_school",
    )
    openapi = OpenAPI.from_dict(document)
    for response in [
        api.get("/api/v3/participants"),
        api.get(f"/api/v3/participants/{participant.api_id}"),
        api.get("/api/v3/participants/00000000-0000-0000-0000-000000000000"),
        api.get("/api/v3/participants", {"page[page]": "0"}),
        api.get("/api/v3/participants", {"filter[training_status]": "withdrawn"}),
    ]:
        validate(openapi, response)


# --- conformance with the reference contract ------------------------------------------------------


def _resolve(document, schema):
    while isinstance(schema, dict) and "$ref" in schema:
        target = document
        for part in schema["$ref"].lstrip("#/").split("/"):
            target = target[part]
        schema = target
    return schema


def _shape(document, schema, depth=0):
    """Attribute names and enums of a schema, recursively, ignoring descriptions and component names.

    Alternatives (anyOf/oneOf/allOf) are merged: a served schema that accepts the union of the
    reference's variants has the same shape.
    """
    schema = _resolve(document, schema)
    if depth > 8 or not isinstance(schema, dict):
        return None
    shape = {}
    for variant in schema.get("anyOf", []) + schema.get("oneOf", []) + schema.get("allOf", []):
        _merge(shape, _shape(document, variant, depth + 1) or {})
    if "enum" in schema:
        _merge(shape, {"enum": sorted(str(v) for v in schema["enum"] if v is not None)})
    if "properties" in schema:
        _merge(
            shape,
            {"properties": {name: _shape(document, sub, depth + 1) for name, sub in schema["properties"].items()}},
        )
    if "items" in schema:
        items = _shape(document, schema["items"], depth + 1)
        # Items of plain values carry no names or enums (the contract's DeliveryPartner cohort omits them).
        if items:
            _merge(shape, {"items": items})
    return shape


def _merge(into, shape):
    for key, value in shape.items():
        if key == "enum":
            into["enum"] = sorted(set(into.get("enum", [])) | set(value))
        elif key == "properties":
            properties = into.setdefault("properties", {})
            for name, sub in value.items():
                if properties.get(name) is None:
                    properties[name] = sub
                elif sub is not None:
                    _merge(properties[name], sub)
        elif key == "items":
            if into.get("items") is None:
                into["items"] = value
            elif value is not None:
                _merge(into["items"], value)


def _operations(document, prefix):
    for path, item in document["paths"].items():
        if path.startswith(prefix):
            for method, operation in item.items():
                if method in {"get", "put", "post"}:
                    yield path, method, operation


SERVED_PREFIXES = (
    "/api/v3/participants",
    "/api/v3/participant-declarations",
    "/api/v3/schools",
    "/api/v3/delivery-partners",
    "/api/v3/partnerships",
    "/api/v3/unfunded-mentors",
)


def _reference_operations():
    # The reference endpoints this service serves so far; a prefix added here is held to the contract.
    return [operation for prefix in SERVED_PREFIXES for operation in _operations(REFERENCE, prefix)]


@pytest.mark.parametrize("path, method", [(p, m) for p, m, _ in _reference_operations()])
def test_conformance_every_reference_participant_path_is_served(document, path, method):
    assert method in document["paths"].get(path, {}), f"{method.upper()} {path} is not served"


@pytest.mark.parametrize("path, method", [(p, m) for p, m, _ in _reference_operations()])
def test_conformance_parameters_match_the_reference(document, path, method):
    reference = {
        p["name"]: (p["in"], p.get("style"), _shape(REFERENCE, p["schema"]))
        for p in _resolve(REFERENCE, REFERENCE["paths"][path][method]).get("parameters", [])
    }
    served = {
        p["name"]: (p["in"], p.get("style"), _shape(document, p["schema"]))
        for p in document["paths"][path][method].get("parameters", [])
    }
    assert served == reference


@pytest.mark.parametrize("path, method", [(p, m) for p, m, _ in _reference_operations()])
def test_conformance_response_attributes_and_enums_match_the_reference(document, path, method):
    reference_responses = REFERENCE["paths"][path][method]["responses"]
    served_responses = document["paths"][path][method]["responses"]
    for status, reference_response in reference_responses.items():
        assert status in served_responses, f"{status} not documented for {method.upper()} {path}"
        reference_shape = _shape(REFERENCE, reference_response["content"]["application/json"]["schema"])
        served_shape = _shape(document, served_responses[status]["content"]["application/json"]["schema"])
        assert served_shape == reference_shape, status


def test_conformance_security_scheme_is_bearer(document):
    assert document["components"]["securitySchemes"]["api_key"] == {"type": "http", "scheme": "bearer"}


@pytest.mark.parametrize("path, method", [(p, m) for p, m, op in _reference_operations() if "requestBody" in op])
def test_conformance_request_bodies_match_the_reference(document, path, method):
    def body_shape(doc, operation):
        return _shape(doc, operation["requestBody"]["content"]["application/json"]["schema"])

    assert body_shape(document, document["paths"][path][method]) == body_shape(
        REFERENCE, REFERENCE["paths"][path][method]
    )


def _operation_ids(document):
    return {
        (path, method): operation.get("operationId")
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in {"get", "put", "post", "patch", "delete"}
    }


def test_conformance_every_served_operation_has_the_contracts_path_method_and_operation_id(document):
    """Clients generated from either document call the same operations by the same names."""
    assert _operation_ids(document) == _operation_ids(REFERENCE)
