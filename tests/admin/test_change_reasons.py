"""Every support change says why: a required reason and an optional ticket, kept with its audit events."""

import pytest

from config.models import AuditEvent
from declarations.models import Declaration, PaymentStatus
from participants.models import Participant
from schools.models import DeliveryPartner
from tests import factories
from tests.admin.pages import REASON, admin_url, text
from tests.builders import trained_participant
from tests.test_admin_smoke import posted_back

pytestmark = pytest.mark.django_db


def test_an_admin_edit_without_a_reason_is_refused_next_to_the_field_and_changes_nothing(editor):
    participant, _ = trained_participant(factories.LeadProviderFactory())
    url = admin_url(Participant, "change", participant.pk)
    data = {**posted_back(editor.get(url)), "full_name": "Corrected Name", "reason": "  "}

    response = editor.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"reason": ["Enter the reason for this change"]}
    participant.refresh_from_db()
    assert participant.full_name != "Corrected Name"
    assert not AuditEvent.objects.filter(model="participants.Participant", event="updated").exists()


def test_an_admin_edit_keeps_its_reason_and_ticket_with_the_change_and_the_history_page_shows_them(editor):
    participant, _ = trained_participant(factories.LeadProviderFactory())
    url = admin_url(Participant, "change", participant.pk)

    response = editor.post(url, {**posted_back(editor.get(url)), "full_name": "Corrected Name"})

    assert response.status_code == 302
    event = AuditEvent.objects.get(model="participants.Participant", event="updated")
    assert (event.reason, event.ticket) == (REASON["reason"], REASON["ticket"])
    history = text(editor.get(admin_url(Participant, "history", participant.pk)))
    assert f"{REASON['reason']} (ticket {REASON['ticket']})" in history


def test_an_inline_edit_carries_the_reason_of_the_page_it_was_saved_from(editor):
    participant, _ = trained_participant(factories.LeadProviderFactory())
    url = admin_url(Participant, "change", participant.pk)
    data = posted_back(editor.get(url))
    email = next(name for name in data if name.startswith("school_periods") and name.endswith("-email"))
    data[email] = "corrected@school.example"

    assert editor.post(url, data).status_code == 302

    event = AuditEvent.objects.get(model="participants.SchoolPeriod", event="updated")
    assert event.reason == REASON["reason"]


def test_adding_a_record_asks_for_the_reason_too(editor):
    refused = editor.post(admin_url(DeliveryPartner, "add"), {"name": "New partner"})
    added = editor.post(admin_url(DeliveryPartner, "add"), {"name": "New partner", "reason": "New DfE partner"})

    assert refused.status_code == 200 and "Enter the reason for this change" in text(refused)
    assert added.status_code == 302
    assert DeliveryPartner.objects.filter(name="New partner").count() == 1


def test_a_confirmed_action_without_a_reason_asks_again_and_moves_nothing(payer, declarations):
    declaration = declarations(PaymentStatus.ELIGIBLE)
    data = {"action": "move_to_payable", "_selected_action": [declaration.pk], "confirmed": "yes"}

    asked_again = payer.post(admin_url(Declaration, "changelist"), data)
    moved = payer.post(admin_url(Declaration, "changelist"), {**data, **REASON})

    assert asked_again.status_code == 200 and "Enter the reason for this change" in text(asked_again)
    assert moved.status_code == 302
    declaration.refresh_from_db()
    assert declaration.payment_status == PaymentStatus.PAYABLE
    event = AuditEvent.objects.get(model="declarations.Declaration", event="updated")
    assert (event.reason, event.ticket) == (REASON["reason"], REASON["ticket"])


def test_a_reader_sees_no_reason_box_on_a_page_they_cannot_change(reader):
    participant, _ = trained_participant(factories.LeadProviderFactory())

    page = reader.get(admin_url(Participant, "change", participant.pk))

    assert page.status_code == 200
    assert 'name="reason"' not in page.content.decode()
