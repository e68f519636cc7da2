"""F13: the day a participant first became eligible for funding, per participant type, never changes once set.

Every place that makes someone eligible records the day through `record_first_eligible`, which keeps a day
already recorded; `fixed_fields` names the recorded days, which the admin shows but does not let anyone edit.
"""

from __future__ import annotations

import datetime as dt

from participants.models import Participant, ParticipantType

FIRST_ELIGIBLE_ON = {ParticipantType.ECT: "ect_eligible_on", ParticipantType.MENTOR: "mentor_eligible_on"}


def first_eligible_on(participant: Participant, participant_type: str) -> dt.date | None:
    return getattr(participant, FIRST_ELIGIBLE_ON[participant_type])


def record_first_eligible(participant: Participant, participant_type: str, *, on: dt.date) -> bool:
    """Record `on` as the day they first became eligible as this type, unless a day is already recorded.

    Returns whether it was recorded; the caller saves the participant.
    """
    if first_eligible_on(participant, participant_type) is not None:
        return False
    setattr(participant, FIRST_ELIGIBLE_ON[participant_type], on)
    return True


def fixed_fields(participant: Participant) -> list[str]:
    """The first-eligible days already recorded: nothing may change them."""
    return [field for field in FIRST_ELIGIBLE_ON.values() if getattr(participant, field) is not None]
