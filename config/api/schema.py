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


# Q3 and the promise behind it (config.changes): written once, served on every list that takes it.
UPDATED_SINCE = {
    "type": "string",
    "description": (
        "Only records that changed at or after this moment (an ISO 8601 date or date-time; without an offset, "
        "London time). Keep in step by sending, as `updated_since`, the time you sent your previous request "
        "(read from a clock in step with UTC, before sending it): you will never miss a change committed "
        "after that request, however long the change took to commit and whichever process made it, the "
        "nightly status update included. A change is stamped with the moment it commits, and a request with "
        "`updated_since` waits (two seconds at most; past that it gets 503 with Retry-After) for changes already "
        "stamped to finish committing. Changes made in the sandbox "
        "with `X-With-Server-Date` carry that date instead."
    ),
}


def filter_parameter(properties: dict, required: list[str] | None = None) -> OpenApiParameter:
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return OpenApiParameter(
        "filter",
        type=schema,
        location=OpenApiParameter.QUERY,
        required=bool(required),
        style="deepObject",
        explode=True,
    )


def envelope(name: str, item, many: bool = False):
    return inline_serializer(name, {"data": item(many=many) if many else item()})


def inline_nullable_references(result, generator, request, public):
    """Write nullable objects and enums as the contract does: inline, with `nullable: true`.

    OpenAPI 3.0 validators reject null against `allOf: [$ref]`, and the contract spells a nullable
    enum as one schema rather than `oneOf: [XEnum, NullEnum]`.
    """
    components = result.get("components", {}).get("schemas", {})

    def referenced(ref_holder):
        return components[ref_holder["$ref"].rsplit("/", 1)[-1]]

    def visit(node):
        if isinstance(node, dict):
            for key, value in list(node.items()):
                if isinstance(value, dict) and value.get("nullable"):
                    parts = value.get("allOf") or value.get("oneOf") or []
                    refs = [part for part in parts if "$ref" in part and not part["$ref"].endswith("/NullEnum")]
                    if parts and len(refs) == 1 and all("$ref" in part for part in parts):
                        node[key] = value = {**referenced(refs[0]), "nullable": True}
                    if "enum" in value and None not in value["enum"]:
                        # OpenAPI 3.0.3: a nullable enum must list null to accept it.
                        value["enum"] = [*value["enum"], None]
                visit(node[key])
        elif isinstance(node, list):
            for item in node:
                visit(item)

    visit(result)
    return result


def drop_unused_null_enum(result, generator, request, public):
    schemas = result.get("components", {}).get("schemas", {})
    if "NullEnum" in schemas and "/NullEnum" not in str(result.get("paths")) + str(
        {k: v for k, v in schemas.items() if k != "NullEnum"}
    ):
        del schemas["NullEnum"]
    return result
