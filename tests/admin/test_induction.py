"""Support staff record induction periods for appropriate bodies (O9); eligibility and induction dates follow (F13–F15, D31)."""

import datetime as dt

import pytest

from config import clock
from config.models import AuditEvent
from declarations.models import Declaration, PaymentStatus
from participants.models import InductionPeriod, Participant, ParticipantType
from tests import factories
from tests.admin.pages import REASON, admin_url, text
from tests.builders import trained_participant
from tests.test_admin_smoke import posted_back

UTC = dt.UTC
RECORDED_AT = dt.datetime(2026, 1, 15, 15, 0, tzinfo=UTC)


def record(client, participant, **fields):
    data = {
        "appropriate_body_name": "North Teaching School Hub",
        "started_on": "",
        "finished_on": "",
        "outcome": "",
        **REASON,
    }
    data.update({name: str(value) for name, value in fields.items()})
    with clock.travel_to(RECORDED_AT):
        return client.post(admin_url(Participant, "record_induction", participant.pk), data)


def attributes(api, participant):
    return api.get(f"/api/v3/participants/{participant.api_id}").json()["data"]["attributes"]["ecf_enrolments"][0]


@pytest.fixture
def ect(lead_provider, today):
    participant, _ = trained_participant(lead_provider)
    return participant


def test_F14_an_induction_period_covering_today_makes_an_ect_eligible_from_today(editor, api, ect):
    assert editor.get(admin_url(Participant, "record_induction", ect.pk)).status_code == 200
    assert attributes(api, ect)["eligible_for_funding"] is None

    response = record(editor, ect, started_on=dt.date(2025, 9, 1))

    assert response.status_code == 302
    ect.refresh_from_db()
    assert ect.ect_eligible_on == dt.date(2026, 1, 15)
    enrolment = attributes(api, ect)
    assert enrolment["eligible_for_funding"] is True
    assert enrolment["overall_induction_start_date"] == "2025-09-01"
    assert enrolment["induction_end_date"] is None


def test_F14_an_induction_period_that_ended_before_today_does_not_make_them_eligible(editor, ect):
    record(editor, ect, started_on=dt.date(2025, 9, 1), finished_on=dt.date(2025, 12, 31))

    ect.refresh_from_db()
    assert ect.ect_eligible_on is None


def test_F14_a_teacher_who_is_only_a_mentor_is_not_made_eligible_as_an_ect(editor, lead_provider, today):
    mentor, _ = trained_participant(lead_provider, participant_type=ParticipantType.MENTOR)

    record(editor, mentor, started_on=dt.date(2025, 9, 1))

    mentor.refresh_from_db()
    assert InductionPeriod.objects.filter(participant=mentor).exists()
    assert mentor.ect_eligible_on is None


def test_D31_recording_induction_makes_their_submitted_declarations_eligible(editor, lead_provider, ect):
    training = ect.school_periods.get().training_periods.get()
    declaration = Declaration.objects.create(
        training_period=training,
        lead_provider=lead_provider,
        declaration_type="started",
        declaration_date=dt.datetime(2025, 10, 1, 9, 0, tzinfo=UTC),
        delivery_partner=training.partnership.delivery_partner,
    )

    record(editor, ect, started_on=dt.date(2025, 9, 1))

    declaration.refresh_from_db()
    assert declaration.payment_status == PaymentStatus.ELIGIBLE


def test_F15_induction_dates_follow_the_recorded_periods(editor, api, ect):
    record(editor, ect, started_on=dt.date(2024, 9, 1), finished_on=dt.date(2024, 12, 31))
    record(editor, ect, started_on=dt.date(2025, 1, 1), finished_on=dt.date(2025, 12, 31), outcome="pass")

    enrolment = attributes(api, ect)
    assert enrolment["overall_induction_start_date"] == "2024-09-01"
    assert enrolment["induction_end_date"] == "2025-12-31"
    assert enrolment["most_recent_induction_period_end_date"] == "2025-12-31"


def correct(client, period, **fields):
    data = {"appropriate_body_name": period.appropriate_body_name, "started_on": str(period.started_on), **REASON}
    data.update({name: str(value) for name, value in fields.items()})
    with clock.travel_to(RECORDED_AT):
        return client.post(admin_url(InductionPeriod, "correct", period.pk), data)


def test_F13_eligibility_never_reverts_when_induction_is_later_corrected_to_end_with_a_fail(editor, api, ect):
    record(editor, ect, started_on=dt.date(2025, 9, 1))
    period = InductionPeriod.objects.get(participant=ect)

    assert correct(editor, period, finished_on=dt.date(2026, 1, 10), outcome="fail").status_code == 302

    ect.refresh_from_db()
    assert ect.ect_eligible_on == dt.date(2026, 1, 15)
    enrolment = attributes(api, ect)
    assert enrolment["eligible_for_funding"] is True
    assert enrolment["induction_end_date"] == "2026-01-10"


def test_F13_a_first_eligible_date_already_set_is_not_moved_by_a_new_period(editor, lead_provider, today):
    participant, _ = trained_participant(lead_provider)
    Participant.objects.filter(pk=participant.pk).update(ect_eligible_on=dt.date(2025, 9, 1))

    record(editor, participant, started_on=dt.date(2025, 9, 1))

    participant.refresh_from_db()
    assert participant.ect_eligible_on == dt.date(2025, 9, 1)


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({}, "started_on", "Enter the date the induction period started"),
        (
            {"started_on": "2025-09-01", "finished_on": "2025-08-01"},
            "finished_on",
            "The end date must be on or after the start date",
        ),
        (
            {"started_on": "2025-09-01", "outcome": "pass"},
            "outcome",
            "Enter the date the induction period ended to record its outcome",
        ),
        (
            {"started_on": "2025-09-01", "finished_on": "2026-07-31", "outcome": "pass"},
            "outcome",
            "An outcome can only be recorded once the induction period has ended",
        ),
    ],
)
def test_O9_an_induction_period_that_does_not_make_sense_is_refused_with_a_message(editor, ect, fields, field, message):
    response = record(editor, ect, **fields)

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert not InductionPeriod.objects.exists()


def test_O9_an_overlapping_induction_period_is_refused(editor, ect):
    record(editor, ect, started_on=dt.date(2025, 9, 1))

    response = record(editor, ect, started_on=dt.date(2025, 12, 1), finished_on=dt.date(2026, 1, 1))

    assert response.context["form"].errors["started_on"] == [
        "This overlaps their induction period from 1 September 2025 to no end date"
    ]
    assert InductionPeriod.objects.count() == 1


def test_O9_the_recording_is_audited_to_the_staff_user_and_moves_updated_at(editor, ect):
    record(editor, ect, started_on=dt.date(2025, 9, 1))

    ect.refresh_from_db()
    assert ect.api_updated_at == RECORDED_AT
    events = AuditEvent.objects.filter(action="record_induction_period")
    assert {(e.model, e.event) for e in events} == {
        ("participants.InductionPeriod", "created"),
        ("participants.Participant", "updated"),
    }
    assert {e.actor_label for e in events} == {"editor"}


def test_O9_a_merged_away_participant_gets_no_induction_period(editor, lead_provider, ect):
    retired = factories.ParticipantFactory(retired_into=ect)

    response = record(editor, retired, started_on=dt.date(2025, 9, 1))

    assert "merged into another record" in text(response)
    assert not InductionPeriod.objects.exists()


# --- the outcome of an open induction, and corrections: one guarded page, the same rules ----------------------------


@pytest.fixture
def open_induction(editor, ect):
    record(editor, ect, started_on=dt.date(2025, 9, 1))
    return InductionPeriod.objects.get(participant=ect)


def test_O9_F15_recording_the_outcome_finishes_an_open_induction_and_providers_see_its_end_date(
    editor, api, ect, open_induction
):
    page = editor.get(admin_url(InductionPeriod, "correct", open_induction.pk))
    assert "Record the outcome" in text(page)
    assert "1 September 2025 to no end date: no outcome yet" in text(page)

    response = correct(editor, open_induction, finished_on=dt.date(2026, 1, 14), outcome="pass")

    assert response.status_code == 302
    open_induction.refresh_from_db()
    assert (open_induction.finished_on, open_induction.outcome) == (dt.date(2026, 1, 14), "pass")
    enrolment = attributes(api, ect)
    assert enrolment["induction_end_date"] == "2026-01-14"
    assert enrolment["most_recent_induction_period_end_date"] == "2026-01-14"
    event = AuditEvent.objects.get(model="participants.InductionPeriod", event="updated")
    assert (event.action, event.reason, event.actor_label) == ("finish_induction_period", REASON["reason"], "editor")


@pytest.mark.parametrize(
    "fields, field, message",
    [
        (
            {"finished_on": "2026-07-31", "outcome": "pass"},
            "outcome",
            "An outcome can only be recorded once the induction period has ended",
        ),
        ({"outcome": "pass"}, "outcome", "Enter the date the induction period ended to record its outcome"),
        ({"finished_on": "2025-08-01"}, "finished_on", "The end date must be on or after the start date"),
        ({"started_on": ""}, "started_on", "Enter the date the induction period started"),
    ],
)
def test_O9_an_outcome_or_correction_that_does_not_make_sense_is_refused_by_its_field_and_changes_nothing(
    editor, api, ect, open_induction, fields, field, message
):
    response = correct(editor, open_induction, **fields)

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    open_induction.refresh_from_db()
    assert (open_induction.finished_on, open_induction.outcome) == (None, None)
    assert attributes(api, ect)["induction_end_date"] is None


def test_O9_a_correction_that_would_overlap_another_induction_period_is_refused(editor, ect):
    record(editor, ect, started_on=dt.date(2024, 9, 1), finished_on=dt.date(2024, 12, 31), outcome="fail")
    record(editor, ect, started_on=dt.date(2025, 9, 1))
    first = InductionPeriod.objects.get(participant=ect, started_on=dt.date(2024, 9, 1))

    response = correct(editor, first, finished_on=dt.date(2025, 10, 1), outcome="fail")

    assert response.context["form"].errors == {
        "started_on": ["This overlaps their induction period from 1 September 2025 to no end date"]
    }
    first.refresh_from_db()
    assert first.finished_on == dt.date(2024, 12, 31)


def test_O9_a_correction_needs_a_reason(editor, open_induction):
    url = admin_url(InductionPeriod, "correct", open_induction.pk)
    data = {"started_on": "2025-09-01", "finished_on": "2026-01-10", "outcome": "pass"}

    response = editor.post(url, data)

    assert response.context["form"].errors == {"reason": ["Enter the reason for this change"]}
    open_induction.refresh_from_db()
    assert open_induction.outcome is None


def test_O9_the_induction_rows_and_the_raw_induction_page_are_read_only_and_link_to_the_guarded_page(
    editor, api, ect, open_induction
):
    raw = admin_url(InductionPeriod, "change", open_induction.pk)
    side_door = {"started_on": "2025-09-01", "finished_on": "2026-07-31", "outcome": "pass", **REASON}

    assert editor.post(raw, side_door).status_code == 403
    participant_url = admin_url(Participant, "change", ect.pk)
    participant_page = editor.get(participant_url)
    assert admin_url(InductionPeriod, "correct", open_induction.pk) in participant_page.content.decode()
    inline_side_door = {f"induction_periods-0-{name}": value for name, value in side_door.items()}
    assert editor.post(participant_url, {**posted_back(participant_page), **inline_side_door}).status_code == 302
    open_induction.refresh_from_db()
    assert open_induction.outcome is None
    assert attributes(api, ect)["induction_end_date"] is None


def test_O9_a_reader_gets_no_link_and_a_403_from_the_guarded_page(reader, open_induction):
    participant_page = reader.get(admin_url(Participant, "change", open_induction.participant.pk))
    correct_url = admin_url(InductionPeriod, "correct", open_induction.pk)

    assert correct_url not in participant_page.content.decode()
    assert reader.get(correct_url).status_code == 403
