"""One mechanism for recording changes.

Every save or delete of a tracked model writes an `AuditEvent` (who, what, when) and is passed
to the listeners (participants use one to move `api_updated_at` and refresh enrolments). The
actor and the moment come from context set at the edges: a request, a task or a command.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db.models.signals import post_delete, post_init, post_save, pre_delete

from config import clock


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


@dataclass
class _Context:
    actor: Actor
    action: str = ""
    now: dt.datetime | None = None


_context: ContextVar[_Context | None] = ContextVar("change_context", default=None)


def current_actor() -> Actor:
    context = _context.get()
    return context.actor if context else SYSTEM


def current_now() -> dt.datetime:
    context = _context.get()
    return context.now if context and context.now else clock.now()


@contextmanager
def recording(*, actor: Actor | None = None, action: str | None = None, now: dt.datetime | None = None):
    """Attribute the changes made inside to an actor and a named action, at a moment."""
    outer = _context.get()
    context = _Context(
        actor=actor or (outer.actor if outer else SYSTEM),
        action=action if action is not None else (outer.action if outer else ""),
        now=now or (outer.now if outer else None),
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


@dataclass(frozen=True)
class _Tracking:
    fields: tuple[str, ...]
    participant_ids: Callable[[object], Iterable[int]]


_tracked: dict[type, _Tracking] = {}
_listeners: list[Callable[[Change], None]] = []


def track(model, *, fields: Iterable[str], participant_ids: Callable[[object], Iterable[int]] = lambda obj: ()):
    """Audit changes to `fields` of `model`; `participant_ids` names whose history they belong to."""
    _tracked[model] = _Tracking(tuple(fields), participant_ids)
    uid = f"changes:{model._meta.label}"
    post_init.connect(_snapshot, sender=model, dispatch_uid=uid + ":init")
    post_save.connect(_saved, sender=model, dispatch_uid=uid + ":save")
    pre_delete.connect(_deleting, sender=model, dispatch_uid=uid + ":predelete")
    post_delete.connect(_deleted, sender=model, dispatch_uid=uid + ":delete")
    _renew_snapshot_on_refresh(model)


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


def listen(listener: Callable[[Change], None]):
    _listeners.append(listener)
    return listener


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
        _emit(sender, instance, "created" if created else "updated", changed, tracking)


def _deleting(sender, instance, **kwargs):
    # Related rows may be gone after the delete, so resolve whose history this is now.
    instance._tracked_participant_ids = tuple(_tracked[sender].participant_ids(instance))


def _deleted(sender, instance, **kwargs):
    tracking = _tracked[sender]
    changed = {name: (value, None) for name, value in _field_values(instance, tracking.fields).items()}
    _emit(sender, instance, "deleted", changed, tracking, getattr(instance, "_tracked_participant_ids", ()))


def _emit(model, instance, event, changed, tracking, participant_ids=None):
    from config.models import AuditEvent

    context = _context.get()
    actor = context.actor if context else SYSTEM
    now = current_now()
    if participant_ids is None:
        participant_ids = tuple(tracking.participant_ids(instance))
    AuditEvent.objects.create(
        occurred_at=now,
        actor_kind=actor.kind,
        actor_id=actor.identifier,
        actor_label=actor.label,
        action=context.action if context else "",
        event=event,
        model=model._meta.label,
        object_id=str(instance.pk),
        participant_ids=list(participant_ids),
        changes={name: [old, new] for name, (old, new) in changed.items()},
    )
    change = Change(model, instance, event, changed, tuple(participant_ids), now)
    for listener in _listeners:
        listener(change)


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
