"""Whether the nightly status job has done its work (O1): for monitoring, never for serving.

The job runs just after midnight London time and records a DailyStatusRun for each day it completes. By 01:00
London on day D it has had ample time, so from then on the run for D must exist; before 01:00 the run for the day
before is enough.
"""

from __future__ import annotations

import datetime as dt

from config import clock
from participants.models import DailyStatusRun

DEADLINE = dt.time(1, 0)  # London time


def required_day(now: dt.datetime) -> dt.date:
    """The latest day whose run must exist at `now`."""
    local = now.astimezone(clock.LONDON)
    return local.date() if local.time() >= DEADLINE else local.date() - dt.timedelta(days=1)


def missing_day(*, now: dt.datetime) -> dt.date | None:
    """The day whose statuses should have been recorded by `now` and are not, or None when they are."""
    day = required_day(now)
    return None if DailyStatusRun.objects.filter(day__gte=day).exists() else day


def latest_day() -> dt.date | None:
    return DailyStatusRun.objects.order_by("-day").values_list("day", flat=True).first()
