"""Milestone windows (D13): when a declaration of a type may be dated under a schedule."""

from __future__ import annotations

import datetime as dt

from config import clock

BEFORE_START = "Declaration date must be on or after the milestone start date for the same declaration type."
AFTER_DEADLINE = "Declaration date must be on or before the milestone date for the same declaration type."


def window_error(*, milestone, declaration_date: dt.datetime) -> str | None:
    """None when the date is inside the window; the start is 00:00 London, the deadline its whole day."""
    if declaration_date < clock.start_of_london_day(milestone.start_date):
        return BEFORE_START
    if milestone.deadline is not None and declaration_date >= clock.start_of_london_day(
        milestone.deadline + dt.timedelta(days=1)
    ):
        return AFTER_DEADLINE
    return None
