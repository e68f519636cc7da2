"""Demo data: a realistic, deterministic data set of any size (`manage.py seed_demo`).

One seeded random generator draws everything, and every date is relative to `today`, so the same
seed, size and day give the same rows and the same public ids. The set shows every state the API
can: joining, active, leaving and left participants; deferred and withdrawn training; passed and
failed inductions; mentors whose funding ended; replacement mentors; merged participants;
expressions of interest; school-led training; and people who moved school or changed provider.

The bulk's rows are written with COPY (`copying`). That skips the save signals, so no audit events are
written for them and `api_updated_at` is set here; provider enrolments are derived once at the end.

Seeding replaces the previous demo set instead of adding to it: demo schools are recognised by an
`api_id` derived from their URN (`school_api_id`, `case_school_api_id`), and they and everything at them are deleted
first, in the same transaction. So a rerun never duplicates, and the result depends only on the
arguments, whatever ran before.

The work is split by what it builds: `reference` holds the fixed names and weights, `removal` the
replacement of a previous set, `builder` the draw loop and batched writes, with `organisations`,
`people` and `mentorships` adding rows to it, and `scenarios` one function per state a person can be in.
`cases` then tells, through the domain services, the stories of the few people and schools the scenario
catalogue (`demo.catalogue`) points to: every case a provider must handle, for every provider, at any size.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.db import transaction

from demo.generator.builder import Builder
from demo.generator.cases import Cases, seeded_uuids
from demo.generator.records import Summary, case_school_ids, school_api_id, school_count
from demo.generator.removal import DemoDataInUse, present, remove
from participants import enrolments
from participants.models import Participant, SchoolPeriod

__all__ = ["DemoDataInUse", "Summary", "bulk_participants", "present", "remove", "school_api_id", "seed"]


def seed(
    *, participants: int, seed: int, today: dt.date, progress: Callable[[int, int], None] | None = None
) -> Summary:
    """Replace the demo set with `participants` people (merged-away duplicates come on top)."""
    if participants < 1:
        raise ValueError("participants must be at least 1")
    with transaction.atomic():
        remove()
        builder = Builder(random.Random(seed), today=today)
        builder.organisations()
        builder.schools(school_count(participants))
        builder.people(participants, progress or (lambda done, total: None))
        # The sandbox cases draw from a generator of their own, so the bulk is the same with or without them.
        cases_rng = random.Random(f"cases {seed}")
        with seeded_uuids(cases_rng):
            cases = Cases(cases_rng, today=today, used_trns=builder.used_trns)
            cases.build(builder.lead_providers)
        builder.summary.case_schools, builder.summary.case_participants = cases.schools, cases.people
        # Services record statuses as of the day each step happened; record today's.
        enrolments.refresh(None, today=today)
    return builder.summary


def bulk_participants() -> int:
    """How many (current) participants the bulk holds: what `seed(participants=...)` asked for."""
    at_case_schools = SchoolPeriod.objects.filter(school__in=case_school_ids()).values("participant_id")
    return Participant.objects.filter(retired_into__isnull=True).exclude(pk__in=at_case_schools).count()
