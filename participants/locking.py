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

from participants.models import Participant


def lock(*participants: Participant) -> list[Participant]:
    """These participants, locked and read afresh, in the order given."""
    locked = {participant.pk: participant for participant in lock_where(Q(pk__in={p.pk for p in participants}))}
    missing = [participant.pk for participant in participants if participant.pk not in locked]
    if missing:
        raise Participant.DoesNotExist(f"No participant has id {missing[0]}.")
    return [locked[participant.pk] for participant in participants]


def lock_where(condition: Q) -> list[Participant]:
    """Every participant matching `condition`, locked in one statement in primary key order."""
    return list(Participant.objects.select_for_update().filter(condition).order_by("pk"))
