"""A school corrects a participant's name (SC7a, O9)."""

from __future__ import annotations

from config import changes
from config.validation import Checks
from participants import locking
from training.school_actions.checks import cleaned_name, name_rules


def update_name(*, school_period, full_name, now) -> None:
    with changes.unit_of_work(now=now):
        [participant] = locking.lock(school_period.participant)
        checks = Checks()
        checks.first("full_name", name_rules(full_name))
        checks.raise_if_any()
        participant.full_name = cleaned_name(full_name)
        participant.save()
