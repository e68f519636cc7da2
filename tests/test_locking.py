"""Participants are locked by one helper in one order (participants.locking), so concurrent actions cannot deadlock."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from config import changes
from participants import locking
from participants.models import Participant, ParticipantType
from tests import factories
from tests.builders import partnership, trained_participant
from training.school_actions import assign_mentor, register_mentor

NOW = dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.UTC)


def participant_locks(queries) -> list[str]:
    return [q["sql"] for q in queries if "FOR UPDATE" in q["sql"] and 'FROM "participants_participant"' in q["sql"]]


def test_lock_returns_fresh_rows_in_the_order_given_and_locks_them_in_one_statement_by_id():
    first, second = factories.ParticipantFactory(), factories.ParticipantFactory()
    Participant.objects.filter(pk=first.pk).update(full_name="Changed meanwhile")
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        locked = locking.lock(second, first)
    assert [p.pk for p in locked] == [second.pk, first.pk]
    assert locked[1].full_name == "Changed meanwhile"
    [statement] = participant_locks(queries)
    assert statement.endswith('ORDER BY "participants_participant"."id" ASC FOR UPDATE')


def test_locking_a_participant_that_is_gone_is_an_error_as_reading_it_would_be():
    gone = factories.ParticipantFactory()
    Participant.objects.filter(pk=gone.pk).delete()
    with transaction.atomic(), pytest.raises(Participant.DoesNotExist):
        locking.lock(gone)


@pytest.fixture
def ect_and_later_mentor(lead_provider, today):
    """An ECT with the older id, and a teacher with a newer id who will mentor them."""
    school = factories.SchoolFactory()
    partnership(lead_provider, school=school, cohort=2025)
    _, training = trained_participant(lead_provider, school=school)
    mentor = factories.ParticipantFactory(trn="7654321", date_of_birth=dt.date(1985, 1, 1))
    assert mentor.pk > training.school_period.participant_id
    return training.school_period, mentor


def test_registering_a_mentor_for_an_ect_locks_both_in_one_statement_as_assigning_does(ect_and_later_mentor):
    ect, mentor = ect_and_later_mentor
    with changes.recording(now=NOW), CaptureQueriesContext(connection) as queries:
        school_period = register_mentor(
            school=ect.school,
            full_name="Mo Mentor",
            trn=mentor.trn,
            date_of_birth=mentor.date_of_birth,
            email="mo@school.example",
            mentee=ect,
            now=NOW,
        )
    first = participant_locks(queries)[0]
    assert str(ect.participant_id) in first and mentor.trn in first and "ORDER BY" in first

    with changes.recording(now=NOW), CaptureQueriesContext(connection) as queries:
        assign_mentor(ect_school_period=ect, mentor_school_period=school_period, now=NOW)
    first = participant_locks(queries)[0]
    assert str(ect.participant_id) in first and str(mentor.pk) in first and "ORDER BY" in first
    assert school_period.participant_type == ParticipantType.MENTOR
