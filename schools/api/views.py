"""GET /api/v3/schools[/{id}], GET /api/v3/delivery-partners[/{id}], GET/POST /api/v3/partnerships, GET/PUT /{id}.

Views parse filters and bodies, call `schools.partnerships` for changes and render what `schools.api.reading`
loads. Check order as for participants (C14): auth → filter shape → body envelope → lookup (404) → 422s.
"""

from __future__ import annotations

import re

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response

from config.api import filters, schema
from config.api.errors import BadRequest, NotFound
from config.api.pagination import ordering_from, page_from
from config.api.parsing import attributes, uuid_or_none
from config.api.views import LeadProviderView
from schools.api import reading
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
from training import partnerships as partnership_services

SCHOOL_SORT = {"created_at": "created_at", "updated_at": "last_changed_at"}
TIMESTAMP_SORT = {"created_at": "created_at", "updated_at": "updated_at"}

SCHOOLS_FILTER = schema.filter_parameter(
    {"cohort": {"type": "string"}, "urn": {"type": "string"}, "updated_since": {"type": "string"}}, required=["cohort"]
)
SCHOOL_FILTER = schema.filter_parameter({"cohort": {"type": "string"}}, required=["cohort"])
DELIVERY_PARTNERS_FILTER = schema.filter_parameter({"cohort": {"type": "string"}})
PARTNERSHIPS_FILTER = schema.filter_parameter(
    {"cohort": {"type": "string"}, "updated_since": {"type": "string"}, "delivery_partner_id": {"type": "string"}}
)

COHORT_MISSING = "The filter '#/cohort' must be included in your request"
COHORT_NOT_A_YEAR = "The filter '#/cohort' must be a year, for example 2025"
URN_INVALID = "The filter '#/urn' must be a school URN (digits only), for example 100001"

_DIGITS = re.compile(r"[0-9]+")


def one_cohort(raw: dict) -> int:
    """A school is described for one cohort, so its filter names exactly one year."""
    text = filters.text(raw, "cohort")
    if not text:
        raise BadRequest(COHORT_MISSING)
    if not re.fullmatch(r"[0-9]{4}", text):
        raise BadRequest(COHORT_NOT_A_YEAR)
    return int(text)


def school_filters(raw: dict) -> reading.SchoolFilters:
    cohort = one_cohort(raw)
    urn = filters.text(raw, "urn") or None
    if urn is not None and not _DIGITS.fullmatch(urn):
        raise BadRequest(URN_INVALID)
    return reading.SchoolFilters(cohort=cohort, urn=urn, updated_since=filters.updated_since(raw))


def partnership_filters(raw: dict) -> reading.PartnershipFilters:
    return reading.PartnershipFilters(
        cohorts=filters.cohort_years(raw),
        updated_since=filters.updated_since(raw),
        delivery_partner_ids=filters.uuid_list(raw, "delivery_partner_id"),
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
        chosen = school_filters(self.filters())
        page = page_from(request.query_params)
        ordering = ordering_from(request.query_params, columns=SCHOOL_SORT)
        rows = page.slice(reading.school_rows(reading.schools(self.lead_provider, chosen).order_by(*ordering)))
        return Response({"data": [school_document(row, cohort=chosen.cohort) for row in rows]})


class SchoolDetail(LeadProviderView):
    @extend_schema(
        operation_id="getSchool",
        tags=["Schools"],
        parameters=[schema.ID, SCHOOL_FILTER],
        responses={200: _ok(SchoolResponseSerializer), **SHOW_ERRORS},
    )
    def get(self, request, id):
        cohort = one_cohort(self.filters())
        api_id = uuid_or_none(id)
        queryset = reading.schools(self.lead_provider, reading.SchoolFilters(cohort=cohort)).filter(api_id=api_id)
        row = reading.school_rows(queryset).first() if api_id else None
        if row is None:
            raise NotFound()
        return Response({"data": school_document(row, cohort=cohort)})


# --- delivery partners ---------------------------------------------------------------------------------------------


class DeliveryPartnerList(LeadProviderView):
    @extend_schema(
        operation_id="getDeliveryPartners",
        tags=["Delivery Partners"],
        parameters=[DELIVERY_PARTNERS_FILTER, schema.PAGE, schema.SORT],
        responses={200: _ok(DeliveryPartnersResponseSerializer), **LIST_ERRORS},
    )
    def get(self, request):
        cohorts = filters.cohort_years(self.filters())
        page = page_from(request.query_params)
        ordering = ordering_from(request.query_params, columns=TIMESTAMP_SORT)
        queryset = reading.delivery_partners(self.lead_provider, cohorts=cohorts).order_by(*ordering)
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
        self.filters()  # C11 applies even though there is nothing to filter
        api_id = uuid_or_none(id)
        queryset = reading.delivery_partners(self.lead_provider).filter(api_id=api_id)
        row = reading.delivery_partner_rows(queryset).first() if api_id else None
        if row is None:
            raise NotFound()
        return Response({"data": delivery_partner_document(row)})


# --- partnerships --------------------------------------------------------------------------------------------------


def _partnership_document(lead_provider, api_id, *, today) -> dict:
    row = reading.partnership_rows(reading.partnerships(lead_provider).filter(api_id=api_id), today=today).first()
    if row is None:
        raise NotFound()
    return partnership_document(row)


def _own_partnership(lead_provider, id):
    api_id = uuid_or_none(id)
    partnership = reading.partnerships(lead_provider).filter(api_id=api_id).first() if api_id else None
    if partnership is None:
        raise NotFound()
    return partnership


class PartnershipList(LeadProviderView):
    @extend_schema(
        operation_id="getPartnerships",
        tags=["Partnerships"],
        parameters=[PARTNERSHIPS_FILTER, schema.PAGE, schema.SORT],
        responses={200: _ok(PartnershipsResponseSerializer), **LIST_ERRORS},
    )
    def get(self, request):
        chosen = partnership_filters(self.filters())
        page = page_from(request.query_params)
        ordering = ordering_from(request.query_params, columns=TIMESTAMP_SORT)
        queryset = reading.partnerships(self.lead_provider, chosen).order_by(*ordering)
        rows = page.slice(reading.partnership_rows(queryset, today=self.today()))
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
        self.filters()
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
        self.filters()
        api_id = uuid_or_none(id)
        if api_id is None:
            raise NotFound()
        return Response({"data": _partnership_document(self.lead_provider, api_id, today=self.today())})

    @extend_schema(
        operation_id="updatePartnership",
        tags=["Partnerships"],
        parameters=[schema.ID],
        request=PartnershipUpdateSerializer,
        responses={200: _ok(PartnershipResponseSerializer), **CHANGE_ERRORS},
    )
    def put(self, request, id):
        self.filters()
        attrs = attributes(request, ("delivery_partner_id",))
        partnership = _own_partnership(self.lead_provider, id)
        with self.acting("change_partnership_delivery_partner"):
            partnership_services.change_delivery_partner(
                partnership=partnership, delivery_partner_id=attrs["delivery_partner_id"], now=self.now
            )
        return Response({"data": _partnership_document(self.lead_provider, partnership.api_id, today=self.today())})
