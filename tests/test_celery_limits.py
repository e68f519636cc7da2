"""Celery's waits on Redis end, late-acknowledged tasks end before Redis would hand them out again, and beat
needs no schedule file: losing it (or restarting beat) costs at most one hourly slot, and a duplicate send does
nothing twice."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap

import pytest
from celery.apps.beat import Beat
from celery.beat import Scheduler, Service

from config import clock
from config.celery import app
from config.models import AuditEvent
from participants import daily_statuses
from participants.models import DailyStatusRun, ProviderEnrolment
from tests.builders import trained_participant
from tests.celery_processes import ROOT
from tests.silent_server import SilentServer

_SEND_TO_SILENT_REDIS = textwrap.dedent(
    """
    import json, time
    import django
    django.setup()
    from participants import tasks
    started = time.monotonic()
    try:
        tasks.record_date_driven_statuses.apply_async(kwargs={}, queue="nobody-listens")
        error = None
    except Exception as exc:
        error = type(exc).__module__ + "." + type(exc).__name__
    print(json.dumps({"error": error, "seconds": time.monotonic() - started}))
    """
)


@pytest.fixture
def silent_redis():
    server = SilentServer()
    try:
        yield server
    finally:
        server.stop()


def test_a_task_sent_while_redis_hangs_fails_within_seconds_rather_than_hanging_the_request(silent_redis):
    # As a web request's .delay() would: Redis accepts the connection and never answers.
    env = {
        **os.environ,
        "REDIS_URL": silent_redis.url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PROCESS_ROLE": "web",
    }
    env.setdefault("PYTEST_VERSION", "1")
    try:
        done = subprocess.run(
            [sys.executable, "-c", _SEND_TO_SILENT_REDIS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=90
        )
    except subprocess.TimeoutExpired:
        pytest.fail("sending a task to a silent Redis was still waiting after 90 seconds")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["error"] == "kombu.exceptions.OperationalError"
    # One socket timeout (5 s) per attempt; the bound here is generous for a busy machine, not the promise.
    assert result["seconds"] < 45
    assert silent_redis.settled_counts()[0] >= 1  # it did try this Redis


def test_every_late_acknowledged_task_ends_before_redis_would_hand_its_message_to_another_worker():
    app.loader.import_default_modules()
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    late = {name: task for name, task in app.tasks.items() if not name.startswith("celery.") and task.acks_late}

    assert {
        "participants.tasks.record_date_driven_statuses",
        "config.tasks.clear_expired_sessions",
        "config.tasks.blank_old_personal_data",
    } <= set(late)
    for name, task in late.items():
        assert task.reject_on_worker_lost, name
        assert task.soft_time_limit and task.time_limit and task.soft_time_limit < task.time_limit < visibility, name
        # A retry waiting for its countdown is an unacknowledged message too.
        if getattr(task, "autoretry_for", ()):
            assert task.retry_backoff_max < visibility, name
    assert app.conf.worker_prefetch_multiplier == 1


def london(day: dt.date, hour: int, minute: int, second: int = 0) -> dt.datetime:
    return clock.start_of_london_day(day) + dt.timedelta(hours=hour, minutes=minute, seconds=second)


def sends_due(scheduler, at: dt.datetime, monkeypatch) -> list[str]:
    """The tasks beat sends when its clock reads `at` (everything due, as its loop would)."""
    monkeypatch.setattr(app, "now", lambda: at)
    sent = []
    monkeypatch.setattr(
        Scheduler, "apply_async", lambda self, entry, producer=None, advance=True, **kw: sent.append(entry.task)
    )
    monkeypatch.setattr(Scheduler, "producer", None, raising=False)
    while scheduler.tick() == 0:
        pass
    return sent


def test_O1_beat_started_without_a_schedule_file_sends_the_status_job_at_the_next_hourly_slot_and_writes_no_file(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    day = dt.date(2026, 3, 10)
    # Beat (re)started at 10:30 with nothing on disk, as a new container would be.
    monkeypatch.setattr(app, "now", lambda: london(day, 10, 30))
    # Built as `celery beat -s celerybeat-schedule` builds it (the file named is the one make run used to pass).
    beat = Beat(app=app, schedule=str(tmp_path / "celerybeat-schedule"), quiet=True)
    scheduler = Service(app=app, scheduler_cls=beat.scheduler_cls, schedule_filename=beat.schedule).get_scheduler()

    assert sends_due(scheduler, london(day, 10, 30), monkeypatch) == []
    assert sends_due(scheduler, london(day, 11, 4, 59), monkeypatch) == []
    assert sends_due(scheduler, london(day, 11, 5, 1), monkeypatch) == [
        "participants.tasks.record_date_driven_statuses"
    ]
    assert sends_due(scheduler, london(day, 11, 30), monkeypatch) == []
    assert sends_due(scheduler, london(day, 12, 5, 1), monkeypatch) == [
        "participants.tasks.record_date_driven_statuses"
    ]
    assert list(tmp_path.iterdir()) == []


def test_O1_the_status_job_sent_twice_in_an_hour_records_each_change_once(lead_provider):
    # A beat restarted at the wrong moment, a second beat, or someone sending it by hand: the second run does nothing.
    day = dt.date(2026, 3, 10)
    with clock.travel_to(london(day - dt.timedelta(days=3), 12, 0)):
        _, period = trained_participant(lead_provider, started_on=day)
        DailyStatusRun.objects.create(day=day - dt.timedelta(days=1), completed_at=clock.now(), changed=0)
    task = app.tasks["participants.tasks.record_date_driven_statuses"]

    with clock.travel_to(london(day, 0, 5)):
        first = task.apply(kwargs={})
    with clock.travel_to(london(day, 0, 6)):
        second = task.apply(kwargs={})

    assert (first.result, second.result) == (1, 0)
    assert ProviderEnrolment.objects.get(training_period=period).recorded_status == "active"
    assert AuditEvent.objects.filter(action=daily_statuses.ACTION).count() == 1
    assert list(DailyStatusRun.objects.filter(day=day).values_list("changed", flat=True)) == [1]
