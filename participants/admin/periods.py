"""School, training, mentorship and induction periods, each on its own list with the participant's ids to search."""

from __future__ import annotations

from django.contrib import admin

from config.admin import IdentifierSearchMixin, SupportModelAdmin
from participants import status
from participants.admin.search import PARTICIPANT_SEARCH, PARTICIPANT_UUIDS
from participants.models import InductionPeriod, Mentorship, SchoolPeriod, TrainingPeriod


class TrainingPeriodInline(admin.TabularInline):
    model = TrainingPeriod
    fields = (
        "programme_type",
        "lead_provider",
        "partnership",
        "schedule",
        "started_on",
        "finished_on",
        "deferred_at",
        "deferral_reason",
        "withdrawn_at",
        "withdrawal_reason",
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
class SchoolPeriodAdmin(IdentifierSearchMixin, SupportModelAdmin):
    list_display = ("participant", "participant_type", "school", "started_on", "finished_on", "email")
    list_select_related = ("participant", "school")
    list_filter = ("participant_type",)
    search_fields = (*PARTICIPANT_SEARCH, "^school__urn", "email")
    uuid_search_fields = PARTICIPANT_UUIDS
    raw_id_fields = ("participant", "school")
    readonly_fields = ("created_at",)
    inlines = (TrainingPeriodInline, MentorshipInline, MenteeInline)


@admin.register(TrainingPeriod)
class TrainingPeriodAdmin(IdentifierSearchMixin, SupportModelAdmin):
    list_display = (
        "participant",
        "participant_type",
        "programme_type",
        "lead_provider",
        "schedule",
        "started_on",
        "finished_on",
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
class MentorshipAdmin(IdentifierSearchMixin, SupportModelAdmin):
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
class InductionPeriodAdmin(IdentifierSearchMixin, SupportModelAdmin):
    """Corrections only: new periods are recorded from the participant's page, through the service (F14)."""

    list_display = ("participant", "appropriate_body_name", "started_on", "finished_on", "outcome")
    list_select_related = ("participant",)
    list_filter = ("outcome",)
    search_fields = (*PARTICIPANT_SEARCH, "appropriate_body_name")
    uuid_search_fields = PARTICIPANT_UUIDS
    raw_id_fields = ("participant",)
    readonly_fields = ("participant", "created_at")

    def has_add_permission(self, request):
        return False
