"""A participant becomes eligible for funding (F14), once (F13), and their submitted declarations with them (D31)."""

from __future__ import annotations

import datetime as dt

from config import clock
from declarations import funding
from participants import eligibility
from participants.models import Participant


def become_eligible(participant: Participant, participant_type: str, *, now: dt.datetime) -> None:
    """Eligible as this type from today unless already eligible; their submitted declarations of that type too."""
    if eligibility.record_first_eligible(participant, participant_type, on=clock.london_date(now)):
        participant.save()
        funding.make_submitted_eligible(participant_id=participant.pk, participant_type=participant_type, now=now)
