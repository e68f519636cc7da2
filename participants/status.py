"""How a training period's statuses are derived (F10, F12). Pure functions: `today` is an input."""

from __future__ import annotations

import datetime as dt

from participants.models import ParticipantStatus, ParticipantType

ACTIVE, DEFERRED, WITHDRAWN = "active", "deferred", "withdrawn"


def training_status(*, deferred_at: dt.datetime | None, withdrawn_at: dt.datetime | None) -> str:
    """F10: the later of deferral and withdrawal wins; withdrawal wins a tie."""
    if withdrawn_at is None and deferred_at is None:
        return ACTIVE
    if deferred_at is None:
        return WITHDRAWN
    if withdrawn_at is None:
        return DEFERRED
    return WITHDRAWN if withdrawn_at >= deferred_at else DEFERRED


def completion_date(
    *, participant_type: str, induction_end_date: dt.date | None, mentor_funding_end_date: dt.date | None
) -> dt.date | None:
    return induction_end_date if participant_type == ParticipantType.ECT else mentor_funding_end_date


def participant_status(
    *,
    participant_type: str,
    started_on: dt.date,
    finished_on: dt.date | None,
    deferred_at: dt.datetime | None,
    withdrawn_at: dt.datetime | None,
    induction_end_date: dt.date | None,
    mentor_funding_end_date: dt.date | None,
    today: dt.date,
) -> str:
    """F12 with O1, first matching rule wins."""
    if deferred_at is not None or withdrawn_at is not None:
        return ParticipantStatus.LEAVING if finished_on is not None and finished_on > today else ParticipantStatus.LEFT
    completed_on = completion_date(
        participant_type=participant_type,
        induction_end_date=induction_end_date,
        mentor_funding_end_date=mentor_funding_end_date,
    )
    if completed_on is not None and (finished_on is None or completed_on <= finished_on):
        return ParticipantStatus.ACTIVE
    if finished_on is not None:
        # O1 and the seeds: `leaving` until the leaving date has passed, so the leaving date itself is
        # still `leaving`. (The reference shows `left` on the day itself; rule 1 keeps its behaviour.)
        return ParticipantStatus.LEAVING if finished_on >= today else ParticipantStatus.LEFT
    if started_on > today:
        return ParticipantStatus.JOINING
    return ParticipantStatus.ACTIVE


def eligible_for_funding(*, eligible_on: dt.date | None, ineligible_on: dt.date | None) -> bool | None:
    """F13: E before (or on) I means eligible; I alone or earlier means not; neither is unknown."""
    if eligible_on is not None and (ineligible_on is None or eligible_on <= ineligible_on):
        return True
    if ineligible_on is not None:
        return False
    return None


def induction_dates(periods) -> dict:
    """F15 from a participant's induction periods (dicts with started_on, finished_on, outcome).

    overall start: the earliest start; end date: the end of the latest period with an outcome;
    most recent end: the end of the period that started last (None while it is ongoing).
    """
    if not periods:
        return {
            "overall_induction_start_date": None,
            "induction_end_date": None,
            "most_recent_induction_period_end_date": None,
        }
    with_outcome = [p["finished_on"] for p in periods if p["outcome"] is not None and p["finished_on"] is not None]
    most_recent = max(periods, key=lambda p: p["started_on"])
    return {
        "overall_induction_start_date": min(p["started_on"] for p in periods),
        "induction_end_date": max(with_outcome) if with_outcome else None,
        "most_recent_induction_period_end_date": most_recent["finished_on"],
    }
