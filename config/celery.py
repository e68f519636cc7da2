"""The Celery app: background work and the nightly schedule.

Start workers that consume every queue in consumed_queues() (the image's `worker` role does), and one beat:
    celery -A config worker -Q default,statuses,email
    celery -A config beat
"""

import os

from celery import Celery
from celery.schedules import crontab

from config import heartbeats
from config.observability import multiprocess
from config.observability import tasks as observed

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# A worker's pool processes count in files its main process serves as metrics; chosen before anything
# imports prometheus_client (config/observability/multiprocess.py).
_WORKER = os.environ.get("PROCESS_ROLE") == "worker"
if _WORKER:
    multiprocess.use_directory("worker")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Heartbeats for the worker's and beat's health probe (python -m config.process_health); beat's is its scheduler.
app.steps["consumer"].add(heartbeats.WorkerHeartbeat)
# JSON log lines carrying the task id, task outcomes as metrics and, in a worker, the metrics server.
observed.connect(serve_metrics=_WORKER)

STATUSES_QUEUE = "statuses"
EMAIL_QUEUE = "email"
DEFAULT_QUEUE = "default"

# Routing lives beside the schedule so a worker's -Q list can be checked against one place.
app.conf.task_routes = {
    "participants.tasks.record_date_driven_statuses": {"queue": STATUSES_QUEUE},
    "config.tasks.send_email": {"queue": EMAIL_QUEUE},
    "config.tasks.clear_expired_sessions": {"queue": DEFAULT_QUEUE},
    "config.tasks.blank_old_personal_data": {"queue": DEFAULT_QUEUE},
}

# Beat keeps its schedule in memory, so it needs no file on local disk (a read-only or replaced container loses
# nothing). Started afresh, it sends each task at the task's next slot; the tasks below are idempotent and run
# often enough that a slot missed during a restart costs at most one interval.
app.conf.beat_scheduler = "config.heartbeats:HeartbeatScheduler"
app.conf.beat_schedule = {
    # Every hour at five past (London time, CELERY_TIMEZONE): the first run after midnight records the new day
    # (F12, O1); the others find it complete in one indexed read, unless a run was lost, which they make up.
    "record-date-driven-statuses": {
        "task": "participants.tasks.record_date_driven_statuses",
        "schedule": crontab(minute=5),
        "options": {"queue": STATUSES_QUEUE},
    },
    "clear-expired-sessions": {
        "task": "config.tasks.clear_expired_sessions",
        "schedule": crontab(hour=2, minute=15),
        "options": {"queue": DEFAULT_QUEUE},
    },
    "blank-old-personal-data": {
        "task": "config.tasks.blank_old_personal_data",
        "schedule": crontab(hour=2, minute=35),
        "options": {"queue": DEFAULT_QUEUE},
    },
}

# A worker takes one message per process at a time: with late acknowledgement, a prefetched message would wait
# behind a long task (or be redelivered with it), and another worker could have run it.
app.conf.worker_prefetch_multiplier = 1
# A worker that cannot reach Redis gives up after this many attempts (about two minutes) and exits, for the platform
# to restart it, rather than retrying for hours; beat gives up that send. Each attempt is bounded by the socket
# timeouts (settings.py).
app.conf.broker_connection_max_retries = 10
app.conf.broker_connection_retry_on_startup = True
# A publish (a .delay() from a web request too) tries twice more at most, within about a second, before raising.
app.conf.task_publish_retry_policy = {"max_retries": 2, "interval_start": 0, "interval_step": 0.3, "interval_max": 0.6}


def consumed_queues() -> list[str]:
    """Every queue a task can be sent to (default, routes, beat entries): what each worker must consume."""
    queues = {app.conf.task_default_queue}
    queues.update(route.get("queue") for route in (app.conf.task_routes or {}).values() if isinstance(route, dict))
    queues.update(entry.get("options", {}).get("queue") for entry in (app.conf.beat_schedule or {}).values())
    return sorted(queue for queue in queues if queue)
