"""Bringing providers back in step after the database was restored to an earlier moment.

Providers keep their copy with `updated_since` polls. After a restore to a point R, every record changed
after R is back in its state at R, with its stamp from before R; providers that polled after R hold the
lost, newer state, and their next poll (from a time after R) would never list those records again. So
the records whose state providers may hold wrongly are stamped again, now: the next poll lists them.

The restored database alone cannot tell which records changed after R (they look exactly as they did
at R), so there are two ways to choose them:

- `everything()`: every record a provider can see (participants, and through them transfers and unfunded
  mentors; declarations; partnerships; schools). Always correct, needs nothing else; providers' next
  poll is a full resync.
- `changed_since_restore(damaged)`: when the database as it was before the restore (the damaged one, or
  a copy of it) can still be read. A record whose stamp there differs from its stamp here, or that is
  missing there, may be held wrongly; the rest are provably as providers last saw them. It also finds
  what providers may hold that no longer exists (records made after R), which no poll can retract:
  those are listed per provider, to send them.

Re-stamping goes through the service's own mechanism: short units of work (`config.changes`) of one batch
each, which lock their rows (participants first, through `participants.locking`, as every action does), take
the shared stamping lock and stamp with the moment they commit (`commit_moment`), so `updated_since` misses
nothing while it runs, and it can run while the service is open. A participant's stamp carries its
provider listings with it (the trigger of migration participants/0004). Each record re-stamped gets an
audit event by the system, with the operator's reason, written by the unit as a save's is.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

from django.db import OperationalError, connection, transaction
from django.db.models import F, Q

from config import changes
from config.lookups import IdArray
from declarations.models import Declaration
from participants import locking
from participants.models import Participant, ProviderListing, SchoolPeriod, TrainingPeriod, UnfundedMentorListing
from schools.models import LeadProvider, Partnership, School, SchoolCohortChoice

logger = logging.getLogger(__name__)

ACTION = "resync_after_restore"
BATCH_SIZE = 1000
# Deadlock, lock timeout, serialization failure: another transaction was in the way; the batch is tried again.
_TRANSIENT = {"40P01", "55P03", "40001"}
_ATTEMPTS = 4
_READ_SIZE = 10_000
# What providers read, by API resource, and where each stamp lives.
KINDS = ("participants", "participant-declarations", "partnerships", "schools")
_STAMPED = {
    "participants": (Participant, "api_updated_at"),
    "participant-declarations": (Declaration, "api_updated_at"),
    "partnerships": (Partnership, "updated_at"),
    "schools": (School, "updated_at"),
}


@dataclasses.dataclass(frozen=True)
class Selection:
    """The rows to stamp again, by kind: a set of primary keys, or None for every row.

    `lost` names, per provider, what that provider may hold that the restored database does not have
    (by API resource: ids), when it is known.
    """

    participants: frozenset[int] | None
    declarations: frozenset[int] | None
    partnerships: frozenset[int] | None
    schools: frozenset[int] | None
    lost: dict[str, dict[str, list[str]]] = dataclasses.field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        chosen = zip(KINDS, (self.participants, self.declarations, self.partnerships, self.schools), strict=True)
        return {kind: _STAMPED[kind][0].objects.count() if ids is None else len(ids) for kind, ids in chosen}


def everything() -> Selection:
    return Selection(participants=None, declarations=None, partnerships=None, schools=None)


# --- narrowing with the database as it was before the restore -------------------------------------------------------


class SameDatabase(ValueError):
    """The database to compare with is this one: every record would look unchanged, and nothing be stamped."""


def changed_since_restore(damaged) -> Selection:
    """What differs between this (restored) database and `damaged`, a psycopg connection to the database as it
    was before the restore, read in one snapshot.

    A record is stamped again when its stamp differs there or it is missing there. A school also when its
    partnerships or cohort choices or training at it moved there, or a participant at it is stamped again.
    """
    if _is_this_database(damaged):
        raise SameDatabase("The database to compare with is this one.")
    participants = _differing(damaged, "participants")
    declarations = _differing(damaged, "participant-declarations")
    partnerships = _differing(damaged, "partnerships")
    schools = _differing(damaged, "schools")
    schools |= set(Partnership.objects.filter(pk__any=IdArray(partnerships)).values_list("school_id", flat=True))
    schools |= set(
        SchoolPeriod.objects.filter(participant_id__any=IdArray(participants)).values_list("school_id", flat=True)
    )
    return Selection(
        participants=frozenset(participants),
        declarations=frozenset(declarations),
        partnerships=frozenset(partnerships),
        schools=frozenset(schools),
        lost=_lost(damaged),
    )


def _is_this_database(damaged) -> bool:
    """Whether `damaged` sees this very session connected to its own database, however the two URLs name the
    server (an alias, an address, a proxy)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid, backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()")
        session = cursor.fetchone()
    found = damaged.execute(
        "SELECT 1 FROM pg_stat_activity WHERE pid = %s AND backend_start = %s AND datname = current_database()",
        session,
    )
    return found.fetchone() is not None


def _stamps(kind: str, *, with_id: bool) -> str:
    """(id,) api_id, stamp of every row of a kind, ordered by api_id."""
    model, field = _STAMPED[kind]
    id_column = "r.id, " if with_id else ""
    stamp = _SCHOOL_SIGNATURE if kind == "schools" else f"r.{field}"
    return f"SELECT {id_column}r.api_id, {stamp} AS stamp FROM {model._meta.db_table} r ORDER BY r.api_id"


# A school's document for a provider moves with the school, its cohort choices, its partnerships and the
# training waiting at it (schools.api.reading): the latest of those stamps stands for all of them.
_SCHOOL_SIGNATURE = f"""GREATEST(
    r.updated_at,
    (SELECT max(c.updated_at) FROM {SchoolCohortChoice._meta.db_table} c WHERE c.school_id = r.id),
    (SELECT max(p.updated_at) FROM {Partnership._meta.db_table} p WHERE p.school_id = r.id),
    (SELECT max(tp.created_at) FROM {TrainingPeriod._meta.db_table} tp
       JOIN {SchoolPeriod._meta.db_table} sp ON sp.id = tp.school_period_id WHERE sp.school_id = r.id))"""


def _differing(damaged, kind: str) -> set[int]:
    """Primary keys of rows here whose stamp is not the same in `damaged`, or that are missing there: one
    ordered pass over each side, so memory does not grow with the table."""
    here = ((api_id, (pk, stamp)) for pk, api_id, stamp in _ordered_here(_stamps(kind, with_id=True)))
    there = ((api_id, stamp) for api_id, stamp in _ordered_there(damaged, _stamps(kind, with_id=False)))
    return {mine[0] for _, mine, theirs in _merged(here, there) if mine is not None and theirs != mine[1]}


def _lost(damaged) -> dict[str, dict[str, list[str]]]:
    """Per provider (by name), per resource: the ids the provider could see before the restore and cannot now.

    Declarations count as seen by a provider that lists their participant, which is more than it may see
    (D38), never less.
    """
    providers = {
        row[0]: row[1] for row in _all_there(damaged, f"SELECT api_id, name FROM {LeadProvider._meta.db_table}")
    }
    pairs = {
        "participants": _LISTED.format(listing=ProviderListing._meta.db_table),
        "unfunded-mentors": _LISTED.format(listing=UnfundedMentorListing._meta.db_table),
        "participant-declarations": _DECLARATIONS_LISTED,
        "partnerships": f"""
            SELECT lp.api_id, p.api_id FROM {Partnership._meta.db_table} p
              JOIN {LeadProvider._meta.db_table} lp ON lp.id = p.lead_provider_id
        """,
    }
    lost: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for resource, query in pairs.items():
        ordered = query + " ORDER BY 1, 2"
        here = ((tuple(row), True) for row in _ordered_here(ordered))
        there = ((tuple(row), True) for row in _ordered_there(damaged, ordered))
        for (provider, api_id), mine, _theirs in _merged(here, there):
            if mine is None:
                lost[providers.get(provider, str(provider))][resource].append(str(api_id))
    return {provider: dict(resources) for provider, resources in sorted(lost.items())}


_LISTED = f"""
    SELECT lp.api_id, pa.api_id FROM {{listing}} l
      JOIN {LeadProvider._meta.db_table} lp ON lp.id = l.lead_provider_id
      JOIN {Participant._meta.db_table} pa ON pa.id = l.participant_id
"""
_DECLARATIONS_LISTED = f"""
    SELECT lp.api_id, d.api_id FROM {Declaration._meta.db_table} d
      JOIN {TrainingPeriod._meta.db_table} tp ON tp.id = d.training_period_id
      JOIN {SchoolPeriod._meta.db_table} sp ON sp.id = tp.school_period_id
      JOIN {ProviderListing._meta.db_table} l ON l.participant_id = sp.participant_id
      JOIN {LeadProvider._meta.db_table} lp ON lp.id = l.lead_provider_id
"""


def _ordered_here(query: str) -> Iterator[tuple]:
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(query)
        while rows := cursor.fetchmany(_READ_SIZE):
            yield from rows


def _ordered_there(damaged, query: str) -> Iterator[tuple]:
    with damaged.cursor(name="resync_after_restore") as cursor:
        cursor.itersize = _READ_SIZE
        cursor.execute(query)
        yield from cursor


def _all_there(damaged, query: str) -> list[tuple]:
    with damaged.cursor() as cursor:
        cursor.execute(query)
        return cursor.fetchall()


_ABSENT = object()


def _merged(left: Iterable[tuple], right: Iterable[tuple]) -> Iterator[tuple]:
    """Two streams of (key, row), each sorted by key with keys unique: (key, left row or None, right row or None)."""
    left, right = iter(left), iter(right)
    mine, theirs = next(left, _ABSENT), next(right, _ABSENT)
    while mine is not _ABSENT or theirs is not _ABSENT:
        if theirs is _ABSENT or (mine is not _ABSENT and mine[0] < theirs[0]):
            yield mine[0], mine[1], None
            mine = next(left, _ABSENT)
        elif mine is _ABSENT or theirs[0] < mine[0]:
            yield theirs[0], None, theirs[1]
            theirs = next(right, _ABSENT)
        else:
            yield mine[0], mine[1], theirs[1]
            mine, theirs = next(left, _ABSENT), next(right, _ABSENT)


# --- stamping again --------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Outcome:
    stamped: dict[str, int]
    batches: int
    seconds: float


Progress = Callable[[str, int], None]


def restamp(
    selection: Selection,
    *,
    now: dt.datetime,
    reason: str,
    ticket: str = "",
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> Outcome:
    """Stamp the selected records with the moment each batch commits, audited with `reason`."""
    if not reason.strip():
        raise ValueError("A reason is required: it is kept with every audit event.")
    started = time.monotonic()
    stamped = dict.fromkeys(KINDS, 0)
    batches = 0

    def step(kind, counts):
        nonlocal batches
        batches += 1
        for name, count in counts.items():
            stamped[name] += count
        if progress is not None:
            progress(kind, stamped[kind])

    with changes.recording(actor=changes.SYSTEM, action=ACTION, reason=reason.strip(), ticket=ticket.strip()):
        for batch in _people_batches(selection, batch_size):
            step("participants", _retrying(lambda b=batch: _stamp_people(b, selection, now=now)))
        for kind, selected in (("partnerships", selection.partnerships), ("schools", selection.schools)):
            for batch in _batches(_STAMPED[kind][0], selected, batch_size):
                step(kind, _retrying(lambda b=batch, k=kind: _stamp_rows(k, b, now=now)))
    outcome = Outcome(stamped=stamped, batches=batches, seconds=time.monotonic() - started)
    logger.info(
        "records stamped again after a restore",
        extra={"stamped": stamped, "batches": batches, "seconds": round(outcome.seconds, 3)},
    )
    return outcome


# A declaration's participant.
_OWNER = "training_period__school_period__participant_id"


def _people_batches(selection: Selection, size: int) -> Iterator[list[int]]:
    """Participants to lock, in order: the selected ones and the owners of the selected declarations."""
    if selection.participants is None:
        yield from _batches(Participant, None, size)
        return
    owners = set(selection.participants)
    if selection.declarations:
        owners.update(
            Declaration.objects.filter(pk__any=IdArray(selection.declarations)).values_list(_OWNER, flat=True)
        )
    yield from _batches(Participant, owners, size)


def _batches(model, selected: frozenset[int] | set[int] | None, size: int) -> Iterator[list[int]]:
    if selected is not None:
        ordered = sorted(selected)
        for start in range(0, len(ordered), size):
            yield ordered[start : start + size]
        return
    # Every row, a page at a time by primary key: rows added meanwhile are stamped by whatever adds them.
    last = 0
    while batch := list(model.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:size]):
        yield batch
        last = batch[-1]


def _stamp_people(batch: list[int], selection: Selection, *, now: dt.datetime) -> dict[str, int]:
    """One unit of work: lock the batch's participants (as actions do), then their selected declarations, then
    stamp both with the moment it commits."""
    with changes.unit_of_work(now=now):
        people = [
            person
            for person in locking.lock_where(Q(pk__in=batch))
            if selection.participants is None or person.pk in selection.participants
        ]
        owned = [
            declaration
            for declaration in Declaration.objects.select_for_update(of=("self",))
            .filter(**{f"{_OWNER}__any": batch})
            .annotate(owner=F(_OWNER))
            .only("pk", "api_updated_at")
            .order_by("pk")
            if selection.declarations is None or declaration.pk in selection.declarations
        ]
        # Last: the shared stamping lock and the moment this unit commits (config.changes).
        stamp = changes.commit_moment(now)
        return {
            "participants": _move(people, "api_updated_at", stamp, owners=lambda person: [person.pk]),
            "participant-declarations": _move(
                owned, "api_updated_at", stamp, owners=lambda declaration: [declaration.owner]
            ),
        }


def _stamp_rows(kind: str, batch: list[int], *, now: dt.datetime) -> dict[str, int]:
    model, field = _STAMPED[kind]
    with changes.unit_of_work(now=now):
        # A school is locked as school actions lock it, leaving rows that refer to it free.
        locked = model.objects.select_for_update(no_key=model is School).filter(pk__any=batch)
        rows = list(locked.only("pk", field).order_by("pk"))
        stamp = changes.commit_moment(now)
        return {kind: _move(rows, field, stamp, owners=lambda row: ())}


def _move(rows: list, field: str, stamp: dt.datetime, *, owners: Callable[[object], Iterable[int]]) -> int:
    """Stamp these locked rows, each audited as whose history `owners` names; a row already showing a later
    moment (one chosen in a sandbox) keeps it."""
    moved = [row for row in rows if getattr(row, field) < stamp]
    if moved:
        type(moved[0]).objects.filter(pk__any=[row.pk for row in moved]).update(**{field: stamp})
    for row in moved:
        changes.note_written(row, {field: (getattr(row, field), stamp)}, participant_ids=owners(row))
    return len(moved)


def _retrying(attempt: Callable[[], dict[str, int]]) -> dict[str, int]:
    """A batch that met another transaction's locks (a deadlock, a lock timeout) is rolled back whole; try again."""
    for number in range(_ATTEMPTS):
        try:
            return attempt()
        except OperationalError as error:
            if getattr(error.__cause__, "sqlstate", None) not in _TRANSIENT or number == _ATTEMPTS - 1:
                raise
            time.sleep(0.5 * 2**number)
    raise AssertionError("unreachable")
