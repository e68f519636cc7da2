"""Support staff delete a participant who never started, when nothing billable was declared; otherwise they are told why not."""

import datetime as dt

import pytest

from config import clock
from config.models import AuditEvent
from declarations.models import Declaration, PaymentStatus
from participants.models import Participant, SchoolPeriod, TrainingPeriod
from tests import factories
from tests.admin.pages import REASON, admin_url, flashed, text
from tests.builders import trained_participant

UTC = dt.UTC
DELETED_AT = dt.datetime(2026, 1, 15, 16, 0, tzinfo=UTC)
NEXT_TERM = dt.date(2026, 4, 20)


def delete(client, participant):
    with clock.travel_to(DELETED_AT):
        return client.post(admin_url(Participant, "delete", participant.pk), {"post": "yes", **REASON})


def declaration_on(training, payment_status):
    return Declaration.objects.create(
        training_period=training,
        lead_provider=training.lead_provider,
        declaration_type="started",
        declaration_date=dt.datetime(2026, 4, 21, 9, 0, tzinfo=UTC),
        payment_status=payment_status,
        delivery_partner=training.partnership.delivery_partner,
    )


@pytest.fixture
def starting_next_term(lead_provider, today):
    return trained_participant(lead_provider, started_on=NEXT_TERM)


def test_V4_a_participant_who_never_started_is_deleted_after_confirming_and_disappears_for_providers(
    editor, api, starting_next_term
):
    participant, training = starting_next_term
    declaration_on(training, PaymentStatus.NO_PAYMENT)
    assert api.get(f"/api/v3/participants/{participant.api_id}").status_code == 200

    asked = editor.get(admin_url(Participant, "delete", participant.pk))
    deleted = delete(editor, participant)

    assert "Are you sure you want to delete this participant?" in text(asked)
    assert deleted.status_code == 302
    assert flashed(deleted) == [f"{participant} was deleted."]
    assert not Participant.objects.filter(pk=participant.pk).exists()
    assert (
        not SchoolPeriod.objects.exists() and not TrainingPeriod.objects.exists() and not Declaration.objects.exists()
    )
    assert api.get(f"/api/v3/participants/{participant.api_id}").status_code == 404


def test_deletion_is_audited_to_the_staff_user_for_every_row_it_removes(editor, starting_next_term):
    participant, _ = starting_next_term

    delete(editor, participant)

    events = AuditEvent.objects.filter(action="delete_participant")
    assert {(e.model, e.event) for e in events} == {
        ("participants.Participant", "deleted"),
        ("participants.SchoolPeriod", "deleted"),
        ("participants.TrainingPeriod", "deleted"),
    }
    assert {(e.actor_kind, e.actor_label, e.occurred_at) for e in events} == {("support_user", "editor", DELETED_AT)}
    assert all(participant.pk in e.participant_ids for e in events)


def test_deletion_is_refused_once_training_has_started(editor, lead_provider, today):
    participant, _ = trained_participant(lead_provider, started_on=dt.date(2025, 9, 1))

    asked = editor.get(admin_url(Participant, "delete", participant.pk))
    refused = delete(editor, participant)

    for response in (asked, refused):
        assert response.status_code == 200
        assert "Their training started on 1 September 2025" in text(response)
        assert 'name="post"' not in response.content.decode()
    assert Participant.objects.filter(pk=participant.pk).exists()
    assert not AuditEvent.objects.filter(action="delete_participant").exists()


def test_deletion_is_refused_on_the_day_training_starts(editor, lead_provider, today):
    participant, _ = trained_participant(lead_provider, started_on=today)

    assert "Their training started on 15 January 2026" in text(delete(editor, participant))
    assert Participant.objects.filter(pk=participant.pk).exists()


@pytest.mark.parametrize("payment_status", [PaymentStatus.ELIGIBLE, PaymentStatus.PAYABLE, PaymentStatus.PAID])
def test_deletion_is_refused_when_anything_billable_was_declared(editor, starting_next_term, payment_status):
    participant, training = starting_next_term
    declaration_on(training, payment_status)

    response = delete(editor, participant)

    assert "They have 1 eligible, payable or paid declaration(s)" in text(response)
    assert Participant.objects.filter(pk=participant.pk).exists()
    assert Declaration.objects.count() == 1


def test_voided_declarations_do_not_stop_a_deletion(editor, starting_next_term):
    participant, training = starting_next_term
    declaration_on(training, PaymentStatus.VOIDED)

    assert delete(editor, participant).status_code == 302
    assert not Participant.objects.filter(pk=participant.pk).exists()


def test_a_participant_with_no_training_at_all_can_be_deleted(editor, today):
    participant = factories.SchoolPeriodFactory(started_on=dt.date(2025, 9, 1)).participant

    assert delete(editor, participant).status_code == 302
    assert not Participant.objects.filter(pk=participant.pk).exists()


def test_merged_records_are_not_deleted_from_either_side(editor, starting_next_term):
    survivor, _ = starting_next_term
    retired = factories.ParticipantFactory(retired_into=survivor)

    assert "kept as the trail of that merge" in text(delete(editor, retired))
    assert "Other records were merged into this participant" in text(delete(editor, survivor))
    assert Participant.objects.filter(pk__in=[survivor.pk, retired.pk]).count() == 2


def test_participants_cannot_be_deleted_in_bulk(editor, starting_next_term):
    participant, _ = starting_next_term

    response = editor.get(admin_url(Participant, "changelist"))

    assert b"delete_selected" not in response.content
    with clock.travel_to(DELETED_AT):
        editor.post(
            admin_url(Participant, "changelist"),
            {"action": "delete_selected", "_selected_action": [participant.pk], "post": "yes"},
        )
    assert Participant.objects.filter(pk=participant.pk).exists()


# --- personal data leaves the audit trail; a tombstone stays under the old participant id ----------------------------


def everything_audited_about(participant_id):
    return " ".join(
        str(event.changes) for event in AuditEvent.objects.filter(participant_ids__contains=[participant_id])
    )


def test_deleting_a_participant_removes_their_personal_data_from_every_audit_event(editor, starting_next_term):
    participant, training = starting_next_term
    participant.full_name, participant.trn, participant.date_of_birth = (
        "Winifred Ashdown",
        "7654321",
        dt.date(1990, 3, 4),
    )
    participant.save()
    email = training.school_period.email
    before = everything_audited_about(participant.pk)
    assert "Winifred Ashdown" in before and "7654321" in before and "1990-03-04" in before and email in before

    delete(editor, participant)

    after = everything_audited_about(participant.pk)
    for personal in ("Winifred Ashdown", "7654321", "1990-03-04", email, "Ashdown"):
        assert personal not in after
    # What happened stays: the events, their dates and who made each change.
    created = AuditEvent.objects.get(model="participants.Participant", event="created", object_id=str(participant.pk))
    assert created.changes["full_name"] == [None, "(removed)"]
    assert AuditEvent.objects.filter(participant_ids__contains=[participant.pk]).count() >= 6


def test_a_deleted_participant_is_found_in_the_audit_by_their_old_participant_id(editor, starting_next_term):
    participant, _ = starting_next_term

    delete(editor, participant)
    found = editor.get(admin_url(AuditEvent, "changelist"), {"q": str(participant.api_id)})

    [tombstone] = found.context["cl"].result_list
    assert (tombstone.model, tombstone.event, tombstone.action) == (
        "participants.Participant",
        "deleted",
        "delete_participant",
    )
    assert (tombstone.reason, tombstone.ticket, tombstone.actor_label) == (REASON["reason"], REASON["ticket"], "editor")
    assert tombstone.changes["api_id"] == [str(participant.api_id), None]
    assert tombstone.changes["full_name"] == ["(removed)", None]


def test_the_participant_search_says_when_by_whom_and_why_an_old_participant_id_was_deleted(editor, starting_next_term):
    participant, _ = starting_next_term

    delete(editor, participant)
    editor.get(admin_url(Participant, "changelist"))  # where the deletion's own message is shown
    found = editor.get(admin_url(Participant, "changelist"), {"q": str(participant.api_id)})

    assert flashed(found) == [
        f"Participant {participant.api_id} was deleted on 15 January 2026 by editor. "
        f"Reason: {REASON['reason']} ({REASON['ticket']}). Their audit events are under database id {participant.pk}."
    ]
    assert participant.full_name not in text(found)


def test_deleting_needs_a_reason_and_without_one_deletes_nothing(editor, starting_next_term):
    participant, _ = starting_next_term

    with clock.travel_to(DELETED_AT):
        asked_again = editor.post(admin_url(Participant, "delete", participant.pk), {"post": "yes"})

    assert "Enter the reason for this change" in text(asked_again)
    assert Participant.objects.filter(pk=participant.pk).exists()
