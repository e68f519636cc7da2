"""Reads for GET /api/v3/participants: which participants a provider sees, and what it sees of them.

The queries declare everything the representation needs, so a page costs the same number of
queries whatever its size: one for the page's ids (from the provider's listings), one for the participants
and everything about them. Rows come back as plain values and are shaped by
`participants.api.representation`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import orjson
from django.db.models import Exists, F, OuterRef, Subquery, TextField, Value
from django.db.models.functions import Cast, Coalesce, JSONObject

from config.api.lookup import visible_or_none
from config.api.pagination import on_column
from config.lookups import IdArray
from participants.models import (
    InductionPeriod,
    Mentorship,
    Participant,
    ParticipantIdChange,
    ParticipantType,
    ProviderEnrolment,
    ProviderListing,
    SchoolPeriod,
)
from participants.status import induction_dates
from schools.models import LeadProvider, SchoolFundingEligibility

TRAINING_STATUSES = ("active", "deferred", "withdrawn")


@dataclass
class ParticipantRecord:
    row: dict
    enrolments: list[dict] = field(default_factory=list)
    id_changes: list[dict] = field(default_factory=list)


def enrolments_of(lead_provider: LeadProvider, **conditions):
    """The provider's enrolments (pointers, V2) of the participant in the outer query, for `Exists`."""
    return ProviderEnrolment.objects.filter(participant=OuterRef("pk"), lead_provider=lead_provider, **conditions)


def visible_participants(lead_provider: LeadProvider):
    """V3: participants with at least one enrolment (pointer) for this provider."""
    return Participant.objects.filter(Exists(enrolments_of(lead_provider)))


PARTICIPANT_FIELDS = (
    "id",
    "api_id",
    "full_name",
    "trn",
    "api_updated_at",
    "ect_training_record_id",
    "mentor_training_record_id",
    "ect_eligible_on",
    "ect_exempt_on",
    "mentor_eligible_on",
    "mentor_funding_end_date",
    "mentor_funding_end_reason",
    "ect_payments_frozen_year",
    "mentor_payments_frozen_year",
)


# F5–F11 inputs per enrolment: straight joins along the pointer, no per-row subqueries.
_ENROLMENT_VALUES = {
    "participant_id": "participant_id",
    "participant_type": "participant_type",
    "started_on": "training_period__started_on",
    "finished_on": "training_period__finished_on",
    "deferred_at": "training_period__deferred_at",
    "deferral_reason": "training_period__deferral_reason",
    "withdrawn_at": "training_period__withdrawn_at",
    "withdrawal_reason": "training_period__withdrawal_reason",
    "school_period_id": "training_period__school_period_id",
    "email": "training_period__school_period__email",
    "school_urn": "training_period__partnership__school__urn",
    "delivery_partner_id": "training_period__partnership__delivery_partner__api_id",
    "cohort": "training_period__partnership__cohort_id",
    "uplift_fees": "training_period__partnership__cohort__uplift_fees",
    "schedule_identifier": "training_period__schedule__identifier",
}


def _first_by(rows, key, order):
    """The first row per key under `order` (rows are dicts)."""
    chosen = {}
    for row in sorted(rows, key=order):
        chosen.setdefault(key(row), row)
    return chosen


def listings(lead_provider: LeadProvider):
    """V3 for lists: the provider's listings, one per participant it sees, filtered and sorted from one index."""
    return ProviderListing.objects.filter(lead_provider=lead_provider)


def records(
    lead_provider: LeadProvider, listed, *, today: dt.date, ordering=("created_at", "id"), page=None
) -> list[ParticipantRecord]:
    """Load everything the representation needs for a page of the provider's listings (`listings`).

    The page of ids comes from the listings' index (its cost does not depend on the other participants in
    the database), then one query keyed by the page's ids (`records_of`), so the cost grows with the
    page's rows but the number of queries never does.
    """
    ids_query = listed.order_by(*on_column(ordering, id_column="participant_id")).values_list(
        "participant_id", flat=True
    )
    ids = list(page.slice(ids_query) if page is not None else ids_query)
    return records_of(lead_provider, ids, today=today)


def records_of(lead_provider: LeadProvider, ids: list[int], *, today: dt.date) -> list[ParticipantRecord]:
    """The records of these participants (ids the provider sees), in their order.

    One query whatever the number of ids: the participants, their enrolments with this provider and
    everything else the representation needs (see `_related`).
    """
    if not ids:
        return []
    related = _related(lead_provider, IdArray(ids), today=today)
    rows = {owner: found[0] for owner, found in related["participant"].items()}
    result = [ParticipantRecord(rows[pk]) for pk in ids]
    by_id = {record.row["id"]: record for record in result}
    enrolments = sorted(
        (enrolment for found in related["enrolment"].values() for enrolment in found),
        key=lambda e: (e["participant_id"], e["participant_type"]),
    )

    for record in result:
        record.row.update(induction_dates(related["induction"].get(record.row["id"], [])))
    school_periods = [period for periods in related["school_period"].values() for period in periods]
    # F19: created_at of the earliest school period of the type; F20: the latest ECT period's pattern.
    earliest = _first_by(
        school_periods, lambda p: (p["participant_id"], p["participant_type"]), lambda p: (p["started_on"], p["id"])
    )
    latest_ect = _first_by(
        [p for p in school_periods if p["participant_type"] == ParticipantType.ECT],
        lambda p: p["participant_id"],
        lambda p: (-p["started_on"].toordinal(), -p["id"]),
    )
    # F4: the earliest mentorship of the training's school period that is current or still to come.
    mentorships = [mentorship for found in related["mentorship"].values() for mentorship in found]
    mentor_of = _first_by(mentorships, lambda m: m["ect_school_period_id"], lambda m: (m["started_on"], m["id"]))
    for enrolment in enrolments:
        participant_id = enrolment["participant_id"]
        mentorship = mentor_of.get(enrolment["school_period_id"])
        first = earliest.get((participant_id, enrolment["participant_type"]))
        latest = latest_ect.get(participant_id)
        enrolment.update(
            mentor_id=mentorship["mentor_api_id"] if mentorship else None,
            first_created_at=first["created_at"] if first else None,
            latest_working_pattern=latest["working_pattern"] if latest else None,
        )
        by_id[participant_id].enrolments.append(enrolment)

    for participant_id, changes in related["id_change"].items():
        by_id[participant_id].id_changes.extend(sorted(changes, key=lambda c: (c["changed_at"], c["id"])))
    return result


# How each kind of row's JSON values become Python ones again. UUIDs stay as the canonical text PostgreSQL
# writes (what the documents show), rather than being parsed only to be written back.
_DATE, _MOMENT = dt.date.fromisoformat, dt.datetime.fromisoformat
_RELATED_TYPES = {
    "participant": {
        "api_updated_at": _MOMENT,
        "ect_eligible_on": _DATE,
        "ect_exempt_on": _DATE,
        "mentor_eligible_on": _DATE,
        "mentor_funding_end_date": _DATE,
    },
    "enrolment": {"started_on": _DATE, "finished_on": _DATE, "deferred_at": _MOMENT, "withdrawn_at": _MOMENT},
    "induction": {"started_on": _DATE, "finished_on": _DATE},
    "school_period": {"started_on": _DATE, "created_at": _MOMENT},
    "mentorship": {"started_on": _DATE},
    "id_change": {"changed_at": _MOMENT},
}


def _related(lead_provider: LeadProvider, ids: IdArray, *, today: dt.date) -> dict[str, dict[int, list[dict]]]:
    """These participants, with their enrolments with this provider, induction periods, school periods,
    current mentorships and ID changes, as {kind: {owner: [row]}}: one UNION ALL of set-based
    reads keyed by the ids, each row's values in a JSON object (so the branches share one shape)."""

    def branch(queryset, kind, owner, **values):
        # As text, decoded with orjson below: the database driver's parsing of dates and timestamps, and the
        # ORM's of JSON, are the slow part of a large page. Unordered: a model's default ordering would sort
        # every branch for nothing.
        return (
            queryset.order_by()
            .annotate(kind=Value(kind), owner=owner, data=Cast(JSONObject(**values), TextField()))
            .values_list("kind", "owner", "data")
        )

    # The school's uplifts in the training's cohort (F9, F10), looked up along each enrolment's pointer.
    uplifts = SchoolFundingEligibility.objects.filter(
        school_id=OuterRef("training_period__partnership__school_id"),
        cohort_id=OuterRef("training_period__partnership__cohort_id"),
    )
    union = branch(
        Participant.objects.filter(id__any=ids), "participant", F("id"), **{name: name for name in PARTICIPANT_FIELDS}
    ).union(
        branch(
            ProviderEnrolment.objects.filter(lead_provider=lead_provider, participant_id__any=ids),
            "enrolment",
            F("participant_id"),
            **_ENROLMENT_VALUES,
            school_pupil_premium_uplift=Coalesce(Subquery(uplifts.values("pupil_premium_uplift")), False),
            school_sparsity_uplift=Coalesce(Subquery(uplifts.values("sparsity_uplift")), False),
        ),
        branch(
            InductionPeriod.objects.filter(participant_id__any=ids),
            "induction",
            F("participant_id"),
            started_on="started_on",
            finished_on="finished_on",
            outcome="outcome",
        ),
        branch(
            SchoolPeriod.objects.filter(participant_id__any=ids),
            "school_period",
            F("participant_id"),
            id="id",
            participant_id="participant_id",
            participant_type="participant_type",
            started_on="started_on",
            created_at="created_at",
            working_pattern="working_pattern",
        ),
        branch(
            Mentorship.objects.filter(ect_school_period__participant_id__any=ids).filter(
                Mentorship.q_not_ended_before(today)
            ),
            "mentorship",
            F("ect_school_period__participant_id"),
            ect_school_period_id="ect_school_period_id",
            started_on="started_on",
            id="id",
            mentor_api_id="mentor_school_period__participant__api_id",
        ),
        branch(
            ParticipantIdChange.objects.filter(participant_id__any=ids),
            "id_change",
            F("participant_id"),
            id="id",
            participant_id="participant_id",
            from_participant_id="from_participant_id",
            to_participant_id="to_participant_id",
            changed_at="changed_at",
        ),
        all=True,
    )
    found = {kind: {} for kind in _RELATED_TYPES}
    for kind, owner, text in union:
        data = orjson.loads(text)
        for name, parse in _RELATED_TYPES[kind].items():
            if data[name] is not None:
                data[name] = parse(data[name])
        found[kind].setdefault(owner, []).append(data)
    return found


def surviving_participant_of(retired_api_id, lead_provider: LeadProvider):
    """O8: for a merged-away id, the participant it was merged into, if this provider sees that one."""
    survivors = visible_participants(lead_provider).values_list("api_id", flat=True)
    return visible_or_none(survivors, id_changes__from_participant_id=retired_api_id)
