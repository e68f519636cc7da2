"""The Celery app: background work and the nightly schedule.

Start workers that consume every queue in consumed_queues() (the image's `worker` role does), and one beat:
    celery -A config worker -Q default,statuses,email
    celery -A config beat
"""

import os

from celery import Celery
from celery.schedules import crontab

from config import heartbeats

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Heartbeats for the worker's and beat's health probe (python -m config.process_health).
app.steps["consumer"].add(heartbeats.WorkerHeartbeat)
app.conf.beat_scheduler = "config.heartbeats:HeartbeatScheduler"

STATUSES_QUEUE = "statuses"
EMAIL_QUEUE = "email"

# Routing lives beside the schedule so a worker's -Q list can be checked against one place.
app.conf.task_routes = {
    "participants.tasks.record_date_driven_statuses": {"queue": STATUSES_QUEUE},
    "config.tasks.send_email": {"queue": EMAIL_QUEUE},
}

app.conf.beat_schedule = {
    # Just after midnight London time (CELERY_TIMEZONE), when "today" has moved on (F12, O1).
    "record-date-driven-statuses": {
        "task": "participants.tasks.record_date_driven_statuses",
        "schedule": crontab(hour=0, minute=5),
        "options": {"queue": STATUSES_QUEUE},
    },
}


def consumed_queues() -> list[str]:
    """Every queue a task can be sent to (default, routes, beat entries): what each worker must consume."""
    queues = {app.conf.task_default_queue}
    queues.update(route.get("queue") for route in (app.conf.task_routes or {}).values() if isinstance(route, dict))
    queues.update(entry.get("options", {}).get("queue") for entry in (app.conf.beat_schedule or {}).values())
    return sorted(queue for queue in queues if queue)
