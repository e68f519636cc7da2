"""Transfers: participants who left one school for another, as a lead provider sees them.

A transfer is derived, never stored. For each participant and each participant type (ECT, mentor):

1. order their school periods of that type by start date;
2. each period that has an end date is a leaving side, and the period after it (if any) its joining side;
3. it is a transfer when the joining side is at a different school, or when there is no joining side yet
   (the school reported them leaving and no school has registered them since) -- except for an ECT whose
   induction is complete: they finished, they did not move;
4. a provider sees it when the leaving side's latest training or the joining side's earliest training is under
   a partnership of that provider (V1: an expression of interest alone does not count).

Each side shows its school's URN, the provider named on that training (null when school-led or untrained)
and a date: the day the leaving period ends, the day the joining period starts. `transfer_type` is unknown
until there is training at the new school, then new_provider when the two sides name different providers
(school-led names none), else new_school; `status` is incomplete until the joining side is known.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models.expressions import RawSQL

from config import clock

NEW_SCHOOL, NEW_PROVIDER, UNKNOWN = "new_school", "new_provider", "unknown"
INCOMPLETE, COMPLETE = "incomplete", "complete"

_TRANSFERS = """
    WITH periods AS (
        SELECT sp.id, sp.participant_id, sp.participant_type, sp.school_id, sp.started_on, sp.finished_on, sp.created_at,
               LEAD(sp.id) OVER (
                   PARTITION BY sp.participant_id, sp.participant_type ORDER BY sp.started_on, sp.id
               ) AS next_id
          FROM participants_schoolperiod sp
          JOIN participants_participant pa ON pa.id = sp.participant_id
         WHERE pa.retired_into_id IS NULL {participant_filter}
           -- Only people this provider has trained can have a transfer it sees (step 4): a cheap first cut.
           AND sp.participant_id IN (SELECT e.participant_id FROM participants_providerenrolment e WHERE e.lead_provider_id = %s)
    )
    SELECT p.participant_id, p.participant_type,
           leaving_school.urn, leaving_provider.name, leaving.id, leaving.lead_provider_id, p.finished_on, p.created_at,
           joining_school.urn, joining_provider.name, joining.id, joining.lead_provider_id, nxt.started_on, nxt.created_at
      FROM periods p
      JOIN schools_school leaving_school ON leaving_school.id = p.school_id
      LEFT JOIN participants_schoolperiod nxt ON nxt.id = p.next_id
      LEFT JOIN schools_school joining_school ON joining_school.id = nxt.school_id
      LEFT JOIN LATERAL (
          SELECT tp.id, tp.lead_provider_id, tp.partnership_id FROM participants_trainingperiod tp
           WHERE tp.school_period_id = p.id ORDER BY tp.started_on DESC, tp.id DESC LIMIT 1
      ) leaving ON TRUE
      LEFT JOIN LATERAL (
          SELECT tp.id, tp.lead_provider_id, tp.partnership_id FROM participants_trainingperiod tp
           WHERE tp.school_period_id = nxt.id ORDER BY tp.started_on, tp.id LIMIT 1
      ) joining ON TRUE
      LEFT JOIN schools_leadprovider leaving_provider ON leaving_provider.id = leaving.lead_provider_id
      LEFT JOIN schools_leadprovider joining_provider ON joining_provider.id = joining.lead_provider_id
      LEFT JOIN schools_partnership leaving_partnership ON leaving_partnership.id = leaving.partnership_id
      LEFT JOIN schools_partnership joining_partnership ON joining_partnership.id = joining.partnership_id
     WHERE p.finished_on IS NOT NULL
       AND (nxt.id IS NULL OR nxt.school_id <> p.school_id)
       AND NOT (nxt.id IS NULL AND p.participant_type = 'ect' AND EXISTS (
               SELECT 1 FROM participants_inductionperiod ip
                WHERE ip.participant_id = p.participant_id AND ip.outcome IS NOT NULL))
       AND %s IN (leaving_partnership.lead_provider_id, joining_partnership.lead_provider_id)
"""


@dataclass(frozen=True)
class Side:
    school_urn: str
    provider: str | None
    trained: bool
    lead_provider_id: int | None
    date: dt.date
    recorded_at: dt.datetime


@dataclass(frozen=True)
class Transfer:
    participant_id: int
    participant_type: str
    leaving: Side
    joining: Side | None

    @property
    def transfer_type(self) -> str:
        # Until there is training at the new school, whether the provider changes is not known.
        if self.joining is None or not self.joining.trained:
            return UNKNOWN
        if self.joining.lead_provider_id != self.leaving.lead_provider_id:
            return NEW_PROVIDER
        return NEW_SCHOOL

    @property
    def status(self) -> str:
        return COMPLETE if self.joining is not None else INCOMPLETE

    @property
    def created_on(self) -> dt.date:
        """The London date the newer of the two school periods was recorded."""
        latest = (
            self.leaving.recorded_at
            if self.joining is None
            else max(self.leaving.recorded_at, self.joining.recorded_at)
        )
        return clock.london_date(latest)


def participant_ids_with_transfers(lead_provider) -> RawSQL:
    """For `Participant.objects.filter(pk__in=...)`: participants with a transfer this provider sees."""
    sql = "SELECT participant_id FROM (" + _TRANSFERS.format(participant_filter="") + ") AS transfers"
    return RawSQL(sql, [lead_provider.pk, lead_provider.pk])


def transfers_of(lead_provider, participant_ids) -> dict[int, list[Transfer]]:
    """Each participant's transfers this provider sees, oldest leaving first, in one query."""
    ids = list(participant_ids)
    found: dict[int, list[Transfer]] = {pid: [] for pid in ids}
    if not ids:
        return found
    sql = _TRANSFERS.format(participant_filter="AND sp.participant_id = ANY(%s)") + (
        " ORDER BY p.participant_id, p.started_on, p.participant_type, p.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [ids, lead_provider.pk, lead_provider.pk])
        for (
            participant_id,
            participant_type,
            leaving_urn,
            leaving_provider,
            leaving_training,
            leaving_provider_id,
            leaving_date,
            leaving_recorded,
            joining_urn,
            joining_provider,
            joining_training,
            joining_provider_id,
            joining_date,
            joining_recorded,
        ) in cursor:
            joining = None
            if joining_urn is not None:
                joining = Side(
                    joining_urn,
                    joining_provider,
                    joining_training is not None,
                    joining_provider_id,
                    joining_date,
                    joining_recorded,
                )
            leaving = Side(
                leaving_urn,
                leaving_provider,
                leaving_training is not None,
                leaving_provider_id,
                leaving_date,
                leaving_recorded,
            )
            found[participant_id].append(Transfer(participant_id, participant_type, leaving, joining))
    return found
