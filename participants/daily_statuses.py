"""The nightly job that records date-driven participant_status changes (F12, O1).

`participant_status` depends on today, so `joining` becomes `active` and `leaving` becomes `left`
without anyone saving anything. Providers only learn of changes through `updated_since`, so this
job compares each enrolment's `recorded_status` with its status today and, where they differ,
records the new status, moves the participant's `api_updated_at` (to the moment its batch commits,
as `config.changes` stamps) and writes an audit event.

Set-based: the statuses come from `participants.enrolments.statuses` (the one home of F12), the
writes are one UPDATE per table and one bulk INSERT of audit events per batch. The bulk writes
bypass `config.changes`, so the audit rows and the `api_updated_at` move are written here.

It runs every hour (config.celery) and does nothing once the day is complete, so any run that was lost
(a worker killed, a beat restarted) is made up within the hour. A run waits a bounded time for another
one to finish, and can be told to stop between batches; whatever it leaves, the next run finds.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
from django.conf import settings
from django.db import DatabaseError, OperationalError, connection, transaction

from config import changes
from config.models import AuditEvent
from participants import enrolments
from participants.models import DailyStatusRun, ProviderEnrolment

ACTION = "date_driven_status_change"

# Advisory lock keys are one number space per database; derive ours from the module's name.
_ADVISORY_LOCK_KEY = zlib.crc32(b"participants.daily_statuses")

# F12 (with O1) reads today only through `started_on > today`, `finished_on > today` (withdrawn or
# deferred) and `finished_on >= today` (finished), so a status can only differ between day `s` and a
# later day `t` if started_on lies in (s, t] or finished_on in [s, t]. When every recorded status was
# right as of the last completed day, those rows (and never-recorded ones) are all that can have changed.
_CHANGED_SINCE = """
     WHERE e.recorded_status IS NULL
        OR (tp.started_on > %(since)s AND tp.started_on <= %(through)s)
        OR (tp.finished_on >= %(since)s AND tp.finished_on <= %(through)s)
"""
_READ_SIZE = 20_000

# A batch's inputs, read one enrolment at a time by primary key: OFFSET 0 keeps PostgreSQL from
# flattening the subquery into hash joins that scan every training period and participant per batch.
_BATCH_INPUTS = f"""
    SELECT inputs.* FROM unnest(%s::bigint[]) AS batch(id)
    CROSS JOIN LATERAL ({enrolments.STATUS_INPUTS} WHERE e.id = batch.id OFFSET 0) AS inputs
"""


@dataclass(frozen=True)
class Outcome:
    days: tuple[dt.date, ...]  # the days this run completed, oldest first (empty: nothing completed)
    changed: int
    # Nothing done: another run held the lock for longer than this one would wait, and that run does the work.
    busy: bool = False
    # Told to stop between batches: the batches before are kept, the day is not complete, the next run resumes.
    stopped: bool = False


def record_date_driven_statuses(
    *,
    through: dt.date,
    now: dt.datetime,
    batch_size: int | None = None,
    every_enrolment: bool = False,
    lock_wait_seconds: float | None = None,
    keep_going: Callable[[], bool] | None = None,
) -> Outcome:
    """Bring recorded statuses up to date as of `through`, completing every day not yet completed.

    Safe to repeat: a completed day is not done again, and an interrupted run leaves whole batches
    behind, so the next run finds only what is left. `every_enrolment` rechecks all enrolments
    rather than only those whose dates fall in the missed days (a repair, e.g. after statuses were
    recorded under a sandbox time-travel date). `keep_going` is asked between batches; when it says
    no, the run stops there (e.g. before its time limit). `batch_size` and `lock_wait_seconds` (how long
    to wait for another run before leaving the work to it) default to their DAILY_STATUSES_ settings.
    """
    if batch_size is None:
        batch_size = settings.DAILY_STATUSES_BATCH_SIZE
    if lock_wait_seconds is None:
        lock_wait_seconds = settings.DAILY_STATUSES_LOCK_WAIT_SECONDS
    # The hourly no-op: one read of the unique index on `day`, no lock.
    if _days_done_through(through):
        return Outcome(days=(), changed=0)
    with _one_run_at_a_time(wait_seconds=lock_wait_seconds) as holding:
        if not holding:
            return Outcome(days=(), changed=0, busy=True)
        # Read again under the lock: the run this one waited for may have completed the day.
        last = _last_completed_day()
        if last is not None and last >= through:
            return Outcome(days=(), changed=0)
        # The first ever run has no day whose statuses it can trust, so it checks everything.
        stale = _stale_ids(since=None if every_enrolment else last, through=through)
        changed = 0
        for start in range(0, len(stale), batch_size):
            if start and keep_going is not None and not keep_going():
                return Outcome(days=(), changed=changed, stopped=True)
            changed += _record_batch(stale[start : start + batch_size], today=through, now=now)
        days = _missed_days(last=last, through=through)
        _complete(days, changed=changed, now=now)
        return Outcome(days=days, changed=changed)


def _last_completed_day() -> dt.date | None:
    return DailyStatusRun.objects.order_by("-day").values_list("day", flat=True).first()


def _days_done_through(through: dt.date) -> bool:
    last = _last_completed_day()
    return last is not None and last >= through


def _stale_ids(*, since: dt.date | None, through: dt.date) -> list[int]:
    """Enrolments whose recorded status differs from today's, found in one pass without locks.

    The batches lock and read these again, so this only has to be a superset of what they change.
    """
    stale = []
    # A server-side cursor: a full check streams every enrolment rather than holding them all.
    with connection.chunked_cursor() as cursor:
        if since is None:
            cursor.execute(enrolments.STATUS_INPUTS + " ORDER BY e.id")
        else:
            cursor.execute(
                enrolments.STATUS_INPUTS + _CHANGED_SINCE + " ORDER BY e.id", {"since": since, "through": through}
            )
        while rows := cursor.fetchmany(_READ_SIZE):
            stale.extend(eid for eid, old, new in enrolments.statuses(rows, today=through) if new != old)
    return stale


def _record_batch(enrolment_ids: list[int], *, today: dt.date, now: dt.datetime) -> int:
    """One transaction: either the whole batch is recorded (statuses, api_updated_at, audit) or none of it."""
    with transaction.atomic(), connection.cursor() as cursor:
        # A batch finds a few thousand rows by id in tables that stay in memory. At the server's default cost of a
        # random page (one from disk), the planner scanned and hashed whole tables for each batch instead, which
        # took several times as long (scripts/bench_daily_statuses.py).
        cursor.execute("SET LOCAL random_page_cost = 1.1")
        # Lock first and read the inputs afterwards, so a concurrent edit of a training period
        # (which re-records the status itself) is either seen here or waits for this batch. Each
        # participant is locked before its enrolments, in participant order, as actions lock them
        # (participants.locking), so the stamp below never waits for a row lock.
        cursor.execute(
            """
            SELECT e.id FROM participants_providerenrolment e
              JOIN participants_participant p ON p.id = e.participant_id
             WHERE e.id = ANY(%s) ORDER BY p.id, e.id FOR UPDATE
            """,
            [enrolment_ids],
        )
        cursor.execute(_BATCH_INPUTS, [enrolment_ids])
        rows = cursor.fetchall()
        participant_of = {row[0]: row[2] for row in rows}
        # A NULL recorded status counts as a change: nobody can say what providers last saw, and an
        # unneeded `updated_since` hit costs a provider one re-read where a missed one costs a wrong status.
        updates = [(eid, old, new) for eid, old, new in enrolments.statuses(rows, today=today) if new != old]
        if not updates:
            return 0
        enrolments.record_statuses(cursor, [(eid, new) for eid, _old, new in updates])
        _audit(cursor, updates, participant_of=participant_of, now=now)
        # Last: stamped with the moment this batch commits, under the shared stamping lock (config.changes),
        # so that `updated_since` misses nothing. A participant showing a later time (a chosen moment) keeps it.
        stamp = changes.commit_moment(now)
        cursor.execute(
            "UPDATE participants_participant SET api_updated_at = %s WHERE id = ANY(%s) AND api_updated_at < %s",
            [stamp, sorted({participant_of[eid] for eid, _old, _new in updates}), stamp],
        )
        _after_batch()
        return len(updates)


def _audit(
    cursor, updates: list[tuple[int, str | None, str]], *, participant_of: dict[int, int], now: dt.datetime
) -> None:
    """One AuditEvent per change, by the system actor, shaped as `config.changes` writes them.

    One INSERT ... SELECT over arrays: in scripts/bench_daily_statuses.py, bulk_create of the same
    rows took several times as long, mostly in building and binding its parameters.
    """
    cursor.execute(
        f"""
        INSERT INTO {AuditEvent._meta.db_table}
               (occurred_at, actor_kind, actor_id, actor_label, action, event, model, object_id, participant_ids, changes,
                reason, ticket)
        SELECT %(now)s, %(actor_kind)s, %(actor_id)s, %(actor_label)s, %(action)s, 'updated', %(model)s, u.id::text,
               ARRAY[u.participant_id], jsonb_build_object('recorded_status', jsonb_build_array(u.old, u.new)), '', ''
          FROM unnest(%(ids)s::bigint[], %(participant_ids)s::bigint[], %(old)s::text[], %(new)s::text[])
               AS u(id, participant_id, old, new)
        """,
        {
            "now": now,
            "actor_kind": changes.SYSTEM.kind,
            "actor_id": changes.SYSTEM.identifier,
            "actor_label": changes.SYSTEM.label,
            "action": ACTION,
            "model": ProviderEnrolment._meta.label,
            "ids": [eid for eid, _old, _new in updates],
            "participant_ids": [participant_of[eid] for eid, _old, _new in updates],
            "old": [old for _eid, old, _new in updates],
            "new": [str(new) for _eid, _old, new in updates],
        },
    )


def _after_batch() -> None:
    """Runs inside each batch's transaction just before it commits; tests make it fail to simulate a crash."""


def _missed_days(*, last: dt.date | None, through: dt.date) -> tuple[dt.date, ...]:
    if last is None:
        return (through,)
    return tuple(last + dt.timedelta(days=n) for n in range(1, (through - last).days + 1))


def _complete(days: tuple[dt.date, ...], *, changed: int, now: dt.datetime) -> None:
    # A catch-up evaluates statuses once, as of the last missed day, rather than day by day: that
    # is the status providers must see, and replaying old days could flip back a status that an
    # edit during the outage had already recorded as of a later day. So every missed day is
    # recorded as completed, and the changes are counted on the day they were recorded, the last.
    # After an interrupted run, `changed` counts what the completing run did; the batches committed
    # before the interruption are in the audit log under the same action.
    DailyStatusRun.objects.bulk_create(
        [DailyStatusRun(day=day, completed_at=now, changed=changed if day == days[-1] else 0) for day in days]
    )


@contextmanager
def _one_run_at_a_time(*, wait_seconds: float):
    """A PostgreSQL advisory lock, held by the connection across the run's batches. Yields whether it is held.

    A second run (beat and a manual command, or a redelivered message while the first still runs) waits at
    most `wait_seconds`, then yields False: the run holding the lock is doing the work.
    """
    if not _lock(wait_seconds):
        yield False
        return
    try:
        yield True
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_ADVISORY_LOCK_KEY])
        except DatabaseError:
            pass  # the connection is gone, and PostgreSQL released the lock with it


def _lock(wait_seconds: float) -> bool:
    """Take the advisory lock, waiting at most `wait_seconds`; a session lock, so it outlasts the short wait's
    transaction."""
    try:
        with changes.waiting_for_locks_at_most(wait_seconds) as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [_ADVISORY_LOCK_KEY])
    except OperationalError as error:
        if isinstance(error.__cause__, psycopg.errors.LockNotAvailable):
            return False
        raise
    return True
