"""Background tasks for participants. Each reads the clock and calls a service; no rules live here."""

import datetime as dt
import logging
import time

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from prometheus_client import Gauge
from prometheus_client.core import GaugeMetricFamily

from config import clock
from config.tasks import until_soft_limit
from participants import daily_statuses
from participants.models import DailyStatusRun

logger = logging.getLogger(__name__)

# Set when a run completes days; "mostrecent" keeps the latest run's across a worker's pool processes.
RUN_SECONDS = Gauge(
    "ecf_nightly_statuses_duration_seconds",
    "How long the last run of the nightly status job that completed days took.",
    multiprocess_mode="mostrecent",
)
RUN_CHANGED = Gauge(
    "ecf_nightly_statuses_changed",
    "Participant statuses the last run of the nightly status job that completed days changed.",
    multiprocess_mode="mostrecent",
)


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
    # A batch of 5,000 takes well under a second, far inside the minute left before the soft limit.
    before_soft_limit = until_soft_limit(settings.DAILY_STATUSES_SOFT_TIME_LIMIT)

    def keep_going() -> bool:
        if settings.DAILY_STATUSES_BATCH_PAUSE_SECONDS:
            time.sleep(settings.DAILY_STATUSES_BATCH_PAUSE_SECONDS)
        return before_soft_limit()

    log = {"through": day.isoformat()}
    started = time.perf_counter()
    try:
        outcome = daily_statuses.record_date_driven_statuses(through=day, now=now, keep_going=keep_going)
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
        _report(outcome, through=day, seconds=time.perf_counter() - started)
    return outcome.changed


def _report(outcome: daily_statuses.Outcome, *, through: dt.date, seconds: float) -> None:
    """The summary line of a run that completed days, and its figures as metrics."""
    summary = {
        "through": through.isoformat(),
        "days": [day.isoformat() for day in outcome.days],
        "changed": outcome.changed,
        "duration_seconds": round(seconds, 3),
    }
    logger.info("date-driven statuses recorded", extra=summary)
    RUN_SECONDS.set(seconds)
    RUN_CHANGED.set(outcome.changed)


class LastCompletedStatusDay:
    """The last day the nightly job completed, read from the database whenever a worker's metrics are scraped
    (settings.METRICS_WORKER_COLLECTORS): right after a restart, and whichever worker ran the job."""

    NAME = "ecf_nightly_statuses_last_completed_day_timestamp_seconds"
    # A scrape must not queue behind a slow database; the metric is missing from that scrape instead.
    STATEMENT_TIMEOUT_MS = 2000

    def collect(self):
        gauge = GaugeMetricFamily(
            self.NAME, "Start (London midnight) of the last day the nightly status job completed."
        )
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL statement_timeout = {self.STATEMENT_TIMEOUT_MS}")
                day = DailyStatusRun.objects.order_by("-day").values_list("day", flat=True).first()
        except DatabaseError:
            logger.warning("last completed status day not read", exc_info=True)
            day = None
        finally:
            connection.close()  # each scrape runs in a thread of its own, which would keep its connection
        if day is not None:
            gauge.add_metric([], clock.start_of_london_day(day).timestamp())
        yield gauge
