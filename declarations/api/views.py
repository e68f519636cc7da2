"""POST/GET /api/v3/participant-declarations, GET /{id}, PUT /{id}/void."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response

from config.api import filters, schema
from config.api.errors import NotFound
from config.api.pagination import page_from
from config.api.parsing import attributes, uuid_or_none
from config.api.views import LeadProviderView
from declarations.api import reading
from declarations.api.representation import declaration_document
from declarations.api.schema import (
    DeclarationCreateSerializer,
    DeclarationResponseSerializer,
    DeclarationsResponseSerializer,
)
from declarations.submission import submit
from declarations.voiding import void

PERMITTED = ("participant_id", "declaration_type", "declaration_date", "course_identifier", "evidence_held")
DECLARATIONS_FILTER = schema.filter_parameter(
    {
        "cohort": {"type": "string"},
        "participant_id": {"type": "string"},
        "delivery_partner_id": {"type": "string"},
        "updated_since": {"type": "string"},
    }
)


def declaration_filters(raw: dict) -> reading.DeclarationFilters:
    """D39 with O4: invalid values are a 400 naming the filter."""
    return reading.DeclarationFilters(
        cohorts=filters.cohort_years(raw),
        participant_ids=filters.uuid_list(raw, "participant_id"),
        delivery_partner_ids=filters.uuid_list(raw, "delivery_partner_id"),
        updated_since=filters.updated_since(raw),
    )


def _one(lead_provider, id):
    api_id = uuid_or_none(id)
    found = list(reading.rows(reading.own_declarations(lead_provider).filter(api_id=api_id))) if api_id else []
    if not found:
        raise NotFound()
    return found[0]


class DeclarationList(LeadProviderView):
    @extend_schema(
        operation_id="getDeclarations",
        tags=["Declarations"],
        parameters=[DECLARATIONS_FILTER, schema.PAGE],
        responses={
            200: OpenApiResponse(DeclarationsResponseSerializer, description="OK"),
            400: schema.BAD_REQUEST,
            401: schema.UNAUTHORISED,
            429: schema.TOO_MANY,
        },
    )
    def get(self, request):
        chosen = declaration_filters(self.filters())
        page = page_from(request.query_params)
        queryset = reading.rows(reading.own_declarations(self.lead_provider, chosen).order_by("created_at", "id"))
        return Response({"data": [declaration_document(row) for row in page.slice(queryset)]})

    @extend_schema(
        operation_id="createDeclaration",
        tags=["Declarations"],
        request=DeclarationCreateSerializer,
        responses={
            200: OpenApiResponse(DeclarationResponseSerializer, description="OK"),
            400: schema.BAD_REQUEST,
            401: schema.UNAUTHORISED,
            422: schema.UNPROCESSABLE,
            429: schema.TOO_MANY,
        },
    )
    def post(self, request):
        self.filters()
        attrs = attributes(request, PERMITTED)
        with self.acting("declare"):
            declaration = submit(lead_provider=self.lead_provider, attributes=attrs, now=self.now)
        return Response({"data": declaration_document(_one(self.lead_provider, str(declaration.api_id)))})


class DeclarationDetail(LeadProviderView):
    @extend_schema(
        operation_id="getDeclaration",
        tags=["Declarations"],
        parameters=[schema.ID],
        responses={
            200: OpenApiResponse(DeclarationResponseSerializer, description="OK"),
            401: schema.UNAUTHORISED,
            404: schema.NOT_FOUND,
            429: schema.TOO_MANY,
        },
    )
    def get(self, request, id):
        self.filters()
        return Response({"data": declaration_document(_one(self.lead_provider, id))})


class VoidDeclaration(LeadProviderView):
    @extend_schema(
        operation_id="voidDeclaration",
        tags=["Declarations"],
        parameters=[schema.ID],
        request=None,
        responses={
            200: OpenApiResponse(DeclarationResponseSerializer, description="OK"),
            401: schema.UNAUTHORISED,
            404: schema.NOT_FOUND,
            422: schema.UNPROCESSABLE,
            429: schema.TOO_MANY,
        },
    )
    def put(self, request, id):
        self.filters()
        from declarations.models import Declaration

        _one(self.lead_provider, id)  # D35: only the provider's own declarations
        declaration = Declaration.objects.select_related("training_period__school_period__participant").get(api_id=id)
        with self.acting("void_declaration"):
            void(declaration=declaration, now=self.now)
        return Response({"data": declaration_document(_one(self.lead_provider, id))})
