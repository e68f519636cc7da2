"""Background tasks for participants. Each reads the clock and calls a service; no rules live here."""

import datetime as dt

from celery import shared_task
from django.db import InterfaceError, OperationalError

from config import clock
from participants import daily_statuses


@shared_task(
    # Runs on the "statuses" queue: Celery 5.7 deprecates a queue on the task, so config.celery routes it.
    name="participants.tasks.record_date_driven_statuses",
    # A database restart or failover mid-run: finished batches are kept, so retrying resumes.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=8,
)
def record_date_driven_statuses(*, through: str | None = None, **kwargs) -> int:
    """Beat sends no arguments (today in London); `through` (YYYY-MM-DD) lets a run be sent by hand."""
    now = clock.now()
    day = clock.london_date(now) if through is None else dt.date.fromisoformat(through)
    return daily_statuses.record_date_driven_statuses(through=day, now=now).changed
