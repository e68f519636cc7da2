"""Support staff end a participant's time at a school, as the school would report it (SC7, SC8).

The school's own report-leaving action does the work, so training and mentorships end with the school period and
what would start after it goes, exactly as when the school reports it.
"""

from __future__ import annotations

import datetime as dt

from config import changes
from config.validation import Checks
from participants import locking
from participants.models import SchoolPeriod
from training.school_actions.report_leaving import report_leaving

MERGED_AWAY = "This participant was merged into another record. Change their school periods there."


def end_school_period(*, school_period: SchoolPeriod, finished_on: dt.date | None, now: dt.datetime) -> None:
    with changes.unit_of_work(now=now):
        [participant] = locking.lock(school_period.participant)
        checks = Checks()
        if participant.retired_into_id is not None:
            checks.fail("participant", MERGED_AWAY)
        checks.raise_if_any()
        report_leaving(school_period=school_period, leaving_on=finished_on, now=now)
