"""GET /api/v3/unfunded-mentors and /{id}: mentors of a provider's ECTs whom that provider does not train.

With these, the `mentor_id` on an ECT's enrolment (F4) always names either a participant the provider
trains as a mentor or an unfunded mentor. One query per request whatever the page size.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Subquery
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from config.api import schema
from config.api.formatting import format_datetime
from config.api.lookup import get_visible_or_404
from config.api.pagination import ordering_from, page_from, page_of
from config.api.views import LeadProviderView
from participants.api.filters import UpdatedSinceFilterSet
from participants.models import Mentorship, Participant, ParticipantType, ProviderEnrolment, SchoolPeriod

SORT_COLUMNS = {"created_at": "created_at", "updated_at": "api_updated_at"}
UNFUNDED_MENTORS_FILTER = schema.filter_parameter({"updated_since": schema.UPDATED_SINCE})


# --- reading and representation -----------------------------------------------------------------------------------


def unfunded_mentors(lead_provider):
    """Anyone who has mentored an ECT at a school period with this provider's partnered training, at any
    time, and who has no mentor training with this provider (no mentor enrolment, V2)."""
    mentored_our_ect = Mentorship.objects.filter(
        mentor_school_period__participant=OuterRef("pk"),
        ect_school_period__training_periods__partnership__lead_provider=lead_provider,
    )
    trained_by_us = ProviderEnrolment.objects.filter(
        participant=OuterRef("pk"), lead_provider=lead_provider, participant_type=ParticipantType.MENTOR
    )
    return Participant.objects.filter(retired_into__isnull=True).filter(
        Exists(mentored_our_ect), ~Exists(trained_by_us)
    )


def rows(queryset):
    latest_mentor_period = SchoolPeriod.objects.filter(
        participant=OuterRef("pk"), participant_type=ParticipantType.MENTOR
    ).order_by("-started_on", "-id")
    return queryset.annotate(email=Subquery(latest_mentor_period.values("email")[:1])).values(
        "api_id", "full_name", "email", "trn", "created_at", "api_updated_at"
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
        queryset = self.filtered(UpdatedSinceFilterSet, unfunded_mentors(self.lead_provider)).qs
        page = page_from(request.query_params)
        ordering = ordering_from(request.query_params, columns=SORT_COLUMNS)
        found = rows(page_of(page, queryset.order_by(*ordering)))
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
        row = get_visible_or_404(rows(unfunded_mentors(self.lead_provider)), api_id=id)
        return Response({"data": unfunded_mentor_document(row)})
