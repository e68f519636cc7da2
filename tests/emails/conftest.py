import base64
import json
import uuid

import pytest
import redis
from django.conf import settings as django_settings

from config.celery import app as celery_app
from tests.celery_processes import forget_queue
from tests.emails.servers import NotifyStub, SmtpSink

TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
SEND_EMAIL = "config.tasks.send_email"


@pytest.fixture
def smtp_sink(settings):
    """Django's SMTP backend pointed at a local SMTP server; Notify off."""
    sink = SmtpSink()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", sink.port, False
    settings.EMAIL_TIMEOUT = 5
    settings.NOTIFY_API_KEY = ""
    yield sink
    sink.stop()


@pytest.fixture
def notify_stub(settings):
    """Notify on, its API answered by a local HTTP server."""
    stub = NotifyStub()
    settings.NOTIFY_API_KEY, settings.NOTIFY_TEMPLATE_ID, settings.NOTIFY_BASE_URL = stub.api_key, TEMPLATE_ID, stub.url
    settings.EMAIL_TIMEOUT = 5
    yield stub
    stub.stop()


def _reroute():
    # Celery prepares its routes and router once; a test that changes task_routes has them prepared again.
    celery_app.amqp.flush_routes()
    celery_app.amqp.__dict__.pop("router", None)


@pytest.fixture
def email_queue():
    """The email task routed to a queue of this test's own in the real Redis, so that parallel runs sharing it
    never take each other's messages; its keys are removed afterwards."""
    queue = f"email-test-{uuid.uuid4().hex[:12]}"
    routes = celery_app.conf.task_routes
    before = routes[SEND_EMAIL]
    routes[SEND_EMAIL] = {"queue": queue}
    _reroute()
    try:
        yield queue
    finally:
        routes[SEND_EMAIL] = before
        _reroute()
        forget_queue(django_settings.CELERY_BROKER_URL, queue)


def queued(queue: str) -> list[dict]:
    """The messages waiting in `queue`: each with its headers and its (args, kwargs)."""
    messages = []
    for raw in redis.Redis.from_url(django_settings.CELERY_BROKER_URL).lrange(queue, 0, -1):
        envelope = json.loads(raw)
        args, kwargs, _ = json.loads(base64.b64decode(envelope["body"]))
        messages.append({"headers": envelope["headers"], "args": args, "kwargs": kwargs})
    return messages
