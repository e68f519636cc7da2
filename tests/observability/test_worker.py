"""A real Celery worker (prefork pool, through the real Redis broker): JSON lines carrying the task, and
metrics on its own port that add up its pool processes and read the last completed day from the database."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import urllib.request
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from prometheus_client.parser import text_string_to_metric_families

from config import clock
from participants import tasks
from participants.models import DailyStatusRun
from tests import processes
from tests.builders import trained_participant
from tests.test_status_worker import wait_for

ROOT = Path(settings.BASE_DIR)
CELERY = Path(sys.executable).with_name("celery")
TASK = "participants.tasks.record_date_driven_statuses"
# Celery prints this itself when it stops, outside logging, whatever its options.
CELERY_SHUTDOWN_NOTICE = "worker: Warm shutdown (MainProcess)"


class Worker:
    """A worker as the worker role runs it, on a queue of its own, with its metrics on a free port."""

    def __init__(self):
        self.queue, port = f"observed-test-{uuid.uuid4().hex[:12]}", processes.free_port()
        self.metrics = f"http://127.0.0.1:{port}/metrics"
        env = {
            **{k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"},
            "DATABASE_URL": processes.database_url(),
            "PYTEST_VERSION": os.environ.get("PYTEST_VERSION", "1"),
            "REDIS_URL": settings.CELERY_BROKER_URL,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PROCESS_ROLE": "worker",
            "METRICS_ADDRESS": "127.0.0.1",
            "METRICS_PORT": str(port),
            # Run as root here, Celery warns so before logging is set up; production workers are not root.
            "PYTHONWARNINGS": "ignore::UserWarning",
        }
        # A file, not a pipe: a chatty worker cannot stall on it.
        self._log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed in stop)
        command = [str(CELERY), "--quiet", "-A", "config", "worker", "-Q", self.queue, "-n", f"{self.queue}@%h"]
        command += ["--pool", "prefork", "--concurrency", "2"]
        command += ["--without-heartbeat", "--without-gossip", "--without-mingle"]
        self._process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        self.output = None

    def stop(self) -> str:
        """Stops the worker and returns everything it wrote."""
        if self.output is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._log.seek(0)
            self.output = self._log.read()
            self._log.close()
            print(self.output)  # shown by pytest when the test fails
            broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
            leftovers = list(broker.scan_iter(match=f"*{self.queue}*"))
            if leftovers:
                broker.delete(*leftovers)
        return self.output


@pytest.fixture
def worker():
    running = Worker()
    try:
        yield running
    finally:
        running.stop()


def scrape(url: str) -> dict[str, list]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            body = response.read().decode()
    except OSError:
        return {}
    print(body)  # the last scrape is shown when the test fails
    found: dict[str, list] = {}
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            found.setdefault(sample.name, []).append(sample)
    return found


def value(scraped, name, **labels):
    matching = [s.value for s in scraped.get(name, []) if s.labels == labels]
    return matching[0] if matching else None


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_writes_json_lines_with_its_task_and_serves_its_metrics(lead_provider, worker):
    today = clock.today()
    yesterday = today - dt.timedelta(days=1)
    with clock.travel_to(clock.start_of_london_day(yesterday) + dt.timedelta(hours=12)):
        trained_participant(lead_provider, started_on=today)
        DailyStatusRun.objects.create(day=yesterday, completed_at=clock.now(), changed=0)
    day_seconds = lambda day: clock.start_of_london_day(day).timestamp()  # noqa: E731

    # Before any task has run: the last completed day comes from the database, so a restart loses nothing.
    assert wait_for(lambda: scrape(worker.metrics), timeout=60), "the worker served no metrics"
    last_day = "ecf_nightly_statuses_last_completed_day_timestamp_seconds"
    assert value(scrape(worker.metrics), last_day) == day_seconds(yesterday)

    succeeded = tasks.record_date_driven_statuses.apply_async(kwargs={"through": today.isoformat()}, queue=worker.queue)
    failed = tasks.record_date_driven_statuses.apply_async(kwargs={"through": "not a date"}, queue=worker.queue)

    def outcomes():
        scraped = scrape(worker.metrics)
        counts = {o: value(scraped, "ecf_celery_tasks_total", task=TASK, outcome=o) for o in ("succeeded", "failed")}
        return scraped if counts == {"succeeded": 1.0, "failed": 1.0} else None

    assert wait_for(outcomes, timeout=60), scrape(worker.metrics).get("ecf_celery_tasks_total")
    scraped = outcomes()
    assert value(scraped, "ecf_celery_task_duration_seconds_count", task=TASK) == 2
    assert value(scraped, "ecf_nightly_statuses_changed") == 1
    assert 0 < value(scraped, "ecf_nightly_statuses_duration_seconds") < 60
    assert value(scraped, last_day) == day_seconds(today)

    output = worker.stop()
    assert [line for line in output.splitlines() if line and not line.startswith("{")] == [CELERY_SHUTDOWN_NOTICE]
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    (summary,) = [line for line in lines if line["message"] == "date-driven statuses recorded"]
    assert summary["task_id"] == succeeded.id and summary["task_name"] == TASK
    assert (summary["through"], summary["days"], summary["changed"]) == (today.isoformat(), [today.isoformat()], 1)
    assert summary["duration_seconds"] >= 0
    (failure,) = [line for line in lines if line["level"] == "ERROR"]
    assert failure["logger"] == "celery.app.trace" and failure["task_id"] == failed.id
    assert failure["message"].endswith("raised unexpected: builtins.ValueError")
    assert failure["exc_info"].endswith("builtins.ValueError (message not logged)")
    assert "not a date" not in output  # the task's argument, quoted by the exception's message
    # Celery's own lines about a task carry its id too, and nothing else's.
    for line in lines:
        if line["logger"] == "celery.app.trace":
            assert line["task_id"] in line["message"]
