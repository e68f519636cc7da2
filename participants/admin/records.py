"""Records written only by the system: id changes from merges, provider enrolments and listings (of participants
and of unfunded mentors), nightly status runs."""

from __future__ import annotations

from django.contrib import admin

from config.admin import IdentifierSearchMixin, ReadOnlyAdmin
from participants.admin.search import PARTICIPANT_SEARCH, PARTICIPANT_UUIDS
from participants.models import (
    DailyStatusRun,
    ParticipantIdChange,
    ProviderEnrolment,
    ProviderListing,
    UnfundedMentorListing,
)


@admin.register(ParticipantIdChange)
class ParticipantIdChangeAdmin(IdentifierSearchMixin, ReadOnlyAdmin):
    """Written by merges only (ID1)."""

    list_display = ("participant", "from_participant_id", "to_participant_id", "changed_at")
    list_select_related = ("participant",)
    search_fields = PARTICIPANT_SEARCH
    uuid_search_fields = ("from_participant_id", "to_participant_id", "participant__api_id")
    raw_id_fields = ("participant",)


@admin.register(ProviderEnrolment)
class ProviderEnrolmentAdmin(IdentifierSearchMixin, ReadOnlyAdmin):
    """Derived by participants.enrolments from training periods; editing it would be overwritten."""

    list_display = ("participant", "lead_provider", "participant_type", "training_period", "recorded_status")
    list_select_related = ("participant", "lead_provider", "training_period")
    list_filter = ("lead_provider", "participant_type", "recorded_status")
    search_fields = PARTICIPANT_SEARCH
    uuid_search_fields = PARTICIPANT_UUIDS
    show_full_result_count = False


@admin.register(DailyStatusRun)
class DailyStatusRunAdmin(ReadOnlyAdmin):
    list_display = ("day", "completed_at", "changed")


@admin.register(ProviderListing)
class ProviderListingAdmin(IdentifierSearchMixin, ReadOnlyAdmin):
    """Derived by participants.enrolments for the providers' lists (V3); editing it would be overwritten."""

    list_display = ("participant", "lead_provider", "cohorts", "api_updated_at")
    list_select_related = ("participant", "lead_provider")
    list_filter = ("lead_provider",)
    search_fields = PARTICIPANT_SEARCH
    uuid_search_fields = PARTICIPANT_UUIDS
    show_full_result_count = False


@admin.register(UnfundedMentorListing)
class UnfundedMentorListingAdmin(IdentifierSearchMixin, ReadOnlyAdmin):
    """Derived by participants.enrolments for the providers' unfunded mentors; editing it would be overwritten."""

    list_display = ("participant", "lead_provider", "api_updated_at")
    list_select_related = ("participant", "lead_provider")
    list_filter = ("lead_provider",)
    search_fields = PARTICIPANT_SEARCH
    uuid_search_fields = PARTICIPANT_UUIDS
    show_full_result_count = False
