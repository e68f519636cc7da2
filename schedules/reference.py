"""Loads the cohorts, schedules and milestones every environment needs."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

REFERENCE_CSV = Path(__file__).resolve().parent / "data" / "schedules_and_milestones.csv"
FIRST_COHORT, LAST_COHORT = 2021, 2026

# 2021 and 2022 are closed: their payments were frozen when those contracts ended.
PAYMENTS_FROZEN_AT = {
    2021: dt.datetime(2024, 7, 31, 23, 0, tzinfo=dt.UTC),
    2022: dt.datetime(2025, 7, 31, 23, 0, tzinfo=dt.UTC),
}


def cohort_rows():
    for year in range(FIRST_COHORT, LAST_COHORT + 1):
        yield {
            "year": year,
            "started_on": dt.date(year, 6, 1),
            "finished_on": dt.date(year + 1, 5, 31),
            "payments_frozen_at": PAYMENTS_FROZEN_AT.get(year),
            "mentor_funding": year >= 2025,
            "detailed_evidence_types": year >= 2025,
            "uplift_fees": year <= 2022,
        }


def milestone_rows():
    with REFERENCE_CSV.open(newline="") as handle:
        for row in csv.DictReader(handle):
            yield {
                "cohort": int(row["cohort"]),
                "schedule_identifier": row["schedule_identifier"],
                "declaration_type": row["declaration_type"],
                "start_date": dt.date.fromisoformat(row["milestone_start_date"]),
                "deadline": dt.date.fromisoformat(row["milestone_deadline"]) if row["milestone_deadline"] else None,
            }


def load(Cohort, Schedule, Milestone):
    """Idempotent; takes the model classes so a data migration can pass its historical models."""
    for row in cohort_rows():
        year = row.pop("year")
        Cohort.objects.update_or_create(year=year, defaults=row)
    schedules = {}
    for row in milestone_rows():
        key = (row["cohort"], row["schedule_identifier"])
        if key not in schedules:
            schedules[key], _ = Schedule.objects.get_or_create(
                cohort_id=row["cohort"],
                identifier=row["schedule_identifier"],
                defaults={"name": row["schedule_identifier"].replace("ecf-", "").replace("-", " ").capitalize()},
            )
        Milestone.objects.update_or_create(
            schedule=schedules[key],
            declaration_type=row["declaration_type"],
            defaults={"start_date": row["start_date"], "deadline": row["deadline"]},
        )
