"""Dated periods: a start date and an optional (inclusive) end date.

Every "at school", "training", "mentorship" and "induction" fact is one of these. History is
kept by closing a period and opening another, never by overwriting. This is the one home of the
questions asked of a period, in Python and as query filters: does it cover a day (`contains`),
and is it still current or to come on a day (`not_ended_before`)?
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.db import models
from django.db.models import Func, Q

from config.constraints import explained


@dataclass(frozen=True)
class Period:
    started_on: dt.date
    finished_on: dt.date | None = None

    def contains(self, day: dt.date) -> bool:
        return self.has_started_by(day) and self.not_ended_before(day)

    def not_ended_before(self, day: dt.date) -> bool:
        """Covers `day` or starts after it: current or to come, not over."""
        return self.finished_on is None or self.finished_on >= day

    def overlaps(self, other: Period) -> bool:
        starts_before_other_ends = other.finished_on is None or self.started_on <= other.finished_on
        other_starts_before_self_ends = self.finished_on is None or other.started_on <= self.finished_on
        return starts_before_other_ends and other_starts_before_self_ends

    def has_started_by(self, day: dt.date) -> bool:
        return self.started_on <= day

    def ends_after(self, day: dt.date) -> bool:
        return self.finished_on is not None and self.finished_on > day

    def has_ended_by(self, day: dt.date) -> bool:
        return self.finished_on is not None and self.finished_on <= day


class DateRange(Func):
    """Inclusive daterange for exclusion constraints (an open end is unbounded)."""

    function = "daterange"
    output_field = DateRangeField()

    def __init__(self, start, end):
        super().__init__(start, end, models.Value("[]"))


OVERLAPS = RangeOperators.OVERLAPS


class DatedPeriod(models.Model):
    started_on = models.DateField()
    finished_on = models.DateField(null=True, blank=True)

    class Meta:
        abstract = True
        constraints = [
            explained(
                models.CheckConstraint(
                    condition=Q(finished_on__isnull=True) | Q(finished_on__gte=models.F("started_on")),
                    name="%(app_label)s_%(class)s_ends_after_start",
                ),
                field="finished_on",
                message="The end date must be on or after the start date",
            ),
        ]

    @property
    def period(self) -> Period:
        return Period(self.started_on, self.finished_on)

    def contains(self, day: dt.date) -> bool:
        return self.period.contains(day)

    def not_ended_before(self, day: dt.date) -> bool:
        return self.period.not_ended_before(day)

    @classmethod
    def q_contains(cls, day: dt.date, prefix: str = "") -> Q:
        """`contains` as a filter; `prefix` reaches a related period, e.g. "training_period__"."""
        return Q(**{f"{prefix}started_on__lte": day}) & cls.q_not_ended_before(day, prefix)

    @classmethod
    def q_not_ended_before(cls, day: dt.date, prefix: str = "") -> Q:
        """`not_ended_before` as a filter."""
        return Q(**{f"{prefix}finished_on__isnull": True}) | Q(**{f"{prefix}finished_on__gte": day})
