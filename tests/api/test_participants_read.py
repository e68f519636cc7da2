"""GET /api/v3/participants and /{id}: fields (F), visibility (V), filters (Q), errors (C)."""

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config import changes, clock
from participants.models import (
    Participant,
    ParticipantIdChange,
    ParticipantType,
)
from schools.models import ApiToken, SchoolFundingEligibility
from tests import factories
from tests.builders import partnership, trained_participant

UTC = dt.UTC


def enrolments(response, participant_type="ect"):
    data = response.json()["data"]
    return [e for e in data["attributes"]["ecf_enrolments"] if e["participant_type"] == participant_type]


def ids(response):
    return [item["id"] for item in response.json()["data"]]


# --- C2: authentication -------------------------------------------------------------------------


def test_C2_missing_token_is_401_access_denied(client):
    response = client.get("/api/v3/participants")
    assert response.status_code == 401
    assert response.json() == {"error": "HTTP Token: Access denied"}


def test_C2_unknown_token_is_401(client):
    response = client.get("/api/v3/participants", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert response.status_code == 401
    assert response.json() == {"error": "HTTP Token: Access denied"}


def test_C2_revoked_token_is_401(api):
    ApiToken.objects.update(revoked_at=clock.now())
    assert api.get("/api/v3/participants").status_code == 401


def test_C2_legacy_token_header_is_accepted_and_last_use_is_recorded(api, client):
    response = client.get("/api/v3/participants", HTTP_AUTHORIZATION=f'Token token="{api.token}"')
    assert response.status_code == 200
    assert ApiToken.objects.get().last_used_at is not None


def test_C2_tokens_are_stored_hashed(api):
    stored = ApiToken.objects.get()
    assert api.token not in stored.hashed_token
    assert len(stored.hashed_token) == 64


def test_C2_auth_is_checked_before_filters(client):
    response = client.get("/api/v3/participants", {"filter": "abc"})
    assert response.status_code == 401


# --- C3/F: the document ---------------------------------------------------------------------------


def test_F_every_enrolment_field_for_an_active_ect(api, lead_provider, today):
    participant, training = trained_participant(lead_provider, email="ect@school.example")
    participant.ect_eligible_on = dt.date(2025, 9, 1)
    participant.save()
    mentor_period = factories.SchoolPeriodFactory(
        school=training.school_period.school, participant_type=ParticipantType.MENTOR, started_on=dt.date(2025, 9, 1)
    )
    factories.MentorshipFactory(ect_school_period=training.school_period, mentor_school_period=mentor_period)
    factories.InductionPeriodFactory(participant=participant, started_on=dt.date(2025, 9, 1))

    response = api.get(f"/api/v3/participants/{participant.api_id}")

    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["data"]
    data = body["data"]
    assert data["id"] == str(participant.api_id)
    assert data["type"] == "participant"
    assert list(data["attributes"]) == [
        "full_name",
        "teacher_reference_number",
        "ecf_enrolments",
        "participant_id_changes",
        "updated_at",
    ]
    assert data["attributes"]["full_name"] == participant.full_name
    assert data["attributes"]["teacher_reference_number"] == participant.trn
    assert data["attributes"]["participant_id_changes"] == []
    participant.refresh_from_db()
    assert data["attributes"]["updated_at"] == participant.api_updated_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    [enrolment] = data["attributes"]["ecf_enrolments"]
    assert enrolment == {
        "training_record_id": str(participant.ect_training_record_id),
        "email": "ect@school.example",
        "mentor_id": str(mentor_period.participant.api_id),
        "school_urn": training.partnership.school.urn,
        "participant_type": "ect",
        "working_pattern": "full_time",
        "cohort": "2025",
        "training_status": "active",
        "participant_status": "active",
        "eligible_for_funding": True,
        "pupil_premium_uplift": False,
        "sparsity_uplift": False,
        "schedule_identifier": "ecf-standard-september",
        "delivery_partner_id": str(training.partnership.delivery_partner.api_id),
        "withdrawal": None,
        "deferral": None,
        "created_at": training.school_period.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "induction_end_date": None,
        "most_recent_induction_period_end_date": None,
        "overall_induction_start_date": "2025-09-01",
        "mentor_funding_end_date": None,
        "cohort_changed_after_payments_frozen": False,
        "mentor_ineligible_for_funding_reason": None,
    }


def test_C4_timestamps_are_utc_whole_seconds_with_z(api, lead_provider, today):
    participant, _ = trained_participant(lead_provider)
    updated_at = api.get(f"/api/v3/participants/{participant.api_id}").json()["data"]["attributes"]["updated_at"]
    assert updated_at.endswith("Z") and len(updated_at) == 20
    assert dt.datetime.strptime(updated_at, "%Y-%m-%dT%H:%M:%SZ")


def test_F2_name_falls_back_to_unknown(api, lead_provider, today):
    participant, _ = trained_participant(lead_provider)
    participant.full_name = ""
    participant.save()
    assert api.get(f"/api/v3/participants/{participant.api_id}").json()["data"]["attributes"]["full_name"] == "Unknown"


def test_F6_email_is_the_one_from_the_registration_that_owns_the_training(api, lead_provider, today):
    participant, _ = trained_participant(
        lead_provider,
        email="first@school.example",
        school_finished_on=dt.date(2025, 12, 31),
        finished_on=dt.date(2025, 12, 31),
    )
    factories.SchoolPeriodFactory(participant=participant, email="second@other.example", started_on=dt.date(2026, 1, 1))
    [enrolment] = enrolments(api.get(f"/api/v3/participants/{participant.api_id}"))
    assert enrolment["email"] == "first@school.example"


def test_F10_F11_withdrawn_after_deferral_shows_only_withdrawal(api, lead_provider, today):
    deferred_at = dt.datetime(2025, 11, 1, 9, 0, tzinfo=UTC)
    withdrawn_at = dt.datetime(2025, 12, 1, 9, 30, 15, 123000, tzinfo=UTC)
    participant, _ = trained_participant(
        lead_provider,
        finished_on=dt.date(2025, 11, 1),
        deferred_at=deferred_at,
        deferral_reason="career_break",
        withdrawn_at=withdrawn_at,
        withdrawal_reason="left_teaching_profession",
    )
    [enrolment] = enrolments(api.get(f"/api/v3/participants/{participant.api_id}"))
    assert enrolment["training_status"] == "withdrawn"
    assert enrolment["withdrawal"] == {"reason": "left-teaching-profession", "date": "2025-12-01T09:30:15Z"}
    assert enrolment["deferral"] is None
    assert enrolment["participant_status"] == "left"


def test_F11_deferral_object_with_dasherised_reason(api, lead_provider, today):
    participant, _ = trained_participant(
        lead_provider,
        finished_on=dt.date(2025, 11, 1),
        deferred_at=dt.datetime(2025, 11, 1, 9, 0, tzinfo=UTC),
        deferral_reason="long_term_sickness",
    )
    [enrolment] = enrolments(api.get(f"/api/v3/participants/{participant.api_id}"))
    assert enrolment["training_status"] == "deferred"
    assert enrolment["deferral"] == {"reason": "long-term-sickness", "date": "2025-11-01T09:00:00Z"}
    assert enrolment["withdrawal"] is None


@pytest.mark.parametrize(
    "started_on, finished_on, expected",
    [
        (dt.date(2026, 2, 1), None, "joining"),
        (dt.date(2025, 9, 1), dt.date(2026, 3, 31), "leaving"),
        (dt.date(2025, 9, 1), dt.date(2026, 1, 15), "leaving"),  # O1: left once the leaving date has passed
        (dt.date(2025, 9, 1), dt.date(2026, 1, 14), "left"),
        (dt.date(2025, 9, 1), None, "active"),
        (dt.date(2026, 2, 1), dt.date(2026, 7, 1), "leaving"),
    ],
)
def test_F12_participant_status_for_the_request_date(api, lead_provider, today, started_on, finished_on, expected):
    participant, _ = trained_participant(
        lead_provider, started_on=started_on, finished_on=finished_on, school_finished_on=finished_on
    )
    [enrolment] = enrolments(api.get(f"/api/v3/participants/{participant.api_id}"))
    assert enrolment["participant_status"] == expected


def test_F12_rule2_completed_induction_stays_active_after_training_ends(api, lead_provider, today):
    participant, _ = trained_participant(lead_provider, finished_on=dt.date(2025, 12, 31))
    factories.InductionPeriodFactory(
        participant=participant, started_on=dt.date(2024, 9, 1), finished_on=dt.date(2025, 7, 20), outcome="pass"
    )
    [enrolment] = enrolments(api.get(f"/api/v3/participants/{participant.api_id}"))
    assert enrolment["participant_status"] == "active"
    assert enrolment["induction_end_date"] == "2025-07-20"
    assert enrolment["most_recent_induction_period_end_date"] == "2025-07-20"
    assert enrolment["overall_induction_start_date"] == "2024-09-01"


def test_F13_exempt_ect_is_not_eligible_and_unknown_is_null(api, lead_provider, today):
    exempt, _ = trained_participant(lead_provider)
    exempt.ect_exempt_on = dt.date(2025, 10, 1)
    exempt.save()
    unknown, _ = trained_participant(lead_provider)
    assert enrolments(api.get(f"/api/v3/participants/{exempt.api_id}"))[0]["eligible_for_funding"] is False
    assert enrolments(api.get(f"/api/v3/participants/{unknown.api_id}"))[0]["eligible_for_funding"] is None


def test_F15_most_recent_induction_period_end_is_null_while_ongoing(api, lead_provider, today):
    participant, _ = trained_participant(lead_provider)
    factories.InductionPeriodFactory(
        participant=participant, started_on=dt.date(2024, 9, 1), finished_on=dt.date(2025, 3, 1)
    )
    factories.InductionPeriodFactory(participant=participant, started_on=dt.date(2025, 9, 1))
    [enrolment] = enrolments(api.get(f"/api/v3/participants/{participant.api_id}"))
    assert enrolment["most_recent_induction_period_end_date"] is None
    assert enrolment["overall_induction_start_date"] == "2024-09-01"
    assert enrolment["induction_end_date"] is None


def test_F16_mentor_funding_end_and_mentor_only_fields(api, lead_provider, today):
    participant, _ = trained_participant(lead_provider, participant_type=ParticipantType.MENTOR)
    participant.mentor_eligible_on = dt.date(2025, 9, 1)
    participant.mentor_funding_end_date = dt.date(2025, 12, 1)
    participant.mentor_funding_end_reason = "completed_declaration_received"
    participant.save()
    [enrolment] = enrolments(api.get(f"/api/v3/participants/{participant.api_id}"), "mentor")
    assert enrolment["training_record_id"] == str(participant.mentor_training_record_id)
    assert enrolment["mentor_funding_end_date"] == "2025-12-01"
    assert enrolment["mentor_ineligible_for_funding_reason"] == "completed_declaration_received"
    assert enrolment["eligible_for_funding"] is True
    assert enrolment["mentor_id"] is None
    assert enrolment["working_pattern"] is None
    assert enrolment["induction_end_date"] is None and enrolment["overall_induction_start_date"] is None


def test_F17_cohort_changed_after_payments_frozen(api, lead_provider, today):
    participant, _ = trained_participant(lead_provider)
    participant.ect_payments_frozen_year = 2022
    participant.save()
    assert (
        enrolments(api.get(f"/api/v3/participants/{participant.api_id}"))[0]["cohort_changed_after_payments_frozen"]
        is True
    )


def test_F18_uplifts_only_in_cohorts_with_uplift_fees(api, lead_provider, today):
    with_fees, training = trained_participant(
        lead_provider, cohort=2022, schedule="ecf-standard-september", started_on=dt.date(2022, 9, 1)
    )
    SchoolFundingEligibility.objects.create(
        school=training.partnership.school, cohort_id=2022, pupil_premium_uplift=True, sparsity_uplift=True
    )
    without_fees, training_2025 = trained_participant(lead_provider)
    SchoolFundingEligibility.objects.create(
        school=training_2025.partnership.school, cohort_id=2025, pupil_premium_uplift=True, sparsity_uplift=True
    )
    uplifted = enrolments(api.get(f"/api/v3/participants/{with_fees.api_id}"))[0]
    not_uplifted = enrolments(api.get(f"/api/v3/participants/{without_fees.api_id}"))[0]
    assert (uplifted["pupil_premium_uplift"], uplifted["sparsity_uplift"]) == (True, True)
    assert (not_uplifted["pupil_premium_uplift"], not_uplifted["sparsity_uplift"]) == (False, False)


def test_F20_working_pattern_is_from_the_latest_ect_registration(api, lead_provider, today):
    participant, _ = trained_participant(
        lead_provider, school_finished_on=dt.date(2025, 12, 31), finished_on=dt.date(2025, 12, 31)
    )
    factories.SchoolPeriodFactory(participant=participant, started_on=dt.date(2026, 1, 1), working_pattern="part_time")
    assert enrolments(api.get(f"/api/v3/participants/{participant.api_id}"))[0]["working_pattern"] == "part_time"


def test_F4_mentor_id_is_the_current_or_next_mentor(api, lead_provider, today):
    participant, training = trained_participant(lead_provider)
    school = training.school_period.school
    old = factories.SchoolPeriodFactory(school=school, participant_type=ParticipantType.MENTOR)
    new = factories.SchoolPeriodFactory(school=school, participant_type=ParticipantType.MENTOR)
    factories.MentorshipFactory(
        ect_school_period=training.school_period,
        mentor_school_period=old,
        started_on=dt.date(2025, 9, 1),
        finished_on=dt.date(2025, 12, 31),
    )
    factories.MentorshipFactory(
        ect_school_period=training.school_period, mentor_school_period=new, started_on=dt.date(2026, 1, 1)
    )
    assert enrolments(api.get(f"/api/v3/participants/{participant.api_id}"))[0]["mentor_id"] == str(
        new.participant.api_id
    )


def test_V6_ect_and_mentor_enrolments_under_one_participant_ect_first(api, lead_provider, today):
    participant, training = trained_participant(lead_provider, participant_type=ParticipantType.MENTOR)
    trained_participant(
        lead_provider, participant=participant, school=training.school_period.school, started_on=dt.date(2025, 9, 2)
    )
    listed = api.get(f"/api/v3/participants/{participant.api_id}").json()["data"]["attributes"]["ecf_enrolments"]
    assert [e["participant_type"] for e in listed] == ["ect", "mentor"]
    assert listed[0]["training_record_id"] != listed[1]["training_record_id"]


# --- V: visibility ----------------------------------------------------------------------------------


def test_V1_expression_of_interest_alone_is_not_visible(api, lead_provider, today):
    school_period = factories.SchoolPeriodFactory()
    factories.TrainingPeriodFactory(
        school_period=school_period, partnership=None, lead_provider=lead_provider, schedule=factories.schedule()
    )
    assert api.get(f"/api/v3/participants/{school_period.participant.api_id}").status_code == 404
    assert ids(api.get("/api/v3/participants")) == []


def test_V5_participant_becomes_visible_once_a_partnership_is_attached(api, lead_provider, today):
    school_period = factories.SchoolPeriodFactory()
    training = factories.TrainingPeriodFactory(
        school_period=school_period, partnership=None, lead_provider=lead_provider, schedule=factories.schedule()
    )
    training.partnership = partnership(lead_provider, school=school_period.school)
    training.save()
    assert ids(api.get("/api/v3/participants")) == [str(school_period.participant.api_id)]


def test_V2_latest_training_with_the_provider_is_shown(api, lead_provider, today):
    participant, first = trained_participant(
        lead_provider, finished_on=dt.date(2025, 10, 31), school_finished_on=dt.date(2025, 10, 31)
    )
    trained_participant(
        lead_provider, participant=participant, started_on=dt.date(2025, 11, 1), schedule="ecf-extended-january"
    )
    [enrolment] = enrolments(api.get(f"/api/v3/participants/{participant.api_id}"))
    assert enrolment["schedule_identifier"] == "ecf-extended-january"
    assert enrolment["participant_status"] == "active"


def test_V4_participant_stays_visible_to_old_provider_after_moving_provider(
    api, other_api, lead_provider, other_lead_provider, today
):
    participant, training = trained_participant(lead_provider, finished_on=dt.date(2025, 12, 31))
    school = training.school_period.school
    factories.TrainingPeriodFactory(
        school_period=training.school_period,
        partnership=partnership(other_lead_provider, school=school),
        started_on=dt.date(2026, 1, 1),
    )
    old_view = enrolments(api.get(f"/api/v3/participants/{participant.api_id}"))[0]
    new_view = enrolments(other_api.get(f"/api/v3/participants/{participant.api_id}"))[0]
    assert old_view["participant_status"] == "left"
    assert new_view["participant_status"] == "active"


def test_V3_school_led_training_is_never_visible(api, lead_provider, today):
    school_period = factories.SchoolPeriodFactory()
    factories.TrainingPeriodFactory(
        school_period=school_period, programme_type="school_led", partnership=None, lead_provider=None, schedule=None
    )
    assert ids(api.get("/api/v3/participants")) == []


def test_V3_other_providers_participants_are_invisible_in_list_and_by_id(
    api, other_api, lead_provider, other_lead_provider, today
):
    mine, _ = trained_participant(lead_provider)
    theirs, _ = trained_participant(other_lead_provider)
    assert ids(api.get("/api/v3/participants")) == [str(mine.api_id)]
    assert ids(other_api.get("/api/v3/participants")) == [str(theirs.api_id)]
    response = api.get(f"/api/v3/participants/{theirs.api_id}")
    assert response.status_code == 404
    assert response.json() == {
        "errors": [{"title": "Resource not found", "detail": "Nothing could be found for the provided details"}]
    }


def test_C9_non_uuid_id_is_404(api, today):
    response = api.get("/api/v3/participants/not-a-uuid")
    assert response.status_code == 404
    assert response.json()["errors"][0]["title"] == "Resource not found"


def test_O8_retired_id_names_the_surviving_participant(api, lead_provider, today):
    survivor, _ = trained_participant(lead_provider)
    retired = factories.ParticipantFactory()
    retired.retired_into = survivor
    retired.save()
    ParticipantIdChange.objects.create(
        participant=survivor, from_participant_id=retired.api_id, to_participant_id=survivor.api_id
    )
    response = api.get(f"/api/v3/participants/{retired.api_id}")
    assert response.status_code == 404
    assert str(survivor.api_id) in response.json()["errors"][0]["detail"]
    changes_listed = api.get(f"/api/v3/participants/{survivor.api_id}").json()["data"]["attributes"][
        "participant_id_changes"
    ]
    assert changes_listed[0]["from_participant_id"] == str(retired.api_id)
    assert changes_listed[0]["to_participant_id"] == str(survivor.api_id)


def test_O8_retired_id_of_a_participant_the_provider_never_saw_is_a_plain_404(api, other_lead_provider, today):
    survivor, _ = trained_participant(other_lead_provider)
    retired_id = uuid.uuid4()
    ParticipantIdChange.objects.create(
        participant=survivor, from_participant_id=retired_id, to_participant_id=survivor.api_id
    )
    response = api.get(f"/api/v3/participants/{retired_id}")
    assert response.json()["errors"][0]["detail"] == "Nothing could be found for the provided details"


# --- Q: filters, pagination, sort --------------------------------------------------------------------


def test_Q2_cohort_filter_matches_either_enrolment_and_accepts_lists(api, lead_provider, today):
    p2024, _ = trained_participant(lead_provider, cohort=2024, started_on=dt.date(2024, 9, 1))
    p2025, _ = trained_participant(lead_provider)
    assert ids(api.get("/api/v3/participants", {"filter[cohort]": "2024"})) == [str(p2024.api_id)]
    assert set(ids(api.get("/api/v3/participants", {"filter[cohort]": "2024,2025"}))) == {
        str(p2024.api_id),
        str(p2025.api_id),
    }
    assert ids(api.get("/api/v3/participants", {"filter[cohort]": "2030"})) == []
    assert len(ids(api.get("/api/v3/participants", {"filter[cohort]": ""}))) == 2


def test_Q2_cohort_filter_accepts_the_array_form(api, lead_provider, today):
    p2023, _ = trained_participant(lead_provider, cohort=2023, started_on=dt.date(2023, 9, 1))
    p2024, _ = trained_participant(lead_provider, cohort=2024, started_on=dt.date(2024, 9, 1))
    p2025, _ = trained_participant(lead_provider)

    def listed(params):
        return set(ids(api.get("/api/v3/participants", params)))

    both = {str(p2024.api_id), str(p2025.api_id)}
    assert listed({"filter[cohort][]": ["2024", "2025"]}) == both
    # An item may itself be a comma-separated list, and the plain form may come too: every year counts.
    assert listed({"filter[cohort][]": ["2024,2025"]}) == both
    assert listed({"filter[cohort]": "2023", "filter[cohort][]": ["2025"]}) == {str(p2023.api_id), str(p2025.api_id)}
    assert len(listed({"filter[cohort][]": ["", " "]})) == 3  # blank items: no filter


def test_Q2_O4_array_form_is_checked_like_the_comma_form(api, today):
    response = api.get("/api/v3/participants", {"filter[cohort][]": ["2024", "x"]})
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "title": "Bad request",
                "detail": "The filter '#/cohort' must be a year or a comma-separated list of years, for example 2024,2025",
            }
        ]
    }


@pytest.mark.parametrize("name", ["training_status", "from_participant_id", "updated_since"])
def test_Q2_O4_single_value_filters_refuse_the_array_form(api, today, name):
    value = {"training_status": "active", "from_participant_id": str(uuid.uuid4()), "updated_since": "2025-01-01"}
    response = api.get("/api/v3/participants", {f"filter[{name}][]": [value[name]]})
    assert response.status_code == 400
    assert f"'#/{name}'" in response.json()["errors"][0]["detail"]


@pytest.mark.parametrize(
    "name, value",
    [
        ("cohort", "abc"),
        ("cohort", "2024,x"),
        ("training_status", "foo"),
        ("from_participant_id", "nope"),
        ("updated_since", "yesterday"),
    ],
)
def test_O4_invalid_filter_values_are_400_naming_the_filter(api, today, name, value):
    response = api.get("/api/v3/participants", {f"filter[{name}]": value})
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["title"] == "Bad request"
    assert f"'#/{name}'" in error["detail"]


def test_Q3_updated_since_error_message(api, today):
    response = api.get("/api/v3/participants", {"filter[updated_since]": "not a date"})
    assert response.json() == {
        "errors": [{"title": "Bad request", "detail": "The filter '#/updated_since' must be a valid ISO 8601 date"}]
    }


def test_Q3_updated_since_returns_participants_updated_at_or_after(api, lead_provider, today):
    with changes.recording(now=dt.datetime(2025, 10, 1, 12, 0, tzinfo=UTC)):
        old, _ = trained_participant(lead_provider)
    with changes.recording(now=dt.datetime(2025, 12, 1, 12, 0, tzinfo=UTC)):
        new, _ = trained_participant(lead_provider)
    assert ids(api.get("/api/v3/participants", {"filter[updated_since]": "2025-12-01T12:00:00Z"})) == [str(new.api_id)]
    assert ids(api.get("/api/v3/participants", {"filter[updated_since]": "2025-11-01"})) == [str(new.api_id)]
    assert len(ids(api.get("/api/v3/participants", {"filter[updated_since]": "2025-10-01T13:00:00+01:00"}))) == 2


def test_Q4_training_status_filter_is_presence_based(api, lead_provider, today):
    active, _ = trained_participant(lead_provider)
    both, _ = trained_participant(
        lead_provider,
        finished_on=dt.date(2025, 11, 1),
        deferred_at=dt.datetime(2025, 11, 1, tzinfo=UTC),
        deferral_reason="other",
        withdrawn_at=dt.datetime(2025, 12, 1, tzinfo=UTC),
        withdrawal_reason="other",
    )
    assert ids(api.get("/api/v3/participants", {"filter[training_status]": "active"})) == [str(active.api_id)]
    assert ids(api.get("/api/v3/participants", {"filter[training_status]": "deferred"})) == [str(both.api_id)]
    assert ids(api.get("/api/v3/participants", {"filter[training_status]": "withdrawn"})) == [str(both.api_id)]


def test_Q5_from_participant_id_finds_the_survivor(api, lead_provider, today):
    survivor, _ = trained_participant(lead_provider)
    trained_participant(lead_provider)
    retired_id = uuid.uuid4()
    ParticipantIdChange.objects.create(
        participant=survivor, from_participant_id=retired_id, to_participant_id=survivor.api_id
    )
    assert ids(api.get("/api/v3/participants", {"filter[from_participant_id]": str(retired_id)})) == [
        str(survivor.api_id)
    ]
    assert ids(api.get("/api/v3/participants", {"filter[from_participant_id]": str(uuid.uuid4())})) == []


def test_Q6_filters_combine_and_unknown_keys_are_ignored(api, lead_provider, today):
    trained_participant(lead_provider, cohort=2024, started_on=dt.date(2024, 9, 1))
    wanted, _ = trained_participant(lead_provider)
    response = api.get(
        "/api/v3/participants",
        {"filter[cohort]": "2025", "filter[training_status]": "active", "filter[colour]": "blue"},
    )
    assert ids(response) == [str(wanted.api_id)]


def test_C11_filter_that_is_not_a_hash_is_400(api, lead_provider, today):
    participant, _ = trained_participant(lead_provider)
    expected = {"errors": [{"title": "Bad parameter", "detail": "Filter must be a hash"}]}
    assert api.get("/api/v3/participants", {"filter": "abc"}).json() == expected
    assert api.get(f"/api/v3/participants/{participant.api_id}", {"filter": "abc"}).json() == expected


@pytest.mark.parametrize(
    "params",
    [
        {"page[page]": "0"},
        {"page[per_page]": "0"},
        {"page[page]": "-1"},
        {"page[per_page]": "abc"},
        {"page[per_page]": "0.8"},
    ],
)
def test_Q7_non_positive_page_values_are_400(api, today, params):
    response = api.get("/api/v3/participants", params)
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "title": "Bad request",
                "detail": "The '#/page[page]' and '#/page[per_page]' parameter values must be a valid positive number",
            }
        ]
    }


def test_Q7_pagination_defaults_caps_and_past_the_end(api, lead_provider, today):
    for _ in range(5):
        trained_participant(lead_provider)
    everyone = ids(api.get("/api/v3/participants"))
    assert len(everyone) == 5
    assert ids(api.get("/api/v3/participants", {"page[per_page]": "2", "page[page]": "2"})) == everyone[2:4]
    assert ids(api.get("/api/v3/participants", {"page[per_page]": "2abc", "page[page]": "3"})) == everyone[4:]
    assert ids(api.get("/api/v3/participants", {"page[per_page]": "99999"})) == everyone
    assert api.get("/api/v3/participants", {"page[page]": "9"}).json() == {"data": []}


def test_Q7_per_page_above_3000_falls_back_to_3000():
    from config.api.pagination import page_from

    assert page_from({"page[per_page]": "5000"}).size == 3000


def test_Q8_sort_orders_are_total_and_stable_across_pages(api, lead_provider, today):
    same_moment = dt.datetime(2025, 10, 1, 12, 0, tzinfo=UTC)
    made = []
    for _ in range(7):
        participant, _ = trained_participant(lead_provider)
        made.append(participant)
    Participant.objects.update(created_at=same_moment, api_updated_at=same_moment)
    for sort in ["created_at", "-created_at", "updated_at", "-updated_at", "bogus"]:
        paged = []
        for number in range(1, 5):
            paged += ids(
                api.get("/api/v3/participants", {"sort": sort, "page[per_page]": "2", "page[page]": str(number)})
            )
        assert sorted(paged) == sorted(str(p.api_id) for p in made), sort
        assert len(set(paged)) == 7


def test_Q8_sort_by_updated_at_descending(api, lead_provider, today):
    first, _ = trained_participant(lead_provider)
    second, _ = trained_participant(lead_provider)
    Participant.objects.filter(pk=first.pk).update(api_updated_at=dt.datetime(2025, 12, 1, tzinfo=UTC))
    Participant.objects.filter(pk=second.pk).update(api_updated_at=dt.datetime(2025, 11, 1, tzinfo=UTC))
    assert ids(api.get("/api/v3/participants", {"sort": "-updated_at"})) == [str(first.api_id), str(second.api_id)]
    assert ids(api.get("/api/v3/participants", {"sort": "updated_at"})) == [str(second.api_id), str(first.api_id)]
    assert ids(api.get("/api/v3/participants")) == [str(first.api_id), str(second.api_id)]


# --- performance: queries do not grow with the page --------------------------------------------------


def test_queries_per_request_do_not_grow_with_page_size(api, lead_provider, today):
    for _ in range(12):
        participant, training = trained_participant(lead_provider, participant_type=ParticipantType.ECT)
        mentor_period = factories.SchoolPeriodFactory(
            school=training.school_period.school, participant_type=ParticipantType.MENTOR
        )
        factories.MentorshipFactory(ect_school_period=training.school_period, mentor_school_period=mentor_period)
        factories.InductionPeriodFactory(participant=participant)
        ParticipantIdChange.objects.create(
            participant=participant, from_participant_id=uuid.uuid4(), to_participant_id=participant.api_id
        )
    counts = {}
    for per_page in (1, 12):
        with CaptureQueriesContext(connection) as queries:
            response = api.get("/api/v3/participants", {"page[per_page]": str(per_page)})
        assert len(response.json()["data"]) == per_page
        counts[per_page] = len(queries)
    assert counts[1] == counts[12]
    assert counts[12] <= 10  # auth (2) and eight reads, whatever the page size


# --- C13, time travel, rate limit ---------------------------------------------------------------------


def test_C13_unrouted_api_path(api):
    response = api.get("/api/v3/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"error": "Resource not found"}


def test_TT1_time_travel_header_sets_the_request_date_in_a_sandbox(api, lead_provider, settings):
    settings.SANDBOX = True
    participant, _ = trained_participant(lead_provider, started_on=dt.date(2025, 9, 1))
    path = f"/api/v3/participants/{participant.api_id}"
    before = enrolments(api.get(path, HTTP_X_WITH_SERVER_DATE="2025-08-15T10:00:00Z"))[0]
    after = enrolments(api.get(path, HTTP_X_WITH_SERVER_DATE="2025-09-01"))[0]
    assert before["participant_status"] == "joining"
    assert after["participant_status"] == "active"


def test_TT1_time_travel_is_scoped_to_the_request(api, lead_provider, settings):
    settings.SANDBOX = True
    trained_participant(lead_provider)
    api.get("/api/v3/participants", HTTP_X_WITH_SERVER_DATE="2020-01-01T00:00:00Z")
    assert clock.today() == clock.london_date(__import__("django.utils.timezone", fromlist=["now"]).now())


def test_TT1_header_is_ignored_outside_a_sandbox(api, lead_provider, settings):
    settings.SANDBOX = False
    participant, _ = trained_participant(lead_provider, started_on=dt.date(2025, 9, 1))
    response = api.get(f"/api/v3/participants/{participant.api_id}", HTTP_X_WITH_SERVER_DATE="2025-08-15T10:00:00Z")
    assert enrolments(response)[0]["participant_status"] == "active"


def test_O12_unparseable_time_travel_header_is_400(api, settings):
    settings.SANDBOX = True
    response = api.get("/api/v3/participants", HTTP_X_WITH_SERVER_DATE="the day after tomorrow")
    assert response.status_code == 400
    assert response.json()["errors"][0]["title"] == "Bad request"
    assert "X-With-Server-Date" in response.json()["errors"][0]["detail"]


def test_Q7_absurdly_large_page_number_is_an_empty_page(api, lead_provider, today):
    trained_participant(lead_provider)
    assert api.get("/api/v3/participants", {"page[page]": str(10**30)}).json() == {"data": []}


def test_Q2_year_too_large_for_any_cohort_matches_nothing(api, lead_provider, today):
    trained_participant(lead_provider)
    assert ids(api.get("/api/v3/participants", {"filter[cohort]": "99999999999999999999"})) == []
