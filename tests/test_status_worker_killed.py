"""A worker killed in the middle of the status job loses nothing: the run completes on a worker (O1).

Real prefork workers (as production runs them) against the real Redis broker and the test database. The job is
slowed between batches (a setting) so that it can be killed with some batches committed and the day not complete.
Each test's broker keys carry a prefix of their own, so its small visibility timeout touches no other test's
messages on the shared Redis.
"""

from __future__ import annotations

import datetime as dt
import uuid

import psutil
import pytest
import redis
from django.conf import settings
from kombu import Connection

from config import clock
from config.celery import app
from config.models import AuditEvent
from participants import daily_statuses, tasks
from participants.models import DailyStatusRun, Participant, ProviderEnrolment
from tests.builders import trained_participant
from tests.celery_processes import CeleryProcess, forget_queue, start_worker, wait_for

ENROLMENTS = 24
BATCH_SIZE = 2
VISIBILITY_TIMEOUT = 6  # seconds; production's is an hour


class Broker:
    """A queue and a key prefix of this test's own on the real Redis, and the workers started on them."""

    def __init__(self):
        self.queue = f"statuses-test-{uuid.uuid4().hex[:12]}"
        self.prefix = f"{self.queue}:"
        self.workers: list[CeleryProcess] = []

    def start_worker(self, **env) -> CeleryProcess:
        worker = start_worker(
            self.queue,
            {
                "REDIS_URL": settings.CELERY_BROKER_URL,
                "CELERY_BROKER_KEY_PREFIX": self.prefix,
                "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
                # Look for messages past the visibility timeout every second, not every 100.
                "CELERY_UNACKED_RESTORE_INTERVAL": "1",
                "CELERY_UNACKED_RESTORE_THROTTLE": "1",
                "DAILY_STATUSES_BATCH_SIZE": str(BATCH_SIZE),
                **env,
            },
        )
        self.workers.append(worker)
        return worker

    def send(self, task, **kwargs):
        options = {**app.conf.broker_transport_options, "global_keyprefix": self.prefix}
        with Connection(settings.CELERY_BROKER_URL, transport_options=options) as connection:
            return task.apply_async(kwargs=kwargs, queue=self.queue, connection=connection)

    def unacknowledged(self) -> int:
        return redis.Redis.from_url(settings.CELERY_BROKER_URL).hlen(f"{self.prefix}unacked")

    def stop_all(self):
        for worker in self.workers:
            worker.stop()
        forget_queue(settings.CELERY_BROKER_URL, self.queue)


@pytest.fixture
def broker():
    broker = Broker()
    try:
        yield broker
    finally:
        broker.stop_all()


def kill_with_pool(worker: CeleryProcess) -> None:
    """SIGKILL the worker and its pool, as a container's kill does: the worker first, so that it cannot put the
    message back on the queue."""
    main = psutil.Process(worker.pid)
    for process in [main, *main.children(recursive=True)]:
        process.kill()
    worker.process.wait(timeout=30)


def starting_today(lead_provider):
    today = clock.today()
    yesterday = today - dt.timedelta(days=1)
    with clock.travel_to(clock.start_of_london_day(yesterday) + dt.timedelta(hours=12)):
        periods = [trained_participant(lead_provider, started_on=today)[1] for _ in range(ENROLMENTS)]
        DailyStatusRun.objects.create(day=yesterday, completed_at=clock.now(), changed=0)
    return today, periods


def audit_events():
    return AuditEvent.objects.filter(action=daily_statuses.ACTION)


def part_done(today):
    """Some batches committed, and the day not complete: the moment to kill the worker."""
    return audit_events().count() >= 2 * BATCH_SIZE and not DailyStatusRun.objects.filter(day=today).exists()


def assert_every_change_recorded_once(today, periods, sent_at):
    enrolments = ProviderEnrolment.objects.filter(training_period__in=periods)
    assert [e.recorded_status for e in enrolments] == ["active"] * ENROLMENTS
    events = list(audit_events().values_list("object_id", "changes"))
    assert sorted(object_id for object_id, _ in events) == sorted(str(e.pk) for e in enrolments)  # one each
    assert {tuple(changes["recorded_status"]) for _, changes in events} == {("joining", "active")}
    participants = Participant.objects.filter(school_periods__training_periods__in=periods)
    assert participants.count() == ENROLMENTS
    assert all(p.api_updated_at >= sent_at for p in participants)
    assert list(DailyStatusRun.objects.filter(day__gte=today).values_list("day", flat=True)) == [today]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_O1_a_worker_killed_mid_run_loses_nothing_and_another_worker_completes_the_day(lead_provider, broker):
    today, periods = starting_today(lead_provider)
    sent_at = clock.now()
    # Slow: a second between batches, so the run is still going when the test kills it.
    first = broker.start_worker(DAILY_STATUSES_BATCH_PAUSE_SECONDS="1")
    broker.send(tasks.record_date_driven_statuses, through=today.isoformat())

    assert wait_for(lambda: part_done(today), timeout=120), "the first worker never got part-way through the job"
    kill_with_pool(first)
    committed = audit_events().count()
    assert 2 * BATCH_SIZE <= committed < ENROLMENTS
    assert not DailyStatusRun.objects.filter(day=today).exists()
    assert broker.unacknowledged() == 1  # the message outlived its worker

    # A new worker (a restarted container) is handed the message once the visibility timeout has passed.
    broker.start_worker()
    assert wait_for(lambda: DailyStatusRun.objects.filter(day=today).exists(), timeout=120), (
        "the killed worker's message was never run again"
    )

    assert_every_change_recorded_once(today, periods, sent_at)
    assert DailyStatusRun.objects.get(day=today).changed == ENROLMENTS - committed
    assert wait_for(lambda: broker.unacknowledged() == 0, timeout=30), "the completed run was not acknowledged"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_O1_a_pool_process_killed_mid_run_is_put_back_at_once_and_its_worker_completes_the_day(lead_provider, broker):
    # The out-of-memory killer takes the pool process running the job and leaves the worker: the worker
    # puts the message back on the queue itself (reject on worker lost), without waiting for the visibility timeout.
    today, periods = starting_today(lead_provider)
    sent_at = clock.now()
    worker = broker.start_worker(DAILY_STATUSES_BATCH_PAUSE_SECONDS="1", CELERY_VISIBILITY_TIMEOUT="3600")
    broker.send(tasks.record_date_driven_statuses, through=today.isoformat())

    assert wait_for(lambda: part_done(today), timeout=120), "the worker never got part-way through the job"
    [pool_process] = psutil.Process(worker.pid).children()
    pool_process.kill()
    committed = audit_events().count()
    assert committed < ENROLMENTS

    assert wait_for(lambda: DailyStatusRun.objects.filter(day=today).exists(), timeout=120), (
        "the message of the killed pool process was never run again"
    )
    assert worker.process.poll() is None
    assert_every_change_recorded_once(today, periods, sent_at)
