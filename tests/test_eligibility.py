"""F13: the day a participant first became eligible, per type, is recorded once and never moves."""

import datetime as dt

from participants import eligibility
from participants.models import Participant, ParticipantType

ECT, MENTOR = ParticipantType.ECT, ParticipantType.MENTOR


def test_F13_the_first_eligible_day_is_recorded_when_missing():
    participant = Participant(full_name="Ada Lovelace")
    assert eligibility.record_first_eligible(participant, ECT, on=dt.date(2025, 9, 1)) is True
    assert (participant.ect_eligible_on, participant.mentor_eligible_on) == (dt.date(2025, 9, 1), None)


def test_F13_a_recorded_first_eligible_day_never_changes():
    participant = Participant(full_name="Ada Lovelace", mentor_eligible_on=dt.date(2024, 9, 1))
    assert eligibility.record_first_eligible(participant, MENTOR, on=dt.date(2025, 9, 1)) is False
    assert participant.mentor_eligible_on == dt.date(2024, 9, 1)


def test_F13_only_the_recorded_days_are_fixed():
    participant = Participant(full_name="Ada Lovelace", mentor_eligible_on=dt.date(2024, 9, 1))
    assert eligibility.fixed_fields(participant) == ["mentor_eligible_on"]
    assert eligibility.first_eligible_on(participant, ECT) is None
