"""Support staff in the payments group void declarations and complete clawbacks, after confirming and giving a reason,
through the declarations services (D31, D36, D37, O11); the editing group moves no money."""

import datetime as dt

import pytest

from config.models import AuditEvent
from declarations.models import ClawbackStatus, Declaration, PaymentStatus
from participants.models import Participant
from schedules.models import Cohort
from tests.admin.pages import REASON, admin_url, flashed, text
from tests.admin.test_payments_and_cohorts import MOVED_AT, run_action


def state(declaration):
    declaration.refresh_from_db()
    return (declaration.payment_status, declaration.clawback_status)


def api_state(api, declaration):
    shown = api.get(f"/api/v3/participant-declarations/{declaration.api_id}").json()["data"]["attributes"]
    return shown["state"], shown["updated_at"]


def test_D37_support_voids_an_eligible_declaration_after_confirming_and_the_provider_sees_it(payer, api, declarations):
    declaration = declarations(PaymentStatus.ELIGIBLE)

    asked = run_action(payer, Declaration, "void", [declaration], confirmed=False)
    assert "Void these declarations?" in text(asked)
    assert "Reason for this change" in text(asked)
    assert state(declaration) == ("eligible", "no_clawback")

    voided = run_action(payer, Declaration, "void", [declaration], confirmed=True)

    assert flashed(voided) == ["1 declaration(s) voided (paid ones now await clawback)."]
    assert state(declaration) == ("voided", "no_clawback")
    assert api_state(api, declaration) == ("voided", "2026-01-20T09:00:00Z")


def test_D36_voiding_a_paid_declaration_makes_it_await_clawback_then_support_completes_the_clawback(
    payer, api, declarations
):
    declaration = declarations(PaymentStatus.PAID)

    run_action(payer, Declaration, "void", [declaration], confirmed=True)
    assert state(declaration) == ("paid", "awaiting_clawback")
    assert api_state(api, declaration)[0] == "awaiting-clawback"

    asked = run_action(payer, Declaration, "complete_clawback", [declaration], confirmed=False)
    assert "Record that the money for these declarations has been clawed back?" in text(asked)
    assert state(declaration) == ("paid", "awaiting_clawback")

    done = run_action(payer, Declaration, "complete_clawback", [declaration], confirmed=True)

    assert flashed(done) == ["1 declaration(s) clawed back."]
    assert state(declaration) == ("paid", "clawed_back")
    assert api_state(api, declaration) == ("clawed-back", "2026-01-20T09:00:00Z")


def test_D31_only_a_declaration_awaiting_clawback_can_be_clawed_back_and_nothing_selected_with_it_changes(
    payer, declarations
):
    awaiting, paid = declarations(PaymentStatus.PAID), declarations(PaymentStatus.PAID)
    Declaration.objects.filter(pk=awaiting.pk).update(clawback_status=ClawbackStatus.AWAITING_CLAWBACK)

    refused = run_action(payer, Declaration, "complete_clawback", [awaiting, paid], confirmed=True)

    assert flashed(refused) == [f"{paid}: Only declarations awaiting clawback can be clawed back."]
    assert state(awaiting) == ("paid", "awaiting_clawback")
    assert state(paid) == ("paid", "no_clawback")


def test_D37_a_voided_declaration_cannot_be_voided_again_and_nothing_selected_with_it_changes(payer, declarations):
    eligible, voided = declarations(PaymentStatus.ELIGIBLE), declarations(PaymentStatus.VOIDED)

    refused = run_action(payer, Declaration, "void", [eligible, voided], confirmed=True)

    assert flashed(refused) == [f"{voided}: The declaration has already been voided."]
    assert state(eligible) == ("eligible", "no_clawback")


def test_D36_a_paid_declaration_in_a_closed_cohort_is_not_voided(payer, declarations):
    declaration = declarations(PaymentStatus.PAID)
    Cohort.objects.filter(year=2025).update(payments_frozen_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))

    refused = run_action(payer, Declaration, "void", [declaration], confirmed=True)

    assert flashed(refused) == [
        f"{declaration}: You cannot submit or void declarations for the 2025 cohort. The funding contract for this "
        "cohort has ended. Get in touch if you need to discuss this with us"
    ]
    assert state(declaration) == ("paid", "no_clawback")


def test_a_void_without_a_reason_is_asked_again_and_changes_nothing(payer, declarations):
    declaration = declarations(PaymentStatus.ELIGIBLE)

    response = payer.post(
        "/admin/declarations/declaration/",
        {"action": "void", "_selected_action": [declaration.pk], "confirmed": "yes", "reason": ""},
    )

    assert "Enter the reason for this change" in text(response)
    assert state(declaration) == ("eligible", "no_clawback")


def test_voids_and_clawbacks_are_audited_with_the_reason(payer, declarations):
    declaration = declarations(PaymentStatus.PAID)

    run_action(payer, Declaration, "void", [declaration], confirmed=True)
    run_action(payer, Declaration, "complete_clawback", [declaration], confirmed=True)

    events = AuditEvent.objects.filter(
        model="declarations.Declaration", object_id=str(declaration.pk), actor_kind="support_user"
    ).order_by("id")
    assert [(e.action, e.actor_label, e.reason, e.ticket, e.changes["clawback_status"]) for e in events] == [
        ("void_declarations", "payer", REASON["reason"], REASON["ticket"], ["no_clawback", "awaiting_clawback"]),
        ("complete_clawbacks", "payer", REASON["reason"], REASON["ticket"], ["awaiting_clawback", "clawed_back"]),
    ]
    assert all(event.occurred_at == MOVED_AT for event in events)


@pytest.mark.parametrize("action", ["move_to_payable", "move_to_paid", "void", "complete_clawback"])
def test_only_the_payments_group_moves_money_the_editing_group_is_refused(editor, declarations, action):
    declaration = declarations(PaymentStatus.PAYABLE)

    assert run_action(editor, Declaration, action, [declaration], confirmed=True).status_code == 403
    assert state(declaration) == ("payable", "no_clawback")
    assert action not in text(editor.get("/admin/declarations/declaration/"))


def test_the_payments_group_sees_the_money_actions(payer):
    page = payer.get("/admin/declarations/declaration/")
    options = [choice[0] for choice in page.context["action_form"].fields["action"].choices]
    assert options == ["", "move_to_payable", "move_to_paid", "void", "complete_clawback"]


def test_the_participants_history_page_shows_why_their_declaration_was_voided(payer, declarations):
    declaration = declarations(PaymentStatus.ELIGIBLE)
    participant = Participant.objects.get(school_periods__training_periods__declarations=declaration)

    run_action(payer, Declaration, "void", [declaration], confirmed=True)
    history = text(payer.get(admin_url(Participant, "history", participant.pk)))

    assert REASON["reason"] in history and REASON["ticket"] in history
