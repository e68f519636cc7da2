"""PUT /api/v3/participants/{id}/defer|withdraw|resume|change-schedule.

Each view parses, calls its action's service and answers with the whole participant (C14 order:
auth → filter shape → body envelope → visibility → the service's 422s).
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from config import changes
from config.api import schema
from config.api.lookup import get_visible_or_404
from config.api.parsing import attributes
from config.api.views import LeadProviderView
from participants import locking
from participants.api import reading
from participants.api.representation import participant_document
from participants.api.schema import (
    COURSE_IDENTIFIERS,
    DEFERRAL_REASONS,
    WITHDRAWAL_REASONS,
    ParticipantResponseSerializer,
)
from participants.api.views import find_visible
from schedules.models import SCHEDULE_IDENTIFIERS
from training.provider_actions.change_schedule import change_schedule
from training.provider_actions.defer import defer
from training.provider_actions.resume import resume
from training.provider_actions.withdraw import withdraw


def _request_body(name: str, type_value: str, fields: dict):
    attributes_serializer = inline_serializer(f"{name}Attributes", fields)
    data = inline_serializer(
        f"{name}Data",
        {"type": serializers.ChoiceField(choices=[type_value]), "attributes": attributes_serializer},
    )
    return inline_serializer(name, {"data": data})


def _course():
    return serializers.ChoiceField(choices=COURSE_IDENTIFIERS)


def _responses():
    return {
        200: OpenApiResponse(ParticipantResponseSerializer, description="OK"),
        400: schema.BAD_REQUEST,
        401: schema.UNAUTHORISED,
        404: schema.NOT_FOUND,
        422: schema.UNPROCESSABLE,
        429: schema.TOO_MANY,
    }


class ParticipantAction(LeadProviderView):
    action_name = ""
    permitted: tuple[str, ...] = ()

    def put(self, request, id):
        attrs = attributes(request, self.permitted)
        with self.acting(self.action_name), changes.unit_of_work(now=self.now):
            # Found and locked in one statement; the action's own lock on the participant is then already held.
            visible = locking.for_update(reading.visible_participants(self.lead_provider))
            [participant] = locking.held(get_visible_or_404(visible, api_id=id))
            self.perform(participant, attrs, now=self.now)
        today = self.today()
        return Response({"data": participant_document(find_visible(self.lead_provider, id, today=today), today=today)})

    def perform(self, participant, attrs, *, now):
        raise NotImplementedError


class DeferParticipant(ParticipantAction):
    action_name = "defer"
    permitted = ("reason", "course_identifier")

    @extend_schema(
        operation_id="deferParticipant",
        tags=["Participants"],
        parameters=[schema.ID],
        responses=_responses(),
        request=_request_body(
            "ParticipantDefer",
            "participant-defer",
            {
                "reason": serializers.ChoiceField(choices=DEFERRAL_REASONS),
                "course_identifier": _course(),
            },
        ),
    )
    def put(self, request, id):
        return super().put(request, id)

    def perform(self, participant, attrs, *, now):
        defer(
            participant=participant,
            lead_provider=self.lead_provider,
            course_identifier=attrs["course_identifier"],
            reason=attrs["reason"],
            now=now,
        )


class WithdrawParticipant(ParticipantAction):
    action_name = "withdraw"
    permitted = ("reason", "course_identifier")

    @extend_schema(
        operation_id="withdrawParticipant",
        tags=["Participants"],
        parameters=[schema.ID],
        responses=_responses(),
        request=_request_body(
            "ParticipantWithdraw",
            "participant-withdraw",
            {
                "reason": serializers.ChoiceField(choices=WITHDRAWAL_REASONS),
                "course_identifier": _course(),
            },
        ),
    )
    def put(self, request, id):
        return super().put(request, id)

    def perform(self, participant, attrs, *, now):
        withdraw(
            participant=participant,
            lead_provider=self.lead_provider,
            course_identifier=attrs["course_identifier"],
            reason=attrs["reason"],
            now=now,
        )


class ResumeParticipant(ParticipantAction):
    action_name = "resume"
    permitted = ("course_identifier",)

    @extend_schema(
        operation_id="resumeParticipant",
        tags=["Participants"],
        parameters=[schema.ID],
        responses=_responses(),
        request=_request_body("ParticipantResume", "participant-resume", {"course_identifier": _course()}),
    )
    def put(self, request, id):
        return super().put(request, id)

    def perform(self, participant, attrs, *, now):
        resume(
            participant=participant,
            lead_provider=self.lead_provider,
            course_identifier=attrs["course_identifier"],
            now=now,
        )


class ChangeSchedule(ParticipantAction):
    action_name = "change_schedule"
    permitted = ("schedule_identifier", "course_identifier", "cohort")

    @extend_schema(
        operation_id="changeScheduleParticipant",
        tags=["Participants"],
        parameters=[schema.ID],
        responses=_responses(),
        request=_request_body(
            "ParticipantChangeSchedule",
            "participant-change-schedule",
            {
                "schedule_identifier": serializers.ChoiceField(choices=list(SCHEDULE_IDENTIFIERS)),
                "course_identifier": _course(),
                "cohort": serializers.CharField(required=False),
            },
        ),
    )
    def put(self, request, id):
        return super().put(request, id)

    def perform(self, participant, attrs, *, now):
        change_schedule(
            participant=participant,
            lead_provider=self.lead_provider,
            course_identifier=attrs["course_identifier"],
            schedule_identifier=attrs["schedule_identifier"],
            cohort=attrs["cohort"],
            now=now,
        )
