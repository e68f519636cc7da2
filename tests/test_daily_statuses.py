"""The nightly job that makes date-driven participant_status changes visible to pollers (F12, O1)."""

import datetime as dt
import io
import itertools
import time

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection, connections
from django.test.utils import CaptureQueriesContext

from config import clock
from config.celery import app
from config.models import AuditEvent
from participants import daily_statuses, enrolments, tasks
from participants.models import DailyStatusRun, Participant, ParticipantType, ProviderEnrolment
from tests import factories
from tests.builders import trained_participant

UTC = dt.UTC
D = dt.date(2026, 3, 10)  # the day a status changes in most tests


def days(n):
    return dt.timedelta(days=n)


def nightly(day):
    """The moment beat starts the job for `day`: 00:05 in London."""
    return clock.start_of_london_day(day) + dt.timedelta(minutes=5)


def during(day):
    """Midday on `day`, for building data as it was recorded then."""
    return clock.travel_to(clock.start_of_london_day(day) + dt.timedelta(hours=12))


def run(day, **options):
    return daily_statuses.record_date_driven_statuses(through=day, now=nightly(day), **options)


def completed_through(day):
    """The nightly job has run every day up to and including `day`."""
    DailyStatusRun.objects.create(day=day, completed_at=nightly(day), changed=0)


def recorded(training_period):
    return ProviderEnrolment.objects.get(training_period=training_period).recorded_status


def audit_events():
    return AuditEvent.objects.filter(action=daily_statuses.ACTION)


def api_updated_at(participant):
    return Participant.objects.values_list("api_updated_at", flat=True).get(pk=participant.pk)


def statuses_today(today):
    """(recorded, participant_status today) per enrolment, from the one home of F12."""
    with connection.cursor() as cursor:
        cursor.execute(enrolments.STATUS_INPUTS)
        return {eid: (old, new) for eid, old, new in enrolments.statuses(cursor.fetchall(), today=today)}


def poll(api, since, *, on):
    with clock.travel_to(nightly(on) + dt.timedelta(hours=8)):
        response = api.get("/api/v3/participants", {"filter[updated_since]": since.isoformat()})
    assert response.status_code == 200
    return {item["id"]: item for item in response.json()["data"]}


# --- O1: joining becomes active -------------------------------------------------------------------


def test_O1_joining_becomes_active_on_start_date_and_is_visible_to_pollers(api, lead_provider):
    with during(D - days(5)):
        participant, training = trained_participant(lead_provider, started_on=D)
        completed_through(D - days(2))
    assert recorded(training) == "joining"

    assert run(D - days(1)).changed == 0
    assert recorded(training) == "joining"
    just_before = nightly(D) - dt.timedelta(seconds=1)
    assert not Participant.objects.filter(api_updated_at__gte=just_before).exists()

    assert run(D).changed == 1
    assert recorded(training) == "active"
    assert api_updated_at(participant) == nightly(D)
    assert list(Participant.objects.filter(api_updated_at__gte=just_before)) == [participant]
    seen = poll(api, just_before, on=D)
    assert list(seen) == [str(participant.api_id)]
    assert seen[str(participant.api_id)]["attributes"]["ecf_enrolments"][0]["participant_status"] == "active"

    # Later nights leave it in the poll from then on.
    run(D + days(1))
    assert list(Participant.objects.filter(api_updated_at__gte=just_before)) == [participant]


def test_O1_each_change_is_audited_by_the_system(lead_provider):
    with during(D - days(5)):
        participant, training = trained_participant(lead_provider, started_on=D)
        completed_through(D - days(1))

    run(D)

    event = audit_events().get()
    enrolment = ProviderEnrolment.objects.get(training_period=training)
    assert (event.actor_kind, event.actor_id, event.actor_label) == ("system", "", "System")
    assert (event.event, event.model, event.object_id) == (
        "updated",
        "participants.ProviderEnrolment",
        str(enrolment.pk),
    )
    assert event.changes == {"recorded_status": ["joining", "active"]}
    assert event.participant_ids == [participant.pk]
    assert event.occurred_at == nightly(D)


def _updates(model) -> tuple[int, int]:
    """(rows updated, of which in place: heap-only, no index written) in this test's transaction so far."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_stat_get_xact_tuples_updated(%s::regclass), pg_stat_get_xact_tuples_hot_updated(%s::regclass)",
            [model._meta.db_table] * 2,
        )
        return cursor.fetchone()


def test_O1_a_nightly_change_rewrites_the_participant_and_enrolment_in_place_without_writing_an_index(lead_provider):
    # What keeps 100,000 changes a night cheap (make bench): no index holds `api_updated_at` or `recorded_status`,
    # and their pages keep room for the new row.
    with during(D - days(5)):
        trained_participant(lead_provider, started_on=D)
        trained_participant(lead_provider, started_on=D)
        completed_through(D - days(1))
    before = {model: _updates(model) for model in (Participant, ProviderEnrolment)}

    assert run(D).changed == 2

    for model, (updated, in_place) in before.items():
        now_updated, now_in_place = _updates(model)
        assert now_updated - updated == 2, model
        assert now_in_place - in_place == 2, model


# --- F12: leaving becomes left on the finish date ---------------------------------------------------


def test_O1_leaving_becomes_left_the_day_after_the_leaving_date(lead_provider):
    # O1 and the seeds: `leaving` until the leaving date has passed.
    with during(D - days(5)):
        participant, period = trained_participant(lead_provider, started_on=dt.date(2025, 9, 1), finished_on=D)
        completed_through(D - days(2))
    assert recorded(period) == "leaving"

    assert run(D).changed == 0
    assert recorded(period) == "leaving"

    assert run(D + days(1)).changed == 1
    assert recorded(period) == "left"
    assert api_updated_at(participant) == nightly(D + days(1))


@pytest.mark.parametrize(
    "training",
    [
        {"withdrawn_at": dt.datetime(2026, 2, 1, tzinfo=UTC), "withdrawal_reason": "other"},
        {"deferred_at": dt.datetime(2026, 2, 1, tzinfo=UTC), "deferral_reason": "other"},
    ],
    ids=["withdrawn", "deferred"],
)
def test_F12_rule1_withdrawn_or_deferred_leaving_becomes_left_on_the_finished_on_date_itself(lead_provider, training):
    # F12 rule 1: a withdrawn or deferred training is `leaving` only while finished_on is after today.
    with during(D - days(5)):
        participant, period = trained_participant(
            lead_provider, started_on=dt.date(2025, 9, 1), finished_on=D, **training
        )
        completed_through(D - days(2))
    assert recorded(period) == "leaving"

    assert run(D - days(1)).changed == 0
    assert recorded(period) == "leaving"

    assert run(D).changed == 1
    assert recorded(period) == "left"
    assert api_updated_at(participant) == nightly(D)


def test_F12_future_start_with_an_end_date_goes_from_leaving_to_left_not_through_joining(lead_provider):
    with during(D - days(5)):
        _, period = trained_participant(lead_provider, started_on=D - days(1), finished_on=D)
        completed_through(D - days(2))
    assert recorded(period) == "leaving"

    run(D)
    assert recorded(period) == "leaving"
    run(D + days(1))
    assert recorded(period) == "left"
    assert [e.changes for e in audit_events()] == [{"recorded_status": ["leaving", "left"]}]


def test_F12_completed_induction_stays_active_after_training_ends(lead_provider):
    with during(D - days(5)):
        participant, period = trained_participant(lead_provider, started_on=dt.date(2025, 9, 1), finished_on=D)
        factories.InductionPeriodFactory(
            participant=participant, started_on=dt.date(2025, 9, 1), finished_on=D - days(10), outcome="pass"
        )
        completed_through(D - days(1))
    assert recorded(period) == "active"

    assert run(D).changed == 0
    assert recorded(period) == "active"


# --- O1: idempotent, catches up, resumable ------------------------------------------------------------


def test_O1_a_second_run_for_the_same_day_changes_nothing(lead_provider):
    with during(D - days(5)):
        participant, period = trained_participant(lead_provider, started_on=D)
        completed_through(D - days(1))
    run(D)
    moved_to = api_updated_at(participant)
    events = audit_events().count()

    again = daily_statuses.record_date_driven_statuses(through=D, now=nightly(D) + dt.timedelta(hours=3))

    assert again == daily_statuses.Outcome(days=(), changed=0)
    assert audit_events().count() == events
    assert api_updated_at(participant) == moved_to
    assert list(DailyStatusRun.objects.filter(day=D).values_list("changed", flat=True)) == [1]

    # Even with the day's record gone, every status already matches, so nothing moves.
    DailyStatusRun.objects.filter(day=D).delete()
    assert daily_statuses.record_date_driven_statuses(through=D, now=nightly(D) + dt.timedelta(hours=4)).changed == 0
    assert audit_events().count() == events
    assert api_updated_at(participant) == moved_to


def test_O1_three_missed_days_are_caught_up_by_the_next_run(lead_provider):
    with during(D - days(10)):
        completed_through(D - days(4))
        _, starts_in_outage = trained_participant(lead_provider, started_on=D - days(2))
        _, finishes_in_outage = trained_participant(
            lead_provider, started_on=dt.date(2025, 9, 1), finished_on=D - days(3)
        )
        _, starts_today = trained_participant(lead_provider, started_on=D)
        _, starts_tomorrow = trained_participant(lead_provider, started_on=D + days(1))
    # Beat and the worker were down on D-3, D-2 and D-1; the run on D completes all four days.

    outcome = run(D)

    assert outcome == daily_statuses.Outcome(days=(D - days(3), D - days(2), D - days(1), D), changed=3)
    assert list(DailyStatusRun.objects.order_by("day").values_list("day", "changed", "completed_at")) == [
        (D - days(4), 0, nightly(D - days(4))),
        (D - days(3), 0, nightly(D)),
        (D - days(2), 0, nightly(D)),
        (D - days(1), 0, nightly(D)),
        (D, 3, nightly(D)),
    ]
    assert [recorded(p) for p in (starts_in_outage, finishes_in_outage, starts_today, starts_tomorrow)] == [
        "active",
        "left",
        "active",
        "joining",
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_O1_a_crash_mid_run_keeps_whole_batches_and_the_rerun_completes(lead_provider, monkeypatch):
    with during(D - days(5)):
        completed_through(D - days(1))
        periods = [trained_participant(lead_provider, started_on=D)[1] for _ in range(5)]
    batches = itertools.count(1)

    def crash_in_second_batch():
        if next(batches) == 2:
            raise RuntimeError("worker lost")

    monkeypatch.setattr(daily_statuses, "_after_batch", crash_in_second_batch)
    with pytest.raises(RuntimeError):
        run(D, batch_size=2)

    # Batch one is committed with its audit events; batch two left nothing behind; the day is not done.
    assert sorted(recorded(p) for p in periods) == ["active", "active", "joining", "joining", "joining"]
    assert audit_events().count() == 2
    assert not DailyStatusRun.objects.filter(day=D).exists()
    assert Participant.objects.filter(api_updated_at=nightly(D)).count() == 2

    monkeypatch.undo()
    outcome = run(D, batch_size=2)

    assert outcome.changed == 3
    assert [recorded(p) for p in periods] == ["active"] * 5
    assert audit_events().count() == 5
    assert DailyStatusRun.objects.get(day=D).changed == 3


# --- F12 and O1: what the job records is exactly what participant_status says ----------------------


def test_F12_recorded_statuses_equal_participant_status_after_every_nightly_run(lead_provider):
    """Every mix of dates around the days processed, checked against the pure function each night.

    This is what shows that looking only at never-recorded rows and rows whose dates fall in the
    processed days misses nothing.
    """
    first, last = D - days(3), D + days(3)
    dates = [None, *(D + days(n) for n in range(-4, 5))]
    leave = {"withdrawn_at": dt.datetime(2026, 1, 5, tzinfo=UTC), "withdrawal_reason": "other"}
    with during(first - days(1)):
        completed_through(first - days(1))
        for participant_type, started_on, finished_on, extra in itertools.product(
            [ParticipantType.ECT, ParticipantType.MENTOR], dates[1:], dates, [{}, leave]
        ):
            if finished_on is not None and finished_on < started_on:
                continue
            trained_participant(
                lead_provider,
                participant_type=participant_type,
                started_on=started_on,
                finished_on=finished_on,
                **extra,
            )
        # Completion (F12 rule 2): an induction with an outcome, and a mentor whose funding ended.
        inducted, _ = trained_participant(lead_provider, started_on=D - days(30), finished_on=D)
        factories.InductionPeriodFactory(
            participant=inducted, started_on=D - days(30), finished_on=D - days(2), outcome="pass"
        )
        funded, _ = trained_participant(
            lead_provider, participant_type=ParticipantType.MENTOR, started_on=D - days(30), finished_on=D + days(1)
        )
        funded.mentor_funding_end_date = D - days(1)
        funded.save()
    every_id = list(ProviderEnrolment.objects.order_by("id").values_list("id", flat=True))

    day = first
    while day <= last:
        # Some rows lose their recorded status along the way (as if loaded by a data migration).
        ProviderEnrolment.objects.filter(id__in=every_id[(day - first).days :: 9]).update(recorded_status=None)
        before = statuses_today(day)
        outcome = run(day)
        after = statuses_today(day)

        assert all(old == new for old, new in after.values()), day
        expected_changes = {eid: [old, new] for eid, (old, new) in before.items() if old != new}
        written = audit_events().filter(occurred_at=nightly(day))
        assert {int(e.object_id): e.changes["recorded_status"] for e in written} == expected_changes
        assert outcome.changed == len(expected_changes)
        day += days(1)
    # The mix did exercise both calendar changes, not only the rows that had lost their status.
    seen = {tuple(e.changes["recorded_status"]) for e in audit_events()}
    assert {("joining", "active"), ("leaving", "left")} <= seen


def test_O1_a_never_recorded_status_is_recorded_as_a_change(lead_provider):
    with during(D - days(5)):
        participant, period = trained_participant(lead_provider, started_on=D - days(30))
        completed_through(D - days(1))
    ProviderEnrolment.objects.filter(training_period=period).update(recorded_status=None)

    assert run(D).changed == 1
    assert recorded(period) == "active"
    assert audit_events().get().changes == {"recorded_status": [None, "active"]}
    assert api_updated_at(participant) == nightly(D)


def test_O1_the_first_run_ever_checks_every_enrolment(lead_provider):
    # With no completed day there is no date whose statuses can be trusted.
    with during(D - days(40)):
        _, period = trained_participant(lead_provider, started_on=D - days(30))
    assert recorded(period) == "joining"

    outcome = run(D)

    assert outcome == daily_statuses.Outcome(days=(D,), changed=1)
    assert recorded(period) == "active"


def test_O1_every_enrolment_option_repairs_statuses_recorded_for_another_day(lead_provider):
    with during(D - days(40)):
        completed_through(D - days(1))
        _, period = trained_participant(lead_provider, started_on=D - days(30))
    # Recorded as of a day long before the dates that matter, e.g. under sandbox time travel.
    assert recorded(period) == "joining"

    assert run(D).changed == 0
    DailyStatusRun.objects.filter(day=D).delete()
    assert run(D, every_enrolment=True).changed == 1
    assert recorded(period) == "active"


# --- the command and the schedule -----------------------------------------------------------------


def test_O1_command_runs_the_job_for_today_by_default(lead_provider):
    with during(D - days(5)):
        _, period = trained_participant(lead_provider, started_on=D)
        completed_through(D - days(1))
    out = io.StringIO()

    with clock.travel_to(nightly(D)):
        call_command("update_participant_statuses", stdout=out)

    assert out.getvalue().strip() == f"Recorded statuses for {D}: 1 changed."
    assert recorded(period) == "active"
    assert DailyStatusRun.objects.get(day=D).completed_at == nightly(D)


def test_O1_command_catches_up_through_a_given_date(lead_provider):
    with during(D - days(5)):
        _, period = trained_participant(lead_provider, started_on=D - days(1))
        completed_through(D - days(3))
    out = io.StringIO()

    with clock.travel_to(nightly(D)):
        call_command("update_participant_statuses", "--date", (D - days(1)).isoformat(), stdout=out)
        call_command("update_participant_statuses", "--date", (D - days(1)).isoformat(), stdout=out)

    assert out.getvalue().splitlines() == [
        f"Recorded statuses for {D - days(2)} to {D - days(1)}: 1 changed.",
        f"Statuses were already recorded through {D - days(1)}; 0 changed.",
    ]
    assert recorded(period) == "active"


def test_O1_command_refuses_a_future_date():
    with clock.travel_to(nightly(D)), pytest.raises(CommandError, match="in the future"):
        call_command("update_participant_statuses", "--date", (D + days(1)).isoformat())
    assert not DailyStatusRun.objects.exists()


def test_O1_beat_runs_the_job_every_hour_at_five_past_london_time_on_the_statuses_queue():
    # Hourly: the first run after midnight records the day; the others make up a lost run within the hour.
    entry = app.conf.beat_schedule["record-date-driven-statuses"]
    assert entry["task"] == "participants.tasks.record_date_driven_statuses"
    assert (entry["schedule"].hour, entry["schedule"].minute) == (set(range(24)), {5})
    assert entry["options"]["queue"] == "statuses"
    assert app.conf.timezone == "Europe/London"
    assert app.amqp.router.route({}, "participants.tasks.record_date_driven_statuses")["queue"].name == "statuses"


def test_O1_task_retries_a_lost_database_and_the_retry_completes_the_day(lead_provider, monkeypatch):
    with during(D - days(5)):
        _, period = trained_participant(lead_provider, started_on=D)
        completed_through(D - days(1))
    failures = iter([OperationalError("server closed the connection unexpectedly")])

    def lose_the_database_once():
        error = next(failures, None)
        if error:
            raise error

    monkeypatch.setattr(daily_statuses, "_after_batch", lose_the_database_once)
    with clock.travel_to(nightly(D)):
        # apply() runs in this process; Celery then retries in place instead of after the back-off.
        result = tasks.record_date_driven_statuses.apply(kwargs={})

    assert result.successful() and result.result == 1
    assert recorded(period) == "active"
    assert DailyStatusRun.objects.get(day=D).changed == 1


# --- O1: hourly, bounded and resumable ------------------------------------------------------------


def test_O1_an_hourly_run_after_the_day_is_complete_is_one_read_of_the_index_on_day():
    # Three years of completed days, as in production, so the planner's choice is the real one.
    DailyStatusRun.objects.bulk_create(
        DailyStatusRun(day=D - days(n), completed_at=nightly(D - days(n)), changed=0) for n in range(1100)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {DailyStatusRun._meta.db_table}")

    with CaptureQueriesContext(connection) as queries:
        outcome = daily_statuses.record_date_driven_statuses(through=D, now=nightly(D) + dt.timedelta(hours=5))

    assert outcome == daily_statuses.Outcome(days=(), changed=0)
    [query] = queries.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + query["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan Backward" in plan, plan


def _hold_the_run_lock():
    """Another run holding the job's lock, on a connection of its own."""
    holder = connections.create_connection("default")
    with holder.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [daily_statuses._ADVISORY_LOCK_KEY])
    return holder


def test_O1_a_second_run_waits_a_bounded_time_for_the_lock_then_leaves_the_work_to_the_run_holding_it(lead_provider):
    with during(D - days(5)):
        _, period = trained_participant(lead_provider, started_on=D)
        completed_through(D - days(1))
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        (role_limit,) = cursor.fetchone()
    holder = _hold_the_run_lock()
    try:
        started = time.monotonic()
        outcome = run(D, lock_wait_seconds=0.5)
        waited = time.monotonic() - started
    finally:
        holder.close()

    assert outcome == daily_statuses.Outcome(days=(), changed=0, busy=True)
    assert 0.5 <= waited < 30  # the lower bound is the rule; the upper one only says it did not wait for the holder
    assert recorded(period) == "joining"
    assert not DailyStatusRun.objects.filter(day=D).exists()
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone() == (role_limit,)  # the short wait applied to that one statement only

    # Once the holder has gone (here without completing the day), the next run does the work.
    assert run(D, lock_wait_seconds=0.5).changed == 1
    assert recorded(period) == "active"


def test_O1_a_run_holds_the_run_lock_through_its_batches_and_gives_it_back_at_the_end(lead_provider):
    with during(D - days(5)):
        completed_through(D - days(1))
        for _ in range(3):
            trained_participant(lead_provider, started_on=D)
    other = connections.create_connection("default")

    def another_run_could_take_the_lock() -> bool:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [daily_statuses._ADVISORY_LOCK_KEY])
            return cursor.fetchone()[0]

    held_between_batches = []

    def keep_going() -> bool:
        held_between_batches.append(not another_run_could_take_the_lock())
        return True

    try:
        outcome = run(D, batch_size=1, keep_going=keep_going)
        free_after = another_run_could_take_the_lock()
    finally:
        other.close()

    assert outcome.changed == 3
    assert held_between_batches == [True, True]
    assert free_after


def test_O1_command_says_another_run_is_at_work_when_the_lock_stays_held(settings):
    settings.DAILY_STATUSES_LOCK_WAIT_SECONDS = 0.2
    holder = _hold_the_run_lock()
    try:
        with clock.travel_to(nightly(D)), pytest.raises(CommandError, match="Another run is recording statuses now"):
            call_command("update_participant_statuses")
    finally:
        holder.close()
    assert not DailyStatusRun.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_O1_a_run_out_of_time_stops_between_batches_and_the_next_run_resumes(lead_provider, settings):
    with during(D - days(5)):
        completed_through(D - days(1))
        periods = [trained_participant(lead_provider, started_on=D)[1] for _ in range(5)]
    settings.DAILY_STATUSES_BATCH_SIZE = 2
    # No time at all: the task still finishes the batch it started, then stops before the next.
    settings.DAILY_STATUSES_SOFT_TIME_LIMIT = 0

    with clock.travel_to(nightly(D)):
        assert tasks.record_date_driven_statuses.apply(kwargs={}).result == 2

    assert sorted(recorded(p) for p in periods) == ["active", "active", "joining", "joining", "joining"]
    assert audit_events().count() == 2
    assert not DailyStatusRun.objects.filter(day=D).exists()

    settings.DAILY_STATUSES_SOFT_TIME_LIMIT = 600
    with clock.travel_to(nightly(D) + dt.timedelta(hours=1)):
        assert tasks.record_date_driven_statuses.apply(kwargs={}).result == 3

    assert [recorded(p) for p in periods] == ["active"] * 5
    assert audit_events().count() == 5
    assert DailyStatusRun.objects.get(day=D).changed == 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_O1_the_soft_time_limit_inside_a_batch_rolls_that_batch_back_and_ends_the_task_without_an_error(
    lead_provider, settings, monkeypatch
):
    with during(D - days(5)):
        completed_through(D - days(1))
        periods = [trained_participant(lead_provider, started_on=D)[1] for _ in range(5)]
    settings.DAILY_STATUSES_BATCH_SIZE = 2
    batches = itertools.count(1)

    def soft_limit_in_second_batch():
        if next(batches) == 2:
            raise SoftTimeLimitExceeded()

    monkeypatch.setattr(daily_statuses, "_after_batch", soft_limit_in_second_batch)
    with clock.travel_to(nightly(D)):
        result = tasks.record_date_driven_statuses.apply(kwargs={})

    assert result.successful()
    assert sorted(recorded(p) for p in periods) == ["active", "active", "joining", "joining", "joining"]
    assert audit_events().count() == 2
    monkeypatch.undo()
    with clock.travel_to(nightly(D) + dt.timedelta(hours=1)):
        assert tasks.record_date_driven_statuses.apply(kwargs={}).result == 3
    assert audit_events().count() == 5


def test_O1_the_task_is_acknowledged_when_it_ends_and_its_limits_fit_inside_the_visibility_timeout():
    task = tasks.record_date_driven_statuses
    assert task.acks_late and task.reject_on_worker_lost
    assert 0 < task.soft_time_limit < task.time_limit
    # A run never outlives the hour it was sent in, so the next hourly run does not queue behind it.
    assert task.time_limit <= 60 * 60
    assert app.conf.worker_prefetch_multiplier == 1
