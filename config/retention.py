"""Personal data kept no longer than needed: expired sessions, and personal data in old audit events.

Audit events older than the retention period keep what happened, when and to which record, but not who the
people were: the values of the fields each model declares personal where it is audited (`changes.track`, the same
fields a participant's deletion blanks) become "(removed)", and so does the label of a school user who acted.

Each night's sweep looks only at events it has not seen old before: those that have become old since the last
completed sweep, and those written since then with an old date (demo data, sandbox time travel). The sweep records
itself as an audit event, which says how far it went. Batches are short transactions of their own.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q

from config import changes
from config.models import AuditEvent

ACTION = "audit_personal_data_retention"
BATCH_SIZE = 1_000
_OLD_BEFORE = "personal_data_before"
_SEEN_THROUGH_ID = "events_seen_through_id"


def clear_expired_sessions() -> None:
    """Delete expired sessions, whichever session store is configured (what `manage.py clearsessions` does)."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()


@dataclass(frozen=True)
class Outcome:
    blanked: int  # events whose personal data this sweep blanked
    # Told to stop between batches: what it blanked stays, and the next sweep looks at the same events again.
    stopped: bool = False


def blank_old_personal_data(
    *,
    now: dt.datetime,
    older_than_days: int,
    batch_size: int = BATCH_SIZE,
    keep_going: Callable[[], bool] | None = None,
) -> Outcome:
    """Blank the personal data of audit events that occurred more than `older_than_days` before `now`.

    Safe to repeat: an event already blanked is not written again, and a stopped sweep is taken up by the next.
    """
    cutoff = now - dt.timedelta(days=older_than_days)
    fields = changes.personal_fields()
    may_be_personal = Q(model__in=list(fields)) | Q(actor_kind__in=changes.PERSONAL_ACTOR_KINDS)
    since, seen_through = _last_sweep(now)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {AuditEvent._meta.db_table}")
        (newest,) = cursor.fetchone()
    blanked, started = 0, False
    for ids in itertools.chain(
        _grown_old(may_be_personal, cutoff=cutoff, since=since, size=batch_size),
        _written_late(may_be_personal, cutoff=cutoff, since=since, seen_through=seen_through, size=batch_size),
    ):
        if started and keep_going is not None and not keep_going():
            return Outcome(blanked=blanked, stopped=True)
        blanked += _blank_batch(ids, fields)
        started = True
    _record_sweep(now=now, cutoff=cutoff, newest=newest, since=since, seen_through=seen_through)
    return Outcome(blanked=blanked)


def _last_sweep(now: dt.datetime) -> tuple[dt.datetime | None, int]:
    """(the cutoff, the newest event id) of the last completed sweep; (None, 0) before the first.

    Looked for in the last days first: each window is a range of the index on occurred_at, where the whole table
    would be a scan of every event (the planner cannot know that the newest sweep is recent).
    """
    for window in (dt.timedelta(days=2), dt.timedelta(days=60), None):
        sweeps = AuditEvent.objects.filter(action=ACTION)
        if window is not None:
            sweeps = sweeps.filter(occurred_at__gte=now - window)
        found = sweeps.order_by("-occurred_at").values_list("changes", flat=True).first()
        if found is not None:
            return dt.datetime.fromisoformat(found[_OLD_BEFORE][1]), int(found[_SEEN_THROUGH_ID][1])
    return None, 0


def _grown_old(may_be_personal: Q, *, cutoff: dt.datetime, since: dt.datetime | None, size: int):
    """Batches of the events that have grown old since the last sweep (every old event before the first sweep),
    in time order, read along the index on occurred_at."""
    old = AuditEvent.objects.filter(may_be_personal, occurred_at__lt=cutoff)
    if since is not None:
        old = old.filter(occurred_at__gte=since)
    last = None
    while True:
        batch = old
        if last is not None:
            batch = batch.filter(occurred_at__gte=last[0]).exclude(occurred_at=last[0], id__lte=last[1])
        rows = list(batch.order_by("occurred_at", "id").values_list("occurred_at", "id")[:size])
        if not rows:
            return
        yield [event_id for _, event_id in rows]
        last = rows[-1]


def _written_late(may_be_personal: Q, *, cutoff: dt.datetime, since, seen_through: int, size: int):
    """Batches of the events written since the last sweep with a date it had already passed (demo data, sandbox
    time travel), in id order, read along the primary key from where that sweep stopped."""
    if since is None:
        return
    after = seen_through
    while True:
        late = AuditEvent.objects.filter(may_be_personal, id__gt=after, occurred_at__lt=min(since, cutoff))
        ids = list(late.order_by("id").values_list("id", flat=True)[:size])
        if not ids:
            return
        yield ids
        after = ids[-1]


def _blank_batch(ids: list[int], fields: dict) -> int:
    # A short transaction: a participant's deletion blanking the same events either waits for it or is seen by it.
    with transaction.atomic():
        return changes.blank_personal_data(AuditEvent.objects.filter(id__in=ids), fields, actor=True)


def _record_sweep(*, now: dt.datetime, cutoff: dt.datetime, newest: int, since, seen_through: int) -> None:
    AuditEvent.objects.create(
        occurred_at=now,
        actor_kind=changes.SYSTEM.kind,
        actor_id=changes.SYSTEM.identifier,
        actor_label=changes.SYSTEM.label,
        action=ACTION,
        event="updated",
        model=AuditEvent._meta.label,
        object_id="",
        changes={
            _OLD_BEFORE: [since.isoformat() if since else None, max(cutoff, since or cutoff).isoformat()],
            _SEEN_THROUGH_ID: [seen_through, max(newest, seen_through)],
        },
    )
