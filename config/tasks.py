"""Background tasks of the shared plumbing: email and retention. Each takes its arguments and the clock and calls a
service; no rules live here."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from config import clock, emails, retention

logger = logging.getLogger(__name__)


class ArgumentsNotShown(Task):
    """Celery writes a task's arguments into its log lines and events (received, succeeded, failed), and error
    reporters attach them too. These arguments are an address and a body with a password reset link, so
    every send, retries included, shows only their names."""

    def apply_async(self, args=None, kwargs=None, **options):
        options["argsrepr"] = "()"
        options["kwargsrepr"] = repr(dict.fromkeys(kwargs or {}, "…"))
        return super().apply_async(args, kwargs, **options)


@shared_task(
    bind=True,
    base=ArgumentsNotShown,
    # Runs on the "email" queue: config.celery routes it.
    name="config.tasks.send_email",
    # A worker or pool process lost mid-send leaves the message to be delivered again rather than dropped: a
    # second copy of an email is better than none.
    acks_late=True,
    reject_on_worker_lost=True,
    # A backstop only: every call already waits at most EMAIL_TIMEOUT.
    soft_time_limit=120,
    time_limit=150,
)
def send_email(self, *, to: str, subject: str, body: str, **kwargs) -> str:
    try:
        return emails.deliver(to=to, subject=subject, body=body, reference=self.request.id)
    except emails.TransientFailure as failure:
        if self.request.retries >= settings.EMAIL_MAX_RETRIES:
            raise
        raise self.retry(
            exc=failure,
            countdown=emails.retry_delay(retries=self.request.retries),
            max_retries=settings.EMAIL_MAX_RETRIES,
        ) from None


# A batched task stops starting batches this long before its soft time limit, so that it ends cleanly.
_STOP_BEFORE_SOFT_LIMIT_SECONDS = 60


def until_soft_limit(soft_time_limit: float) -> Callable[[], bool]:
    """A batched service's `keep_going` for a task starting now: true until a minute before its soft time limit."""
    stop_at = time.monotonic() + max(0, soft_time_limit - _STOP_BEFORE_SOFT_LIMIT_SECONDS)
    return lambda: time.monotonic() < stop_at


# Both are idempotent, so a message redelivered after its worker died is safe to run again.
_LIMITS = {"acks_late": True, "reject_on_worker_lost": True, "soft_time_limit": 20 * 60, "time_limit": 25 * 60}


@shared_task(name="config.tasks.clear_expired_sessions", **_LIMITS)  # routed to the "default" queue (config.celery)
def clear_expired_sessions(**kwargs) -> None:
    retention.clear_expired_sessions()
    logger.info("Expired sessions cleared")


@shared_task(name="config.tasks.blank_old_personal_data", **_LIMITS)  # routed to the "default" queue (config.celery)
def blank_old_personal_data(**kwargs) -> int:
    """Off unless AUDIT_PERSONAL_DATA_RETENTION_DAYS is set."""
    days = settings.AUDIT_PERSONAL_DATA_RETENTION_DAYS
    if days <= 0:
        return 0
    keep_going = until_soft_limit(_LIMITS["soft_time_limit"])
    try:
        outcome = retention.blank_old_personal_data(now=clock.now(), older_than_days=days, keep_going=keep_going)
    except SoftTimeLimitExceeded:
        logger.warning("Audit personal data retention stopped at the soft time limit; the next sweep resumes")
        return 0
    logger.info(
        "Audit personal data retention swept",
        extra={"events_blanked": outcome.blanked, "stopped": outcome.stopped, "retention_days": days},
    )
    return outcome.blanked
