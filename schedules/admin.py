"""Reference data: cohorts, schedules and their milestone windows.

Loaded from schedules/data by a migration, and corrected the same way: schedules and milestones are read-only here,
since a changed window would change which declarations already made were valid (D13, D20). A cohort changes only
through schedules.cohorts: closing it freezes its payments (O11), after which the API's services refuse what a closed
cohort does not allow; its settings change only before it starts; its year, dates and freeze moment never. Providers
do not see these edits as participant changes (F31).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin

from config import changes, clock
from config.admin import ReadOnlyAdmin, RefusedActionsMixin, ShownOnly, SupportModelAdmin, confirmed_action
from schedules import cohorts as cohort_service
from schedules.models import Cohort, Milestone, Schedule


class CohortSettingsForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = cohort_service.SETTINGS

    def clean(self):
        cleaned = super().clean()
        if cohort_service.has_started(self.instance, today=clock.today()):
            raise forms.ValidationError(cohort_service.started_message(self.instance))
        return cleaned


@admin.register(Cohort)
class CohortAdmin(RefusedActionsMixin, SupportModelAdmin):
    list_display = (
        "year",
        "started_on",
        "finished_on",
        "payments_frozen_at",
        "mentor_funding",
        "detailed_evidence_types",
        "uplift_fees",
    )
    form = CohortSettingsForm
    fields = ("year", "started_on", "finished_on", "payments_frozen_at", *cohort_service.SETTINGS, "what_can_change")
    readonly_fields = ("year", "started_on", "finished_on", "payments_frozen_at", "what_can_change")
    actions = ("close",)

    def has_add_permission(self, request):
        # A cohort comes with its twelve schedules from the reference data; one added here would have none (DS7).
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and cohort_service.has_started(obj, today=clock.today()):
            return False  # shown read-only; the close action is its only change
        return super().has_change_permission(request, obj)

    def has_close_permission(self, request):
        return request.user.has_perm("schedules.change_cohort")

    @admin.display(description="What can change")
    def what_can_change(self, cohort):
        if cohort.payments_frozen_at is not None:
            return "This cohort is closed. A closed cohort is not reopened."
        if cohort_service.has_started(cohort, today=clock.today()):
            return "This cohort has started: it can only be closed, with the \u201cClose selected cohorts\u201d action."
        return "Its settings, until it starts on the first of June. The year and dates never change."

    def save_model(self, request, obj, form, change):
        with changes.recording(action="change_cohort_settings", now=request.now):
            cohort_service.change_settings(
                cohort=obj, now=request.now, **{name: form.cleaned_data[name] for name in cohort_service.SETTINGS}
            )

    @admin.action(description="Close selected cohorts (freeze their payments)", permissions=["close"])
    def close(self, request, queryset):
        def run(cohorts):
            now = clock.now()
            with changes.recording(action="close_cohort", now=now):
                closing = cohort_service.close(cohorts=cohorts, now=now)
            return f"{len(closing)} cohort(s) closed."

        return confirmed_action(
            self,
            request,
            queryset,
            title="Close cohorts",
            question="Close these cohorts? Their payments are frozen from now, and a closed cohort is not reopened.",
            run=run,
        )


class MilestoneInline(ShownOnly, admin.TabularInline):
    model = Milestone
    fields = ("declaration_type", "start_date", "deadline")
    extra = 0


@admin.register(Schedule)
class ScheduleAdmin(ReadOnlyAdmin):
    list_display = ("identifier", "cohort", "name")
    list_filter = ("cohort",)
    search_fields = ("identifier", "name")
    inlines = (MilestoneInline,)


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyAdmin):
    list_display = ("schedule", "declaration_type", "start_date", "deadline")
    list_select_related = ("schedule",)
    list_filter = ("schedule__cohort", "declaration_type")
    search_fields = ("schedule__identifier",)
