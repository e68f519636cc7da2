"""Email, sent by a Celery task (config.tasks.send_email) and never inside a request.

A caller renders the subject and body itself and calls `send_later`, which only puts the message on the
"email" queue. The task calls `deliver`: through GOV.UK Notify when NOTIFY_API_KEY is set (one template whose
subject is ((subject)) and body ((body))), otherwise through Django's EMAIL_BACKEND (SMTP in production). Each
call waits at most EMAIL_TIMEOUT. A failure that may pass is a TransientFailure, which the task retries with
backoff; a refusal is a PermanentFailure, which it does not.

Addresses and bodies are never logged: Celery shows the task's arguments as a placeholder, and failures are
described by status codes and error names only, never by the server's own words (an SMTP server may quote the
address back, and the body holds a password reset link).
"""

from __future__ import annotations

import logging
import smtplib

from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.core.mail import EmailMessage
from kombu.exceptions import OperationalError
from notifications_python_client.errors import HTTPError, InvalidResponse
from notifications_python_client.notifications import NotificationsAPIClient
from redis import RedisError

from config.celery import app

logger = logging.getLogger(__name__)


class EmailNotQueued(Exception):
    """The broker did not take the message in time; nothing will be sent."""


class DeliveryFailure(Exception):
    """Why a message was not sent, in words that name no address and quote no server."""


class TransientFailure(DeliveryFailure):
    pass


class PermanentFailure(DeliveryFailure):
    pass


def send_later(*, to: str, subject: str, body: str) -> None:
    """Queue one message for the email task. Raises EmailNotQueued within a few seconds if Redis cannot take it."""
    from config.tasks import send_email  # the task module imports this one

    # Its own connection with shorter socket timeouts and fewer tries than Celery's for workers
    # (CELERY_BROKER_TRANSPORT_OPTIONS): a person is waiting for the page.
    timeout = max(settings.REDIS_SOCKET_TIMEOUT, 1.0)
    try:
        with app.connection_for_write(
            transport_options={"socket_timeout": timeout, "socket_connect_timeout": timeout}
        ) as connection:
            send_email.apply_async(
                kwargs={"to": to, "subject": subject, "body": body},
                connection=connection,
                retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2},
            )
    except (OperationalError, RedisError, OSError) as exc:
        logger.error("email could not be queued", extra={"error": type(exc).__name__})
        raise EmailNotQueued from exc


def deliver(*, to: str, subject: str, body: str, reference: str | None = None) -> str:
    """Send one message now, through Notify or Django's email backend; returns which. `reference` (the task's
    id) goes to Notify and into the logs, so a message can be followed without naming its recipient."""
    channel = "notify" if settings.NOTIFY_API_KEY else "django"
    try:
        if channel == "notify":
            _through_notify(to=to, subject=subject, body=body, reference=reference)
        else:
            _through_django(to=to, subject=subject, body=body)
    except DeliveryFailure as failure:
        logger.warning(
            "email not sent",
            extra={
                "channel": channel,
                "reference": reference,
                "transient": isinstance(failure, TransientFailure),
                "error": str(failure),
            },
        )
        raise
    logger.info("email sent", extra={"channel": channel, "reference": reference})
    return channel


def retry_delay(*, retries: int) -> int:
    """Seconds before the next attempt: doubling from EMAIL_RETRY_DELAY_SECONDS, capped, with full jitter so
    that many messages failing together do not all come back at once."""
    return get_exponential_backoff_interval(
        factor=settings.EMAIL_RETRY_DELAY_SECONDS,
        retries=retries,
        maximum=settings.EMAIL_RETRY_MAX_DELAY_SECONDS,
        full_jitter=True,
    )


def _through_notify(*, to: str, subject: str, body: str, reference: str | None) -> None:
    client = NotificationsAPIClient(
        settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL, timeout=settings.EMAIL_TIMEOUT
    )
    try:
        client.send_email_notification(
            email_address=to,
            template_id=settings.NOTIFY_TEMPLATE_ID,
            personalisation={"subject": subject, "body": body},
            reference=reference,
        )
    except InvalidResponse as exc:
        # A success status with a body that is not JSON: Notify may well have sent it, so no second copy.
        raise PermanentFailure(f"Notify answered {exc.status_code} with an unreadable body") from exc
    except HTTPError as exc:
        if exc.response is None:  # refused, timed out, reset: the client reports these as 503
            raise TransientFailure(f"Notify could not be reached ({type(exc.__cause__).__name__})") from exc
        status = exc.status_code
        failure = TransientFailure if status == 429 or status >= 500 else PermanentFailure
        raise failure(f"Notify answered {status} {_notify_error_names(exc)}".rstrip()) from exc
    finally:
        client.request_session.close()


def _notify_error_names(exc: HTTPError) -> str:
    """Notify's error names (BadRequestError, RateLimitError...), never its messages."""
    try:
        errors = exc.response.json().get("errors") or []
        return ", ".join(str(error.get("error")) for error in errors if isinstance(error, dict))
    except (ValueError, AttributeError):
        return ""


def _through_django(*, to: str, subject: str, body: str) -> None:
    try:
        EmailMessage(subject=subject, body=body, to=[to]).send()
    except smtplib.SMTPRecipientsRefused as exc:
        codes = sorted({code for code, _ in exc.recipients.values()})
        failure = TransientFailure if all(400 <= code < 500 for code in codes) else PermanentFailure
        raise failure(f"the SMTP server refused the recipient ({', '.join(map(str, codes))})") from exc
    except smtplib.SMTPResponseException as exc:
        # 4xx: try again later; 5xx: refused.
        failure = PermanentFailure if 500 <= exc.smtp_code < 600 else TransientFailure
        raise failure(f"the SMTP server answered {exc.smtp_code} ({type(exc).__name__})") from exc
    except smtplib.SMTPServerDisconnected as exc:  # smtplib's name for a closed connection and a read timeout
        raise TransientFailure("the SMTP server stopped answering") from exc
    except smtplib.SMTPException as exc:  # e.g. no STARTTLS or no usable login method: configuration
        raise PermanentFailure(f"SMTP failed ({type(exc).__name__})") from exc
    except OSError as exc:  # refused, unreachable, timed out (EMAIL_TIMEOUT), TLS failures
        raise TransientFailure(f"the SMTP server could not be reached ({type(exc).__name__})") from exc
