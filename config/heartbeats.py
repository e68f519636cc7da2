"""Heartbeat files that Celery's worker and beat touch while they work, for `python -m config.process_health`.

A container platform probes a worker or beat by running a command inside its container; the command cannot
ask the process directly, so the process leaves a trace: it touches a file on a timer, and the probe reads
the file's age.

- The worker's file is touched by a consumer bootstep on the consumer's own timer, which fires from the
  worker's event loop in its main process. It goes stale when that loop stops (a hung or stopped process)
  and while the consumer is not connected to the broker (Celery stops the consumer's steps until it has
  reconnected). Tasks run in the pool's child processes, so a long task never holds it up: the worker must
  run the prefork pool (the default) or threads, not `--pool solo`.
- Beat's file is touched at every tick of its scheduler, and a tick comes at least every
  PROCESS_HEARTBEAT_SECONDS: a tick stuck (publishing to a broker that never answers, say) lets it go stale.
"""

from __future__ import annotations

import logging
from contextlib import suppress
from pathlib import Path

from celery import bootsteps
from celery.beat import Scheduler
from django.conf import settings

logger = logging.getLogger(__name__)

ROLES = ("worker", "beat")


def path(role: str) -> Path:
    return Path(settings.PROCESS_HEARTBEAT_DIR) / f"ecf-participants-{role}.heartbeat"


def touch(role: str) -> None:
    try:
        path(role).touch()
    except OSError:  # a full or read-only disk must not stop the worker; the probe will see the stale file
        logger.warning("heartbeat file could not be touched", extra={"role": role}, exc_info=True)


def forget(role: str) -> None:
    """At start: a file left by an earlier process in this container must not vouch for this one."""
    path(role).parent.mkdir(parents=True, exist_ok=True)
    with suppress(FileNotFoundError):
        path(role).unlink()


class WorkerHeartbeat(bootsteps.StartStopStep):
    """A consumer step: started once the consumer is connected and consuming, stopped when it loses the broker."""

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def __init__(self, c, **kwargs):
        super().__init__(c, **kwargs)
        self.timer_entry = None
        forget("worker")

    def start(self, c):
        touch("worker")
        self.timer_entry = c.timer.call_repeatedly(settings.PROCESS_HEARTBEAT_SECONDS, touch, ("worker",))

    def stop(self, c):
        if self.timer_entry is not None:
            self.timer_entry.cancel()
            self.timer_entry = None

    shutdown = stop


class HeartbeatScheduler(Scheduler):
    """Celery's in-memory scheduler (no schedule file on disk: see config/celery.py), touching beat's heartbeat at every tick and ticking at least every
    PROCESS_HEARTBEAT_SECONDS (left alone, beat may sleep up to five minutes when nothing is due)."""

    def __init__(self, *args, **kwargs):
        forget("beat")
        super().__init__(*args, **kwargs)

    def tick(self, *args, **kwargs):
        interval = super().tick(*args, **kwargs)
        touch("beat")
        return min(interval, settings.PROCESS_HEARTBEAT_SECONDS)
