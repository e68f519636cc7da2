"""Small helpers and the in-memory records the builder fills before writing them in batches."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from demo.generator.reference import NAMESPACE
from participants.models import Participant
from schedules.models import Cohort
from schedules.reference import FIRST_COHORT, LAST_COHORT


def school_api_id(urn: str) -> uuid.UUID:
    """Demo schools carry this id; it is how a later run finds (and replaces) them."""
    return uuid.uuid5(NAMESPACE, f"school:{urn}")


def case_school_api_id(urn: str) -> uuid.UUID:
    """The schools of the sandbox cases (`cases`) carry this id instead: how the catalogue tells them apart."""
    return uuid.uuid5(NAMESPACE, f"case-school:{urn}")


def is_demo_school(urn: str, api_id: uuid.UUID) -> bool:
    return api_id in (school_api_id(urn), case_school_api_id(urn))


def case_school_ids() -> list[int]:
    return _school_ids(lambda urn, api_id: api_id == case_school_api_id(urn))


def demo_school_ids() -> list[int]:
    """Every school a demo run built: the bulk's and the sandbox cases'."""
    return _school_ids(is_demo_school)


def _school_ids(matches) -> list[int]:
    from schools.models import School

    return [pk for pk, urn, api_id in School.objects.values_list("pk", "urn", "api_id") if matches(urn, api_id)]


def school_count(participants: int) -> int:
    """About eight ECTs and mentors per school: a few hundred schools for a couple of thousand people."""
    return max(20, round(participants / 8))


def schedule_month(day: dt.date) -> str:
    """DS4: the schedule month that fits a start date."""
    if 6 <= day.month <= 10:
        return "september"
    if day.month >= 11 or day.month <= 2:
        return "january"
    return "april"


def cohort_for(day: dt.date) -> int:
    return min(max(Cohort.year_containing(day), FIRST_COHORT), LAST_COHORT)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def earliest_end(*ends: dt.date | None) -> dt.date | None:
    known = [end for end in ends if end is not None]
    return min(known) if known else None


@dataclass
class Summary:
    participants: int = 0
    merged_away: int = 0
    schools: int = 0
    partnerships: int = 0
    school_periods: int = 0
    training_periods: int = 0
    mentorships: int = 0
    induction_periods: int = 0
    participant_id_changes: int = 0
    case_schools: int = 0
    case_participants: int = 0


@dataclass
class Person:
    participant: Participant
    first_name: str
    last_name: str
    # Days something providers see happened, for api_updated_at.
    days: list[dt.date] = field(default_factory=list)


@dataclass
class Chunk:
    partnerships: list = field(default_factory=list)
    participants: list = field(default_factory=list)
    merged_away: list = field(default_factory=list)
    school_periods: list = field(default_factory=list)
    training_periods: list = field(default_factory=list)
    mentorships: list = field(default_factory=list)
    induction_periods: list = field(default_factory=list)
    id_changes: list = field(default_factory=list)
    ects_at: dict = field(default_factory=lambda: defaultdict(list))
    mentors_at: dict = field(default_factory=lambda: defaultdict(list))
    people: list = field(default_factory=list)
