"""The email task (config.tasks.send_email) run in the test's process, delivering to real local servers: an SMTP
server and a stand-in for GOV.UK Notify's API. Failures that may pass are retried; refusals are not."""

from __future__ import annotations

import json
import logging
import socket
import time

import pytest
from celery.exceptions import Retry

from config import emails
from config.tasks import send_email
from tests.emails.conftest import SEND_EMAIL, TEMPLATE_ID, queued
from tests.silent_server import SilentServer

ADDRESS = "tutor@oakfield.example"
SUBJECT = "Reset your password for Manage training for early career teachers"
BODY = "To choose a new password, open this link:\n\nhttps://example.test/school/password-reset/MQ/secret-token/\n"
MESSAGE = {"to": ADDRESS, "subject": SUBJECT, "body": BODY}


def closed_port() -> socket.socket:
    """A port that refuses connections (bound, not listening), for as long as the socket is open."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock


# --- Delivered -----------------------------------------------------------------------------------


def test_without_notify_the_task_delivers_one_message_through_smtp(smtp_sink, settings):
    result = send_email.apply(kwargs=MESSAGE)

    assert result.successful(), result.traceback
    (delivered,) = smtp_sink.delivered
    assert delivered.sender == settings.DEFAULT_FROM_EMAIL
    assert delivered.recipients == [ADDRESS]
    assert delivered.message["To"] == ADDRESS
    assert delivered.message["Subject"] == SUBJECT
    assert delivered.message.get_content().replace("\r\n", "\n") == BODY


def test_with_notify_the_task_sends_the_template_with_subject_and_body_signed_with_the_api_key(notify_stub):
    result = send_email.apply(kwargs=MESSAGE, task_id="3b0a5f6e-task")

    assert result.successful(), result.traceback
    assert result.result == "notify"
    (request,) = notify_stub.requests
    assert request.path == "/v2/notifications/email"
    assert request.token_valid, "the request's JWT is not signed with the key's secret"
    assert request.issuer == notify_stub.service_id
    assert request.body == {
        "email_address": ADDRESS,
        "template_id": TEMPLATE_ID,
        "personalisation": {"subject": SUBJECT, "body": BODY},
        "reference": "3b0a5f6e-task",
    }


# --- Retried -------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [429, 500, 503])
def test_a_notify_answer_to_try_later_is_retried_and_then_delivered(notify_stub, status):
    notify_stub.answer_next(status)

    result = send_email.apply(kwargs=MESSAGE)

    assert result.successful(), result.traceback
    assert len(notify_stub.requests) == 2
    assert all(r.body["email_address"] == ADDRESS for r in notify_stub.requests)


def test_an_smtp_server_saying_try_later_is_retried_and_then_delivered(smtp_sink):
    smtp_sink.fail_next("greeting")

    result = send_email.apply(kwargs=MESSAGE)

    assert result.successful(), result.traceback
    assert smtp_sink.connections == 2
    assert len(smtp_sink.delivered) == 1


def test_retries_stop_after_email_max_retries(notify_stub, settings):
    settings.EMAIL_MAX_RETRIES = 2
    notify_stub.answer_next(500, 500, 500, 500, 500)

    result = send_email.apply(kwargs=MESSAGE)

    assert result.failed()
    assert isinstance(result.result, emails.TransientFailure)
    assert len(notify_stub.requests) == 3  # the first attempt and two retries


def test_a_retry_goes_back_through_the_broker_showing_no_arguments(email_queue, notify_stub, settings):
    """As in a worker: the task's body, with a request as the broker delivered it, fails and sends its retry."""
    settings.EMAIL_RETRY_DELAY_SECONDS = 10
    notify_stub.answer_next(503)
    send_email.push_request(
        id="retried-task",
        retries=3,
        is_eager=False,
        called_directly=False,
        kwargs=MESSAGE,
        args=(),
        delivery_info={"exchange": "", "routing_key": email_queue},
    )
    try:
        with pytest.raises(Retry, match="Retry in [0-9]+s: TransientFailure"):
            send_email.run(**MESSAGE)
    finally:
        send_email.pop_request()

    (message,) = queued(email_queue)
    assert message["headers"]["task"] == SEND_EMAIL
    assert message["headers"]["id"] == "retried-task"
    assert message["headers"]["retries"] == 4
    assert message["kwargs"] == MESSAGE
    assert message["headers"]["kwargsrepr"] == "{'to': '…', 'subject': '…', 'body': '…'}"
    assert message["headers"]["argsrepr"] == "()"


def test_the_delay_before_a_retry_doubles_up_to_the_maximum(settings):
    settings.EMAIL_RETRY_DELAY_SECONDS, settings.EMAIL_RETRY_MAX_DELAY_SECONDS = 10, 600
    for retries, ceiling in [(0, 10), (1, 20), (3, 80), (6, 600), (20, 600)]:
        delays = {emails.retry_delay(retries=retries) for _ in range(200)}
        assert min(delays) >= 0 and max(delays) <= ceiling
        assert max(delays) > ceiling / 2  # full jitter spreads them over the whole range


# --- Not retried ---------------------------------------------------------------------------------


@pytest.mark.parametrize("status, error", [(400, "BadRequestError"), (403, "AuthError")])
def test_a_notify_refusal_is_not_retried(notify_stub, status, error):
    notify_stub.answer_next(status, 201)

    result = send_email.apply(kwargs=MESSAGE)

    assert result.failed()
    assert isinstance(result.result, emails.PermanentFailure)
    assert str(result.result) == f"Notify answered {status} {error}"
    assert len(notify_stub.requests) == 1


def test_an_smtp_recipient_refusal_is_not_retried(smtp_sink):
    smtp_sink.fail_next("recipient refused")

    result = send_email.apply(kwargs=MESSAGE)

    assert result.failed()
    assert isinstance(result.result, emails.PermanentFailure)
    assert smtp_sink.connections == 1
    assert smtp_sink.delivered == []


# --- Every call is bounded -----------------------------------------------------------------------


def test_an_smtp_server_that_refuses_connections_is_a_failure_to_retry(settings, smtp_sink):
    with closed_port() as port:
        settings.EMAIL_PORT = port.getsockname()[1]
        with pytest.raises(emails.TransientFailure, match="could not be reached"):
            emails.deliver(**MESSAGE)


def test_an_smtp_server_that_never_answers_is_given_up_after_email_timeout(settings, smtp_sink):
    silent = SilentServer()
    settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = silent.port, 0.5
    try:
        started = time.monotonic()
        with pytest.raises(emails.TransientFailure, match="the SMTP server stopped answering"):
            emails.deliver(**MESSAGE)
        assert time.monotonic() - started < 20  # 0.5 s per wait; generous for a busy machine
    finally:
        silent.stop()


def test_notify_not_answering_is_given_up_after_email_timeout_and_retried(settings, notify_stub):
    silent = SilentServer()
    settings.NOTIFY_BASE_URL, settings.EMAIL_TIMEOUT = f"http://127.0.0.1:{silent.port}", 0.5
    try:
        started = time.monotonic()
        with pytest.raises(emails.TransientFailure, match=r"Notify could not be reached \(ReadTimeout\)"):
            emails.deliver(**MESSAGE)
        assert time.monotonic() - started < 20
    finally:
        silent.stop()


def test_notify_refusing_connections_is_a_failure_to_retry(settings, notify_stub):
    with closed_port() as port:
        settings.NOTIFY_BASE_URL = f"http://127.0.0.1:{port.getsockname()[1]}"
        with pytest.raises(emails.TransientFailure, match=r"Notify could not be reached \(ConnectionError\)"):
            emails.deliver(**MESSAGE)


# --- Logs ----------------------------------------------------------------------------------------


def test_our_logs_never_carry_the_address_subject_or_body(caplog, notify_stub, smtp_sink, settings):
    """This module's and the Notify client's records, whole (extra fields included). Celery's own records in a
    worker show the arguments' placeholder (tests above and test_email_worker.py); these eager runs are not
    sent through the broker, so Celery's records here hold the raw arguments and are left out."""
    caplog.set_level(logging.DEBUG)
    settings.NOTIFY_API_KEY = ""
    smtp_sink.fail_next("greeting", "recipient refused")
    send_email.apply(kwargs=MESSAGE)  # told to try later, retried, then refused for good
    send_email.apply(kwargs=MESSAGE)  # delivered
    settings.NOTIFY_API_KEY = notify_stub.api_key
    notify_stub.answer_next(500, 400)
    send_email.apply(kwargs=MESSAGE)  # failed, retried, refused

    assert len(notify_stub.requests) == 2 and len(smtp_sink.delivered) == 1
    records = [r for r in caplog.records if not r.name.startswith("celery.")]
    logged = [json.dumps({**r.__dict__, "message": r.getMessage()}, default=str) for r in records]
    assert [r.getMessage() for r in records if r.name == "config.emails"] == [
        "email not sent",
        "email not sent",
        "email sent",
        "email not sent",
        "email not sent",
    ]
    for secret in (ADDRESS, SUBJECT, "secret-token"):
        assert not [line for line in logged if secret in line], secret
