"""GET /api/v3/participants and /api/v3/participants/{id}."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response

from config.api import schema
from config.api.errors import NotFound
from config.api.lookup import get_visible_or_404
from config.api.pagination import ordering_from, page_from
from config.api.views import LeadProviderView
from participants.api import reading
from participants.api.filters import TRAINING_STATUSES, ParticipantFilterSet
from participants.api.representation import participant_document
from participants.api.schema import ParticipantResponseSerializer, ParticipantsResponseSerializer

SORT_COLUMNS = {"created_at": "created_at", "updated_at": "api_updated_at"}

PARTICIPANTS_FILTER = schema.filter_parameter(
    {
        "cohort": {"type": "string"},
        "updated_since": schema.UPDATED_SINCE,
        "training_status": {"type": "string", "enum": list(TRAINING_STATUSES)},
        "from_participant_id": {"type": "string", "format": "uuid"},
    }
)


class ParticipantList(LeadProviderView):
    @extend_schema(
        operation_id="getParticipants",
        tags=["Participants"],
        parameters=[PARTICIPANTS_FILTER, schema.PAGE, schema.SORT],
        responses={
            200: OpenApiResponse(ParticipantsResponseSerializer, description="OK"),
            400: schema.BAD_REQUEST,
            401: schema.UNAUTHORISED,
            429: schema.TOO_MANY,
        },
    )
    def get(self, request):
        listed = self.filtered(ParticipantFilterSet, reading.listings(self.lead_provider)).qs
        page = page_from(request.query_params)
        ordering = ordering_from(request.query_params, columns=SORT_COLUMNS)
        today = self.today()
        found = reading.records(self.lead_provider, listed, today=today, ordering=ordering, page=page)
        return Response({"data": [participant_document(record, today=today) for record in found]})


class ParticipantDetail(LeadProviderView):
    @extend_schema(
        operation_id="getParticipant",
        tags=["Participants"],
        parameters=[schema.ID],
        responses={
            200: OpenApiResponse(ParticipantResponseSerializer, description="OK"),
            400: schema.BAD_REQUEST,
            401: schema.UNAUTHORISED,
            404: schema.NOT_FOUND,
            429: schema.TOO_MANY,
        },
    )
    def get(self, request, id):
        today = self.today()  # Q1: filters do not apply here
        return Response({"data": participant_document(find_visible(self.lead_provider, id, today=today), today=today)})


def find_visible(lead_provider, participant_id: str, *, today):
    """The participant as this provider sees it, or a 404 (C9); a merged-away id names its survivor (O8)."""
    try:
        pk = get_visible_or_404(
            reading.visible_participants(lead_provider).values_list("pk", flat=True), api_id=participant_id
        )
    except NotFound:
        survivor = reading.surviving_participant_of(participant_id, lead_provider)
        if survivor is not None:
            raise NotFound(
                f"This participant ID was retired when duplicate records were merged. Use participant ID {survivor} instead."
            ) from None
        raise
    return reading.records_of(lead_provider, [pk], today=today)[0]
