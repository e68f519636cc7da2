"""The worker's and beat's health probe (python -m config.process_health), against real processes.

A probe that failed during a long task would restart a busy worker; one that failed during a Redis outage would
restart every worker and beat for nothing; one that passed for a stopped process would leave the queue unserved.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings

from config import process_health
from config.celery import app as celery_app
from tests.celery_processes import ROOT, PrivateRedis, forget_queue, start_beat, start_worker, wait_for
from tests.silent_server import SilentServer

HEARTBEAT_SECONDS = 0.5
# Many heartbeats long, so that a busy machine delaying a few never makes a healthy process look stale.
STALE_SECONDS = 6


def run_probe(role: str, heartbeat_dir, broker_url: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "PROCESS_HEARTBEAT_DIR": str(heartbeat_dir),
        "PROCESS_HEARTBEAT_STALE_SECONDS": str(STALE_SECONDS),
        "PROCESS_HEALTH_TIMEOUT_SECONDS": "1",
        "REDIS_URL": broker_url,
    }
    return subprocess.run(
        [sys.executable, "-m", "config.process_health", role],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def probe_says(role, heartbeat_dir, broker_url, *, code: int, words: str):
    """A condition for wait_for: the probe exits with `code` and its one line contains `words`."""

    def condition():
        result = run_probe(role, heartbeat_dir, broker_url)
        condition.last = result
        return result.returncode == code and words in result.stdout

    condition.last = None
    return condition


def heartbeat_env(heartbeat_dir, broker_url: str) -> dict[str, str]:
    return {
        "PROCESS_HEARTBEAT_DIR": str(heartbeat_dir),
        "PROCESS_HEARTBEAT_SECONDS": str(HEARTBEAT_SECONDS),
        "REDIS_URL": broker_url,
    }


@pytest.fixture
def queue():
    name = f"health-test-{uuid.uuid4().hex[:12]}"
    yield name
    forget_queue(settings.CELERY_BROKER_URL, name)


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path)
    yield server
    server.stop()


# --- The rule ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "age, broker, alive, words",
    [
        (1.0, True, True, "worker ok: heartbeat 1s old; the broker answers"),
        (1.0, False, True, "worker ok: heartbeat 1s old; the broker did not answer this probe"),
        (121.0, True, False, "worker unhealthy: heartbeat 121s old (limit 120s) while the broker answers"),
        (None, True, False, "worker unhealthy: no heartbeat yet while the broker answers"),
        (121.0, False, True, "worker degraded: heartbeat 121s old (limit 120s) and the broker (Redis) does not answer"),
        (None, False, True, "worker degraded: no heartbeat yet and the broker (Redis) does not answer"),
    ],
)
def test_a_stale_heartbeat_is_unhealthy_only_while_the_broker_answers(age, broker, alive, words):
    verdict = process_health.assess("worker", heartbeat_age=age, broker_answers=broker, stale_after=120)
    assert verdict.alive is alive
    assert verdict.line.startswith(words)


def test_a_heartbeat_exactly_at_the_limit_is_still_fresh():
    assert process_health.assess("beat", heartbeat_age=120, broker_answers=True, stale_after=120).alive
    assert not process_health.assess("beat", heartbeat_age=120.5, broker_answers=True, stale_after=120).alive


# --- The command, on files and brokers as they are -------------------------------------------------


def test_the_probe_fails_with_one_line_when_the_heartbeat_is_missing_or_stale(tmp_path):
    missing = run_probe("worker", tmp_path, settings.CELERY_BROKER_URL)
    assert missing.returncode == 1
    assert missing.stdout.strip().splitlines() == [
        "worker unhealthy: no heartbeat yet while the broker answers: hung, stopped or not consuming"
    ]

    heartbeat = tmp_path / "ecf-participants-beat.heartbeat"
    heartbeat.touch()
    old = time.time() - 1000
    os.utime(heartbeat, (old, old))
    stale = run_probe("beat", tmp_path, settings.CELERY_BROKER_URL)
    assert stale.returncode == 1
    # The probe starts a moment after the file was aged; a busy machine may make it a few seconds.
    assert re.match(r"beat unhealthy: heartbeat 10\d\ds old \(limit 6s\) while the broker answers", stale.stdout)


def test_the_probe_answers_within_its_timeout_when_the_broker_never_answers(tmp_path):
    silent = SilentServer()
    try:
        started = time.monotonic()
        result = run_probe("worker", tmp_path, silent.url)
        elapsed = time.monotonic() - started
    finally:
        silent.stop()
    assert result.returncode == 0
    assert result.stdout.startswith("worker degraded: no heartbeat yet and the broker (Redis) does not answer")
    # One second for the broker, plus starting Python on a busy machine: far below a platform's probe timeout.
    assert elapsed < 30


# --- A real worker -------------------------------------------------------------------------------


@pytest.mark.worker
def test_a_running_worker_is_healthy_and_a_stopped_one_is_not(tmp_path, queue):
    broker = settings.CELERY_BROKER_URL
    worker = start_worker(queue, heartbeat_env(tmp_path, broker))
    try:
        healthy = probe_says("worker", tmp_path, broker, code=0, words="worker ok")
        assert wait_for(healthy), healthy.last

        os.kill(worker.pid, signal.SIGSTOP)
        stopped = probe_says("worker", tmp_path, broker, code=1, words="worker unhealthy: heartbeat")
        assert wait_for(stopped), stopped.last

        os.kill(worker.pid, signal.SIGCONT)
        assert wait_for(healthy), healthy.last
    finally:
        worker.stop()


@pytest.mark.worker
def test_a_worker_running_a_task_longer_than_the_limit_stays_healthy(tmp_path, queue):
    """Tasks run in the pool's child processes; the heartbeat comes from the main process's event loop."""
    broker = settings.CELERY_BROKER_URL
    worker = start_worker(queue, heartbeat_env(tmp_path, broker), include=("tests.celery_test_tasks",))
    started = tmp_path / "task-started"
    try:
        healthy = probe_says("worker", tmp_path, broker, code=0, words="worker ok")
        assert wait_for(healthy), healthy.last
        task_seconds = 3 * STALE_SECONDS
        celery_app.send_task("tests.sleep", kwargs={"seconds": task_seconds, "started": str(started)}, queue=queue)
        assert wait_for(started.exists), "the worker did not start the task"
        began = time.monotonic()
        probes = []
        while time.monotonic() - began < task_seconds - 1:
            probes.append(run_probe("worker", tmp_path, broker))
            time.sleep(1)
        assert len(probes) >= 3
        assert [(p.returncode, p.stdout.split(":")[0]) for p in probes] == [(0, "worker ok")] * len(probes)
        assert started.read_text() != str(worker.pid), "the task ran in the worker's main process"
    finally:
        worker.stop()


@pytest.mark.worker
def test_while_redis_is_down_the_worker_is_degraded_not_unhealthy_and_recovers_when_it_returns(tmp_path, private_redis):
    queue = f"health-test-{uuid.uuid4().hex[:12]}"
    worker = start_worker(queue, heartbeat_env(tmp_path, private_redis.url))
    try:
        healthy = probe_says("worker", tmp_path, private_redis.url, code=0, words="worker ok")
        assert wait_for(healthy), healthy.last

        private_redis.stop()
        degraded = probe_says("worker", tmp_path, private_redis.url, code=0, words="worker degraded: heartbeat")
        assert wait_for(degraded), degraded.last
        assert worker.process.poll() is None

        private_redis.start()
        # Celery retries its connection at growing intervals (2 s, 4 s, ...); the heartbeat resumes once it is back.
        assert wait_for(healthy, timeout=90), healthy.last
    finally:
        worker.stop()


# --- A real beat ---------------------------------------------------------------------------------


@pytest.mark.worker
def test_a_running_beat_is_healthy_and_a_stopped_one_is_not(tmp_path, private_redis):
    # Its own Redis: whatever the schedule sends while the test runs reaches no one else's worker.
    beat = start_beat(tmp_path / "beat-schedule", heartbeat_env(tmp_path, private_redis.url))
    try:
        healthy = probe_says("beat", tmp_path, private_redis.url, code=0, words="beat ok")
        assert wait_for(healthy), healthy.last

        os.kill(beat.pid, signal.SIGSTOP)
        stopped = probe_says("beat", tmp_path, private_redis.url, code=1, words="beat unhealthy: heartbeat")
        assert wait_for(stopped), stopped.last
    finally:
        beat.stop()
