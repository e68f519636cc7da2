"""`ProviderEnrolment` (V2's per-provider pointers): kept in step with training periods, and found for a
provider's request (A1–A3).

Set-based SQL: one statement recomputes the pointers of any number of participants, so the
same code serves a single change and the nightly full refresh.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection

from config.validation import Checks
from participants import status
from participants.models import COURSE_IDENTIFIERS, ProviderEnrolment, TrainingPeriod

_LATEST_TRAINING_PERIODS = """
    SELECT DISTINCT ON (sp.participant_id, p.lead_provider_id, sp.participant_type)
           sp.participant_id, p.lead_provider_id, sp.participant_type, tp.id AS training_period_id,
           p.cohort_id, tp.deferred_at, tp.withdrawn_at
      FROM participants_trainingperiod tp
      JOIN participants_schoolperiod sp ON sp.id = tp.school_period_id
      JOIN schools_partnership p ON p.id = tp.partnership_id
      JOIN participants_participant pa ON pa.id = sp.participant_id
     WHERE pa.retired_into_id IS NULL {participant_filter}
  ORDER BY sp.participant_id, p.lead_provider_id, sp.participant_type, tp.started_on DESC, tp.id DESC
"""

# Inputs to F12 for each enrolment (rows of `{enrolments}`), with the induction end date (F15) computed in SQL.
_STATUS_INPUTS_OF = """
    SELECT e.id, e.recorded_status, e.participant_id, e.participant_type,
           tp.started_on, tp.finished_on, tp.deferred_at, tp.withdrawn_at,
           pa.mentor_funding_end_date,
           (SELECT ip.finished_on FROM participants_inductionperiod ip
             WHERE ip.participant_id = e.participant_id AND ip.outcome IS NOT NULL
             ORDER BY ip.finished_on DESC LIMIT 1) AS induction_end_date
      FROM {enrolments} e
      JOIN participants_trainingperiod tp ON tp.id = e.training_period_id
      JOIN participants_participant pa ON pa.id = e.participant_id
"""
STATUS_INPUTS = _STATUS_INPUTS_OF.format(enrolments="participants_providerenrolment")

# `ProviderListing` rows (one per provider and participant) from `latest`: the list's sort keys and its
# filters, Q2 (cohorts) and Q4 (an enrolment with each training status, by presence).
_LISTINGS = """
    listed AS (
        INSERT INTO participants_providerlisting AS pl
               (lead_provider_id, participant_id, created_at, api_updated_at, cohorts,
                has_active, has_deferred, has_withdrawn)
        SELECT l.lead_provider_id, l.participant_id, pa.created_at, COALESCE(%(at)s::timestamptz, pa.api_updated_at),
               array_agg(DISTINCT l.cohort_id ORDER BY l.cohort_id),
               bool_or(l.deferred_at IS NULL AND l.withdrawn_at IS NULL),
               bool_or(l.deferred_at IS NOT NULL), bool_or(l.withdrawn_at IS NOT NULL)
          FROM latest l JOIN participants_participant pa ON pa.id = l.participant_id
      GROUP BY l.lead_provider_id, l.participant_id, pa.created_at, pa.api_updated_at
        ON CONFLICT (lead_provider_id, participant_id) DO UPDATE
           SET created_at = EXCLUDED.created_at, api_updated_at = EXCLUDED.api_updated_at,
               cohorts = EXCLUDED.cohorts, has_active = EXCLUDED.has_active,
               has_deferred = EXCLUDED.has_deferred, has_withdrawn = EXCLUDED.has_withdrawn
         WHERE (pl.created_at, pl.api_updated_at, pl.cohorts, pl.has_active, pl.has_deferred, pl.has_withdrawn)
               IS DISTINCT FROM (EXCLUDED.created_at, EXCLUDED.api_updated_at, EXCLUDED.cohorts,
                                 EXCLUDED.has_active, EXCLUDED.has_deferred, EXCLUDED.has_withdrawn)
    ),
    unlisted AS (
        DELETE FROM participants_providerlisting pl
         WHERE {listed_filter}
           AND NOT EXISTS (
               SELECT 1 FROM latest l WHERE l.participant_id = pl.participant_id AND l.lead_provider_id = pl.lead_provider_id)
    )
"""


def _unfunded_listings(*, named: bool) -> str:
    """CTEs that bring `UnfundedMentorListing` (who is an unfunded mentor of which provider) up to date, after
    `latest`: for the named participants and the mentors of their ECT periods, or for everyone.

    A mentor's enrolments with a provider are those `latest` has just derived for a named participant, and the
    stored ones for anyone else (the mentors of a named ECT).
    """
    affected = """
        affected AS (
            SELECT unnest(%(ids)s::bigint[]) AS id
            UNION
            SELECT msp.participant_id FROM participants_schoolperiod esp
              JOIN participants_mentorship m ON m.ect_school_period_id = esp.id
              JOIN participants_schoolperiod msp ON msp.id = m.mentor_school_period_id
             WHERE esp.participant_id = ANY(%(ids)s)
        ),"""
    stored_enrolment = """
               AND NOT EXISTS (
                   SELECT 1 FROM participants_providerenrolment e WHERE e.participant_id = msp.participant_id
                      AND e.lead_provider_id = p.lead_provider_id AND e.participant_type = 'mentor'
                      AND NOT e.participant_id = ANY(%(ids)s))"""
    moment = """CASE WHEN u.participant_id = ANY(%(ids)s) THEN COALESCE(%(at)s::timestamptz, pa.api_updated_at)
                        ELSE pa.api_updated_at END"""
    of_affected = "{alias}.participant_id IN (SELECT id FROM affected)" if named else "TRUE"
    return f"""
        {affected if named else ""}
        unfunded AS (
            SELECT DISTINCT p.lead_provider_id, msp.participant_id
              FROM participants_mentorship m
              JOIN participants_schoolperiod msp ON msp.id = m.mentor_school_period_id
              JOIN participants_trainingperiod tp ON tp.school_period_id = m.ect_school_period_id
              JOIN schools_partnership p ON p.id = tp.partnership_id
              JOIN participants_participant pa ON pa.id = msp.participant_id
             WHERE {of_affected.format(alias="msp")} AND pa.retired_into_id IS NULL
               AND NOT EXISTS (
                   SELECT 1 FROM latest l WHERE l.participant_id = msp.participant_id
                      AND l.lead_provider_id = p.lead_provider_id AND l.participant_type = 'mentor')
               {stored_enrolment if named else ""}
        ),
        unfunded_listed AS (
            INSERT INTO participants_unfundedmentorlisting AS ul (lead_provider_id, participant_id, created_at, api_updated_at)
            SELECT u.lead_provider_id, u.participant_id, pa.created_at, {moment if named else "pa.api_updated_at"}
              FROM unfunded u JOIN participants_participant pa ON pa.id = u.participant_id
                ON CONFLICT (participant_id, lead_provider_id) DO UPDATE
               SET created_at = EXCLUDED.created_at, api_updated_at = EXCLUDED.api_updated_at
             WHERE (ul.created_at, ul.api_updated_at) IS DISTINCT FROM (EXCLUDED.created_at, EXCLUDED.api_updated_at)
        ),
        unfunded_unlisted AS (
            DELETE FROM participants_unfundedmentorlisting ul
             WHERE {of_affected.format(alias="ul")}
               AND NOT EXISTS (
                   SELECT 1 FROM unfunded u WHERE u.participant_id = ul.participant_id AND u.lead_provider_id = ul.lead_provider_id)
        ),
        """


def refresh(
    participant_ids: Iterable[int] | None, *, today: dt.date, api_updated_at: dt.datetime | None = None
) -> None:
    """Recompute pointers for these participants (all when None) and record their current status.

    One statement recomputes the pointers, the listings and the unfunded mentors they imply, and returns the
    pointers' status inputs (with `api_updated_at`, it also moves these participants' `api_updated_at` to it);
    a second records the statuses that changed.
    """
    ids = None if participant_ids is None else sorted(set(participant_ids))
    if ids == []:
        return
    if api_updated_at is not None and ids is None:
        raise ValueError("api_updated_at moves for named participants only")
    of = (lambda alias: "TRUE") if ids is None else (lambda alias: f"{alias}.participant_id = ANY(%(ids)s)")
    stamped = ""
    if api_updated_at is not None:
        stamped = "stamped AS (UPDATE participants_participant SET api_updated_at = %(at)s WHERE id = ANY(%(ids)s)),"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH {stamped}
            latest AS ({_LATEST_TRAINING_PERIODS.format(participant_filter="" if ids is None else "AND " + of("sp"))}),
            removed AS (
                DELETE FROM participants_providerenrolment e
                 WHERE {of("e")}
                   AND NOT EXISTS (
                       SELECT 1 FROM latest l
                        WHERE l.participant_id = e.participant_id AND l.lead_provider_id = e.lead_provider_id
                          AND l.participant_type = e.participant_type)
            ),
            {_LISTINGS},
            {_unfunded_listings(named=ids is not None)}
            upserted AS (
                INSERT INTO participants_providerenrolment
                       (participant_id, lead_provider_id, participant_type, training_period_id, recorded_status)
                SELECT participant_id, lead_provider_id, participant_type, training_period_id, NULL FROM latest
                ON CONFLICT (participant_id, lead_provider_id, participant_type)
                DO UPDATE SET training_period_id = EXCLUDED.training_period_id
                RETURNING id, recorded_status, participant_id, participant_type, training_period_id
            )
            {_STATUS_INPUTS_OF.format(enrolments="upserted")}
            """.replace("{listed_filter}", of("pl")),
            {"ids": ids, "at": api_updated_at},
        )
        rows = cursor.fetchall()
        updates = [
            (enrolment_id, new) for enrolment_id, recorded, new in statuses(rows, today=today) if new != recorded
        ]
        record_statuses(cursor, updates)


def statuses(rows, *, today: dt.date):
    """(enrolment id, recorded status, current status) for rows shaped like STATUS_INPUTS."""
    for (
        enrolment_id,
        recorded,
        _participant_id,
        participant_type,
        started_on,
        finished_on,
        deferred_at,
        withdrawn_at,
        mentor_funding_end_date,
        induction_end_date,
    ) in rows:
        current = status.participant_status(
            participant_type=participant_type,
            started_on=started_on,
            finished_on=finished_on,
            deferred_at=deferred_at,
            withdrawn_at=withdrawn_at,
            induction_end_date=induction_end_date,
            mentor_funding_end_date=mentor_funding_end_date,
            today=today,
        )
        yield enrolment_id, recorded, current


def record_statuses(cursor, updates: list[tuple[int, str]]) -> None:
    if not updates:
        return
    ids = [u[0] for u in updates]
    # `= ANY` too, so that the rows are found by their index: joined to the arrays alone, the planner hashed the
    # whole table for each of the nightly job's batches.
    cursor.execute(
        """
        UPDATE participants_providerenrolment e SET recorded_status = u.status
          FROM unnest(%(ids)s::bigint[], %(statuses)s::text[]) AS u(id, status)
         WHERE e.id = ANY(%(ids)s::bigint[]) AND e.id = u.id
        """,
        {"ids": ids, "statuses": [u[1] for u in updates]},
    )


# --- the enrolment a provider's request names (A1–A3) ----------------------------------------------------------------

PARTICIPANT_TYPE_FOR_COURSE = {course: participant_type for participant_type, course in COURSE_IDENTIFIERS.items()}

ENTER_COURSE = "Enter a '#/course_identifier'."
COURSE_NOT_RECOGNISED = (
    "The entered '#/course_identifier' is not recognised for the given participant. Check details and try again."
)


def participant_type_for(course_identifier) -> str | None:
    return PARTICIPANT_TYPE_FOR_COURSE.get(course_identifier) if isinstance(course_identifier, str) else None


def training_period_for(checks: Checks, *, participant, lead_provider, course_identifier) -> TrainingPeriod | None:
    """A2/A3: the provider's latest training period of the chosen type, or a `course_identifier` failure."""
    participant_type = participant_type_for(course_identifier)
    if participant_type is None:
        checks.fail("course_identifier", ENTER_COURSE)
        return None
    enrolment = (
        ProviderEnrolment.objects.select_related(
            "training_period__school_period",
            "training_period__partnership",
            "training_period__schedule",
            "training_period__lead_provider",
        )
        .filter(participant=participant, lead_provider=lead_provider, participant_type=participant_type)
        .first()
    )
    if enrolment is None:
        checks.fail("course_identifier", COURSE_NOT_RECOGNISED)
        return None
    return enrolment.training_period
