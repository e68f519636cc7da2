"""The status task run by a real Celery worker through the real Redis broker (O1)."""

import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings

from config import clock
from participants import tasks
from participants.models import DailyStatusRun, Participant, ProviderEnrolment
from tests import processes
from tests.builders import trained_participant

ROOT = Path(__file__).resolve().parent.parent
CELERY = Path(sys.executable).with_name("celery")


@pytest.fixture
def worker():
    """A worker consuming a queue of its own, so parallel runs cannot take each other's tasks."""
    queue = f"statuses-test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DATABASE_URL": processes.database_url(),  # the pytest test database, where the test's data is committed
        "PYTEST_VERSION": os.environ.get("PYTEST_VERSION", "1"),
        "REDIS_URL": settings.CELERY_BROKER_URL,
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed below, after the worker stops); a file, not a pipe: a chatty worker cannot fill it and stall
    process = subprocess.Popen(
        [
            str(CELERY),
            "-A",
            "config",
            "worker",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
            "--pool",
            "solo",
            "--concurrency",
            "1",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield queue
    finally:
        processes.stop(process, timeout=10)
        log.seek(0)
        print(log.read())  # shown by pytest when the test fails
        log.close()
        # Kombu leaves the queue's keys (list, bindings) in Redis; this queue will not be used again.
        broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
        leftovers = list(broker.scan_iter(match=f"*{queue}*"))
        if leftovers:
            broker.delete(*leftovers)


def wait_for(condition, *, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_O1_worker_records_the_day_through_redis(lead_provider, worker):
    today = clock.today()
    yesterday = today - dt.timedelta(days=1)
    with clock.travel_to(clock.start_of_london_day(yesterday) + dt.timedelta(hours=12)):
        participant, training = trained_participant(lead_provider, started_on=today)
        DailyStatusRun.objects.create(day=yesterday, completed_at=clock.now(), changed=0)
    sent_at = clock.now()

    tasks.record_date_driven_statuses.apply_async(kwargs={"through": today.isoformat()}, queue=worker)

    assert wait_for(lambda: DailyStatusRun.objects.filter(day=today).exists()), "the worker did not complete the day"
    assert DailyStatusRun.objects.get(day=today).changed == 1
    assert ProviderEnrolment.objects.get(training_period=training).recorded_status == "active"
    assert Participant.objects.get(pk=participant.pk).api_updated_at >= sent_at
