"""Support staff's view of participants and their periods.

Edits here go through each model's save(), so config.changes audits them (attributed to the
signed-in user by ActorMiddleware) and moves api_updated_at exactly as any other change would.
Big foreign keys use raw id widgets: a select of 100,000 participants would not render.
"""
from __future__ import annotations

import re

from django.contrib import admin

from config.admin import IdentifierSearchMixin, ReadOnlyAdmin
from participants import status
from participants.models import (
    DailyStatusRun,
    InductionPeriod,
    Mentorship,
    Participant,
    ParticipantIdChange,
    ProviderEnrolment,
    SchoolPeriod,
    TrainingPeriod,
)

TRN = re.compile(r"^\d{7}$")
# Searching a participant through a related model: by name, TRN prefix, or (as a UUID) any of their ids.
PARTICIPANT_SEARCH = ("participant__full_name", "^participant__trn")
PARTICIPANT_UUIDS = ("participant__api_id", "participant__ect_training_record_id", "participant__mentor_training_record_id")


class SchoolPeriodInline(admin.TabularInline):
    model = SchoolPeriod
    fields = ("school", "participant_type", "email", "working_pattern", "started_on", "finished_on")
    raw_id_fields = ("school",)
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("school")


class InductionPeriodInline(admin.TabularInline):
    model = InductionPeriod
    fields = ("appropriate_body_name", "started_on", "finished_on", "outcome")
    extra = 0


class ProviderEnrolmentInline(admin.TabularInline):
    """What each lead provider currently sees (V2); derived, so shown but never edited."""

    model = ProviderEnrolment
    fields = ("lead_provider", "participant_type", "training_period", "recorded_status")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("lead_provider", "training_period")


class MergedAwayFilter(admin.SimpleListFilter):
    title = "merged away"
    parameter_name = "merged"

    def lookups(self, request, model_admin):
        return [("yes", "Merged into another participant"), ("no", "Current")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(retired_into__isnull=False)
        if self.value() == "no":
            return queryset.filter(retired_into__isnull=True)
        return queryset


@admin.register(Participant)
class ParticipantAdmin(IdentifierSearchMixin, admin.ModelAdmin):
    list_display = ("full_name", "trn", "api_id", "created_at", "api_updated_at")
    list_filter = (MergedAwayFilter, "mentor_funding_end_reason")
    search_fields = ("full_name", "^trn")
    uuid_search_fields = ("api_id", "ect_training_record_id", "mentor_training_record_id")
    show_full_result_count = False
    fieldsets = (
        (None, {"fields": ("full_name", "trn", "date_of_birth", "api_id", "retired_into")}),
        ("Training records", {"fields": ("ect_training_record_id", "mentor_training_record_id")}),
        (
            "Funding",
            {
                "fields": (
                    "ect_eligible_on", "ect_exempt_on", "mentor_eligible_on", "mentor_funding_end_date",
                    "mentor_funding_end_reason", "ect_payments_frozen_year", "mentor_payments_frozen_year",
                )
            },
        ),
        ("Timestamps", {"fields": ("created_at", "api_updated_at")}),
    )
    # api_updated_at is moved only by participants.api_updated_at; merges will have their own action.
    readonly_fields = (
        "api_id", "ect_training_record_id", "mentor_training_record_id", "retired_into", "created_at", "api_updated_at",
    )
    inlines = (SchoolPeriodInline, InductionPeriodInline, ProviderEnrolmentInline)

    def get_readonly_fields(self, request, obj=None):
        # F13: the date a participant first became eligible never changes once set.
        fixed = [name for name in ("ect_eligible_on", "mentor_eligible_on") if obj is not None and getattr(obj, name)]
        return (*self.readonly_fields, *fixed)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if TRN.match(term):
            # A whole TRN is looked up exactly, through its unique index.
            return queryset.filter(trn=term), False
        return super().get_search_results(request, queryset, search_term)


class TrainingPeriodInline(admin.TabularInline):
    model = TrainingPeriod
    fields = (
        "programme_type", "lead_provider", "partnership", "schedule", "started_on", "finished_on",
        "deferred_at", "deferral_reason", "withdrawn_at", "withdrawal_reason",
    )
    raw_id_fields = ("partnership",)
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("lead_provider", "partnership", "schedule")


class MentorshipInline(admin.TabularInline):
    """The mentors of this ECT school period."""

    model = Mentorship
    fk_name = "ect_school_period"
    fields = ("mentor_school_period", "started_on", "finished_on")
    raw_id_fields = ("mentor_school_period",)
    extra = 0
    verbose_name = "mentor"
    verbose_name_plural = "mentors (when this is an ECT's period)"


class MenteeInline(admin.TabularInline):
    """The ECTs mentored during this mentor school period."""

    model = Mentorship
    fk_name = "mentor_school_period"
    fields = ("ect_school_period", "started_on", "finished_on")
    raw_id_fields = ("ect_school_period",)
    extra = 0
    verbose_name = "mentee"
    verbose_name_plural = "mentees (when this is a mentor's period)"


@admin.register(SchoolPeriod)
class SchoolPeriodAdmin(IdentifierSearchMixin, admin.ModelAdmin):
    list_display = ("participant", "participant_type", "school", "started_on", "finished_on", "email")
    list_select_related = ("participant", "school")
    list_filter = ("participant_type",)
    search_fields = (*PARTICIPANT_SEARCH, "^school__urn", "email")
    uuid_search_fields = PARTICIPANT_UUIDS
    raw_id_fields = ("participant", "school")
    readonly_fields = ("created_at",)
    inlines = (TrainingPeriodInline, MentorshipInline, MenteeInline)


@admin.register(TrainingPeriod)
class TrainingPeriodAdmin(IdentifierSearchMixin, admin.ModelAdmin):
    list_display = (
        "participant", "participant_type", "programme_type", "lead_provider", "schedule", "started_on", "finished_on",
        "training_status",
    )
    list_select_related = ("school_period__participant", "lead_provider", "schedule")
    list_filter = ("programme_type", "lead_provider", "schedule__cohort")
    search_fields = ("school_period__participant__full_name", "^school_period__participant__trn")
    uuid_search_fields = tuple(f"school_period__{name}" for name in PARTICIPANT_UUIDS)
    raw_id_fields = ("school_period", "partnership")
    readonly_fields = ("created_at",)

    @admin.display(ordering="school_period__participant__full_name")
    def participant(self, obj):
        return obj.school_period.participant

    @admin.display(description="type", ordering="school_period__participant_type")
    def participant_type(self, obj):
        return obj.school_period.get_participant_type_display()

    @admin.display(description="training status")
    def training_status(self, obj):
        return status.training_status(deferred_at=obj.deferred_at, withdrawn_at=obj.withdrawn_at)


@admin.register(Mentorship)
class MentorshipAdmin(IdentifierSearchMixin, admin.ModelAdmin):
    list_display = ("ect", "mentor", "started_on", "finished_on")
    list_select_related = ("ect_school_period__participant", "mentor_school_period__participant")
    search_fields = ("ect_school_period__participant__full_name", "mentor_school_period__participant__full_name")
    uuid_search_fields = ("ect_school_period__participant__api_id", "mentor_school_period__participant__api_id")
    raw_id_fields = ("ect_school_period", "mentor_school_period")
    readonly_fields = ("created_at",)

    @admin.display(ordering="ect_school_period__participant__full_name", description="ECT")
    def ect(self, obj):
        return obj.ect_school_period.participant

    @admin.display(ordering="mentor_school_period__participant__full_name")
    def mentor(self, obj):
        return obj.mentor_school_period.participant


@admin.register(InductionPeriod)
class InductionPeriodAdmin(IdentifierSearchMixin, admin.ModelAdmin):
    list_display = ("participant", "appropriate_body_name", "started_on", "finished_on", "outcome")
    list_select_related = ("participant",)
    list_filter = ("outcome",)
    search_fields = (*PARTICIPANT_SEARCH, "appropriate_body_name")
    uuid_search_fields = PARTICIPANT_UUIDS
    raw_id_fields = ("participant",)
    readonly_fields = ("created_at",)


@admin.register(ParticipantIdChange)
class ParticipantIdChangeAdmin(IdentifierSearchMixin, admin.ModelAdmin):
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
