"""The status task run by a real Celery worker through the real Redis broker (O1)."""

import datetime as dt
import uuid

import pytest
from django.conf import settings

from config import clock
from participants import tasks
from participants.models import DailyStatusRun, Participant, ProviderEnrolment
from tests.builders import trained_participant
from tests.celery_processes import CeleryProcess, forget_queue, wait_for


@pytest.fixture
def worker():
    """A worker consuming a queue of its own, so parallel runs cannot take each other's tasks."""
    queue = f"statuses-test-{uuid.uuid4().hex[:12]}"
    process = CeleryProcess(
        ["worker", "-Q", queue, "-n", f"{queue}@%h", "--pool", "solo", "--concurrency", "1"]
        + ["--without-heartbeat", "--without-gossip", "--without-mingle"],
        {"REDIS_URL": settings.CELERY_BROKER_URL},
    )
    try:
        yield queue
    finally:
        process.stop()
        forget_queue(settings.CELERY_BROKER_URL, queue)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_O1_worker_records_the_day_through_redis(lead_provider, worker):
    today = clock.today()
    yesterday = today - dt.timedelta(days=1)
    with clock.travel_to(clock.start_of_london_day(yesterday) + dt.timedelta(hours=12)):
        participant, training = trained_participant(lead_provider, started_on=today)
        DailyStatusRun.objects.create(day=yesterday, completed_at=clock.now(), changed=0)
    sent_at = clock.now()

    tasks.record_date_driven_statuses.apply_async(kwargs={"through": today.isoformat()}, queue=worker)

    assert wait_for(lambda: DailyStatusRun.objects.filter(day=today).exists()), "the worker did not complete the day"
    assert DailyStatusRun.objects.get(day=today).changed == 1
    assert ProviderEnrolment.objects.get(training_period=training).recorded_status == "active"
    assert Participant.objects.get(pk=participant.pk).api_updated_at >= sent_at
