"""Support staff's view of participants and their periods, and the support actions on a participant.

Edits here go through each model's save(), so config.changes audits them (attributed to the
signed-in user by ActorMiddleware) and moves api_updated_at exactly as any other change would.
Merging duplicates, recording induction periods and deleting a participant who never started
each call their service (participants.merging, .induction, .deletion); the pages here only parse
the form, call it inside a named `changes.recording`, and show the outcome.
Big foreign keys use raw id widgets: a select of 100,000 participants would not render.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from config import changes, clock
from config.admin import IdentifierSearchMixin, ReadOnlyAdmin, as_uuid, call_service, require
from config.models import AuditEvent
from config.validation import ValidationFailed
from declarations.models import Declaration
from participants import deletion, induction, merging, status
from participants.models import (
    DailyStatusRun,
    InductionOutcome,
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
PARTICIPANT_UUIDS = (
    "participant__api_id",
    "participant__ect_training_record_id",
    "participant__mentor_training_record_id",
)


class SchoolPeriodInline(admin.TabularInline):
    model = SchoolPeriod
    fields = ("school", "participant_type", "email", "working_pattern", "started_on", "finished_on")
    raw_id_fields = ("school",)
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("school")


class InductionPeriodInline(admin.TabularInline):
    """Corrections only: a new period is recorded through the service, which also applies F14."""

    model = InductionPeriod
    fields = ("appropriate_body_name", "started_on", "finished_on", "outcome")
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


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
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ("full_name", "trn", "api_id", "merged_into", "created_at", "api_updated_at")
    list_select_related = ("retired_into",)
    list_filter = (MergedAwayFilter, "mentor_funding_end_reason")
    search_fields = ("full_name", "^trn")
    show_full_result_count = False
    change_form_template = "admin/participants/participant/change_form.html"
    fieldsets = (
        (None, {"fields": ("full_name", "trn", "date_of_birth", "api_id", "retired_into")}),
        ("Training records", {"fields": ("ect_training_record_id", "mentor_training_record_id")}),
        (
            "Funding",
            {
                "fields": (
                    "ect_eligible_on",
                    "ect_exempt_on",
                    "mentor_eligible_on",
                    "mentor_funding_end_date",
                    "mentor_funding_end_reason",
                    "ect_payments_frozen_year",
                    "mentor_payments_frozen_year",
                )
            },
        ),
        ("Timestamps", {"fields": ("created_at", "api_updated_at")}),
    )
    # api_updated_at is moved only by participants.api_updated_at; retired_into only by a merge.
    readonly_fields = (
        "api_id",
        "ect_training_record_id",
        "mentor_training_record_id",
        "retired_into",
        "created_at",
        "api_updated_at",
    )
    inlines = (SchoolPeriodInline, InductionPeriodInline, ProviderEnrolmentInline)

    @admin.display(description="merged into", ordering="retired_into__full_name")
    def merged_into(self, obj):
        return obj.retired_into or ""

    def get_readonly_fields(self, request, obj=None):
        # F13: the date a participant first became eligible never changes once set.
        fixed = [name for name in ("ect_eligible_on", "mentor_eligible_on") if obj is not None and getattr(obj, name)]
        return (*self.readonly_fields, *fixed)

    def get_actions(self, request):
        # A participant is deleted only through the deletion service, one at a time, after its checks.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if TRN.match(term):
            # A whole TRN is looked up exactly, through its unique index.
            return queryset.filter(trn=term), False
        value = as_uuid(term)
        if value is not None:
            # Any of their ids, or an id merged into them (so a retired id finds its survivor too).
            merged_from = ParticipantIdChange.objects.filter(participant=OuterRef("pk"), from_participant_id=value)
            matches = Q(api_id=value) | Q(ect_training_record_id=value) | Q(mentor_training_record_id=value)
            return queryset.filter(matches | Exists(merged_from)), False
        if "@" in term:
            at_school = SchoolPeriod.objects.filter(participant=OuterRef("pk"), email__iexact=term)
            return queryset.filter(Exists(at_school)), False
        return super().get_search_results(request, queryset, search_term)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/merge/", view(self.merge_view), name="participants_participant_merge"),
            path(
                "<path:object_id>/record-induction-period/",
                view(self.record_induction_view),
                name="participants_participant_record_induction",
            ),
            *super().get_urls(),
        ]

    def _participant(self, request, object_id) -> Participant:
        participant = self.get_object(request, unquote(object_id))
        if participant is None:
            raise Http404("No participant has this id.")
        return participant

    # --- the whole history on one page --------------------------------------------------------------------------

    def history_view(self, request, object_id, extra_context=None):
        participant = self._participant(request, object_id)
        if not self.has_view_or_change_permission(request, participant):
            raise PermissionDenied
        return TemplateResponse(
            request,
            "admin/participants/participant/history.html",
            {
                **self.admin_site.each_context(request),
                **self._page(participant, f"History of {participant.full_name}"),
                "history": participant_history(participant),
            },
        )

    # --- merge a duplicate into the participant who stays (ID1) --------------------------------------------------

    def merge_view(self, request, object_id):
        require(request, "participants.change_participant")
        source = self._participant(request, object_id)
        form = MergeForm(request.POST or None)
        plan = None
        if request.method == "POST" and form.is_valid():
            destination = form.cleaned_data["destination"]
            if request.POST.get("confirmed") == "yes":
                now = clock.now()
                with changes.recording(action="merge_participants", now=now):
                    merged = call_service(
                        form, lambda: merging.merge_participants(source=source, destination=destination, now=now)
                    )
                if merged is not None:
                    self.message_user(
                        request,
                        f"{source.api_id} was merged into {destination}. Its id is recorded as retired.",
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(
                        reverse("admin:participants_participant_history", args=[destination.pk])
                    )
            plan = merging.plan(source=source, destination=destination)
        return TemplateResponse(
            request,
            "admin/participants/participant/merge.html",
            {
                **self.admin_site.each_context(request),
                **self._page(source, f"Merge {source.full_name} into another participant"),
                "form": form,
                "plan": plan,
            },
        )

    # --- record an induction period (O9, F14) --------------------------------------------------------------------

    def record_induction_view(self, request, object_id):
        require(request, "participants.add_inductionperiod")
        participant = self._participant(request, object_id)
        form = InductionPeriodForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            now = clock.now()
            with changes.recording(action="record_induction_period", now=now):
                recorded = call_service(
                    form,
                    lambda: induction.record_induction_period(participant=participant, now=now, **form.cleaned_data),
                )
            if recorded is not None:
                self.message_user(request, "The induction period was recorded.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:participants_participant_history", args=[participant.pk]))
        return TemplateResponse(
            request,
            "admin/participants/participant/record_induction.html",
            {
                **self.admin_site.each_context(request),
                **self._page(participant, f"Record an induction period for {participant.full_name}"),
                "form": form,
                "induction_periods": participant.induction_periods.order_by("started_on"),
            },
        )

    # --- delete a participant who never started ------------------------------------------------------------------

    def delete_view(self, request, object_id, extra_context=None):
        participant = self._participant(request, object_id)
        if not self.has_delete_permission(request, participant):
            raise PermissionDenied
        errors = deletion.refusals(participant=participant, today=clock.today())
        if request.method == "POST" and request.POST.get("post") == "yes":
            now = clock.now()
            try:
                with changes.recording(action="delete_participant", now=now):
                    deletion.delete_participant(participant=participant, now=now)
            except ValidationFailed as failure:
                errors = failure.errors
            else:
                self.message_user(request, f"{participant} was deleted.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:participants_participant_changelist"))
        return TemplateResponse(
            request,
            "admin/participants/participant/delete.html",
            {
                **self.admin_site.each_context(request),
                **self._page(participant, f"Delete {participant.full_name}"),
                "errors": [message for _attribute, message in errors],
                "history": participant_history(participant, with_events=False),
            },
        )

    def _page(self, participant, title):
        return {"title": title, "opts": self.opts, "object": participant, "participant": participant}


class MergeForm(forms.Form):
    destination = forms.CharField(
        label="Participant who stays",
        help_text="Their participant id or TRN. The participant on this page is the duplicate: it will be retired.",
    )

    def clean_destination(self):
        term = self.cleaned_data["destination"].strip()
        value = as_uuid(term)
        found = (
            Participant.objects.filter(api_id=value).first() if value else Participant.objects.filter(trn=term).first()
        )
        if found is None:
            raise forms.ValidationError("No participant has this participant id or TRN.")
        return found


class InductionPeriodForm(forms.Form):
    appropriate_body_name = forms.CharField(label="Appropriate body", required=False, max_length=200)
    # Dates are optional here so that the service, not the form, says what is missing.
    started_on = forms.DateField(label="Start date", required=False, help_text="For example 2025-09-01")
    finished_on = forms.DateField(label="End date", required=False)
    outcome = forms.ChoiceField(choices=[("", "No outcome yet"), *InductionOutcome.choices], required=False)


# --- what the history page loads -------------------------------------------------------------------------------------


@dataclass
class ParticipantHistory:
    participant: Participant
    school_periods: list
    induction_periods: list
    id_changes: list
    enrolments: list
    events: list


def participant_history(participant: Participant, *, with_events: bool = True) -> ParticipantHistory:
    """Everything about one participant, oldest first, in a fixed number of queries."""
    training = (
        TrainingPeriod.objects.select_related(
            "lead_provider", "partnership__lead_provider", "partnership__delivery_partner", "schedule"
        )
        .prefetch_related(
            Prefetch(
                "declarations",
                Declaration.objects.select_related("lead_provider", "mentor").order_by("declaration_date", "pk"),
            )
        )
        .order_by("started_on", "pk")
    )
    school_periods = list(
        participant.school_periods.select_related("school")
        .prefetch_related(
            Prefetch("training_periods", training),
            Prefetch(
                "mentorships",
                Mentorship.objects.select_related("mentor_school_period__participant").order_by("started_on"),
            ),
            Prefetch(
                "mentees", Mentorship.objects.select_related("ect_school_period__participant").order_by("started_on")
            ),
        )
        .order_by("started_on", "pk")
    )
    for school_period in school_periods:
        for training_period in school_period.training_periods.all():
            training_period.training_status = status.training_status(
                deferred_at=training_period.deferred_at, withdrawn_at=training_period.withdrawn_at
            )
    events = []
    if with_events:
        events = list(
            AuditEvent.objects.filter(participant_ids__contains=[participant.pk]).order_by("occurred_at", "id")
        )
        for event in events:
            # A new row's empty fields say nothing; show only what was set or changed.
            event.change_list = [(name, old, new) for name, (old, new) in event.changes.items() if old != new]
    return ParticipantHistory(
        participant=participant,
        school_periods=school_periods,
        induction_periods=list(participant.induction_periods.order_by("started_on", "pk")),
        id_changes=list(participant.id_changes.order_by("changed_at", "pk")),
        enrolments=list(
            participant.provider_enrolments.select_related("lead_provider", "training_period").order_by(
                "lead_provider__name", "participant_type"
            )
        ),
        events=events,
    )


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
