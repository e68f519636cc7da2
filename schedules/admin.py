"""Reference data: cohorts, schedules and their milestone windows.

Loaded from schedules/data by a migration; edits here are for corrections such as freezing a
cohort's payments (O11). Providers do not see these edits as participant changes (F31).
"""
from __future__ import annotations

from django.contrib import admin

from schedules.models import Cohort, Milestone, Schedule


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = (
        "year", "started_on", "finished_on", "payments_frozen_at", "mentor_funding", "detailed_evidence_types",
        "uplift_fees",
    )


class MilestoneInline(admin.TabularInline):
    model = Milestone
    fields = ("declaration_type", "start_date", "deadline")
    extra = 0


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    list_display = ("identifier", "cohort", "name")
    list_filter = ("cohort",)
    search_fields = ("identifier", "name")
    inlines = (MilestoneInline,)


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ("schedule", "declaration_type", "start_date", "deadline")
    list_select_related = ("schedule",)
    list_filter = ("schedule__cohort", "declaration_type")
    search_fields = ("schedule__identifier",)
