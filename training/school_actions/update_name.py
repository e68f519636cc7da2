"""A school corrects a participant's name (SC7a, O9)."""

from __future__ import annotations

import itertools

from config import changes, clock
from config.validation import Checks
from participants import locking
from training.school_actions import steps
from training.school_actions.checks import cleaned_name, known_at_another_school, name_rules, still_here_rules

KNOWN_ELSEWHERE = (
    "You cannot change the name of someone who is or was registered at another school. "
    "Contact us if their name is wrong"
)


def update_name(*, school_period, full_name, now) -> None:
    today = clock.london_date(now)
    with changes.unit_of_work(now=now):
        [participant] = locking.lock(school_period.participant)
        school_period = steps.fresh(school_period)
        _rules(school_period, full_name, today).raise_if_any()
        participant.full_name = cleaned_name(full_name)
        participant.save()


def check_update_name(*, school_period, full_name, now) -> list[tuple[str, str]]:
    """update_name's rules for this answer, changing nothing (a question page asks before confirming)."""
    return _rules(steps.fresh(school_period), full_name, clock.london_date(now)).errors


def who_may_be_renamed_rules(school_period, today):
    """O9: one school's correction becomes the name every provider sees, so only while no other school knows
    them; and only while they are at this school."""
    yield from still_here_rules(school_period, today)
    yield known_at_another_school(school_period.participant, school_period.school), KNOWN_ELSEWHERE


def _rules(school_period, full_name, today) -> Checks:
    checks = Checks()
    checks.first("full_name", itertools.chain(who_may_be_renamed_rules(school_period, today), name_rules(full_name)))
    return checks
