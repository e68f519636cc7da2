"""Support staff merge a duplicate into the participant who stays, with a preview first (ID1–ID3, V8, O8)."""

import datetime as dt

import pytest

from config import clock
from config.models import AuditEvent
from declarations.models import Declaration, PaymentStatus
from participants.models import InductionPeriod, Participant, ParticipantIdChange, ParticipantType, SchoolPeriod
from tests import factories
from tests.admin.pages import REASON, admin_url, text
from tests.builders import trained_participant

UTC = dt.UTC
MERGED_AT = dt.datetime(2026, 1, 15, 14, 0, tzinfo=UTC)


def merge_url(duplicate):
    return admin_url(Participant, "merge", duplicate.pk)


def preview(client, duplicate, survivor):
    return client.post(merge_url(duplicate), {"destination": str(survivor.api_id)})


def confirm(client, duplicate, survivor):
    with clock.travel_to(MERGED_AT):
        return client.post(merge_url(duplicate), {"destination": str(survivor.api_id), "confirmed": "yes", **REASON})


@pytest.fixture
def teacher_twice(lead_provider, today):
    """One teacher with two records: an ECT record and, registered elsewhere, a mentor record with the same provider."""
    survivor, ect_training = trained_participant(lead_provider, email="ada@school-one.example")
    duplicate, mentor_training = trained_participant(lead_provider, participant_type=ParticipantType.MENTOR)
    Declaration.objects.create(
        training_period=mentor_training,
        lead_provider=lead_provider,
        declaration_type="started",
        declaration_date=dt.datetime(2025, 10, 1, 9, 0, tzinfo=UTC),
        delivery_partner=mentor_training.partnership.delivery_partner,
    )
    factories.InductionPeriodFactory(
        participant=duplicate, started_on=dt.date(2024, 9, 1), finished_on=dt.date(2024, 12, 31)
    )
    earlier = ParticipantIdChange.objects.create(
        participant=duplicate,
        from_participant_id=factories.ParticipantFactory().api_id,
        to_participant_id=duplicate.api_id,
    )
    return survivor, duplicate, earlier


def test_ID1_the_preview_shows_both_records_and_what_moves_and_changes_nothing(editor, teacher_twice):
    survivor, duplicate, _ = teacher_twice
    assert editor.get(merge_url(duplicate)).status_code == 200

    response = preview(editor, duplicate, survivor)

    page = text(response)
    assert response.status_code == 200
    assert "Duplicate, to be retired" in page and "Participant who stays" in page
    assert duplicate.full_name in page and survivor.full_name in page
    assert "1 school period(s): Mentor at" in page
    assert "1 training period(s) and 1 declaration(s) with them" in page
    assert "1 induction period(s)" in page
    assert "1 earlier participant ID change(s)" in page
    assert 'value="yes"' in response.content.decode()
    duplicate.refresh_from_db()
    assert duplicate.retired_into is None
    assert duplicate.school_periods.count() == 1
    assert not ParticipantIdChange.objects.filter(from_participant_id=duplicate.api_id).exists()


def test_ID1_confirming_moves_periods_declarations_inductions_and_id_changes_and_records_the_retired_id(
    editor, teacher_twice
):
    survivor, duplicate, earlier = teacher_twice
    duplicate_name, duplicate_api_id = duplicate.full_name, duplicate.api_id

    response = confirm(editor, duplicate, survivor)

    assert response.status_code == 302
    assert response["Location"] == admin_url(Participant, "history", survivor.pk)
    assert set(SchoolPeriod.objects.filter(participant=survivor).values_list("participant_type", flat=True)) == {
        "ect",
        "mentor",
    }
    assert Declaration.objects.get().training_period.school_period.participant == survivor
    assert InductionPeriod.objects.get().participant == survivor
    earlier.refresh_from_db()
    assert earlier.participant == survivor
    retired = ParticipantIdChange.objects.get(from_participant_id=duplicate_api_id)
    assert (retired.participant, retired.to_participant_id, retired.changed_at) == (
        survivor,
        survivor.api_id,
        MERGED_AT,
    )
    duplicate.refresh_from_db()
    assert duplicate.retired_into == survivor
    assert (duplicate.full_name, duplicate.trn, duplicate.date_of_birth) == ("Merged participant", None, None)
    assert duplicate_name != "Merged participant"
    assert duplicate.school_periods.count() == 0


def test_ID1_both_ids_updated_at_move_and_the_merge_is_audited_to_the_staff_user(editor, teacher_twice):
    survivor, duplicate, _ = teacher_twice

    confirm(editor, duplicate, survivor)

    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    assert survivor.api_updated_at == MERGED_AT
    assert duplicate.api_updated_at == MERGED_AT
    events = AuditEvent.objects.filter(action="merge_participants")
    assert {(e.actor_kind, e.actor_label, e.occurred_at) for e in events} == {("support_user", "editor", MERGED_AT)}
    assert {e.model for e in events} >= {
        "participants.SchoolPeriod",
        "participants.InductionPeriod",
        "participants.ParticipantIdChange",
        "participants.Participant",
    }


def test_ID1_declarations_moved_across_now_name_the_survivor_and_show_as_updated(editor, api, teacher_twice):
    survivor, duplicate, _ = teacher_twice

    confirm(editor, duplicate, survivor)

    [declaration] = api.get("/api/v3/participant-declarations").json()["data"]
    assert declaration["attributes"]["participant_id"] == str(survivor.api_id)
    assert declaration["attributes"]["updated_at"] == "2026-01-15T14:00:00Z"


def test_ID1_an_ect_mentored_by_the_duplicate_now_names_the_survivor_as_mentor(
    editor, api, lead_provider, teacher_twice
):
    survivor, duplicate, _ = teacher_twice
    mentor_period = duplicate.school_periods.get()
    mentee, mentee_training = trained_participant(lead_provider, school=mentor_period.school)
    factories.MentorshipFactory(ect_school_period=mentee_training.school_period, mentor_school_period=mentor_period)

    confirm(editor, duplicate, survivor)

    attributes = api.get(f"/api/v3/participants/{mentee.api_id}").json()["data"]["attributes"]
    assert attributes["ecf_enrolments"][0]["mentor_id"] == str(survivor.api_id)
    assert attributes["updated_at"] == "2026-01-15T14:00:00Z"


def test_ID2_ID3_after_a_merge_the_api_shows_the_survivor_with_its_id_changes_and_finds_it_by_the_retired_id(
    editor, api, teacher_twice
):
    survivor, duplicate, earlier = teacher_twice

    confirm(editor, duplicate, survivor)

    attributes = api.get(f"/api/v3/participants/{survivor.api_id}").json()["data"]["attributes"]
    assert attributes["participant_id_changes"] == [
        {
            "from_participant_id": str(earlier.from_participant_id),
            "to_participant_id": str(duplicate.api_id),
            "changed_at": earlier.changed_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
        {
            "from_participant_id": str(duplicate.api_id),
            "to_participant_id": str(survivor.api_id),
            "changed_at": "2026-01-15T14:00:00Z",
        },
    ]
    # ID3: the mentor training seen under the duplicate now carries the survivor's own training record id.
    enrolments = {e["participant_type"]: e for e in attributes["ecf_enrolments"]}
    assert enrolments["mentor"]["training_record_id"] == str(survivor.mentor_training_record_id)
    assert enrolments["ect"]["training_record_id"] == str(survivor.ect_training_record_id)
    for retired_id in (duplicate.api_id, earlier.from_participant_id):
        found = api.get("/api/v3/participants", {"filter[from_participant_id]": str(retired_id)}).json()["data"]
        assert [p["id"] for p in found] == [str(survivor.api_id)]


def test_V8_O8_the_retired_id_is_a_404_naming_the_survivor_and_is_gone_from_the_list(editor, api, teacher_twice):
    survivor, duplicate, _ = teacher_twice
    assert api.get(f"/api/v3/participants/{duplicate.api_id}").status_code == 200

    confirm(editor, duplicate, survivor)

    response = api.get(f"/api/v3/participants/{duplicate.api_id}")
    assert response.status_code == 404
    assert str(survivor.api_id) in response.json()["errors"][0]["detail"]
    assert [p["id"] for p in api.get("/api/v3/participants").json()["data"]] == [str(survivor.api_id)]


def test_ID1_a_merge_that_would_overlap_ect_periods_is_refused_with_a_clear_message(editor, lead_provider, today):
    survivor, _ = trained_participant(lead_provider)
    duplicate, _ = trained_participant(lead_provider, started_on=dt.date(2025, 10, 1))

    previewed = preview(editor, duplicate, survivor)
    confirmed = confirm(editor, duplicate, survivor)

    for response in (previewed, confirmed):
        assert response.status_code == 200
        assert "This merge cannot be done" in text(response)
        assert "An ECT cannot be at two schools at once" in text(response)
        assert 'name="confirmed"' not in response.content.decode()
    assert "An ECT cannot be at two schools at once" in " ".join(
        str(e) for e in confirmed.context["form"].non_field_errors()
    )
    duplicate.refresh_from_db()
    assert duplicate.retired_into is None
    assert duplicate.school_periods.count() == 1
    assert not ParticipantIdChange.objects.exists()


def test_ID1_a_merge_that_would_overlap_induction_periods_is_refused(editor, lead_provider, today):
    survivor, _ = trained_participant(lead_provider)
    duplicate = factories.ParticipantFactory()
    factories.InductionPeriodFactory(participant=survivor, started_on=dt.date(2025, 9, 1))
    factories.InductionPeriodFactory(
        participant=duplicate, started_on=dt.date(2025, 10, 1), finished_on=dt.date(2025, 12, 1)
    )

    response = confirm(editor, duplicate, survivor)

    assert "overlaps an induction period" in text(response)
    assert InductionPeriod.objects.filter(participant=duplicate).count() == 1


def test_ID1_mentor_periods_at_different_schools_may_overlap_but_not_at_the_same_school(editor, lead_provider, today):
    survivor, training = trained_participant(lead_provider, participant_type=ParticipantType.MENTOR)
    elsewhere, _ = trained_participant(lead_provider, participant_type=ParticipantType.MENTOR)
    same_school, _ = trained_participant(
        lead_provider,
        participant_type=ParticipantType.MENTOR,
        school=training.school_period.school,
        started_on=dt.date(2025, 11, 1),
    )

    assert "This merge cannot be done" not in text(preview(editor, elsewhere, survivor))
    assert "as a mentor at" in text(preview(editor, same_school, survivor))


def test_ID1_a_participant_cannot_be_merged_into_itself(editor, lead_provider, today):
    participant, _ = trained_participant(lead_provider)

    response = confirm(editor, participant, participant)

    assert "cannot be merged into itself" in text(response)
    participant.refresh_from_db()
    assert participant.retired_into is None


def test_ID1_a_retired_participant_cannot_be_merged_again_and_nothing_merges_into_one(
    editor, lead_provider, teacher_twice
):
    survivor, duplicate, _ = teacher_twice
    confirm(editor, duplicate, survivor)
    third, _ = trained_participant(lead_provider, participant_type=ParticipantType.MENTOR)

    again = confirm(editor, duplicate, survivor)
    into_retired = confirm(editor, third, duplicate)

    assert f"was already merged into {survivor}" in text(again)
    assert f"Merge into {survivor} instead" in text(into_retired)
    assert ParticipantIdChange.objects.filter(from_participant_id=duplicate.api_id).count() == 1
    third.refresh_from_db()
    assert third.retired_into is None


def test_ID1_the_participant_who_stays_is_found_by_trn_too(editor, teacher_twice):
    survivor, duplicate, _ = teacher_twice

    response = editor.post(merge_url(duplicate), {"destination": survivor.trn})

    assert response.context["plan"].destination == survivor


def test_ID1_an_unknown_participant_to_keep_is_a_form_error(editor, teacher_twice):
    _, duplicate, _ = teacher_twice

    response = editor.post(merge_url(duplicate), {"destination": "0000000", "confirmed": "yes"})

    assert response.context["form"].errors["destination"] == ["No participant has this participant id or TRN."]
    assert response.context["plan"] is None


def test_F13_D31_the_first_eligibility_of_either_record_carries_to_the_survivor_and_makes_its_declarations_eligible(
    editor, lead_provider, today
):
    survivor, training = trained_participant(lead_provider, participant_type=ParticipantType.MENTOR)
    duplicate = factories.ParticipantFactory(mentor_eligible_on=dt.date(2025, 9, 1))
    submitted = Declaration.objects.create(
        training_period=training,
        lead_provider=lead_provider,
        declaration_type="started",
        declaration_date=dt.datetime(2025, 10, 1, 9, 0, tzinfo=UTC),
        delivery_partner=training.partnership.delivery_partner,
    )

    confirm(editor, duplicate, survivor)

    survivor.refresh_from_db()
    submitted.refresh_from_db()
    assert survivor.mentor_eligible_on == dt.date(2025, 9, 1)
    assert submitted.payment_status == PaymentStatus.ELIGIBLE


def test_ID1_a_merge_needs_a_reason_and_without_one_changes_nothing(editor, teacher_twice):
    survivor, duplicate, _ = teacher_twice
    data = {"destination": str(survivor.api_id), "confirmed": "yes"}

    response = editor.post(merge_url(duplicate), data)

    assert response.status_code == 200
    assert response.context["reason_form"].errors == {"reason": ["Enter the reason for this change"]}
    duplicate.refresh_from_db()
    assert duplicate.retired_into is None


def test_ID1_the_merge_keeps_its_reason_with_its_audit_events(editor, teacher_twice):
    survivor, duplicate, _ = teacher_twice

    confirm(editor, duplicate, survivor)

    events = AuditEvent.objects.filter(action="merge_participants")
    assert events and {(e.reason, e.ticket) for e in events} == {(REASON["reason"], REASON["ticket"])}
