"""GET /api/v3/participants and /api/v3/participants/{id}."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response

from config.api import filters, schema
from config.api.errors import BadRequest, NotFound
from config.api.pagination import ordering_from, page_from
from config.api.parsing import uuid_or_none
from config.api.views import LeadProviderView
from participants.api import reading
from participants.api.representation import participant_document
from participants.api.schema import ParticipantResponseSerializer, ParticipantsResponseSerializer

SORT_COLUMNS = {"created_at": "created_at", "updated_at": "api_updated_at"}

PARTICIPANTS_FILTER = schema.filter_parameter(
    {
        "cohort": {"type": "string"},
        "updated_since": {"type": "string"},
        "training_status": {"type": "string", "enum": list(reading.TRAINING_STATUSES)},
        "from_participant_id": {"type": "string", "format": "uuid"},
    }
)


def participant_filters(raw: dict) -> reading.ParticipantFilters:
    """Q2–Q6 with O4: blank values are ignored, invalid ones are a 400 naming the filter."""
    training_status = (raw.get("training_status") or "").strip() or None
    if training_status is not None and training_status not in reading.TRAINING_STATUSES:
        raise BadRequest("The filter '#/training_status' must be one of: active, deferred, withdrawn")
    from_participant_id = None
    if (raw.get("from_participant_id") or "").strip():
        from_participant_id = uuid_or_none(raw["from_participant_id"].strip())
        if from_participant_id is None:
            raise BadRequest("The filter '#/from_participant_id' must be a participant ID (a UUID)")
    return reading.ParticipantFilters(
        cohorts=filters.cohort_years(raw),
        updated_since=filters.updated_since(raw),
        training_status=training_status,
        from_participant_id=from_participant_id,
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
        chosen = participant_filters(self.filters())
        page = page_from(request.query_params)
        ordering = ordering_from(request.query_params, columns=SORT_COLUMNS)
        today = self.today()
        participants = reading.visible_participants(self.lead_provider, chosen)
        found = reading.records(self.lead_provider, participants, today=today, ordering=ordering, page=page)
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
        self.filters()  # C11 applies even though Q1 ignores the filters here
        today = self.today()
        return Response({"data": participant_document(find_visible(self.lead_provider, id, today=today), today=today)})


def find_visible(lead_provider, participant_id: str, *, today):
    """The participant as this provider sees it, or a 404 (C9); a merged-away id names its survivor (O8)."""
    api_id = uuid_or_none(participant_id)
    if api_id is None:
        raise NotFound()
    found = reading.records(
        lead_provider, reading.visible_participants(lead_provider).filter(api_id=api_id), today=today
    )
    if found:
        return found[0]
    survivor = reading.surviving_participant_of(api_id, lead_provider)
    if survivor is not None:
        raise NotFound(
            f"This participant ID was retired when duplicate records were merged. Use participant ID {survivor} instead."
        )
    raise NotFound()
