"""Reference data: cohorts, schedules and their milestone windows.

Loaded from schedules/data by a migration; edits here are for corrections. Closing a cohort freezes its payments
(O11); the API's services then refuse what a closed cohort does not allow (partnerships, eligible declarations,
voids, schedule changes into it). Providers do not see these edits as participant changes (F31).
"""

from __future__ import annotations

from django.contrib import admin

from config import changes, clock
from config.admin import RefusedActionsMixin, SupportModelAdmin, confirmed_action
from schedules import cohorts as cohort_service
from schedules.models import Cohort, Milestone, Schedule


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
    actions = ("close",)

    @admin.action(description="Close selected cohorts (freeze their payments)", permissions=["change"])
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
            question="Close these cohorts? Their payments are frozen from now.",
            run=run,
        )


class MilestoneInline(admin.TabularInline):
    model = Milestone
    fields = ("declaration_type", "start_date", "deadline")
    extra = 0


@admin.register(Schedule)
class ScheduleAdmin(SupportModelAdmin):
    list_display = ("identifier", "cohort", "name")
    list_filter = ("cohort",)
    search_fields = ("identifier", "name")
    inlines = (MilestoneInline,)


@admin.register(Milestone)
class MilestoneAdmin(SupportModelAdmin):
    list_display = ("schedule", "declaration_type", "start_date", "deadline")
    list_select_related = ("schedule",)
    list_filter = ("schedule__cohort", "declaration_type")
    search_fields = ("schedule__identifier",)
