"""GET /api/v3/unfunded-mentors and /{id}: mentors of a provider's ECTs whom that provider does not train.

With these, the `mentor_id` on an ECT's enrolment (F4) always names either a participant the provider
trains as a mentor or an unfunded mentor. Two queries per page whatever its size or number.
"""

from __future__ import annotations

from django.db.models import OuterRef, Subquery
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from config.api import schema
from config.api.formatting import format_datetime
from config.api.lookup import get_visible_or_404
from config.api.pagination import on_column, ordering_from, page_from
from config.api.views import LeadProviderView
from config.lookups import IdArray
from participants.api.filters import UpdatedSinceFilterSet
from participants.models import Participant, ParticipantType, SchoolPeriod, UnfundedMentorListing

SORT_COLUMNS = {"created_at": "created_at", "updated_at": "api_updated_at"}
UNFUNDED_MENTORS_FILTER = schema.filter_parameter({"updated_since": schema.UPDATED_SINCE})


# --- reading and representation -----------------------------------------------------------------------------------


def unfunded_mentors(lead_provider):
    """The provider's unfunded mentors (`UnfundedMentorListing`, where the rule lives), filtered and sorted from
    one index."""
    return UnfundedMentorListing.objects.filter(lead_provider=lead_provider)


def page_rows(listed, *, ordering, page) -> list[dict]:
    """The page's mentors: their ids from the listings' index, then one query for what their documents show."""
    ordered = listed.order_by(*on_column(ordering, id_column="participant_id"))
    ids = list(page.slice(ordered.values_list("participant_id", flat=True)))
    found = {row["id"]: row for row in rows(Participant.objects.filter(id__any=IdArray(ids)))}
    return [found[pk] for pk in ids]


def rows(queryset):
    latest_mentor_period = SchoolPeriod.objects.filter(
        participant=OuterRef("pk"), participant_type=ParticipantType.MENTOR
    ).order_by("-started_on", "-id")
    return queryset.annotate(email=Subquery(latest_mentor_period.values("email")[:1])).values(
        "id", "api_id", "full_name", "email", "trn", "created_at", "api_updated_at"
    )


def unfunded_mentor_document(row: dict) -> dict:
    return {
        "id": str(row["api_id"]),
        "type": "unfunded-mentor",
        "attributes": {
            "full_name": row["full_name"] or "Unknown",
            "email": row["email"],
            "teacher_reference_number": row["trn"],
            "created_at": format_datetime(row["created_at"]),
            "updated_at": format_datetime(row["api_updated_at"]),
        },
    }


# --- schema ----------------------------------------------------------------------------------------------------------


class UnfundedMentorAttributesSerializer(serializers.Serializer):
    full_name = serializers.CharField()
    email = serializers.CharField(allow_null=True)
    teacher_reference_number = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class UnfundedMentorSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    type = serializers.ChoiceField(choices=["unfunded-mentor"])
    attributes = UnfundedMentorAttributesSerializer()


class UnfundedMentorResponseSerializer(serializers.Serializer):
    data = UnfundedMentorSerializer()


class UnfundedMentorsResponseSerializer(serializers.Serializer):
    data = UnfundedMentorSerializer(many=True)


# --- views -----------------------------------------------------------------------------------------------------------


class UnfundedMentorList(LeadProviderView):
    @extend_schema(
        operation_id="getUnfundedMentors",
        tags=["Unfunded Mentors"],
        parameters=[UNFUNDED_MENTORS_FILTER, schema.PAGE, schema.SORT],
        responses={
            200: OpenApiResponse(UnfundedMentorsResponseSerializer, description="OK"),
            400: schema.BAD_REQUEST,
            401: schema.UNAUTHORISED,
            429: schema.TOO_MANY,
        },
    )
    def get(self, request):
        listed = self.filtered(UpdatedSinceFilterSet, unfunded_mentors(self.lead_provider)).qs
        page = page_from(request.query_params)
        ordering = ordering_from(request.query_params, columns=SORT_COLUMNS)
        found = page_rows(listed, ordering=ordering, page=page)
        return Response({"data": [unfunded_mentor_document(row) for row in found]})


class UnfundedMentorDetail(LeadProviderView):
    @extend_schema(
        operation_id="getUnfundedMentor",
        tags=["Unfunded Mentors"],
        parameters=[schema.ID],
        responses={
            200: OpenApiResponse(UnfundedMentorResponseSerializer, description="OK"),
            400: schema.BAD_REQUEST,
            401: schema.UNAUTHORISED,
            404: schema.NOT_FOUND,
            429: schema.TOO_MANY,
        },
    )
    def get(self, request, id):
        listed = unfunded_mentors(self.lead_provider).values("participant_id")
        row = get_visible_or_404(rows(Participant.objects.filter(pk__in=listed)), api_id=id)
        return Response({"data": unfunded_mentor_document(row)})
