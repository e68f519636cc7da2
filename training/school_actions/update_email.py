"""A school changes the email address it holds for an ECT or mentor (SC7a)."""

from __future__ import annotations

import itertools

from config import changes, clock
from config.validation import Checks
from participants import locking
from training.school_actions import steps
from training.school_actions.checks import cleaned_email, email_rules, still_here_rules


def update_email(*, school_period, email, now) -> None:
    today = clock.london_date(now)
    with changes.unit_of_work(now=now):
        locking.lock(school_period.participant)
        school_period = steps.fresh(school_period)
        _rules(school_period, email, today).raise_if_any()
        school_period.email = cleaned_email(email)
        school_period.save()


def check_update_email(*, school_period, email, now) -> list[tuple[str, str]]:
    """update_email's rules for this answer, changing nothing (a question page asks before confirming)."""
    return _rules(steps.fresh(school_period), email, clock.london_date(now)).errors


def _rules(school_period, email, today) -> Checks:
    checks = Checks()
    checks.first(
        "email",
        itertools.chain(
            still_here_rules(school_period, today),
            email_rules(email, school=school_period.school, participant=school_period.participant, today=today),
        ),
    )
    return checks
