"""Support staff find a participant however they are asked about them, and read their whole history on one page."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config import changes
from config.changes import Actor
from declarations.models import Declaration
from participants.models import Participant, ParticipantIdChange, ParticipantType
from tests import factories
from tests.admin.pages import admin_url, text
from tests.builders import trained_participant

UTC = dt.UTC
DEFERRED_AT = dt.datetime(2026, 1, 15, 13, 0, tzinfo=UTC)


def search(client, term):
    response = client.get(admin_url(Participant, "changelist"), {"q": term})
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


@pytest.fixture
def ada(lead_provider, today):
    participant, _ = trained_participant(lead_provider, email="ada.lovelace@school.example")
    Participant.objects.filter(pk=participant.pk).update(full_name="Ada Lovelace", trn="1815121")
    participant.refresh_from_db()
    trained_participant(lead_provider, email="grace.hopper@school.example")
    return participant


@pytest.mark.parametrize(
    "term",
    [
        "lovelace",
        "1815121",
        "ADA.LOVELACE@school.example",
        lambda p: str(p.api_id),
        lambda p: str(p.ect_training_record_id),
        lambda p: str(p.mentor_training_record_id),
    ],
    ids=["name", "trn", "email", "participant id", "ect training record id", "mentor training record id"],
)
def test_a_participant_is_found_by_name_trn_email_participant_id_or_training_record_id(reader, ada, term):
    assert search(reader, term(ada) if callable(term) else term) == [ada]


def test_a_retired_participant_id_finds_the_retired_record_and_the_survivor(reader, ada):
    retired = factories.ParticipantFactory(retired_into=ada)
    ParticipantIdChange.objects.create(
        participant=ada, from_participant_id=retired.api_id, to_participant_id=ada.api_id
    )
    ParticipantIdChange.objects.create(
        participant=ada, from_participant_id=factories.ParticipantFactory().api_id, to_participant_id=ada.api_id
    )

    assert set(search(reader, str(retired.api_id))) == {ada, retired}


def test_an_email_used_at_two_schools_finds_the_participant_once(reader, lead_provider, ada):
    trained_participant(
        lead_provider, participant=ada, participant_type=ParticipantType.MENTOR, email="ada.lovelace@school.example"
    )

    assert search(reader, "ada.lovelace@school.example") == [ada]


@pytest.fixture
def full_record(lead_provider, today):
    """An ECT with two schools, mentoring, an induction period, a declaration, a merge and a provider's action."""
    delivery_partner = factories.DeliveryPartnerFactory(name="Northern Delivery Partner")
    first_school = factories.SchoolFactory(name="Hilltop Primary")
    later_school = factories.SchoolFactory(name="Valley Academy")
    factories.PartnershipFactory(
        school=first_school, lead_provider=lead_provider, delivery_partner=delivery_partner, cohort_id=2024
    )
    participant, first = trained_participant(
        lead_provider,
        school=first_school,
        cohort=2024,
        started_on=dt.date(2024, 9, 1),
        finished_on=dt.date(2025, 7, 31),
        school_finished_on=dt.date(2025, 7, 31),
    )
    _, later = trained_participant(
        lead_provider,
        participant=participant,
        school=later_school,
        started_on=dt.date(2025, 9, 1),
        schedule="ecf-extended-september",
    )
    mentor, _ = trained_participant(lead_provider, participant_type=ParticipantType.MENTOR, school=later_school)
    Participant.objects.filter(pk=mentor.pk).update(full_name="Margaret Mentor")
    factories.MentorshipFactory(ect_school_period=later.school_period, mentor_school_period=mentor.school_periods.get())
    factories.InductionPeriodFactory(participant=participant, appropriate_body_name="North Teaching School Hub")
    Declaration.objects.create(
        training_period=first,
        lead_provider=lead_provider,
        declaration_type="retained-1",
        declaration_date=dt.datetime(2025, 1, 10, 9, 0, tzinfo=UTC),
        delivery_partner=delivery_partner,
    )
    ParticipantIdChange.objects.create(
        participant=participant,
        from_participant_id="6a2f3c1e-0000-4000-8000-000000000001",
        to_participant_id=participant.api_id,
    )
    with changes.recording(actor=Actor.lead_provider(lead_provider), action="defer", now=DEFERRED_AT):
        later.deferred_at = DEFERRED_AT
        later.deferral_reason = "parental_leave"
        later.save()
    participant.refresh_from_db()
    return participant


def test_the_history_page_shows_schools_training_mentors_inductions_declarations_id_changes_and_changes(
    reader, full_record
):
    response = reader.get(admin_url(Participant, "history", full_record.pk))

    page = text(response)
    assert response.status_code == 200
    for expected in (
        "Early career teacher at Hilltop Primary",
        "Early career teacher at Valley Academy",
        "Ambition Institute",
        "Northern Delivery Partner (2024)",
        "ecf-extended-september (2025)",
        "deferred",
        "Parental leave",
        "Mentored by Margaret Mentor",
        "North Teaching School Hub",
        "Declaration retained-1",
        "submitted",
        "6a2f3c1e-0000-4000-8000-000000000001",
        "defer",
        "deferral_reason: — → parental_leave",
    ):
        assert expected in page, expected


def test_the_history_page_lists_schools_and_changes_oldest_first(reader, full_record):
    response = reader.get(admin_url(Participant, "history", full_record.pk))

    page = text(response)
    assert page.index("Hilltop Primary") < page.index("Valley Academy")
    changes_section = page[page.index("Changes, oldest first") :]
    assert changes_section.index("created") < changes_section.index("Ambition Institute (Lead provider) defer")
    events = response.context["history"].events
    assert events[-1].action == "defer"
    assert [e.occurred_at for e in events] == sorted(e.occurred_at for e in events)


def test_the_history_page_costs_the_same_queries_however_long_the_history(reader, lead_provider, today):
    short, _ = trained_participant(lead_provider)
    longer, _ = trained_participant(
        lead_provider,
        cohort=2024,
        started_on=dt.date(2024, 9, 1),
        school_finished_on=dt.date(2025, 7, 31),
        finished_on=dt.date(2025, 7, 31),
    )
    trained_participant(lead_provider, participant=longer, started_on=dt.date(2025, 9, 1))
    factories.InductionPeriodFactory(participant=longer)

    def queries(participant):
        with CaptureQueriesContext(connection) as captured:
            assert reader.get(admin_url(Participant, "history", participant.pk)).status_code == 200
        return len(captured)

    assert queries(short) == queries(longer)


def test_the_change_page_links_to_the_history_and_the_support_actions(editor, reader, ada):
    for_editor = editor.get(admin_url(Participant, "change", ada.pk)).content.decode()
    for_reader = reader.get(admin_url(Participant, "change", ada.pk)).content.decode()

    assert admin_url(Participant, "history", ada.pk) in for_editor
    assert admin_url(Participant, "merge", ada.pk) in for_editor
    assert admin_url(Participant, "record_induction", ada.pk) in for_editor
    assert admin_url(Participant, "history", ada.pk) in for_reader
    assert admin_url(Participant, "merge", ada.pk) not in for_reader
    assert admin_url(Participant, "record_induction", ada.pk) not in for_reader
