"""The email task in a real Celery worker, through the real Redis: from the portal's request to the mail server,
and to Notify."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from config import emails
from tests import factories
from tests.celery_processes import start_worker, wait_for
from tests.emails.conftest import TEMPLATE_ID
from tests.portal.conftest import school_user

NEW_PASSWORD = "a long and unusual phrase"


@pytest.fixture
def tutor():
    return school_user(factories.SchoolFactory(name="Oakfield Primary School", urn="100001"))


@pytest.mark.worker
def test_a_reset_link_reaches_the_mail_server_through_a_worker_after_it_said_try_later(
    client, tutor, email_queue, smtp_sink
):
    smtp_sink.fail_next("greeting")  # 421: the worker must retry
    worker = start_worker(
        email_queue,
        {
            "REDIS_URL": settings.CELERY_BROKER_URL,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_sink.port),
            "EMAIL_RETRY_DELAY_SECONDS": "1",
            "NOTIFY_API_KEY": "",
        },
    )
    try:
        response = client.post(reverse("portal:password-reset"), {"email": tutor.email})
        assert response.status_code == 302
        assert wait_for(lambda: smtp_sink.delivered), "the worker delivered nothing"
    finally:
        worker.stop()
        log = worker.output()

    assert smtp_sink.connections == 2
    (delivered,) = smtp_sink.delivered
    assert delivered.recipients == [tutor.email]
    assert delivered.message["Subject"] == "Reset your password for Manage training for early career teachers"
    link = re.search(r"http://testserver(/school/password-reset/[^/\s]+/[^/\s]+/)", delivered.message.get_content())
    assert link, delivered.message.get_content()
    # The worker logged the retry and the success, never the address or the link.
    assert "retry: Retry in" in log and "succeeded" in log
    assert tutor.email not in log and link.group(1) not in log

    form = client.get(link.group(1), follow=True)
    chosen = client.post(form.redirect_chain[-1][0], {"password": NEW_PASSWORD, "password_confirmation": NEW_PASSWORD})
    assert chosen.status_code == 302
    tutor.refresh_from_db()
    assert tutor.check_password(NEW_PASSWORD)


@pytest.mark.worker
def test_a_worker_sends_through_notify_when_it_has_an_api_key(email_queue, notify_stub):
    worker = start_worker(
        email_queue,
        {
            "REDIS_URL": settings.CELERY_BROKER_URL,
            "NOTIFY_API_KEY": notify_stub.api_key,
            "NOTIFY_TEMPLATE_ID": TEMPLATE_ID,
            "NOTIFY_BASE_URL": notify_stub.url,
        },
    )
    try:
        emails.send_later(to="tutor@oakfield.example", subject="A subject", body="A body\n")
        assert wait_for(lambda: notify_stub.requests), "the worker sent nothing to Notify"
    finally:
        worker.stop()

    (request,) = notify_stub.requests
    assert request.path == "/v2/notifications/email" and request.token_valid
    assert request.body["email_address"] == "tutor@oakfield.example"
    assert request.body["template_id"] == TEMPLATE_ID
    assert request.body["personalisation"] == {"subject": "A subject", "body": "A body\n"}
    assert re.fullmatch(r"[0-9a-f-]{36}", request.body["reference"])  # the task's id
