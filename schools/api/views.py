"""GET /api/v3/schools[/{id}], GET /api/v3/delivery-partners[/{id}], GET/POST /api/v3/partnerships, GET/PUT /{id}.

Views parse filters and bodies, call `training.partnerships` for changes and render what `schools.api.reading`
loads. Check order as for participants (C14): auth → filter shape → body envelope → lookup (404) → 422s.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response

from config.api import schema
from config.api.lookup import get_visible_or_404
from config.api.pagination import ordering_from, page_from, page_of
from config.api.parsing import attributes
from config.api.views import LeadProviderView
from schools.api import reading
from schools.api.filters import DeliveryPartnerFilterSet, PartnershipFilterSet, SchoolFilterSet, SchoolListFilterSet
from schools.api.representation import delivery_partner_document, partnership_document, school_document
from schools.api.schema import (
    DeliveryPartnerResponseSerializer,
    DeliveryPartnersResponseSerializer,
    PartnershipCreateSerializer,
    PartnershipResponseSerializer,
    PartnershipsResponseSerializer,
    PartnershipUpdateSerializer,
    SchoolResponseSerializer,
    SchoolsResponseSerializer,
)
from schools.models import School
from training import partnerships as partnership_services

SCHOOL_SORT = {"created_at": "created_at", "updated_at": "last_changed_at"}
TIMESTAMP_SORT = {"created_at": "created_at", "updated_at": "updated_at"}

SCHOOLS_FILTER = schema.filter_parameter(
    {"cohort": {"type": "string"}, "urn": {"type": "string"}, "updated_since": schema.UPDATED_SINCE},
    required=["cohort"],
)
SCHOOL_FILTER = schema.filter_parameter({"cohort": {"type": "string"}}, required=["cohort"])
DELIVERY_PARTNERS_FILTER = schema.filter_parameter({"cohort": {"type": "string"}})
PARTNERSHIPS_FILTER = schema.filter_parameter(
    {"cohort": {"type": "string"}, "updated_since": schema.UPDATED_SINCE, "delivery_partner_id": {"type": "string"}}
)


def _ok(serializer):
    return OpenApiResponse(serializer, description="OK")


LIST_ERRORS = {400: schema.BAD_REQUEST, 401: schema.UNAUTHORISED, 429: schema.TOO_MANY}
SHOW_ERRORS = {400: schema.BAD_REQUEST, 401: schema.UNAUTHORISED, 404: schema.NOT_FOUND, 429: schema.TOO_MANY}
CHANGE_ERRORS = {**SHOW_ERRORS, 422: schema.UNPROCESSABLE}


# --- schools -------------------------------------------------------------------------------------------------------


class SchoolList(LeadProviderView):
    @extend_schema(
        operation_id="getSchools",
        tags=["Schools"],
        parameters=[SCHOOLS_FILTER, schema.PAGE, schema.SORT],
        responses={200: _ok(SchoolsResponseSerializer), **LIST_ERRORS},
    )
    def get(self, request):
        chosen = self.filtered(SchoolListFilterSet, School.objects.all())
        page = page_from(request.query_params)
        ordering = ordering_from(request.query_params, columns=SCHOOL_SORT)
        rows = page.slice(reading.school_rows(chosen.qs.order_by(*ordering)))
        return Response({"data": [school_document(row, cohort=chosen.cohort_year) for row in rows]})


class SchoolDetail(LeadProviderView):
    @extend_schema(
        operation_id="getSchool",
        tags=["Schools"],
        parameters=[schema.ID, SCHOOL_FILTER],
        responses={200: _ok(SchoolResponseSerializer), **SHOW_ERRORS},
    )
    def get(self, request, id):
        chosen = self.filtered(SchoolFilterSet, School.objects.all())
        row = get_visible_or_404(reading.school_rows(chosen.qs), api_id=id)
        return Response({"data": school_document(row, cohort=chosen.cohort_year)})


# --- delivery partners ---------------------------------------------------------------------------------------------


class DeliveryPartnerList(LeadProviderView):
    @extend_schema(
        operation_id="getDeliveryPartners",
        tags=["Delivery Partners"],
        parameters=[DELIVERY_PARTNERS_FILTER, schema.PAGE, schema.SORT],
        responses={200: _ok(DeliveryPartnersResponseSerializer), **LIST_ERRORS},
    )
    def get(self, request):
        chosen = self.filtered(DeliveryPartnerFilterSet, reading.delivery_partners(self.lead_provider))
        page = page_from(request.query_params)
        ordering = ordering_from(request.query_params, columns=TIMESTAMP_SORT)
        queryset = chosen.qs.order_by(*ordering)
        return Response(
            {"data": [delivery_partner_document(row) for row in page.slice(reading.delivery_partner_rows(queryset))]}
        )


class DeliveryPartnerDetail(LeadProviderView):
    @extend_schema(
        operation_id="getDeliveryPartner",
        tags=["Delivery Partners"],
        parameters=[schema.ID],
        responses={200: _ok(DeliveryPartnerResponseSerializer), **SHOW_ERRORS},
    )
    def get(self, request, id):
        row = get_visible_or_404(
            reading.delivery_partner_rows(reading.delivery_partners(self.lead_provider)), api_id=id
        )
        return Response({"data": delivery_partner_document(row)})


# --- partnerships --------------------------------------------------------------------------------------------------


def _partnership_document(lead_provider, api_id, *, today) -> dict:
    rows = reading.partnership_rows(reading.partnerships(lead_provider), today=today)
    return partnership_document(get_visible_or_404(rows, api_id=api_id))


class PartnershipList(LeadProviderView):
    @extend_schema(
        operation_id="getPartnerships",
        tags=["Partnerships"],
        parameters=[PARTNERSHIPS_FILTER, schema.PAGE, schema.SORT],
        responses={200: _ok(PartnershipsResponseSerializer), **LIST_ERRORS},
    )
    def get(self, request):
        chosen = self.filtered(PartnershipFilterSet, reading.partnerships(self.lead_provider))
        page = page_from(request.query_params)
        ordering = ordering_from(request.query_params, columns=TIMESTAMP_SORT)
        rows = reading.partnership_rows(page_of(page, chosen.qs.order_by(*ordering)), today=self.today())
        return Response({"data": [partnership_document(row) for row in rows]})

    @extend_schema(
        operation_id="createPartnership",
        tags=["Partnerships"],
        request=PartnershipCreateSerializer,
        responses={
            200: _ok(PartnershipResponseSerializer),
            400: schema.BAD_REQUEST,
            401: schema.UNAUTHORISED,
            422: schema.UNPROCESSABLE,
            429: schema.TOO_MANY,
        },
    )
    def post(self, request):
        attrs = attributes(request, ("cohort", "school_id", "delivery_partner_id"))
        with self.acting("create_partnership"):
            partnership = partnership_services.create(
                lead_provider=self.lead_provider,
                cohort=attrs["cohort"],
                school_id=attrs["school_id"],
                delivery_partner_id=attrs["delivery_partner_id"],
                now=self.now,
            )
        return Response({"data": _partnership_document(self.lead_provider, partnership.api_id, today=self.today())})


class PartnershipDetail(LeadProviderView):
    @extend_schema(
        operation_id="getPartnership",
        tags=["Partnerships"],
        parameters=[schema.ID],
        responses={200: _ok(PartnershipResponseSerializer), **SHOW_ERRORS},
    )
    def get(self, request, id):
        return Response({"data": _partnership_document(self.lead_provider, id, today=self.today())})

    @extend_schema(
        operation_id="updatePartnership",
        tags=["Partnerships"],
        parameters=[schema.ID],
        request=PartnershipUpdateSerializer,
        responses={200: _ok(PartnershipResponseSerializer), **CHANGE_ERRORS},
    )
    def put(self, request, id):
        attrs = attributes(request, ("delivery_partner_id",))
        partnership = get_visible_or_404(reading.partnerships(self.lead_provider), api_id=id)
        with self.acting("change_partnership_delivery_partner"):
            partnership_services.change_delivery_partner(
                partnership=partnership, delivery_partner_id=attrs["delivery_partner_id"], now=self.now
            )
        return Response({"data": _partnership_document(self.lead_provider, partnership.api_id, today=self.today())})
