"""Deleting a previous demo set, so a rerun replaces it instead of adding to it."""

from __future__ import annotations

from django.db import connection, models, transaction

from config.models import AuditEvent
from declarations.models import Declaration
from demo.generator.records import demo_school_ids, is_demo_school
from participants.models import (
    InductionPeriod,
    Mentorship,
    Participant,
    ParticipantIdChange,
    ProviderEnrolment,
    SchoolPeriod,
    TrainingPeriod,
)
from schools.models import Partnership, School, SchoolCohortChoice, SchoolFundingEligibility

_DEMO_PARTICIPANTS = """
    WITH RECURSIVE demo(id) AS (
        SELECT participant_id FROM participants_schoolperiod WHERE school_id = ANY(%s)
        UNION
        SELECT p.id FROM participants_participant p JOIN demo ON p.retired_into_id = demo.id
    )
    SELECT id FROM demo
"""


def _ids(sql: str, params) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


class DemoDataInUse(Exception):
    pass


def remove() -> int:
    """Delete the demo schools and everything at them; returns how many participants went."""
    with transaction.atomic():
        school_ids = demo_school_ids()
        if not school_ids:
            return 0
        participant_ids = _ids(_DEMO_PARTICIPANTS, [school_ids])
        school_period_ids = _ids(
            "SELECT id FROM participants_schoolperiod WHERE participant_id = ANY(%s)", [participant_ids]
        )
        training_period_ids = _ids(
            "SELECT id FROM participants_trainingperiod WHERE school_period_id = ANY(%s)", [school_period_ids]
        )
        partnership_ids = _ids("SELECT id FROM schools_partnership WHERE school_id = ANY(%s)", [school_ids])
        declaration_ids = _ids(
            "SELECT id FROM declarations_declaration WHERE training_period_id = ANY(%s) OR mentor_id = ANY(%s)",
            [training_period_ids, participant_ids],
        )
        # Raw deletes: the ORM would send a signal (and write an audit event) per row.
        plan = [
            (Declaration, "id", declaration_ids),
            (ProviderEnrolment, "participant_id", participant_ids),
            (Mentorship, "ect_school_period_id", school_period_ids),
            (Mentorship, "mentor_school_period_id", school_period_ids),
            (TrainingPeriod, "id", training_period_ids),
            (SchoolPeriod, "id", school_period_ids),
            (InductionPeriod, "participant_id", participant_ids),
            (ParticipantIdChange, "participant_id", participant_ids),
            (Participant, "id", participant_ids),
            (Partnership, "id", partnership_ids),
            (SchoolFundingEligibility, "school_id", school_ids),
            (SchoolCohortChoice, "school_id", school_ids),
            (School, "id", school_ids),
        ]
        planned = {model for model, _, _ in plan}
        _remove_audit_events(participant_ids, {School: school_ids, Partnership: partnership_ids}, school_ids)
        with connection.cursor() as cursor:
            for model, column, ids in plan:
                if column == "id":
                    _clear_other_references(model, ids, planned)
                cursor.execute(f'DELETE FROM "{model._meta.db_table}" WHERE "{column}" = ANY(%s)', [ids])
        return len(participant_ids)


def _remove_audit_events(participant_ids: list[int], rows: dict, school_ids: list[int]) -> None:
    """The history the sandbox cases' services wrote (the bulk writes none): of demo people and demo schools' rows."""
    rows = {
        **rows,
        SchoolCohortChoice: _ids("SELECT id FROM schools_schoolcohortchoice WHERE school_id = ANY(%s)", [school_ids]),
        SchoolFundingEligibility: _ids(
            "SELECT id FROM schools_schoolfundingeligibility WHERE school_id = ANY(%s)", [school_ids]
        ),
    }
    with connection.cursor() as cursor:
        cursor.execute(
            f'DELETE FROM "{AuditEvent._meta.db_table}" WHERE participant_ids && %s::bigint[]', [participant_ids]
        )
        for model, ids in rows.items():
            cursor.execute(
                f'DELETE FROM "{AuditEvent._meta.db_table}" WHERE model = %s AND object_id = ANY(%s)',
                [model._meta.label, [str(pk) for pk in ids]],
            )


def _clear_other_references(model, ids: list[int], planned: set) -> None:
    """Rows of models this module does not know (added by other features) that point at demo rows."""
    if not ids:
        return
    for relation in model._meta.related_objects:
        if relation.related_model in planned:
            continue
        if relation.many_to_many:
            relation.through._base_manager.filter(**{f"{relation.field.m2m_reverse_field_name()}__in": ids}).delete()
            continue
        rows = relation.related_model._base_manager.filter(**{f"{relation.field.name}__in": ids})
        if relation.on_delete is models.SET_NULL:
            rows.update(**{relation.field.name: None})
        elif relation.on_delete is models.CASCADE:
            rows.delete()
        elif rows.exists():
            raise DemoDataInUse(
                f"{relation.related_model._meta.verbose_name_plural} refer to demo {model._meta.verbose_name_plural}; "
                "delete them before reseeding"
            )


def present() -> bool:
    return any(is_demo_school(urn, api_id) for urn, api_id in School.objects.values_list("urn", "api_id").iterator())
