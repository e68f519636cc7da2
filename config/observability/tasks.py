"""Celery's side: JSON logging in workers and beat, the task in every log line, task outcomes as metrics.

Connected by config/celery.py in every process that loads the Celery app, so tasks run eagerly are
observed too.
"""

from __future__ import annotations

import logging.config
import time

from celery import signals

from config.observability import context

# Started tasks by id: how to restore the log context, and when they started.
_running: dict[str, tuple[object, float]] = {}


def connect(*, serve_metrics: bool) -> None:
    signals.setup_logging.connect(_configure_logging, weak=False)
    signals.task_prerun.connect(_task_started, weak=False)
    signals.task_postrun.connect(_task_finished, weak=False)
    signals.task_success.connect(_counted("succeeded"), weak=False)
    signals.task_failure.connect(_counted("failed"), weak=False)
    signals.task_retry.connect(_counted("retried"), weak=False)
    if serve_metrics:
        signals.worker_ready.connect(_serve_metrics, weak=False)


def _configure_logging(**kwargs):
    # A receiver here stops Celery from configuring logging itself (its plain-text handlers on the root and
    # task loggers): workers and beat write the same JSON lines as the web processes.
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


def _task_started(task_id=None, task=None, **kwargs):
    _running[task_id] = (context.task.set((task_id, task.name)), time.perf_counter())


def _task_finished(task_id=None, task=None, **kwargs):
    token, started = _running.pop(task_id, (None, None))
    if token is None:
        return
    context.task.reset(token)
    _metrics().CELERY_TASK_SECONDS.labels(task.name).observe(time.perf_counter() - started)


def _counted(outcome: str):
    def count(sender=None, **kwargs):
        _metrics().CELERY_TASKS.labels(getattr(sender, "name", str(sender)), outcome).inc()

    return count


def _serve_metrics(**kwargs):
    """The worker's main process serves its pool's metrics, plus values read from the database at scrape
    time (METRICS_WORKER_COLLECTORS: config names them, as it imports no app)."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    _metrics().serve(collectors=[import_string(name)() for name in settings.METRICS_WORKER_COLLECTORS])


def _metrics():
    # Imported on first use, not with this module: gunicorn.conf.py loads the Celery app (through `config`)
    # before it has chosen where prometheus_client keeps counts (multiprocess.py).
    from config.observability import metrics

    return metrics
