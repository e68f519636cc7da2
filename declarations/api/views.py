"""POST/GET /api/v3/participant-declarations, GET /{id}, PUT /{id}/void."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response

from config.api import schema
from config.api.lookup import get_visible_or_404
from config.api.pagination import page_from, page_of
from config.api.parsing import attributes
from config.api.views import LeadProviderView
from declarations.api import reading
from declarations.api.filters import DeclarationFilterSet
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
        "updated_since": schema.UPDATED_SINCE,
    }
)


def _one(lead_provider, id) -> dict:
    return get_visible_or_404(reading.rows(reading.visible_declarations(lead_provider)), api_id=id)


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
        chosen = self.filtered(DeclarationFilterSet, reading.visible_declarations(self.lead_provider))
        page = page_from(request.query_params)
        queryset = reading.rows(page_of(page, chosen.qs.order_by("created_at", "id")))
        return Response({"data": [declaration_document(row) for row in queryset]})

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
        own = reading.own_declarations(self.lead_provider).select_related("training_period__school_period__participant")
        declaration = get_visible_or_404(own, api_id=id)  # D35: only the provider's own declarations
        with self.acting("void_declaration"):
            void(declaration=declaration, now=self.now)
        return Response({"data": declaration_document(_one(self.lead_provider, id))})
