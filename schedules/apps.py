from django.apps import AppConfig


class SchedulesConfig(AppConfig):
    name = "schedules"
    verbose_name = "Cohorts, schedules and milestones"

    def ready(self):
        from config import changes
        from schedules.models import Cohort, Milestone, Schedule

        # Reference data changes are audited like everything else; providers do not see them directly (F31).
        changes.track(Cohort, fields=("payments_frozen_at", "mentor_funding", "detailed_evidence_types", "uplift_fees"))
        changes.track(Schedule, fields=("cohort", "identifier", "name"))
        changes.track(Milestone, fields=("schedule", "declaration_type", "start_date", "deadline"))
