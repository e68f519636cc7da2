"""Helpers to hold real responses against the OpenAPI document the service serves."""

import yaml
from django.test import Client
from openapi_core import OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse

SERVED_PATH = "/api/docs/v3/openapi.yaml"


def served_document() -> dict:
    response = Client().get(SERVED_PATH)
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def validate(openapi: OpenAPI, response) -> None:
    """Raises when the response (or the request that produced it) breaks the served schema."""
    openapi.validate_response(DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response))
