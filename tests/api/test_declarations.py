"""POST/GET /api/v3/participant-declarations and PUT /{id}/void (DOMAIN.md D, with O3, O11, O14)."""

import datetime as dt

import pytest

from config import clock
from declarations.models import Declaration
from participants.models import Participant, ParticipantType
from schools.models import SchoolFundingEligibility
from tests import factories
from tests.builders import partnership, trained_participant
from tests.conftest import ProviderClient, concurrently
from training.school_actions.change_lead_provider import change_lead_provider
from training.support.induction import record_induction_period

UTC = dt.UTC


def declare(api, participant, **attributes):
    attributes.setdefault("participant_id", str(participant.api_id))
    attributes.setdefault("declaration_type", "started")
    attributes.setdefault("declaration_date", "2025-10-01T10:00:00Z")
    attributes.setdefault("course_identifier", "ecf-induction")
    attributes.setdefault("evidence_held", "training-event-attended")
    return api.post(
        "/api/v3/participant-declarations", {"data": {"type": "participant-declaration", "attributes": attributes}}
    )


def errors(response):
    assert response.status_code == 422, response.content
    return [(e["title"], e["detail"]) for e in response.json()["errors"]]


def attrs(response):
    assert response.status_code == 200, response.content
    return response.json()["data"]["attributes"]


@pytest.fixture
def ect(lead_provider, today):
    participant, _ = trained_participant(lead_provider, started_on=dt.date(2025, 9, 1))
    return participant


@pytest.fixture
def ect_2023(lead_provider, today):
    participant, _ = trained_participant(lead_provider, cohort=2023, started_on=dt.date(2023, 9, 1))
    return participant


@pytest.fixture
def mentor(lead_provider, today):
    participant, _ = trained_participant(
        lead_provider, participant_type=ParticipantType.MENTOR, started_on=dt.date(2025, 9, 1)
    )
    Participant.objects.filter(pk=participant.pk).update(mentor_eligible_on=dt.date(2025, 9, 1))
    return participant


# --- creation and shape -------------------------------------------------------------------------------


def test_D1_D32_declaration_document(api, ect, lead_provider):
    training = ect.school_periods.get().training_periods.get()
    mentor_period = factories.SchoolPeriodFactory(
        school=training.school_period.school, participant_type=ParticipantType.MENTOR
    )
    factories.MentorshipFactory(ect_school_period=training.school_period, mentor_school_period=mentor_period)
    response = declare(api, ect)
    data = response.json()["data"]
    assert data["type"] == "participant-declaration"
    assert list(data["attributes"]) == [
        "participant_id",
        "declaration_type",
        "declaration_date",
        "course_identifier",
        "state",
        "updated_at",
        "created_at",
        "delivery_partner_id",
        "statement_id",
        "clawback_statement_id",
        "ineligible_for_funding_reason",
        "mentor_id",
        "uplift_paid",
        "evidence_held",
        "lead_provider_name",
    ]
    shown = data["attributes"]
    assert shown["participant_id"] == str(ect.api_id)
    assert shown["declaration_date"] == "2025-10-01T10:00:00Z"
    assert shown["course_identifier"] == "ecf-induction"
    assert shown["state"] == "submitted"
    assert shown["delivery_partner_id"] == str(training.partnership.delivery_partner.api_id)
    assert shown["mentor_id"] == str(mentor_period.participant.api_id)
    assert shown["lead_provider_name"] == lead_provider.name
    assert (shown["statement_id"], shown["clawback_statement_id"], shown["ineligible_for_funding_reason"]) == (
        None,
        None,
        None,
    )
    assert shown["evidence_held"] == "training-event-attended"


def test_D28_eligible_participant_gets_an_eligible_declaration(api, ect):
    Participant.objects.filter(pk=ect.pk).update(ect_eligible_on=dt.date(2025, 9, 1))
    assert attrs(declare(api, ect))["state"] == "eligible"


def test_D31_submitted_declarations_become_eligible_when_the_participant_does(api, ect):
    declared = attrs(declare(api, ect))
    assert declared["state"] == "submitted"
    # Support staff record the induction the ECT is in today, which makes them eligible (F14).
    record_induction_period(participant=ect, started_on=dt.date(2025, 9, 1), now=clock.now())
    assert Participant.objects.get(pk=ect.pk).ect_eligible_on == dt.date(2026, 1, 15)
    assert Declaration.objects.get().state == "eligible"


def test_O3_an_exact_copy_returns_the_original(api, ect):
    first = declare(api, ect)
    second = declare(api, ect)
    assert second.status_code == 200
    assert second.json() == first.json()
    assert Declaration.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_O3_concurrent_exact_copies_create_one_declaration(lead_provider):
    with clock.travel_to(dt.datetime(2026, 1, 15, 12, 0, tzinfo=UTC)):
        participant, _ = trained_participant(lead_provider, started_on=dt.date(2025, 9, 1))
    api = ProviderClient(lead_provider)

    def attempt():
        response = declare(api, participant)
        return response.status_code, response.json()["data"]["id"]

    results = concurrently(attempt, at=dt.datetime(2026, 1, 15, 12, 0, tzinfo=UTC))
    assert {status for status, _ in results} == {200}
    assert len({declaration_id for _, declaration_id in results}) == 1
    assert Declaration.objects.count() == 1


def test_D12_a_different_request_for_the_same_event_is_a_duplicate(api, ect):
    declare(api, ect)
    assert errors(declare(api, ect, declaration_date="2025-10-02T10:00:00Z")) == [
        ("declaration_type", "A declaration has already been submitted that will be, or has been, paid for this event.")
    ]


def test_D12_a_voided_declaration_does_not_block_a_new_one(api, ect):
    first = declare(api, ect).json()["data"]["id"]
    api.put(f"/api/v3/participant-declarations/{first}/void")
    assert attrs(declare(api, ect, declaration_date="2025-10-02T10:00:00Z"))["state"] == "submitted"


# --- validation ---------------------------------------------------------------------------------------


def test_D10_participant_id_is_required(api, ect):
    assert errors(declare(api, ect, participant_id="")) == [("participant_id", "Enter a '#/participant_id'.")]


def test_D10_D22_unknown_or_other_providers_participant_is_not_recognised(api, other_api, ect):
    message = "Your update cannot be made as the '#/participant_id' is not recognised. Check participant details and try again."
    assert errors(declare(api, ect, participant_id="00000000-0000-0000-0000-000000000000")) == [
        ("participant_id", message)
    ]
    assert errors(declare(other_api, ect)) == [("participant_id", message)]


def test_D11_presence_checks_accumulate(api, ect):
    assert errors(declare(api, ect, course_identifier="", declaration_date="", declaration_type="bogus")) == [
        ("course_identifier", "Enter a '#/course_identifier'."),
        ("declaration_date", "Enter a '#/declaration_date'."),
        ("declaration_type", "Enter a valid declaration type."),
    ]


def test_D11_course_the_participant_does_not_have(api, ect):
    assert errors(declare(api, ect, course_identifier="ecf-mentor")) == [
        (
            "course_identifier",
            "The entered '#/course_identifier' is not recognised for the given participant. Check details and try again.",
        )
    ]


def test_D13_future_date(api, ect):
    assert errors(declare(api, ect, declaration_date="2026-01-16T10:00:00Z")) == [
        ("declaration_date", "The '#/declaration_date' value cannot be a future date. Check the date and try again.")
    ]


def test_D13_before_the_milestone_start(api, ect_2023):
    assert errors(declare(api, ect_2023, declaration_date="2023-05-31T22:59:59Z")) == [
        (
            "declaration_date",
            "Declaration date must be on or after the milestone start date for the same declaration type.",
        )
    ]
    # 2023-06-01 00:00 London is 2023-05-31 23:00 UTC: inside the window.
    assert attrs(declare(api, ect_2023, declaration_date="2023-05-31T23:00:00Z"))["declaration_type"] == "started"


def test_D13_after_the_milestone_deadline_day(api, ect_2023):
    assert errors(
        declare(api, ect_2023, declaration_type="retained-1", declaration_date="2024-04-01T10:00:00+01:00")
    ) == [
        ("declaration_date", "Declaration date must be on or before the milestone date for the same declaration type.")
    ]
    assert (
        attrs(declare(api, ect_2023, declaration_type="retained-1", declaration_date="2024-03-31T22:30:00Z"))["state"]
        == "submitted"
    )


@pytest.mark.parametrize("value", ["2025-10-01", "foo", "2025-13-45T10:00:00Z"])
def test_D13_O14_non_rfc3339_dates_are_a_422(api, ect, value):
    assert errors(declare(api, ect, declaration_date=value)) == [
        ("declaration_date", "Enter a valid RCF3339 '#/declaration_date'.")
    ]


@pytest.mark.parametrize("value", [20251001, 1.5, True, ["2025-10-01T10:00:00Z"], {"date": "2025-10-01"}, "20251001"])
def test_O14_a_declaration_date_of_another_json_type_cannot_be_parsed(api, ect, value):
    assert errors(declare(api, ect, declaration_date=value)) == [
        ("declaration_date", "Enter a valid RCF3339 '#/declaration_date'.")
    ]


@pytest.mark.parametrize(
    "value", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00Z", "٢٠٢٥-10-01T10:00:00Z"]
)
def test_O14_a_declaration_date_beyond_representable_moments_cannot_be_parsed(api, ect, value):
    assert errors(declare(api, ect, declaration_date=value)) == [
        ("declaration_date", "Enter a valid RCF3339 '#/declaration_date'.")
    ]


@pytest.mark.parametrize("field", ["participant_id", "declaration_type", "course_identifier", "evidence_held"])
@pytest.mark.parametrize("value", [["x"], {"x": 1}, 12, False])
def test_C7_any_attribute_of_another_json_type_is_a_422_naming_that_attribute(api, ect, field, value):
    response = declare(api, ect, **{field: value})
    assert response.status_code == 422, response.content
    assert field in {error["title"] for error in response.json()["errors"]}


def test_D14_mentors_from_2025_only_declare_started_and_completed(api, mentor):
    assert (
        "declaration_type",
        "You cannot send retained or extended declarations for participants who began their mentor training after June 2025. Resubmit this declaration with either a started or completed declaration.",
    ) in errors(declare(api, mentor, course_identifier="ecf-mentor", declaration_type="retained-1"))


def test_D15_evidence_is_required_after_started_outside_detailed_cohorts(api, ect_2023):
    assert errors(
        declare(
            api, ect_2023, declaration_type="retained-1", declaration_date="2024-02-01T10:00:00Z", evidence_held=None
        )
    ) == [("evidence_held", "Enter a '#/evidence_held' value for this participant.")]


def test_D15_started_evidence_is_discarded_outside_detailed_cohorts(api, ect_2023):
    assert (
        attrs(declare(api, ect_2023, declaration_date="2023-10-01T10:00:00Z", evidence_held="anything"))[
            "evidence_held"
        ]
        is None
    )


def test_D15_detailed_cohorts_require_the_right_evidence(api, ect):
    assert errors(declare(api, ect, evidence_held=None)) == [
        ("evidence_held", "Enter a '#/evidence_held' value for this participant.")
    ]
    assert errors(declare(api, ect, evidence_held="75-percent-engagement-met")) == [
        ("evidence_held", "Enter an available '#/evidence_held' type for this participant.")
    ]
    assert (
        attrs(declare(api, ect, evidence_held="materials-engaged-with-offline"))["evidence_held"]
        == "materials-engaged-with-offline"
    )


def test_D16_withdrawn_participant_only_declares_before_the_withdrawal(api, lead_provider, today):
    withdrawn_at = dt.datetime(2025, 11, 3, 9, 0, tzinfo=UTC)
    participant, _ = trained_participant(
        lead_provider, finished_on=dt.date(2025, 11, 3), withdrawn_at=withdrawn_at, withdrawal_reason="other"
    )
    assert errors(declare(api, participant, declaration_date="2025-11-03T09:00:00Z")) == [
        (
            "participant_id",
            "This participant withdrew from this course on 2025-11-03T09:00:00Z. Enter a '#/declaration_date' that's on or before the withdrawal date.",
        )
    ]
    assert attrs(declare(api, participant, declaration_date="2025-11-03T08:59:59Z"))["state"] == "submitted"


def test_D17_deferred_participant_can_declare(api, lead_provider, today):
    participant, _ = trained_participant(
        lead_provider,
        finished_on=dt.date(2025, 11, 3),
        deferred_at=dt.datetime(2025, 11, 3, tzinfo=UTC),
        deferral_reason="other",
    )
    assert attrs(declare(api, participant, declaration_date="2025-12-01T10:00:00Z"))["state"] == "submitted"


def test_D18_D19_frozen_cohort_refuses_declarations(api, lead_provider, today):
    participant, _ = trained_participant(lead_provider, cohort=2022, started_on=dt.date(2022, 9, 1))
    Participant.objects.filter(pk=participant.pk).update(ect_eligible_on=dt.date(2022, 9, 1))
    assert errors(declare(api, participant, declaration_date="2022-10-01T10:00:00Z")) == [
        (
            "cohort",
            "You cannot submit declarations for the 2022 cohort. The funding contract for this cohort has ended. Get in touch if you need to discuss this with us.",
        ),
        (
            "cohort",
            "You cannot submit or void declarations for the 2022 cohort. The funding contract for this cohort has ended. Get in touch if you need to discuss this with us.",
        ),
    ]


def test_D20_extended_declarations_need_an_extended_schedule(api, ect):
    assert ("declaration_type", "The property '#/declaration_type' does not exist for this schedule.") in errors(
        declare(api, ect, declaration_type="extended-1")
    )


def test_D21_dates_follow_the_order_of_declaration_types(api, ect):
    declare(api, ect, declaration_date="2025-10-01T10:00:00Z")
    assert errors(declare(api, ect, declaration_type="retained-1", declaration_date="2025-09-30T10:00:00Z")) == [
        (
            "declaration_date",
            "This '#/declaration_date' is invalid. Check that it is in sequence with existing declaration dates for this participant.",
        )
    ]
    assert (
        attrs(declare(api, ect, declaration_type="retained-1", declaration_date="2025-10-01T10:00:00Z"))["state"]
        == "submitted"
    )


def test_D26_D27_delivery_partner_is_frozen_and_uplifts_copied_for_started(api, lead_provider, today):
    participant, training = trained_participant(lead_provider, cohort=2022, started_on=dt.date(2022, 9, 1))
    SchoolFundingEligibility.objects.create(
        school=training.partnership.school, cohort_id=2022, pupil_premium_uplift=True
    )
    with clock.travel_to(dt.datetime(2022, 10, 2, 12, 0, tzinfo=UTC)):
        response = declare(api, participant, declaration_date="2022-10-01T10:00:00Z")
    original_partner = str(training.partnership.delivery_partner.api_id)
    assert attrs(response)["delivery_partner_id"] == original_partner
    declaration = Declaration.objects.get()
    assert declaration.pupil_premium_uplift is True and declaration.sparsity_uplift is False
    training.partnership.delivery_partner = factories.DeliveryPartnerFactory()
    training.partnership.save()
    listed = api.get(f"/api/v3/participant-declarations/{declaration.api_id}").json()["data"]["attributes"]
    assert listed["delivery_partner_id"] == original_partner


# --- mentor completion --------------------------------------------------------------------------------


def test_D40_mentor_completed_declaration_ends_funding_and_void_restores_it(api, mentor):
    completed = declare(
        api,
        mentor,
        course_identifier="ecf-mentor",
        declaration_type="completed",
        declaration_date="2025-12-01T10:00:00Z",
        evidence_held="75-percent-engagement-met",
    )
    assert attrs(completed)["state"] == "eligible"
    enrolment = api.get(f"/api/v3/participants/{mentor.api_id}").json()["data"]["attributes"]["ecf_enrolments"][0]
    assert enrolment["mentor_funding_end_date"] == "2025-12-01"
    assert enrolment["mentor_ineligible_for_funding_reason"] == "completed_declaration_received"
    assert enrolment["eligible_for_funding"] is True
    assert enrolment["participant_status"] == "active"
    change = api.put(
        f"/api/v3/participants/{mentor.api_id}/change-schedule",
        {
            "data": {
                "type": "participant-change-schedule",
                "attributes": {"schedule_identifier": "ecf-extended-september", "course_identifier": "ecf-mentor"},
            }
        },
    )
    assert change.status_code == 422
    assert (
        change.json()["errors"][0]["detail"]
        == "You cannot change this participant's schedule as they have completed their training or induction."
    )

    api.put(f"/api/v3/participant-declarations/{completed.json()['data']['id']}/void")
    enrolment = api.get(f"/api/v3/participants/{mentor.api_id}").json()["data"]["attributes"]["ecf_enrolments"][0]
    assert enrolment["mentor_funding_end_date"] is None
    assert enrolment["mentor_ineligible_for_funding_reason"] is None


# --- void ---------------------------------------------------------------------------------------------


def test_D37_void_submitted_then_already_voided(api, ect):
    declaration_id = declare(api, ect).json()["data"]["id"]
    assert attrs(api.put(f"/api/v3/participant-declarations/{declaration_id}/void"))["state"] == "voided"
    assert errors(api.put(f"/api/v3/participant-declarations/{declaration_id}/void")) == [
        ("participant_declaration_id", "The declaration has already been voided.")
    ]


def test_D36_void_paid_is_awaiting_clawback_then_refunded(api, ect):
    declaration_id = declare(api, ect).json()["data"]["id"]
    Declaration.objects.filter(api_id=declaration_id).update(payment_status="paid")
    assert attrs(api.put(f"/api/v3/participant-declarations/{declaration_id}/void"))["state"] == "awaiting-clawback"
    assert errors(api.put(f"/api/v3/participant-declarations/{declaration_id}/void")) == [
        ("participant_declaration_id", "The declaration will or has been refunded")
    ]


def test_D36_O11_paid_declaration_in_a_closed_cohort_cannot_be_clawed_back(api, lead_provider, today):
    participant, training = trained_participant(lead_provider, cohort=2022, started_on=dt.date(2022, 9, 1))
    declaration = Declaration.objects.create(
        training_period=training,
        lead_provider=lead_provider,
        declaration_type="started",
        declaration_date=dt.datetime(2022, 10, 1, tzinfo=UTC),
        delivery_partner=training.partnership.delivery_partner,
        payment_status="paid",
    )
    assert errors(api.put(f"/api/v3/participant-declarations/{declaration.api_id}/void")) == [
        (
            "participant_declaration_id",
            "You cannot submit or void declarations for the 2022 cohort. The funding contract for this cohort has ended. Get in touch if you need to discuss this with us",
        )
    ]


def test_D35_another_providers_declaration_cannot_be_voided_or_read(api, other_api, ect):
    declaration_id = declare(api, ect).json()["data"]["id"]
    assert other_api.put(f"/api/v3/participant-declarations/{declaration_id}/void").status_code == 404
    assert other_api.get(f"/api/v3/participant-declarations/{declaration_id}").status_code == 404
    assert other_api.get("/api/v3/participant-declarations").json() == {"data": []}


# --- D38: what another provider's declarations a provider sees ----------------------------------------


def test_D38_after_a_change_of_provider_the_new_one_sees_the_old_ones_live_declarations_but_cannot_void_them(
    api, other_api, other_lead_provider, ect
):
    started = declare(api, ect).json()["data"]
    retained = declare(api, ect, declaration_type="retained-1", declaration_date="2025-12-01T10:00:00Z").json()["data"]
    assert api.put(f"/api/v3/participant-declarations/{retained['id']}/void").status_code == 200
    school_period = ect.school_periods.get()
    partnership(other_lead_provider, school=school_period.school, cohort=2025)
    change_lead_provider(school_period=school_period, lead_provider=other_lead_provider, now=clock.now())

    listed = other_api.get("/api/v3/participant-declarations").json()["data"]
    assert [item["id"] for item in listed] == [started["id"]]  # the voided one does not make a duplicate
    assert listed[0]["attributes"]["lead_provider_name"] == api.lead_provider.name
    shown = other_api.get(f"/api/v3/participant-declarations/{started['id']}")
    assert shown.json()["data"] == listed[0]
    assert other_api.get(f"/api/v3/participant-declarations/{retained['id']}").status_code == 404
    assert other_api.put(f"/api/v3/participant-declarations/{started['id']}/void").status_code == 404  # D35
    assert errors(declare(other_api, ect, declaration_date="2026-01-15T10:00:00Z")) == [
        ("declaration_type", "A declaration has already been submitted that will be, or has been, paid for this event.")
    ]
    # The old provider still sees both of its own.
    assert [item["id"] for item in api.get("/api/v3/participant-declarations").json()["data"]] == [
        started["id"],
        retained["id"],
    ]


def test_D38_a_provider_whose_training_ended_sees_others_declarations_dated_up_to_its_end_date_only(
    api, other_api, other_lead_provider, lead_provider, today
):
    participant, _ = trained_participant(
        other_lead_provider,
        started_on=dt.date(2025, 9, 1),
        finished_on=dt.date(2025, 12, 31),
        school_finished_on=dt.date(2025, 12, 31),
    )
    trained_participant(lead_provider, participant=participant, started_on=dt.date(2026, 1, 1))
    on_its_last_day = declare(api, participant, declaration_date="2025-12-31T23:30:00Z").json()["data"]
    after_it_ended = declare(
        api, participant, declaration_type="retained-1", declaration_date="2026-01-01T00:30:00Z"
    ).json()["data"]

    listed = [item["id"] for item in other_api.get("/api/v3/participant-declarations").json()["data"]]
    assert listed == [on_its_last_day["id"]]
    assert other_api.get(f"/api/v3/participant-declarations/{after_it_ended['id']}").status_code == 404


def test_D38_a_provider_that_never_trained_the_participant_sees_none_of_their_declarations(api, other_api, ect):
    declaration_id = declare(api, ect).json()["data"]["id"]
    assert other_api.get("/api/v3/participant-declarations").json() == {"data": []}
    assert other_api.get(f"/api/v3/participant-declarations/{declaration_id}").status_code == 404


# --- listing ------------------------------------------------------------------------------------------


def test_D39_filters(api, ect, ect_2023, lead_provider):
    newer = declare(api, ect).json()["data"]
    older = declare(api, ect_2023, declaration_date="2023-10-01T10:00:00Z").json()["data"]

    def listed(params):
        response = api.get("/api/v3/participant-declarations", params)
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["data"]]

    assert listed({}) == [newer["id"], older["id"]]
    assert listed({"filter[cohort]": "2023"}) == [older["id"]]
    assert listed({"filter[participant_id]": f"{ect.api_id},{ect_2023.api_id}"}) == [newer["id"], older["id"]]
    assert listed({"filter[participant_id]": str(ect.api_id)}) == [newer["id"]]
    assert listed({"filter[delivery_partner_id]": newer["attributes"]["delivery_partner_id"]}) == [newer["id"]]
    assert listed({"filter[updated_since]": "2030-01-01T00:00:00Z"}) == []
    assert listed({"page[per_page]": "1", "page[page]": "2"}) == [older["id"]]


def test_Q2_D39_list_filters_accept_the_array_form(api, ect, ect_2023):
    newer = declare(api, ect).json()["data"]
    older = declare(api, ect_2023, declaration_date="2023-10-01T10:00:00Z").json()["data"]

    def listed(params):
        response = api.get("/api/v3/participant-declarations", params)
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["data"]]

    assert listed({"filter[cohort][]": ["2023", "2025"]}) == [newer["id"], older["id"]]
    assert listed({"filter[participant_id][]": [str(ect_2023.api_id)]}) == [older["id"]]
    assert listed({"filter[participant_id][]": [str(ect.api_id), str(ect_2023.api_id)]}) == [newer["id"], older["id"]]
    partners = [newer["attributes"]["delivery_partner_id"], older["attributes"]["delivery_partner_id"]]
    assert listed({"filter[delivery_partner_id][]": partners[:1]}) == [newer["id"]]


@pytest.mark.parametrize("name", ["cohort", "participant_id", "delivery_partner_id"])
def test_Q2_O4_array_form_with_an_invalid_item_is_400(api, today, name):
    response = api.get("/api/v3/participant-declarations", {f"filter[{name}][]": ["nope"]})
    assert response.status_code == 400
    assert f"'#/{name}'" in response.json()["errors"][0]["detail"]


@pytest.mark.parametrize(
    "name, value",
    [("cohort", "x"), ("participant_id", "nope"), ("delivery_partner_id", "1,2"), ("updated_since", "soon")],
)
def test_O4_invalid_declaration_filters_are_400(api, today, name, value):
    response = api.get("/api/v3/participant-declarations", {f"filter[{name}]": value})
    assert response.status_code == 400
    assert f"'#/{name}'" in response.json()["errors"][0]["detail"]


def test_S24_declarations_stay_with_the_schedule_they_were_made_under(api, ect):
    started = attrs(declare(api, ect))
    change = api.put(
        f"/api/v3/participants/{ect.api_id}/change-schedule",
        {
            "data": {
                "type": "participant-change-schedule",
                "attributes": {"schedule_identifier": "ecf-extended-september", "course_identifier": "ecf-induction"},
            }
        },
    )
    assert change.status_code == 200
    retained = attrs(declare(api, ect, declaration_type="retained-1", declaration_date="2026-01-15T09:00:00Z"))
    first, second = Declaration.objects.order_by("created_at", "id")
    assert first.training_period.schedule.identifier == "ecf-standard-september"
    assert second.training_period.schedule.identifier == "ecf-extended-september"
    assert first.training_period_id != second.training_period_id
    assert (started["state"], retained["state"]) == ("submitted", "submitted")
