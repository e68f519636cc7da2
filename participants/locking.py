"""Row locks on participants: one helper and one order for every action that changes them.

An action locks every participant it will change, in one call, before it reads what its rules check.
Rows are locked in primary key order, so two actions that touch the same people queue in the same order
and cannot deadlock, and they come back as the database holds them once the lock is granted. Only two
locks come earlier: a registration's advisory lock on its TRN (participants.registration), and the row of
a school whose choices change, taken FOR NO KEY UPDATE so that rows referring to the school are not held up.
Rows a participant owns (periods, declarations) are locked, if at all, after their participant.
"""

from __future__ import annotations

from django.db.models import Q

from config import changes
from participants.models import Participant


def lock(*participants: Participant) -> list[Participant]:
    """These participants, locked and read afresh, in the order given.

    Participants this action already locked (and read) are not locked again: their rows cannot have changed.
    """
    held = _held()
    if all((Participant, participant.pk) in held for participant in participants):
        return [held[(Participant, participant.pk)] for participant in participants]
    locked = {participant.pk: participant for participant in lock_where(Q(pk__in={p.pk for p in participants}))}
    missing = [participant.pk for participant in participants if participant.pk not in locked]
    if missing:
        raise Participant.DoesNotExist(f"No participant has id {missing[0]}.")
    return [locked[participant.pk] for participant in participants]


def lock_where(condition: Q) -> list[Participant]:
    """Every participant matching `condition`, locked in one statement in primary key order."""
    return held(*Participant.objects.select_for_update().filter(condition).order_by("pk"))


def lock_ids(ids) -> None:
    """Lock these participants' rows, in primary key order, without reading them (those already held are skipped).

    For effects that write many participants in one statement whose parts PostgreSQL runs in an order of its own.
    """
    held_ids = {pk for model, pk in _held() if model is Participant}
    wanted = sorted(set(ids) - held_ids)
    if wanted:
        list(Participant.objects.select_for_update().filter(pk__in=wanted).order_by("pk").values_list("pk", flat=True))


def for_update(participants):
    """A queryset of participants whose row is locked as it is read: finding one is locking it (with `held`)."""
    return participants.select_for_update(of=("self",))


def held(*participants: Participant) -> list[Participant]:
    """Note these participants, just read from `for_update` or `lock_where`, as locked by this action."""
    rows = _held()
    for participant in participants:
        rows[(Participant, participant.pk)] = participant
    return list(participants)


def _held() -> dict:
    unit = changes.current_unit()
    # Outside a unit of work there is no transaction to hold a lock to the next statement.
    return unit.held if unit is not None else {}
