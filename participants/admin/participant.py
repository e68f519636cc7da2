"""The participant's own page: its periods inline, search by any id, and the whole history on one page."""

from __future__ import annotations

import re

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path

from config import changes, clock
from config.admin import SupportModelAdmin, as_uuid
from declarations import funding
from participants import eligibility
from participants.admin.history import participant_history
from participants.admin.periods import InductionLinks, ReadOnlyRows, SchoolPeriodLinks
from participants.admin.school_period_details import SchoolPeriodDetailsForm, save_through_actions
from participants.admin.support import SupportActions
from participants.models import InductionPeriod, Participant, ParticipantIdChange, ProviderEnrolment, SchoolPeriod

TRN = re.compile(r"^\d{7}$")


class SchoolPeriodInline(SchoolPeriodLinks, admin.TabularInline):
    """Email, working pattern and appropriate body are corrected here, through the school's actions (see
    school_period_details); the school registers periods and they end on a guarded page."""

    model = SchoolPeriod
    form = SchoolPeriodDetailsForm
    fields = (
        "school",
        "participant_type",
        "email",
        "working_pattern",
        "appropriate_body",
        "mentoring_only_here",
        "started_on",
        "finished_on",
    )
    # Mentoring only here is answered at registration, where it has its effect (SC6); nothing changes it afterwards.
    readonly_fields = ("school", "participant_type", "mentoring_only_here", "started_on", "finished_on")
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("school")


class InductionPeriodInline(InductionLinks, ReadOnlyRows, admin.TabularInline):
    """Read-only: periods are recorded, finished and corrected on guarded pages, through the service (O9, F13–F15)."""

    model = InductionPeriod
    fields = ("appropriate_body_name", "started_on", "finished_on", "outcome")
    readonly_fields = fields


class ProviderEnrolmentInline(ReadOnlyRows, admin.TabularInline):
    """What each lead provider currently sees (V2); derived, so shown but never edited."""

    model = ProviderEnrolment
    fields = ("lead_provider", "participant_type", "training_period", "recorded_status")
    readonly_fields = fields

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


REMOVE_TRN_UNCONFIRMED = "To remove their TRN, also tick “Yes, remove their TRN”"


class ParticipantForm(forms.ModelForm):
    remove_trn = forms.BooleanField(
        label="Yes, remove their TRN",
        required=False,
        help_text="Only when the TRN was recorded in error: providers then see no TRN for them.",
    )

    def clean(self):
        cleaned = super().clean()
        removing = self.initial.get("trn") and not cleaned.get("trn") and "trn" not in self.errors
        if removing and not cleaned.get("remove_trn"):
            self.add_error("trn", REMOVE_TRN_UNCONFIRMED)
        return cleaned


@admin.register(Participant)
class ParticipantAdmin(SupportActions, SupportModelAdmin):
    list_display = ("full_name", "trn", "api_id", "merged_into", "created_at", "api_updated_at")
    list_select_related = ("retired_into",)
    list_filter = (MergedAwayFilter, "mentor_funding_end_reason")
    search_fields = ("full_name", "^trn")
    show_full_result_count = False
    change_form_template = "admin/participants/participant/change_form.html"
    form = ParticipantForm
    fieldsets = (
        (None, {"fields": ("full_name", "trn", "remove_trn", "date_of_birth", "api_id", "retired_into")}),
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

    def has_change_permission(self, request, obj=None):
        # A merged-away record is the trail of its merge: it changes no more, and nothing is added to it.
        if obj is not None and obj.retired_into_id is not None:
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fixed = eligibility.fixed_fields(obj) if obj is not None else []
        return (*self.readonly_fields, *fixed)

    def save_model(self, request, obj, form, change):
        # A first-eligible day typed here has the consequence it has anywhere else: D31.
        now = clock.now()
        with changes.unit_of_work(now=now):
            super().save_model(request, obj, form, change)
            for participant_type, field in eligibility.FIRST_ELIGIBLE_ON.items():
                if field in form.changed_data and getattr(obj, field) is not None:
                    funding.make_submitted_eligible(participant_id=obj.pk, participant_type=participant_type, now=now)

    def save_formset(self, request, form, formset, change):
        if formset.model is not SchoolPeriod:
            return super().save_formset(request, form, formset, change)
        save_through_actions(formset.forms, now=clock.now())
        # What formset.save() would have noted, for the admin's own log message.
        formset.new_objects, formset.deleted_objects = [], []
        formset.changed_objects = [(each.instance, each.changed_data) for each in formset.forms if each.has_changed()]
        return None

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

    def _page(self, participant, title):
        return {"title": title, "opts": self.opts, "object": participant, "participant": participant}
