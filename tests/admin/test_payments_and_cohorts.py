"""Support staff move declarations to payable and paid, and close cohorts, after confirming (O11, D31)."""

import datetime as dt

from config import clock
from config.models import AuditEvent
from declarations.models import Declaration, PaymentStatus
from schedules.models import Cohort
from tests.admin.pages import REASON, admin_url, flashed, text

UTC = dt.UTC
MOVED_AT = dt.datetime(2026, 1, 20, 9, 0, tzinfo=UTC)


def run_action(client, model, action, rows, *, confirmed):
    data = {"action": action, "_selected_action": [row.pk for row in rows]}
    if confirmed:
        data.update(confirmed="yes", **REASON)
    with clock.travel_to(MOVED_AT):
        return client.post(admin_url(model, "changelist"), data)


def states(*rows):
    return [Declaration.objects.get(pk=row.pk).payment_status for row in rows]


def test_O11_eligible_declarations_move_to_payable_then_paid_after_confirming(payer, api, declarations):
    first, second = declarations(PaymentStatus.ELIGIBLE), declarations(PaymentStatus.ELIGIBLE)

    asked = run_action(payer, Declaration, "move_to_payable", [first, second], confirmed=False)
    assert "Move these declarations to payable?" in text(asked)
    assert states(first, second) == ["eligible", "eligible"]

    moved = run_action(payer, Declaration, "move_to_payable", [first, second], confirmed=True)
    assert flashed(moved) == ["2 declaration(s) moved to payable."]
    assert states(first, second) == ["payable", "payable"]

    run_action(payer, Declaration, "move_to_paid", [first], confirmed=True)
    assert states(first, second) == ["paid", "payable"]
    shown = {d["id"]: d["attributes"] for d in api.get("/api/v3/participant-declarations").json()["data"]}
    assert shown[str(first.api_id)]["state"] == "paid"
    assert shown[str(first.api_id)]["updated_at"] == "2026-01-20T09:00:00Z"


def test_O11_moving_payment_status_is_audited_to_the_staff_user(payer, declarations):
    declaration = declarations(PaymentStatus.ELIGIBLE)

    run_action(payer, Declaration, "move_to_payable", [declaration], confirmed=True)

    [event] = AuditEvent.objects.filter(model="declarations.Declaration", action="move_declarations_to_payable")
    assert (event.actor_label, event.occurred_at, event.changes) == (
        "payer",
        MOVED_AT,
        {"payment_status": ["eligible", "payable"]},
    )


def test_D31_a_submitted_declaration_cannot_become_payable_and_nothing_selected_with_it_moves(payer, declarations):
    eligible, submitted = declarations(PaymentStatus.ELIGIBLE), declarations(PaymentStatus.NO_PAYMENT)

    response = run_action(payer, Declaration, "move_to_payable", [eligible, submitted], confirmed=True)

    assert flashed(response) == [f"{submitted}: Only eligible declarations can become payable."]
    assert states(eligible, submitted) == ["eligible", "no_payment"]


def test_O11_payment_status_is_not_edited_by_hand(editor, declarations):
    declaration = declarations(PaymentStatus.ELIGIBLE)

    response = editor.get(admin_url(Declaration, "change", declaration.pk))

    assert "payment_status" not in response.context["adminform"].form.fields
    assert editor.get(admin_url(Declaration, "add")).status_code == 403
    assert editor.post(admin_url(Declaration, "delete", declaration.pk), {"post": "yes"}).status_code == 403


def test_O11_closing_a_cohort_freezes_its_payments_from_now_after_confirming(editor, today):
    cohort = Cohort.objects.get(year=2025)
    assert cohort.payments_frozen_at is None

    asked = run_action(editor, Cohort, "close", [cohort], confirmed=False)
    cohort.refresh_from_db()
    assert "Close these cohorts?" in text(asked) and cohort.payments_frozen_at is None

    closed = run_action(editor, Cohort, "close", [cohort], confirmed=True)

    cohort.refresh_from_db()
    assert flashed(closed) == ["1 cohort(s) closed."]
    assert cohort.payments_frozen_at == MOVED_AT
    assert cohort.payments_frozen(now=MOVED_AT)


def test_O11_a_cohort_already_closed_keeps_the_moment_it_was_closed(editor, today):
    closed_at = dt.datetime(2025, 6, 1, tzinfo=UTC)
    Cohort.objects.filter(year=2024).update(payments_frozen_at=closed_at)

    run_action(editor, Cohort, "close", [Cohort.objects.get(year=2024)], confirmed=True)

    assert Cohort.objects.get(year=2024).payments_frozen_at == closed_at


def test_O11_closing_a_cohort_is_audited_to_the_staff_user(editor, today):
    run_action(editor, Cohort, "close", [Cohort.objects.get(year=2025)], confirmed=True)

    [event] = AuditEvent.objects.filter(model="schedules.Cohort", action="close_cohort")
    assert event.actor_kind == "support_user"
    assert event.object_id == "2025"
    assert event.changes["payments_frozen_at"][0] is None
