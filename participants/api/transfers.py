"""GET /api/v3/participants/transfers and /api/v3/participants/{id}/transfers (derivation: participants.transfers).

Two queries per request whatever the page size: the page of participants, then their transfers.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from config.api import schema
from config.api.formatting import format_date, format_datetime
from config.api.lookup import get_visible_or_404
from config.api.pagination import ordering_from, page_from
from config.api.views import LeadProviderView
from participants import transfers
from participants.api.filters import UpdatedSinceFilterSet
from participants.models import Participant, ParticipantType

SORT_COLUMNS = {"created_at": "created_at", "updated_at": "api_updated_at"}
TRANSFERS_FILTER = schema.filter_parameter({"updated_since": schema.UPDATED_SINCE})
PARTICIPANT_VALUES = ("id", "api_id", "ect_training_record_id", "mentor_training_record_id", "api_updated_at")


# --- reading and representation -----------------------------------------------------------------------------------


def participants_with_transfers(lead_provider):
    return Participant.objects.filter(pk__in=transfers.participant_ids_with_transfers(lead_provider))


def _side(side: transfers.Side | None) -> dict | None:
    if side is None:
        return None
    return {"school_urn": side.school_urn, "provider": side.provider, "date": format_date(side.date)}


def transfer_document(participant: dict, found: list[transfers.Transfer]) -> dict:
    def training_record_id(transfer):
        column = (
            "ect_training_record_id"
            if transfer.participant_type == ParticipantType.ECT
            else "mentor_training_record_id"
        )
        return str(participant[column])

    return {
        "id": str(participant["api_id"]),
        "type": "participant-transfer",
        "attributes": {
            "transfers": [
                {
                    "training_record_id": training_record_id(transfer),
                    "transfer_type": transfer.transfer_type,
                    "status": transfer.status,
                    "created_at": format_date(transfer.created_on),
                    "leaving": _side(transfer.leaving),
                    "joining": _side(transfer.joining),
                }
                for transfer in found
            ],
            # Every change to school periods or training moves the participant's updated_at (F30).
            "updated_at": format_datetime(participant["api_updated_at"]),
        },
    }


def documents(lead_provider, participant_rows) -> list[dict]:
    rows = list(participant_rows)
    found = transfers.transfers_of(lead_provider, [row["id"] for row in rows])
    return [transfer_document(row, found[row["id"]]) for row in rows]


# --- schema ----------------------------------------------------------------------------------------------------------


class TransferSideSerializer(serializers.Serializer):
    school_urn = serializers.CharField()
    provider = serializers.CharField(allow_null=True)
    date = serializers.DateField()


class ParticipantTransfersTransferSerializer(serializers.Serializer):
    training_record_id = serializers.UUIDField()
    transfer_type = serializers.ChoiceField(choices=[transfers.NEW_SCHOOL, transfers.NEW_PROVIDER, transfers.UNKNOWN])
    status = serializers.ChoiceField(choices=[transfers.INCOMPLETE, transfers.COMPLETE])
    created_at = serializers.DateField()
    leaving = TransferSideSerializer()
    joining = TransferSideSerializer(allow_null=True)


class ParticipantTransferAttributesSerializer(serializers.Serializer):
    transfers = ParticipantTransfersTransferSerializer(many=True)
    updated_at = serializers.DateTimeField()


class ParticipantTransferSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    type = serializers.ChoiceField(choices=["participant-transfer"])
    attributes = ParticipantTransferAttributesSerializer()


class ParticipantTransferResponseSerializer(serializers.Serializer):
    data = ParticipantTransferSerializer()


class ParticipantTransfersResponseSerializer(serializers.Serializer):
    data = ParticipantTransferSerializer(many=True)


# --- views -----------------------------------------------------------------------------------------------------------


class TransferList(LeadProviderView):
    @extend_schema(
        operation_id="getTransfers",
        tags=["Transfers"],
        parameters=[TRANSFERS_FILTER, schema.PAGE, schema.SORT],
        responses={
            200: OpenApiResponse(ParticipantTransfersResponseSerializer, description="OK"),
            400: schema.BAD_REQUEST,
            401: schema.UNAUTHORISED,
            429: schema.TOO_MANY,
        },
    )
    def get(self, request):
        queryset = self.filtered(UpdatedSinceFilterSet, participants_with_transfers(self.lead_provider)).qs
        page = page_from(request.query_params)
        ordering = ordering_from(request.query_params, columns=SORT_COLUMNS)
        rows = page.slice(queryset.order_by(*ordering).values(*PARTICIPANT_VALUES))
        return Response({"data": documents(self.lead_provider, rows)})


class ParticipantTransfers(LeadProviderView):
    @extend_schema(
        operation_id="getTransfer",
        tags=["Transfers"],
        parameters=[schema.ID],
        responses={
            200: OpenApiResponse(ParticipantTransferResponseSerializer, description="OK"),
            400: schema.BAD_REQUEST,
            401: schema.UNAUTHORISED,
            404: schema.NOT_FOUND,
            429: schema.TOO_MANY,
        },
    )
    def get(self, request, id):
        row = get_visible_or_404(participants_with_transfers(self.lead_provider).values(*PARTICIPANT_VALUES), api_id=id)
        return Response({"data": documents(self.lead_provider, [row])[0]})
