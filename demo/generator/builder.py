"""The builder: one seeded random generator, the helpers every scenario draws with, and batched writes."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import defaultdict
from collections.abc import Callable

from config.clock import LONDON
from demo.generator.copying import copy_rows
from demo.generator.mentorships import Mentorships
from demo.generator.organisations import Organisations
from demo.generator.people import People
from demo.generator.records import Chunk, Summary, schedule_month
from demo.generator.reference import LEAD_PROVIDERS, PEOPLE_PER_CHUNK, TERM_STARTS, TERM_WEIGHTS
from demo.generator.scenarios import SCENARIOS
from participants.models import (
    InductionPeriod,
    Mentorship,
    Participant,
    ParticipantIdChange,
    SchoolPeriod,
    TrainingPeriod,
)
from schedules.models import Cohort, Schedule
from schools.models import LeadProvider, Partnership


class Builder(Organisations, People, Mentorships):
    """Draws the whole set from one random generator; the inherited steps add rows to the current chunk."""

    def __init__(self, rng: random.Random, *, today: dt.date):
        self.rng = rng
        self.today = today
        self.yesterday = today - dt.timedelta(days=1)
        self.summary = Summary()
        self.schedules = {(s.cohort_id, s.identifier): s for s in Schedule.objects.all()}
        if not self.schedules:
            raise RuntimeError("No schedules: run `manage.py migrate` first (it loads the reference data).")
        self.frozen_cohorts = {
            c.year: c.payments_frozen_at.astimezone(LONDON).date()
            for c in Cohort.objects.filter(payments_frozen_at__isnull=False)
            if c.payments_frozen_at.astimezone(LONDON).date() < today
        }
        self.uplift_cohorts = list(Cohort.objects.filter(uplift_fees=True).values_list("year", flat=True))
        self.partnerships: dict[tuple[int, int, int], Partnership] = {}
        self.preferred: dict[tuple[int, int], LeadProvider] = {}
        self.expressions_of_interest: set[tuple[int, int, int]] = set()
        self.used_trns = set(Participant.objects.exclude(trn=None).values_list("trn", flat=True))
        self.chunk = Chunk()

    # helpers ---------------------------------------------------------------------------------

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def day_between(self, first: dt.date, last: dt.date) -> dt.date:
        if last <= first:
            return first
        return first + dt.timedelta(days=self.rng.randint(0, (last - first).days))

    def start_between(self, first: dt.date, last: dt.date) -> dt.date:
        """Usually a term start in the window (most teachers start then), else any day in it."""
        starts = [
            (dt.date(year, month, day), weight)
            for year in range(first.year, last.year + 1)
            for (month, day), weight in zip(TERM_STARTS, TERM_WEIGHTS, strict=True)
            if first <= dt.date(year, month, day) <= last
        ]
        if starts and self.rng.random() < 0.8:
            chosen = self.rng.choices([s for s, _ in starts], [w for _, w in starts])[0]
            return min(chosen + dt.timedelta(days=self.rng.randint(0, 3)), last)
        return self.day_between(first, last)

    def ago(self, days: int) -> dt.date:
        return self.today - dt.timedelta(days=days)

    def ahead(self, days: int) -> dt.date:
        return self.today + dt.timedelta(days=days)

    def moment(self, day: dt.date) -> dt.datetime:
        """A working-hours time on `day` (never later than yesterday, so never in the future)."""
        day = min(day, self.yesterday)
        return dt.datetime.combine(day, dt.time(8), tzinfo=LONDON) + dt.timedelta(minutes=self.rng.randint(0, 600))

    def schedule(self, cohort: int, kind: str, day: dt.date) -> Schedule:
        return self.schedules[(cohort, f"ecf-{kind}-{schedule_month(day)}")]

    def pick_lead_provider(self, exclude=()) -> LeadProvider:
        options = [lp for lp in self.lead_providers if lp not in exclude]
        return self.rng.choices(options, [LEAD_PROVIDERS.get(lp.name, 10) for lp in options])[0]

    def trn(self) -> str:
        while True:
            candidate = str(self.rng.randint(2000000, 9999999))
            if candidate not in self.used_trns:
                self.used_trns.add(candidate)
                return candidate

    # people -------------------------------------------------------------------------------------

    def people(self, total: int, progress: Callable[[int, int], None]) -> None:
        names = list(SCENARIOS)
        # The first few people take every scenario in turn, so even a small set shows every state.
        scenarios = names[:total] + self.rng.choices(
            names, [SCENARIOS[n][1] for n in names], k=max(0, total - len(names))
        )
        homes = [self.rng.randrange(len(self.school_list)) for _ in range(total)]
        at_school = defaultdict(list)
        for index, home in enumerate(homes):
            at_school[home].append(index)
        done = 0
        progress(0, total)
        for school_index, school in enumerate(self.school_list):
            for index in at_school.get(school_index, ()):
                SCENARIOS[scenarios[index]][0](self, school)
                done += 1
            if len(self.chunk.people) >= PEOPLE_PER_CHUNK or school_index == len(self.school_list) - 1:
                self.flush()
                progress(done, total)

    # writing ------------------------------------------------------------------------------------

    def flush(self) -> None:
        chunk = self.chunk
        self.assign_mentors()
        for person in chunk.people:
            participant = person.participant
            last_change = max(day for day in person.days if day is not None and day < self.today)
            participant.api_updated_at = max(participant.created_at, self.moment(last_change))
        copy_rows(Partnership, chunk.partnerships)
        for model, rows in (
            (Participant, chunk.participants),
            (Participant, chunk.merged_away),
            (SchoolPeriod, chunk.school_periods),
            (TrainingPeriod, chunk.training_periods),
            (Mentorship, chunk.mentorships),
            (InductionPeriod, chunk.induction_periods),
            (ParticipantIdChange, chunk.id_changes),
        ):
            copy_rows(model, rows)
        summary = self.summary
        summary.participants += len(chunk.participants)
        summary.merged_away += len(chunk.merged_away)
        summary.school_periods += len(chunk.school_periods)
        summary.training_periods += len(chunk.training_periods)
        summary.mentorships += len(chunk.mentorships)
        summary.induction_periods += len(chunk.induction_periods)
        summary.participant_id_changes += len(chunk.id_changes)
        self.chunk = Chunk()
