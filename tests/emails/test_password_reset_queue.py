"""The portal's password reset only queues its email: the request renders the message and leaves sending to the
email task, so a slow or unreachable mail server never holds the page."""

from __future__ import annotations

import re
import time

import pytest
from django.core import mail
from django.urls import reverse

from config.celery import app as celery_app
from tests import factories
from tests.emails.conftest import SEND_EMAIL, queued
from tests.portal.conftest import school_user
from tests.silent_server import SilentServer


@pytest.fixture
def tutor():
    return school_user(factories.SchoolFactory(name="Oakfield Primary School", urn="100001"))


def ask_for_reset(client, email):
    return client.post(reverse("portal:password-reset"), {"email": email})


def test_a_reset_request_sends_nothing_itself_and_queues_exactly_one_email_task(
    client, tutor, email_queue, smtp_sink, notify_stub, settings
):
    settings.NOTIFY_API_KEY = ""  # either way, nothing may reach a mail server from the request
    response = ask_for_reset(client, tutor.email)

    assert response.status_code == 302 and response.url == reverse("portal:password-reset-sent")
    assert smtp_sink.connections == 0 and notify_stub.requests == [] and mail.outbox == []
    (message,) = queued(email_queue)
    assert message["headers"]["task"] == SEND_EMAIL
    assert message["args"] == []
    assert set(message["kwargs"]) == {"to", "subject", "body"}
    assert message["kwargs"]["to"] == tutor.email
    assert message["kwargs"]["subject"] == "Reset your password for Manage training for early career teachers"
    assert re.search(r"http://testserver/school/password-reset/[^/\s]+/[^/\s]+/", message["kwargs"]["body"])
    # What Celery writes in its logs and events for this task.
    assert message["headers"]["kwargsrepr"] == "{'to': '…', 'subject': '…', 'body': '…'}"
    assert tutor.email not in message["headers"]["argsrepr"]


def test_an_address_without_an_account_queues_nothing(client, tutor, email_queue):
    assert ask_for_reset(client, "nobody@oakfield.example").status_code == 302
    assert queued(email_queue) == []


def test_when_redis_never_answers_the_page_says_the_email_was_not_sent_within_seconds(
    client, tutor, email_queue, monkeypatch
):
    silent = SilentServer()
    monkeypatch.setattr(celery_app.conf, "broker_url", silent.url)
    try:
        started = time.monotonic()
        response = ask_for_reset(client, tutor.email)
        elapsed = time.monotonic() - started
    finally:
        silent.stop()

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    page = response.content.decode()
    assert "<title>Sorry, we could not send the email" in page
    assert "Your password has not changed." in page
    # Two attempts of a second each, at most; generous for a busy machine, far from a hang.
    assert elapsed < 20
