"""OpenAPI pieces shared by every endpoint: error bodies, pagination, sort and the filter hash."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    title = serializers.CharField()
    detail = serializers.CharField()


class ErrorsSerializer(serializers.Serializer):
    errors = ErrorSerializer(many=True)


class UnauthorisedSerializer(serializers.Serializer):
    error = serializers.CharField()


UNAUTHORISED = OpenApiResponse(UnauthorisedSerializer, description="Unauthorized")
BAD_REQUEST = OpenApiResponse(ErrorsSerializer, description="Bad Request")
NOT_FOUND = OpenApiResponse(ErrorsSerializer, description="Not Found")
UNPROCESSABLE = OpenApiResponse(ErrorsSerializer, description="Unprocessable Entity")
TOO_MANY = OpenApiResponse(ErrorsSerializer, description="Too Many Requests")

PAGE = OpenApiParameter(
    "page",
    type={"type": "object", "properties": {"page": {"type": "integer"}, "per_page": {"type": "integer"}}},
    location=OpenApiParameter.QUERY,
    required=False,
    style="deepObject",
    explode=True,
)
SORT = OpenApiParameter(
    "sort",
    type={"type": "string", "enum": ["created_at", "-created_at", "updated_at", "-updated_at"]},
    location=OpenApiParameter.QUERY,
    required=False,
)
ID = OpenApiParameter("id", type={"type": "string", "format": "uuid"}, location=OpenApiParameter.PATH, required=True)


def filter_parameter(properties: dict, required: list[str] | None = None) -> OpenApiParameter:
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return OpenApiParameter(
        "filter", type=schema, location=OpenApiParameter.QUERY, required=bool(required), style="deepObject", explode=True
    )


def envelope(name: str, item, many: bool = False):
    return inline_serializer(name, {"data": item(many=many) if many else item()})
