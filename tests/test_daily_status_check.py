"""The check that the nightly statuses were recorded (O1): after 01:00 London time on day D the run for D must
exist; before 01:00 the run for D-1 is enough. London is on GMT in winter and BST (UTC+1) in summer, so 01:00
London is 01:00 UTC in January and 00:00 UTC in July."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from config import clock
from participants import daily_status_check
from participants.models import DailyStatusRun

ROOT = Path(__file__).resolve().parents[1]
UTC = dt.UTC
WINTER_DAY = dt.date(2026, 1, 15)
SUMMER_DAY = dt.date(2026, 7, 15)


def run_for(day: dt.date) -> None:
    DailyStatusRun.objects.create(day=day, completed_at=clock.start_of_london_day(day), changed=0)


@pytest.mark.parametrize(
    "now, required",
    [
        # GMT: London time is UTC.
        (dt.datetime(2026, 1, 15, 0, 59, 59, tzinfo=UTC), dt.date(2026, 1, 14)),
        (dt.datetime(2026, 1, 15, 1, 0, tzinfo=UTC), dt.date(2026, 1, 15)),
        # BST: 01:00 London is 00:00 UTC, and 00:59 London is 23:59 UTC the day before.
        (dt.datetime(2026, 7, 14, 23, 59, 59, tzinfo=UTC), dt.date(2026, 7, 14)),
        (dt.datetime(2026, 7, 15, 0, 0, tzinfo=UTC), dt.date(2026, 7, 15)),
        # 23:30 London on D still requires D.
        (dt.datetime(2026, 7, 15, 22, 30, tzinfo=UTC), dt.date(2026, 7, 15)),
    ],
)
def test_the_run_for_today_is_required_from_0100_london_time_in_gmt_and_bst(now, required):
    assert daily_status_check.required_day(now) == required


@pytest.mark.parametrize(
    "day, before_one, at_one",
    [
        (WINTER_DAY, dt.datetime(2026, 1, 15, 0, 59, tzinfo=UTC), dt.datetime(2026, 1, 15, 1, 0, tzinfo=UTC)),
        (SUMMER_DAY, dt.datetime(2026, 7, 14, 23, 59, tzinfo=UTC), dt.datetime(2026, 7, 15, 0, 0, tzinfo=UTC)),
    ],
)
def test_yesterdays_run_is_enough_until_0100_and_then_todays_is_missing(day, before_one, at_one):
    run_for(day - dt.timedelta(days=1))
    assert daily_status_check.missing_day(now=before_one) is None
    assert daily_status_check.missing_day(now=at_one) == day


def test_todays_run_satisfies_the_check():
    run_for(WINTER_DAY - dt.timedelta(days=1))
    run_for(WINTER_DAY)
    assert daily_status_check.missing_day(now=dt.datetime(2026, 1, 15, 1, 0, tzinfo=UTC)) is None


def test_a_day_without_a_run_is_missing_even_before_0100_when_yesterday_has_none():
    run_for(WINTER_DAY - dt.timedelta(days=2))
    assert daily_status_check.missing_day(now=dt.datetime(2026, 1, 15, 0, 30, tzinfo=UTC)) == dt.date(2026, 1, 14)


def test_with_no_run_ever_the_required_day_is_missing():
    assert daily_status_check.missing_day(now=dt.datetime(2026, 1, 15, 12, 0, tzinfo=UTC)) == WINTER_DAY


# --- The command ---------------------------------------------------------------------------------


def check(at: dt.datetime) -> str:
    out = StringIO()
    with clock.travel_to(at):
        call_command("check_nightly_statuses", stdout=out)
    return out.getvalue().strip()


def test_the_command_says_through_which_day_statuses_are_recorded():
    run_for(WINTER_DAY)
    assert check(dt.datetime(2026, 1, 15, 1, 0, tzinfo=UTC)) == "Nightly statuses recorded through 2026-01-15."


def test_the_command_fails_naming_the_missing_day_and_the_latest_run():
    run_for(WINTER_DAY - dt.timedelta(days=3))
    with pytest.raises(CommandError) as failed:
        check(dt.datetime(2026, 1, 15, 1, 0, tzinfo=UTC))
    assert failed.value.returncode == 1
    assert str(failed.value).startswith(
        "Nightly statuses missing: the run for 2026-01-15 was due by 01:00 London time that day; "
        "the latest run is for 2026-01-12."
    )


def test_the_command_fails_when_no_run_has_ever_completed():
    with pytest.raises(CommandError, match="the run for 2026-01-15 was due .*; no run has ever completed"):
        check(dt.datetime(2026, 1, 15, 1, 0, tzinfo=UTC))


def test_the_command_exits_1_when_missing_and_2_when_the_database_does_not_answer():
    """As a monitor runs it: a process, its exit code and one message."""
    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER'] or 'postgres'}@127.0.0.1:{database['PORT'] or 5432}/{database['NAME']}",
    }
    # The test's rows are uncommitted, so the command sees the empty test database: nothing has run.
    missing = subprocess.run(
        [sys.executable, "manage.py", "check_nightly_statuses"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert missing.returncode == 1, missing.stderr
    assert "Nightly statuses missing: the run for" in missing.stderr
    assert "no run has ever completed" in missing.stderr
    assert "Traceback" not in missing.stderr

    with socket.socket() as closed:  # bound, not listening: connections are refused
        closed.bind(("127.0.0.1", 0))
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{closed.getsockname()[1]}/ecf_participants"
        unreachable = subprocess.run(
            [sys.executable, "manage.py", "check_nightly_statuses"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert unreachable.returncode == 2, unreachable.stderr
    assert "Could not check the nightly statuses: the database did not answer (OperationalError)." in unreachable.stderr
    assert "Traceback" not in unreachable.stderr
