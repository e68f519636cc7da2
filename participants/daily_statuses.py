"""The nightly job that records date-driven participant_status changes (F12, O1).

`participant_status` depends on today, so `joining` becomes `active` and `leaving` becomes `left`
without anyone saving anything. Providers only learn of changes through `updated_since`, so this
job compares each enrolment's `recorded_status` with its status today and, where they differ,
records the new status, moves the participant's `api_updated_at` and writes an audit event.

Set-based: the statuses come from `participants.enrolments.statuses` (the one home of F12), the
writes are one UPDATE per table and one bulk INSERT of audit events per batch. The bulk writes
bypass `config.changes`, so the audit rows and the `api_updated_at` move are written here.
"""
from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass

from django.db import DatabaseError, connection, transaction

from config import changes
from config.models import AuditEvent
from participants import enrolments
from participants.models import DailyStatusRun, ProviderEnrolment

ACTION = "date_driven_status_change"
BATCH_SIZE = 5_000

# Advisory lock keys are one number space per database; derive ours from the module's name.
_ADVISORY_LOCK_KEY = zlib.crc32(b"participants.daily_statuses")

# F12 reads today only through `started_on > today` and `finished_on > today`, so a status can only
# differ between day `s` and a later day `t` if one of those dates lies in (s, t]. When every recorded
# status was right as of the last completed day, those rows (and never-recorded ones) are all that
# can have changed.
_CHANGED_SINCE = """
    SELECT e.id
      FROM participants_providerenrolment e
      JOIN participants_trainingperiod tp ON tp.id = e.training_period_id
     WHERE e.recorded_status IS NULL
        OR (tp.started_on > %(since)s AND tp.started_on <= %(through)s)
        OR (tp.finished_on > %(since)s AND tp.finished_on <= %(through)s)
  ORDER BY e.id
"""
_EVERY_ENROLMENT = "SELECT e.id FROM participants_providerenrolment e ORDER BY e.id"


@dataclass(frozen=True)
class Outcome:
    days: tuple[dt.date, ...]  # the days this run completed, oldest first (empty: nothing to do)
    changed: int


def record_date_driven_statuses(
    *, through: dt.date, now: dt.datetime, batch_size: int = BATCH_SIZE, every_enrolment: bool = False
) -> Outcome:
    """Bring recorded statuses up to date as of `through`, completing every day not yet completed.

    Safe to repeat: a completed day is not done again, and an interrupted run leaves whole batches
    behind, so the next run finds only what is left. `every_enrolment` rechecks all enrolments
    rather than only those whose dates fall in the missed days (a repair, e.g. after statuses were
    recorded under a sandbox time-travel date).
    """
    with _one_run_at_a_time():
        last = DailyStatusRun.objects.order_by("-day").values_list("day", flat=True).first()
        if last is not None and last >= through:
            return Outcome(days=(), changed=0)
        # The first ever run has no day whose statuses it can trust, so it checks everything.
        candidates = _candidate_ids(since=None if every_enrolment else last, through=through)
        changed = 0
        for start in range(0, len(candidates), batch_size):
            changed += _record_batch(candidates[start:start + batch_size], today=through, now=now)
        days = _missed_days(last=last, through=through)
        _complete(days, changed=changed, now=now)
        return Outcome(days=days, changed=changed)


def _candidate_ids(*, since: dt.date | None, through: dt.date) -> list[int]:
    with connection.cursor() as cursor:
        if since is None:
            cursor.execute(_EVERY_ENROLMENT)
        else:
            cursor.execute(_CHANGED_SINCE, {"since": since, "through": through})
        return [row[0] for row in cursor.fetchall()]


def _record_batch(enrolment_ids: list[int], *, today: dt.date, now: dt.datetime) -> int:
    """One transaction: either the whole batch is recorded (statuses, api_updated_at, audit) or none of it."""
    with transaction.atomic(), connection.cursor() as cursor:
        # Lock first and read the inputs afterwards, so a concurrent edit of a training period
        # (which re-records the status itself) is either seen here or waits for this batch.
        cursor.execute(
            "SELECT id FROM participants_providerenrolment WHERE id = ANY(%s) ORDER BY id FOR UPDATE",
            [enrolment_ids],
        )
        cursor.execute(enrolments.STATUS_INPUTS + " WHERE e.id = ANY(%s)", [enrolment_ids])
        rows = cursor.fetchall()
        participant_of = {row[0]: row[2] for row in rows}
        # A NULL recorded status counts as a change: nobody can say what providers last saw, and an
        # unneeded `updated_since` hit costs a provider one re-read where a missed one costs a wrong status.
        updates = [(eid, old, new) for eid, old, new in enrolments.statuses(rows, today=today) if new != old]
        if not updates:
            return 0
        enrolments.record_statuses(cursor, [(eid, new) for eid, _old, new in updates])
        # GREATEST: a change saved after this run's `now` must not have its timestamp moved back.
        cursor.execute(
            "UPDATE participants_participant SET api_updated_at = GREATEST(api_updated_at, %s) WHERE id = ANY(%s)",
            [now, sorted({participant_of[eid] for eid, _old, _new in updates})],
        )
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    occurred_at=now,
                    actor_kind=changes.SYSTEM.kind,
                    actor_id=changes.SYSTEM.identifier,
                    actor_label=changes.SYSTEM.label,
                    action=ACTION,
                    event="updated",
                    model=ProviderEnrolment._meta.label,
                    object_id=str(eid),
                    participant_ids=[participant_of[eid]],
                    changes={"recorded_status": [old, new]},
                )
                for eid, old, new in updates
            ]
        )
        _after_batch()
        return len(updates)


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


class _one_run_at_a_time:
    """A PostgreSQL advisory lock: a second run (beat and a manual command, say) waits for the first,
    then finds the days already completed."""

    def __enter__(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [_ADVISORY_LOCK_KEY])

    def __exit__(self, *exc):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_ADVISORY_LOCK_KEY])
        except DatabaseError:
            pass  # the connection is gone, and PostgreSQL released the lock with it
        return False
