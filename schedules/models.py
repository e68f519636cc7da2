"""Reference data: cohorts (the API's name for contract periods), schedules and milestones."""

from __future__ import annotations

import datetime as dt

from django.db import models

from config.constraints import explained

DECLARATION_TYPES = (
    "started",
    "retained-1",
    "retained-2",
    "retained-3",
    "retained-4",
    "completed",
    "extended-1",
    "extended-2",
    "extended-3",
)
SCHEDULE_KINDS = ("standard", "extended", "reduced", "replacement")
SCHEDULE_MONTHS = ("september", "january", "april")
SCHEDULE_IDENTIFIERS = tuple(f"ecf-{kind}-{month}" for kind in SCHEDULE_KINDS for month in SCHEDULE_MONTHS)


class Cohort(models.Model):
    year = models.PositiveSmallIntegerField(primary_key=True)
    started_on = models.DateField(help_text="A cohort's contract period runs from 1 June to 31 May.")
    finished_on = models.DateField()
    # O11: a cohort is closed when its payments are frozen.
    payments_frozen_at = models.DateTimeField(null=True, blank=True)
    mentor_funding = models.BooleanField(default=False)
    detailed_evidence_types = models.BooleanField(default=False)
    uplift_fees = models.BooleanField(default=False)

    class Meta:
        ordering = ["year"]
        constraints = [
            explained(
                models.CheckConstraint(
                    condition=models.Q(finished_on__gt=models.F("started_on")), name="cohort_ends_after_start"
                ),
                field="finished_on",
                message="A cohort must end after it starts.",
            ),
        ]

    def __str__(self):
        return str(self.year)

    def payments_frozen(self, *, now: dt.datetime) -> bool:
        return self.payments_frozen_at is not None and self.payments_frozen_at <= now

    @staticmethod
    def year_containing(day: dt.date) -> int:
        return day.year if day.month >= 6 else day.year - 1


class Schedule(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="schedules")
    identifier = models.CharField(max_length=40, choices=[(i, i) for i in SCHEDULE_IDENTIFIERS])
    name = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["cohort_id", "identifier"]
        constraints = [
            explained(
                models.UniqueConstraint(fields=["cohort", "identifier"], name="schedule_identifier_unique_in_cohort"),
                field="identifier",
                message="This cohort already has a schedule with this identifier.",
            ),
        ]

    def __str__(self):
        return f"{self.identifier} ({self.cohort_id})"

    @property
    def kind(self) -> str:
        return self.identifier.split("-")[1]

    @property
    def month(self) -> str:
        return self.identifier.split("-")[2]


class Milestone(models.Model):
    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="milestones")
    declaration_type = models.CharField(max_length=20, choices=[(t, t) for t in DECLARATION_TYPES])
    start_date = models.DateField()
    # An empty deadline leaves the window open-ended.
    deadline = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["schedule_id", "start_date", "declaration_type"]
        constraints = [
            explained(
                models.UniqueConstraint(fields=["schedule", "declaration_type"], name="milestone_unique_per_schedule"),
                field="declaration_type",
                message="This schedule already has a milestone for this declaration type.",
            ),
            explained(
                models.CheckConstraint(
                    condition=models.Q(deadline__isnull=True) | models.Q(deadline__gte=models.F("start_date")),
                    name="milestone_deadline_after_start",
                ),
                field="deadline",
                message="The deadline must be on or after the start date.",
            ),
        ]

    def __str__(self):
        return f"{self.schedule} {self.declaration_type}"
