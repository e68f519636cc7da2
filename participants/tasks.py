"""Background tasks for participants. Each reads the clock and calls a service; no rules live here."""

import datetime as dt
import logging
import time

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError

from config import clock
from participants import daily_statuses

logger = logging.getLogger(__name__)

# The run stops starting batches this long before its soft time limit; a batch of 5,000 takes well under a second.
_STOP_BEFORE_SOFT_LIMIT_SECONDS = 60


@shared_task(
    # Runs on the "statuses" queue: Celery 5.7 deprecates a queue on the task, so config.celery routes it.
    name="participants.tasks.record_date_driven_statuses",
    # Acknowledged when it ends, not when it starts: a worker killed mid-run (a deploy, out of memory) leaves the
    # message in Redis, which hands it to another worker after the visibility timeout; a pool process killed under
    # a live worker puts it back at once. Safe because a run repeats nothing (finished batches are kept).
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.DAILY_STATUSES_SOFT_TIME_LIMIT,
    time_limit=settings.DAILY_STATUSES_TIME_LIMIT,
    # A database restart or failover mid-run: finished batches are kept, so retrying resumes.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=30,
    # Below the next hourly run, and well below the visibility timeout (a waiting retry is an unacknowledged message).
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=8,
)
def record_date_driven_statuses(*, through: str | None = None, **kwargs) -> int:
    """Beat sends no arguments (today in London); `through` (YYYY-MM-DD) lets a run be sent by hand."""
    now = clock.now()
    day = clock.london_date(now) if through is None else dt.date.fromisoformat(through)
    stop_at = time.monotonic() + max(0, settings.DAILY_STATUSES_SOFT_TIME_LIMIT - _STOP_BEFORE_SOFT_LIMIT_SECONDS)

    def keep_going() -> bool:
        if settings.DAILY_STATUSES_BATCH_PAUSE_SECONDS:
            time.sleep(settings.DAILY_STATUSES_BATCH_PAUSE_SECONDS)
        return time.monotonic() < stop_at

    log = {"day": day.isoformat()}
    try:
        outcome = daily_statuses.record_date_driven_statuses(
            through=day,
            now=now,
            batch_size=settings.DAILY_STATUSES_BATCH_SIZE,
            lock_wait_seconds=settings.DAILY_STATUSES_LOCK_WAIT_SECONDS,
            keep_going=keep_going,
        )
    except SoftTimeLimitExceeded:
        # Raised inside a batch despite the margin: that batch rolled back, the ones before it stay.
        logger.warning("Date-driven statuses stopped at the soft time limit; the next run resumes", extra=log)
        return 0
    if outcome.busy:
        logger.info("Date-driven statuses are being recorded by another run; this one leaves it the work", extra=log)
    elif outcome.stopped:
        logger.warning(
            "Date-driven statuses stopped before the time limit; the next run resumes",
            extra={**log, "changed": outcome.changed},
        )
    elif outcome.days:
        logger.info(
            "Date-driven statuses recorded",
            extra={**log, "days_completed": len(outcome.days), "changed": outcome.changed},
        )
    return outcome.changed
