"""What lead providers can see about a participant, and so what moves `api_updated_at` (F30, O1, O2).

Models register here once. At the end of every unit of work (`config.changes`), once for all the
rows the action changed, the participants whose visible data changed have their `api_updated_at`
moved and their provider enrolments refreshed (V7). Views, forms and services never touch
`api_updated_at` themselves.
"""

from __future__ import annotations

from django.db.models import Q

from config import changes, clock
from participants import enrolments, locking
from participants.models import (
    InductionPeriod,
    Mentorship,
    Participant,
    ParticipantIdChange,
    SchoolPeriod,
    TrainingPeriod,
)
from schools.models import Partnership, School, SchoolFundingEligibility


def _own(attribute):
    """Rows that name their participant themselves."""
    return lambda rows: {row.pk: [getattr(row, attribute)] for row in rows}


def _grouped(pairs) -> dict:
    found = {}
    for key, participant_id in pairs:
        found.setdefault(key, set()).add(participant_id)
    return found


def _by_school_period(attributes):
    """Rows that point at school periods: one query for all of them, none when the periods are loaded."""

    def resolve(rows):
        wanted = {getattr(row, attribute + "_id") for row in rows for attribute in attributes}
        loaded = {
            period.pk: period.participant_id
            for row in rows
            for attribute in attributes
            if (period := row._state.fields_cache.get(attribute)) is not None
        }
        missing = wanted - set(loaded) - {None}
        if missing:
            loaded.update(SchoolPeriod.objects.filter(pk__in=missing).values_list("id", "participant_id"))
        return {row.pk: [loaded.get(getattr(row, attribute + "_id")) for attribute in attributes] for row in rows}

    return resolve


def _participants_at_schools(schools):
    return _grouped(SchoolPeriod.objects.filter(school__in=schools).values_list("school_id", "participant_id"))


def _participants_in_partnerships(partnerships):
    return _grouped(
        TrainingPeriod.objects.filter(partnership__in=partnerships).values_list(
            "partnership_id", "school_period__participant_id"
        )
    )


def _participants_with_uplift(eligibilities):
    pairs = Q()
    for row in eligibilities:
        pairs |= Q(partnership__school_id=row.school_id, partnership__cohort_id=row.cohort_id)
    rows = {(row.school_id, row.cohort_id): row.pk for row in eligibilities}
    found = TrainingPeriod.objects.filter(pairs).values_list(
        "partnership__school_id", "partnership__cohort_id", "school_period__participant_id"
    )
    return _grouped((rows[(school_id, cohort_id)], pid) for school_id, cohort_id, pid in found)


_PARTICIPANT_FIELDS = (
    "full_name",
    "trn",
    "date_of_birth",  # audited, but no provider ever sees it
    "ect_training_record_id",
    "mentor_training_record_id",
    "ect_eligible_on",
    "ect_exempt_on",
    "mentor_eligible_on",
    "mentor_funding_end_date",
    "mentor_funding_end_reason",
    "ect_payments_frozen_year",
    "mentor_payments_frozen_year",
    "retired_into",
)

# model -> (audited fields, fields whose change providers see (None = any), whose participants)
VISIBILITY = {
    Participant: (
        _PARTICIPANT_FIELDS,
        set(_PARTICIPANT_FIELDS) - {"date_of_birth"},
        _own("pk"),
    ),
    SchoolPeriod: (
        (
            "participant",
            "school",
            "participant_type",
            "email",
            "working_pattern",
            "appropriate_body",
            "mentoring_only_here",
            "started_on",
            "finished_on",
        ),
        # Not the appropriate body or the mentor's "only here" answer: the contract shows neither.
        {"email", "working_pattern", "started_on", "finished_on", "school", "participant", "participant_type"},
        _own("participant_id"),
    ),
    TrainingPeriod: (
        (
            "school_period",
            "programme_type",
            "lead_provider",
            "partnership",
            "schedule",
            "started_on",
            "finished_on",
            "deferred_at",
            "deferral_reason",
            "withdrawn_at",
            "withdrawal_reason",
        ),
        None,
        _by_school_period(["school_period"]),
    ),
    Mentorship: (
        ("ect_school_period", "mentor_school_period", "started_on", "finished_on"),
        None,
        _by_school_period(["ect_school_period", "mentor_school_period"]),
    ),
    InductionPeriod: (
        ("participant", "appropriate_body_name", "started_on", "finished_on", "outcome"),
        {"participant", "started_on", "finished_on", "outcome"},
        _own("participant_id"),
    ),
    ParticipantIdChange: (
        ("participant", "from_participant_id", "to_participant_id", "changed_at"),
        None,
        _own("participant_id"),
    ),
    Partnership: (
        ("school", "lead_provider", "delivery_partner", "cohort", "created_by"),
        {"delivery_partner", "lead_provider", "school", "cohort"},
        _participants_in_partnerships,
    ),
    School: (
        ("urn", "name", "induction_tutor_name", "induction_tutor_email", "eligible_for_training"),
        {"urn"},
        _participants_at_schools,
    ),
    SchoolFundingEligibility: (
        ("school", "cohort", "pupil_premium_uplift", "sparsity_uplift"),
        {"pupil_premium_uplift", "sparsity_uplift"},
        _participants_with_uplift,
    ),
}

# Of those audited fields, the ones that identify a person (see `changes.track`).
PERSONAL = {
    Participant: ("full_name", "trn", "date_of_birth"),
    SchoolPeriod: ("email",),
    School: ("induction_tutor_name", "induction_tutor_email"),
}

for _model, (_fields, _visible, _resolver) in VISIBILITY.items():
    changes.track(_model, fields=_fields, participant_ids=_resolver, personal=PERSONAL.get(_model, ()))


def provider_visible(change: changes.Change) -> bool:
    visible_fields = VISIBILITY[change.model][1]
    if change.event != "updated" or visible_fields is None:
        return True
    return bool(visible_fields.intersection(change.changed))


def touch(participant_ids, *, now) -> None:
    """Move `api_updated_at` and re-derive the provider enrolments of these participants.

    `api_updated_at` moves to `now` at once (which locks the rows), then to the moment the unit of work
    commits (`changes.stamp_at_commit`), so that `updated_since` misses nothing.
    """
    ids = [pid for pid in set(participant_ids) if pid is not None]
    if not ids:
        return
    # The refresh writes participants, listings and enrolments in one statement, in an order PostgreSQL chooses.
    # Locking the participants first, in the order every action does, means two units touching the same people
    # (a rename and a change of partnership, say) queue rather than deadlock on each other's listing rows.
    locking.lock_ids(ids)
    enrolments.refresh(ids, today=clock.london_date(now), api_updated_at=now)
    changes.stamp_at_commit(Participant.objects.filter(pk__in=ids), "api_updated_at")


def _previous_owners(changes_: list[changes.Change]) -> set[int]:
    """A row moved to another participant also changes what providers see of the one it left."""
    owners, periods = set(), set()
    for change in changes_:
        if change.event != "updated":
            continue
        if "participant" in change.changed:
            owners.add(change.changed["participant"][0])
        periods.update(
            change.changed[name][0]
            for name in ("school_period", "ect_school_period", "mentor_school_period")
            if name in change.changed
        )
    if periods:
        owners.update(SchoolPeriod.objects.filter(pk__in=periods).values_list("participant_id", flat=True))
    return owners


@changes.after_each_unit
def _move_what_providers_see(changes_: list[changes.Change]) -> None:
    visible = [change for change in changes_ if change.model in VISIBILITY and provider_visible(change)]
    if visible:
        ids = {pid for change in visible for pid in change.participant_ids} | _previous_owners(visible)
        touch(ids, now=visible[0].now)
