"""Finding the teacher a school is registering: by TRN, or a new participant (SC1, SC6, O9)."""

from __future__ import annotations

import datetime as dt
import re

from django.db import connection
from django.db.models import Q

from participants import locking
from participants.models import Participant

TRN_FORMAT = re.compile(r"^[0-9]{7}$")


def normalised_trn(trn) -> str | None:
    """Schools copy TRNs with spaces; anything other than seven digits is not a TRN."""
    text = re.sub(r"\s+", "", trn) if isinstance(trn, str) else ""
    return text if TRN_FORMAT.match(text) else None


def lock_teacher(trn: str | None, *others: Participant) -> Participant | None:
    """The current participant holding this TRN (following merges), locked together with `others`, the other
    participants the registration changes, in the one order of participants.locking."""
    if trn is not None:
        # Serialise registrations of one TRN so two schools cannot both create the teacher.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"participants.registration:trn:{trn}"])
    holds_trn = Q(trn=trn) if trn is not None else Q(pk__in=[])
    locked = locking.lock_where(holds_trn | Q(pk__in=[other.pk for other in others]))
    teacher = next((participant for participant in locked if trn is not None and participant.trn == trn), None)
    while teacher is not None and teacher.retired_into_id is not None:
        [teacher] = locking.lock_where(Q(pk=teacher.retired_into_id))
    return teacher


def find_teacher(trn: str | None) -> Participant | None:
    """The current participant holding this TRN (following merges), unlocked: for checking answers before
    an action, which looks again with lock_teacher."""
    teacher = Participant.objects.filter(trn=trn).first() if trn is not None else None
    while teacher is not None and teacher.retired_into_id is not None:
        teacher = Participant.objects.get(pk=teacher.retired_into_id)
    return teacher


def find_or_create_teacher(
    *, trn: str, full_name: str, date_of_birth: dt.date | None = None, now: dt.datetime
) -> Participant:
    """Must run inside a transaction. An existing teacher keeps their name: schools correct it separately."""
    teacher = lock_teacher(trn)
    if teacher is None:
        return Participant.objects.create(
            full_name=full_name, trn=trn, date_of_birth=date_of_birth, created_at=now, api_updated_at=now
        )
    if teacher.date_of_birth is None and date_of_birth is not None:
        teacher.date_of_birth = date_of_birth
        teacher.save()
    return teacher
