"""One mechanism for recording changes: the unit of work.

An action opens one unit of work (`unit_of_work(now=...)`), which is also its transaction. Saves and
deletes of tracked models inside it are noted as they happen (framework plumbing: the snapshot and
diff of each row); at the end of the action, once and inside the transaction, the unit writes all
their audit events in one statement and runs the effects registered with `after_each_unit` (moving
what providers see: `api_updated_at`, provider enrolments, `updated_at`), each once for all rows.
Business rules are never effects: an action calls them itself. The actor and the moment come from
context set at the edges: a request, a task or a command (`recording`).

The timestamps providers poll with `updated_since` are stamped last (`stamp_at_commit`), with the
moment the unit commits rather than the moment it began, and under a shared advisory lock held until
commit; a read with `updated_since` first waits for every stamped unit still committing
(`wait_for_stamped_commits`). So a change is either visible to a read, or stamped later than the read
began: a provider polling with `updated_since` = the time it sent its previous request sees every change.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_init, post_save, pre_delete

from config import clock
from config.observability import metrics

# One advisory lock key (a number space shared by the whole database): writers hold it shared from
# stamping to commit, `updated_since` reads take it exclusively for an instant.
COMMIT_STAMP_LOCK = 0x5E_C0_17


@dataclass(frozen=True)
class Actor:
    kind: str
    identifier: str
    label: str

    @classmethod
    def lead_provider(cls, lead_provider):
        return cls("lead_provider", str(lead_provider.api_id), lead_provider.name)

    @classmethod
    def user(cls, user):
        kind = "support_user" if user.is_staff else "school_user"
        return cls(kind, str(user.pk), user.get_username())


SYSTEM = Actor("system", "", "System")
# Actors whose label names a person who is not staff (a school user's label is their email address): personal data.
PERSONAL_ACTOR_KINDS = ("school_user",)


@dataclass
class _Context:
    actor: Actor
    action: str = ""
    now: dt.datetime | None = None
    # Why a person made the change (required of support staff) and their ticket reference, kept with each event.
    reason: str = ""
    ticket: str = ""


_context: ContextVar[_Context | None] = ContextVar("change_context", default=None)


def current_actor() -> Actor:
    context = _context.get()
    return context.actor if context else SYSTEM


def current_now() -> dt.datetime:
    context = _context.get()
    return context.now if context and context.now else clock.now()


@contextmanager
def recording(
    *,
    actor: Actor | None = None,
    action: str | None = None,
    now: dt.datetime | None = None,
    reason: str | None = None,
    ticket: str | None = None,
):
    """Attribute the changes made inside to an actor and a named action, at a moment, for a reason."""
    outer = _context.get()
    context = _Context(
        actor=actor or (outer.actor if outer else SYSTEM),
        action=action if action is not None else (outer.action if outer else ""),
        now=now or (outer.now if outer else None),
        reason=reason if reason is not None else (outer.reason if outer else ""),
        ticket=ticket if ticket is not None else (outer.ticket if outer else ""),
    )
    token = _context.set(context)
    try:
        yield context
    finally:
        _context.reset(token)


@dataclass(frozen=True)
class Change:
    model: type
    instance: object
    event: str  # created / updated / deleted
    changed: dict  # field name -> (old, new)
    participant_ids: tuple[int, ...]
    now: dt.datetime = field(compare=False)
    object_id: str = field(default="", compare=False)


# Whose history rows belong to, for many rows of one model at once: instances -> {pk: participant ids}.
ParticipantResolver = Callable[[list], dict]


def _nobody(instances) -> dict:
    return {}


@dataclass(frozen=True)
class _Tracking:
    fields: tuple[str, ...]
    participant_ids: ParticipantResolver


@dataclass
class _Noted:
    """A save or delete seen inside a unit of work, kept until the unit ends."""

    model: type
    instance: object
    object_id: str
    event: str
    changed: dict
    actor: Actor
    action: str
    reason: str
    ticket: str
    participant_ids: tuple[int, ...] | None  # None: resolved with the others at the end


_tracked: dict[type, _Tracking] = {}
_effects: list[Callable[[list[Change]], None]] = []
# Model label -> the audited fields that identify a person: the one list of what is personal in audit events.
_personal: dict[str, tuple[str, ...]] = {}


def track(
    model, *, fields: Iterable[str], participant_ids: ParticipantResolver = _nobody, personal: Iterable[str] = ()
):
    """Audit changes to `fields` of `model`; `participant_ids` names whose history they belong to.

    `personal` names those of `fields` that identify a person (names, email addresses, TRNs, dates of birth): their
    values are blanked in audit events when a participant is deleted and when events pass their retention period.
    """
    fields, personal = tuple(fields), tuple(personal)
    if not set(personal) <= set(fields):
        raise ValueError(f"Personal fields of {model._meta.label} must be audited: {set(personal) - set(fields)}")
    _tracked[model] = _Tracking(fields, participant_ids)
    if personal:
        _personal[model._meta.label] = personal
    uid = f"changes:{model._meta.label}"
    post_init.connect(_snapshot, sender=model, dispatch_uid=uid + ":init")
    post_save.connect(_saved, sender=model, dispatch_uid=uid + ":save")
    pre_delete.connect(_deleting, sender=model, dispatch_uid=uid + ":predelete")
    post_delete.connect(_deleted, sender=model, dispatch_uid=uid + ":delete")
    _renew_snapshot_on_refresh(model)


def after_each_unit(effect: Callable[[list[Change]], None]):
    """Run `effect(changes)` once at the end of every unit of work that changed something, in its transaction.

    For what follows mechanically from any change (timestamps and derived rows providers read), never
    for a business rule: those are called by the action that causes them.
    """
    _effects.append(effect)
    return effect


class UnitOfWork:
    def __init__(self, now: dt.datetime):
        self.now = now
        self._noted: list[_Noted] = []
        # Rows this action holds row locks on, by (model, pk): they stay locked until its transaction ends,
        # so a service the action calls need not lock (and read) them again.
        self.held: dict[tuple[type, object], object] = {}
        # (model, field) -> the rows to stamp with the commit moment: querysets and instances.
        self._stamps: dict[tuple[type, str], list] = {}
        self.stamped_at: dt.datetime | None = None

    def note(self, noted: _Noted) -> None:
        self._noted.append(noted)

    def flush(self) -> list[Change]:
        """Audit everything noted so far in one statement, then run each effect once for all of it."""
        from config.models import AuditEvent

        done: list[Change] = []
        # Effects only update rows in bulk, but a round that saves tracked rows is flushed in turn.
        while self._noted:
            noted, self._noted = self._noted, []
            resolved = _resolve_participants(noted)
            AuditEvent.objects.bulk_create(
                AuditEvent(
                    occurred_at=self.now,
                    actor_kind=each.actor.kind,
                    actor_id=each.actor.identifier,
                    actor_label=each.actor.label,
                    action=each.action,
                    reason=each.reason,
                    ticket=each.ticket,
                    event=each.event,
                    model=each.model._meta.label,
                    object_id=each.object_id,
                    participant_ids=list(ids),
                    changes={name: [old, new] for name, (old, new) in each.changed.items()},
                )
                for each, ids in zip(noted, resolved, strict=True)
            )
            changes = [
                Change(each.model, each.instance, each.event, each.changed, ids, self.now, each.object_id)
                for each, ids in zip(noted, resolved, strict=True)
            ]
            for effect in _effects:
                effect(changes)
            done.extend(changes)
        self._stamp()
        return done

    def stamp_at_commit(self, rows, field_name: str) -> None:
        model = rows.model if hasattr(rows, "model") else type(rows[0])
        self._stamps.setdefault((model, field_name), []).append(rows)

    def _stamp(self) -> None:
        """The unit's last statement: take the shared lock, read the commit moment, stamp every row with it.

        Every row stamped here was written earlier in the unit, so it is already locked: nothing here
        waits for another transaction while holding the shared lock.
        """
        if not self._stamps:
            return
        stamps, self._stamps = self._stamps, {}
        quote = connection.ops.quote_name
        moment_sql, params = _moment_sql(self.now)
        parts = [moment_sql]
        instances = []
        for n, ((model, field_name), groups) in enumerate(stamps.items()):
            querysets = [group for group in groups if hasattr(group, "model")]
            saved = [row for group in groups if not hasattr(group, "model") for row in group]
            if saved:
                querysets.append(model.objects.filter(pk__in={row.pk for row in saved}))
                instances.extend((row, field_name) for row in saved)
            combined = querysets[0]
            for queryset in querysets[1:]:
                combined = combined | queryset
            rows_sql, rows_params = combined.order_by().values("pk").query.sql_with_params()
            table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
            column = quote(model._meta.get_field(field_name).column)
            parts.append(
                f"stamped_{n} AS (UPDATE {table} SET {column} = moment.at FROM moment WHERE {table}.{pk} IN ({rows_sql}))"
            )
            params.extend(rows_params)
        with connection.cursor() as cursor:
            cursor.execute(f"WITH {', '.join(parts)} SELECT at FROM moment", params)
            (self.stamped_at,) = cursor.fetchone()
        for row, field_name in instances:
            setattr(row, field_name, self.stamped_at)


_unit: ContextVar[UnitOfWork | None] = ContextVar("unit_of_work", default=None)


def current_unit() -> UnitOfWork | None:
    return _unit.get()


@contextmanager
def unit_of_work(*, now: dt.datetime | None = None):
    """One action: its transaction, and its changes' audit events and effects, written once at its end.

    A unit opened inside another joins it, so a service called by another action adds to that action's unit.
    A savepoint inside it that is rolled back must end the action too (raise): the unit keeps its notes of
    the rows saved under that savepoint.
    """
    outer = _unit.get()
    if outer is not None:
        with recording(now=now):
            yield outer
        return
    with transaction.atomic(), recording(now=now):
        unit = UnitOfWork(current_now())
        token = _unit.set(unit)
        try:
            yield unit
            unit.flush()
        finally:
            _unit.reset(token)


def stamp_at_commit(rows, field_name: str) -> None:
    """`field_name` of these rows (a queryset, or saved instances of one model) becomes the moment this unit
    commits (see `commit_moment`): for the timestamps providers poll with `updated_since`.

    The rows must already be written (and so locked) by this unit, with a provisional value (its `now`).
    Outside a unit of work, the rows are stamped at once in a transaction of their own.
    """
    if not hasattr(rows, "model") and not rows:
        return
    unit = _unit.get()
    if unit is not None:
        unit.stamp_at_commit(rows, field_name)
        return
    with transaction.atomic():
        unit = UnitOfWork(current_now())
        unit.stamp_at_commit(rows, field_name)
        unit._stamp()


def move_at_commit(rows, field_name: str, *, now: dt.datetime) -> None:
    """`field_name` of these rows (a queryset) becomes `now` at once, which locks them, then the moment this
    unit commits (`stamp_at_commit`)."""
    rows.update(**{field_name: now})
    stamp_at_commit(rows, field_name)


def _moment_sql(now: dt.datetime) -> tuple[str, list]:
    """CTEs ending in `moment(at)`: the shared stamping lock, held until this transaction ends, then the moment
    to stamp with, read from the database's clock after the lock is granted (one clock however many processes
    write), so it is later than every `updated_since` read that this transaction did not wait for.

    A unit running at a chosen moment (sandbox time travel, or a caller naming a moment further than
    `clock.PRESENT` from the database's clock) is stamped with that moment instead.
    """
    sql = """
        locked AS MATERIALIZED (SELECT pg_advisory_xact_lock_shared(%s)),
        server AS MATERIALIZED (SELECT clock_timestamp() AS now FROM locked),
        moment AS MATERIALIZED (
            SELECT CASE WHEN %s AND server.now BETWEEN %s::timestamptz - %s::interval AND %s::timestamptz + %s::interval
                        THEN GREATEST(%s::timestamptz, server.now) ELSE %s::timestamptz END AS at
              FROM server)
    """
    live = not clock.travelling()
    return sql, [COMMIT_STAMP_LOCK, live, now, clock.PRESENT, now, clock.PRESENT, now, now]


def commit_moment(now: dt.datetime) -> dt.datetime:
    """For writes that bypass the unit of work (the nightly job): take the shared stamping lock until this
    transaction ends and return the moment to stamp with (see `_moment_sql`). Stamp only rows already locked."""
    if not connection.in_atomic_block:
        raise RuntimeError("A commit moment is read inside the transaction that commits it.")
    sql, params = _moment_sql(now)
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {sql} SELECT at FROM moment", params)
        return cursor.fetchone()[0]


@metrics.UPDATED_SINCE_LOCK_WAIT.time()
def wait_for_stamped_commits() -> None:
    """Before an `updated_since` read: wait until every transaction that has stamped rows has ended.

    The exclusive lock is granted once no writer holds it shared, and given back at once. A writer that stamps
    afterwards reads a later moment than this read began, so whatever this read cannot see, the next poll will.

    The wait has a limit of its own, UPDATED_SINCE_LOCK_TIMEOUT: a writer stuck between stamping and committing
    would otherwise hold up every poll, and every writer queued behind the polls. Past it, LockNotAvailable (a
    database outage to the API: 503) tells the provider to poll again.
    """
    with waiting_for_locks_at_most(settings.UPDATED_SINCE_LOCK_TIMEOUT) as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [COMMIT_STAMP_LOCK])


@contextmanager
def waiting_for_locks_at_most(seconds: float):
    """A cursor whose statements wait at most `seconds` for a lock, then raise LockNotAvailable (an OperationalError).

    Its statements run in a transaction of their own (a savepoint inside a caller's) that is rolled back at the end,
    so the limit ends there, and so do transaction-level locks taken inside; a session-level lock stays held.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        # lock_timeout 0 means no limit, so the shortest wait is a millisecond.
        cursor.execute(f"SET LOCAL lock_timeout = {max(1, round(seconds * 1000))}")
        yield cursor
        transaction.set_rollback(True)


def note_written(instance, changed: dict, *, participant_ids: Iterable[int]) -> None:
    """Audit a change this unit wrote to `instance`'s row in SQL rather than by saving it (`changed`: field ->
    (old, new)), as a save is audited: by the current actor, in this unit's one statement of events."""
    _note(type(instance), instance, "updated", changed, tuple(participant_ids))


def update_in_bulk(rows: list, **values) -> None:
    """Set `values` on these loaded rows of one tracked model with one UPDATE, each noted as if saved alone.

    For actions that change many rows alike, so that their cost does not grow with the number of rows.
    """
    if not rows:
        return
    model = type(rows[0])
    tracked = _tracked[model].fields
    attnames = {}
    for name, value in values.items():
        field = model._meta.get_field(name)
        attnames[name] = (field.attname, value.pk if field.is_relation and value is not None else value)
    model.objects.filter(pk__in=[row.pk for row in rows]).update(**values)
    for row in rows:
        changed = {}
        for name, (attname, new) in attnames.items():
            old = row.__dict__.get(attname)
            setattr(row, name, values[name])
            if name in tracked and old != new:
                changed[name] = (old, new)
        row._tracked_snapshot = {**getattr(row, "_tracked_snapshot", {}), **{n: v for n, (_, v) in changed.items()}}
        if changed:
            _note(model, row, "updated", changed)


REMOVED = "(removed)"


def personal_fields(*models) -> dict[str, tuple[str, ...]]:
    """The audited fields that identify a person, by model label: of these models, or of every tracked model."""
    if not models:
        return dict(_personal)
    return {model._meta.label: _personal[model._meta.label] for model in models if model._meta.label in _personal}


def blank_personal_data(events, fields: dict[str, Iterable[str]], *, actor: bool = False) -> int:
    """Blank these fields' values (by model label) in these audit events (a queryset), and with `actor` the label of
    a person who acted; returns how many events changed. An event blanked before is not written again.

    The events are locked in id order, whichever door blanks them (a participant's deletion, the retention sweep),
    so that two blanking the same events queue rather than deadlock.
    """
    from config.models import AuditEvent

    events = events.select_for_update().order_by("id").only("id", "model", "changes", "actor_kind", "actor_label")
    blanked = [event for event in events if _blank(event, fields, actor=actor)]
    AuditEvent.objects.bulk_update(blanked, ["changes", "actor_label"] if actor else ["changes"])
    return len(blanked)


def _blank(event, fields: dict[str, Iterable[str]], *, actor: bool) -> bool:
    """Blank one event in memory; whether anything was left to blank."""
    blanked = False
    for name in set(fields.get(event.model, ())) & set(event.changes):
        values = [None if value is None else REMOVED for value in event.changes[name]]
        if values != event.changes[name]:
            event.changes[name] = values
            blanked = True
    if actor and event.actor_kind in PERSONAL_ACTOR_KINDS and event.actor_label not in ("", REMOVED):
        event.actor_label = REMOVED
        blanked = True
    return blanked


def erase_personal_data(*, participant_id: int, fields: dict[str, Iterable[str]]) -> int:
    """Blank the values of these fields (by model label) in every audit event of this participant; the events stay.

    For a participant deleted under data protection law: their history keeps what happened and when, not who they
    were. The current unit's changes are written first, so its own events (the deletion's) are blanked too.
    """
    from config.models import AuditEvent

    unit = _unit.get()
    if unit is not None:
        unit.flush()
    events = AuditEvent.objects.filter(participant_ids__contains=[participant_id], model__in=list(fields))
    return blank_personal_data(events, fields)


def _resolve_participants(noted: list[_Noted]) -> list[tuple[int, ...]]:
    pending = defaultdict(list)
    for each in noted:
        if each.participant_ids is None:
            pending[each.model].append(each.instance)
    found = {model: _tracked[model].participant_ids(instances) for model, instances in pending.items()}
    return [
        each.participant_ids
        if each.participant_ids is not None
        else tuple(pid for pid in found[each.model].get(each.instance.pk, ()) if pid is not None)
        for each in noted
    ]


def _renew_snapshot_on_refresh(model):
    # Reloading makes the database's values the baseline for the next save's comparison.
    if getattr(model.refresh_from_db, "_renews_snapshot", False):
        return
    original = model.refresh_from_db

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        original(self, using=using, fields=fields, from_queryset=from_queryset)
        tracked = _tracked[type(self)].fields
        names = (
            tracked
            if fields is None
            else [name for name in tracked if name in fields or self._meta.get_field(name).attname in fields]
        )
        self._tracked_snapshot = {**getattr(self, "_tracked_snapshot", {}), **_field_values(self, names)}

    refresh_from_db._renews_snapshot = True
    model.refresh_from_db = refresh_from_db


def _field_values(instance, fields):
    values = {}
    for name in fields:
        attname = instance._meta.get_field(name).attname
        if attname in instance.__dict__:
            values[name] = instance.__dict__[attname]
    return values


def _snapshot(sender, instance, **kwargs):
    instance._tracked_snapshot = _field_values(instance, _tracked[sender].fields)


def _saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    tracking = _tracked[sender]
    current = _field_values(instance, tracking.fields)
    if created:
        changed = {name: (None, value) for name, value in current.items()}
    else:
        before = getattr(instance, "_tracked_snapshot", {})
        changed = {name: (before.get(name), value) for name, value in current.items() if before.get(name) != value}
    instance._tracked_snapshot = current
    if changed or created:
        _note(sender, instance, "created" if created else "updated", changed)


def _deleting(sender, instance, **kwargs):
    # Related rows may be gone after the delete, so resolve whose history this is now.
    ids = _tracked[sender].participant_ids([instance]).get(instance.pk, ())
    instance._tracked_participant_ids = tuple(pid for pid in ids if pid is not None)


def _deleted(sender, instance, **kwargs):
    tracking = _tracked[sender]
    changed = {name: (value, None) for name, value in _field_values(instance, tracking.fields).items()}
    _note(sender, instance, "deleted", changed, getattr(instance, "_tracked_participant_ids", ()))


def _note(model, instance, event, changed, participant_ids=None):
    context = _context.get()
    noted = _Noted(
        model=model,
        instance=instance,
        # Kept now: Django clears the primary key of a deleted instance.
        object_id=str(instance.pk),
        event=event,
        changed=changed,
        actor=context.actor if context else SYSTEM,
        action=context.action if context else "",
        reason=context.reason if context else "",
        ticket=context.ticket if context else "",
        participant_ids=participant_ids,
    )
    unit = _unit.get()
    if unit is not None:
        unit.note(noted)
        return
    # A change outside any action (a factory, a shell, a raw admin form) is its own unit of one row.
    with transaction.atomic():
        unit = UnitOfWork(current_now())
        unit.note(noted)
        unit.flush()


class ActorMiddleware:
    """Attributes changes made through the admin and the school portal to the signed-in user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            with recording(actor=Actor.user(user)):
                return self.get_response(request)
        return self.get_response(request)
