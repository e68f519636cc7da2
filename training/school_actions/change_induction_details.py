"""A school records or changes an ECT's working pattern (F20, O2) and appropriate body.

Providers see the working pattern of the ECT's latest school (F20), and its change moves their
`updated_at` (O2). The appropriate body is the school's record only: the contract does not show it.
"""

from __future__ import annotations

import datetime as dt

from config import changes, clock
from config.validation import Checks
from participants import locking
from participants.models import ParticipantType, SchoolPeriod, WorkingPattern
from schools.models import AppropriateBody
from training.school_actions import steps
from training.school_actions.checks import still_here_rules

NOT_AN_ECT = "Only ECTs have a working pattern and an appropriate body"
SELECT_WORKING_PATTERN = "Select if they work full time or part time"
SELECT_APPROPRIATE_BODY = "Select their appropriate body"


def an_ect_still_here_rules(school_period: SchoolPeriod, today: dt.date):
    yield school_period.participant_type != ParticipantType.ECT, NOT_AN_ECT
    yield from still_here_rules(school_period, today)


def working_pattern_rules(working_pattern):
    yield working_pattern not in WorkingPattern.values, SELECT_WORKING_PATTERN


def appropriate_body_rules(appropriate_body):
    yield not isinstance(appropriate_body, AppropriateBody), SELECT_APPROPRIATE_BODY


def change_working_pattern(*, school_period, working_pattern, now) -> SchoolPeriod:
    return _change(school_period, "working_pattern", working_pattern, working_pattern_rules, now=now)


def check_change_working_pattern(*, school_period, working_pattern, now) -> list[tuple[str, str]]:
    """change_working_pattern's rules for this answer, changing nothing (a question page asks before confirming)."""
    return _check(school_period, "working_pattern", working_pattern, working_pattern_rules, now=now)


def change_appropriate_body(*, school_period, appropriate_body, now) -> SchoolPeriod:
    return _change(school_period, "appropriate_body", appropriate_body, appropriate_body_rules, now=now)


def check_change_appropriate_body(*, school_period, appropriate_body, now) -> list[tuple[str, str]]:
    """change_appropriate_body's rules for this answer, changing nothing."""
    return _check(school_period, "appropriate_body", appropriate_body, appropriate_body_rules, now=now)


def _rules(school_period, attribute, value, value_rules, today) -> Checks:
    checks = Checks()
    checks.first("participant", an_ect_still_here_rules(school_period, today))
    if not checks.failed():
        checks.first(attribute, value_rules(value))
    return checks


def _check(school_period, attribute, value, value_rules, *, now) -> list[tuple[str, str]]:
    return _rules(steps.fresh(school_period), attribute, value, value_rules, clock.london_date(now)).errors


def _change(school_period, attribute, value, value_rules, *, now) -> SchoolPeriod:
    with changes.unit_of_work(now=now):
        locking.lock(school_period.participant)
        school_period = steps.fresh(school_period)
        _rules(school_period, attribute, value, value_rules, clock.london_date(now)).raise_if_any()
        setattr(school_period, attribute, value)
        # Audited, and (for the working pattern) providers' updated_at moved, at the end of the unit of work.
        school_period.save(update_fields=[attribute])
        return school_period
