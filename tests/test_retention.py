"""Retention: expired sessions are cleared nightly, and audit events older than AUDIT_PERSONAL_DATA_RETENTION_DAYS
lose their personal data (names, emails, TRNs, dates of birth, a school user's label) and keep the rest."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection

from config import changes, clock, retention
from config import tasks as retention_tasks
from config.celery import app
from config.models import AuditEvent
from participants.models import Participant, SchoolPeriod
from schools.models import School
from tests import factories
from training.support import deletion

UTC = dt.UTC
NOW = dt.datetime(2027, 3, 10, 2, 35, tzinfo=UTC)
DAYS = 365
OLD = NOW - dt.timedelta(days=DAYS + 30)
RECENT = NOW - dt.timedelta(days=10)
REMOVED = changes.REMOVED
SCHOOL_USER = changes.Actor("school_user", "41", "head@school.example")
SUPPORT_USER = changes.Actor("support_user", "7", "support@example.com")


def sweep(**options):
    return retention.blank_old_personal_data(now=NOW, older_than_days=DAYS, **options)


def events():
    """Every audit event but the sweeps' own, as dicts, by id."""
    rows = AuditEvent.objects.exclude(action=retention.ACTION).values(
        "id", "occurred_at", "model", "event", "object_id", "actor_kind", "actor_id", "actor_label", "changes"
    )
    return {row["id"]: row for row in rows}


def of(model, instance, *, at=None, event="created"):
    found = AuditEvent.objects.filter(model=model._meta.label, object_id=str(instance.pk), event=event)
    if at is not None:
        found = found.filter(occurred_at=at)
    return found.get()


@pytest.fixture
def history():
    """Records created long ago and changed long ago by a school user and by support staff, and changed recently."""
    with clock.travel_to(OLD):
        period = factories.SchoolPeriodFactory(participant__date_of_birth=dt.date(1990, 5, 17))
        user = get_user_model().objects.create_user(username="head@school.example", email="head@school.example")
    with clock.travel_to(OLD + dt.timedelta(days=1)), changes.recording(actor=SCHOOL_USER, action="change_email"):
        period.email = "new.address@school.example"
        period.save()
    with clock.travel_to(OLD + dt.timedelta(days=2)), changes.recording(actor=SUPPORT_USER, reason="Typo"):
        period.school.name = "Renamed School"
        period.school.save()
    with clock.travel_to(RECENT), changes.recording(actor=SUPPORT_USER, reason="Name corrected"):
        period.participant.full_name = "Corrected Name"
        period.participant.save()
    return period, user


def test_old_audit_events_lose_their_personal_data_and_keep_what_happened(history):
    period, user = history
    before = events()

    outcome = sweep()

    after = events()
    participant = of(Participant, period.participant, at=OLD)
    assert participant.changes["full_name"] == [None, REMOVED]
    assert participant.changes["trn"] == [None, REMOVED]
    assert participant.changes["date_of_birth"] == [None, REMOVED]
    assert of(SchoolPeriod, period, at=OLD).changes["email"] == [None, REMOVED]
    changed_email = of(SchoolPeriod, period, event="updated")
    assert changed_email.changes == {"email": [REMOVED, REMOVED]}
    assert (changed_email.actor_kind, changed_email.actor_id, changed_email.actor_label) == (
        "school_user",
        "41",
        REMOVED,
    )
    school = of(School, period.school)
    assert school.changes["induction_tutor_name"] == [None, REMOVED]
    assert school.changes["induction_tutor_email"] == [None, REMOVED]
    renamed = of(School, period.school, event="updated")
    assert renamed.changes == {"name": [school.changes["name"][1], "Renamed School"]}  # a school's name is not personal
    assert renamed.actor_label == SUPPORT_USER.label  # staff acting stay accountable
    account = of(get_user_model(), user)
    assert (account.changes["username"], account.changes["email"]) == ([None, REMOVED], [None, REMOVED])
    assert account.changes["is_active"] == [None, True]

    # Everything else in every event is as it was; recent events are untouched.
    personal = changes.personal_fields()
    for event_id, was in before.items():
        now = after[event_id]
        keep = set(was["changes"]) - set(personal.get(was["model"], ()))
        assert {k: now["changes"][k] for k in keep} == {k: was["changes"][k] for k in keep}
        assert {k: v for k, v in now.items() if k not in ("changes", "actor_label")} == {
            k: v for k, v in was.items() if k not in ("changes", "actor_label")
        }
        if was["occurred_at"] >= NOW - dt.timedelta(days=DAYS):
            assert now == was
        elif was["actor_kind"] != "school_user":
            assert now["actor_label"] == was["actor_label"]
    recent = of(Participant, period.participant, event="updated")
    assert recent.changes["full_name"][1] == "Corrected Name"
    assert recent.actor_label == SUPPORT_USER.label
    assert outcome.blanked == sum(1 for event_id in before if after[event_id] != before[event_id])


def audit_rows_updated() -> int:
    """Audit rows updated so far in this test's transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_get_xact_tuples_updated(%s::regclass)", [AuditEvent._meta.db_table])
        return cursor.fetchone()[0]


def test_a_second_sweep_blanks_nothing_more_and_updates_no_event(history):
    sweep()
    blanked, updated = events(), audit_rows_updated()

    again = sweep()

    assert again == retention.Outcome(blanked=0)
    assert events() == blanked
    assert audit_rows_updated() == updated
    assert AuditEvent.objects.filter(action=retention.ACTION).count() == 2  # each sweep records itself


def test_events_that_grow_old_or_arrive_with_an_old_date_after_a_sweep_are_blanked_by_the_next(history):
    period, _ = history
    sweep()
    # Demo data and sandbox time travel write events dated in the past.
    with clock.travel_to(OLD):
        late = factories.ParticipantFactory()

    later = retention.blank_old_personal_data(now=RECENT + dt.timedelta(days=DAYS + 1), older_than_days=DAYS)

    assert later.blanked == 2  # the late-written participant, and the recent change that is now old
    assert of(Participant, late).changes["full_name"] == [None, REMOVED]
    assert of(Participant, period.participant, event="updated").changes["full_name"][1] == REMOVED


def holding_personal_data(before: dt.datetime) -> list[dict]:
    """Events before that moment still holding a personal value or a school user's label."""
    personal = changes.personal_fields()
    return [
        event
        for event in events().values()
        if event["occurred_at"] < before
        and (
            any(
                value not in (None, REMOVED)
                for name in set(personal.get(event["model"], ())) & set(event["changes"])
                for value in event["changes"][name]
            )
            or (event["actor_kind"] == "school_user" and event["actor_label"] != REMOVED)
        )
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_sweep_in_batches_that_is_stopped_keeps_what_it_blanked_and_the_next_sweep_finishes(history):
    # Each batch is a transaction of its own (this test commits), so the table is never locked for a whole sweep.
    cutoff = NOW - dt.timedelta(days=DAYS)
    old = len(holding_personal_data(cutoff))

    stopped = sweep(batch_size=2, keep_going=lambda: False)  # asked before the second batch

    assert stopped == retention.Outcome(blanked=2, stopped=True)
    assert len(holding_personal_data(cutoff)) == old - 2
    assert not AuditEvent.objects.filter(action=retention.ACTION).exists()  # not recorded as complete

    finished = sweep(batch_size=2)

    assert finished == retention.Outcome(blanked=old - 2)
    assert holding_personal_data(cutoff) == []
    assert holding_personal_data(NOW) != []  # the recent change keeps its name


def test_a_deleted_participants_tombstone_keeps_their_participant_id_through_retention():
    with clock.travel_to(OLD):
        participant = factories.SchoolPeriodFactory().participant
        api_id = participant.api_id
    deletion.delete_participant(participant=participant, now=OLD + dt.timedelta(days=1))

    sweep()

    tombstone = deletion.tombstone(api_id)
    assert tombstone is not None
    assert tombstone.changes["api_id"] == [str(api_id), None]
    assert tombstone.changes["full_name"] == [REMOVED, None]


def test_retention_is_off_by_default_and_the_nightly_task_then_changes_nothing(history, settings):
    assert settings.AUDIT_PERSONAL_DATA_RETENTION_DAYS == 0
    before = events()

    with clock.travel_to(NOW):
        result = retention_tasks.blank_old_personal_data.apply(kwargs={})

    assert result.successful() and result.result == 0
    assert events() == before
    assert not AuditEvent.objects.filter(action=retention.ACTION).exists()


def test_the_nightly_task_applies_the_retention_setting(history, settings):
    period, _ = history
    settings.AUDIT_PERSONAL_DATA_RETENTION_DAYS = DAYS

    with clock.travel_to(NOW):
        result = retention_tasks.blank_old_personal_data.apply(kwargs={})

    assert result.successful() and result.result > 0
    assert of(Participant, period.participant, at=OLD).changes["full_name"] == [None, REMOVED]
    assert of(Participant, period.participant, event="updated").changes["full_name"][1] == "Corrected Name"


def test_expired_sessions_are_cleared_every_night_and_live_ones_kept():
    now = clock.now()
    Session.objects.create(session_key="expired" + "x" * 25, session_data="", expire_date=now - dt.timedelta(1))
    Session.objects.create(session_key="live" + "x" * 28, session_data="", expire_date=now + dt.timedelta(hours=1))
    entry = app.conf.beat_schedule["clear-expired-sessions"]

    result = retention_tasks.clear_expired_sessions.apply(kwargs={})

    assert result.successful()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live" + "x" * 28]
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({2}, {15})
    assert app.amqp.router.route({}, entry["task"])["queue"].name == "default"
