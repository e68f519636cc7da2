"""Background tasks of the shared plumbing. Each takes its arguments and calls a service; no rules live here."""

from __future__ import annotations

from celery import Task, shared_task
from django.conf import settings

from config import emails


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
    # A worker lost mid-send leaves the message to be delivered again rather than dropped.
    acks_late=True,
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
