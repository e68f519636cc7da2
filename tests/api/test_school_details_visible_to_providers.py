"""The school's induction tutor, an ECT's working pattern and appropriate body, a mentor's start date and
"mentoring only at your school" answer: the rules each school action applies, and what each lead provider
then reads through the API (P5, F20, O2, SC6). Portal journeys are walked in tests/portal.
"""

import datetime as dt
import itertools

import pytest

from config.models import AuditEvent
from config.validation import ValidationFailed
from participants.models import ParticipantType, SchoolPeriod
from schools.models import AppropriateBody, SchoolCohortChoice
from tests import factories
from tests.api.acting_school import SINCE_TODAY, TODAY, as_school, built
from tests.builders import partnership, trained_participant
from training.school_actions import (
    change_appropriate_body,
    change_working_pattern,
    register_mentor,
    update_induction_tutor,
)
from training.school_actions.register_ect import suggested_training

_trns = itertools.count(4000000)
BORN = dt.date(1985, 6, 1)


@pytest.fixture(autouse=True)
def _on_a_fixed_day(today):
    """Requests and services run on TODAY."""


def refusals(service, **arguments) -> list[tuple[str, str]]:
    with pytest.raises(ValidationFailed) as failure:
        as_school(service, **arguments)
    return failure.value.errors


def audited(action, model) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, model=model, actor_kind="school_user", actor_id="42"))


@pytest.fixture
def school(lead_provider):
    """A school in partnership with the lead provider for 2025, its tutor recorded yesterday."""
    school = built(
        factories.SchoolFactory, induction_tutor_name="Ina Tutor", induction_tutor_email="ina@school.example"
    )
    built(partnership, lead_provider, school=school, cohort=2025)
    return school


@pytest.fixture
def ect(lead_provider, school):
    """An ECT the lead provider has trained at the school since September, full time."""
    participant, _ = built(trained_participant, lead_provider, school=school)
    school_period = participant.school_periods.get()
    assert school_period.working_pattern == "full_time"
    return school_period


def partnerships_of(api) -> list[dict]:
    response = api.get("/api/v3/partnerships")
    assert response.status_code == 200, response.content
    return [item["attributes"] for item in response.json()["data"]]


def school_in_list(api, school) -> dict:
    response = api.get("/api/v3/schools", {"filter[cohort]": "2025", "filter[urn]": school.urn})
    assert response.status_code == 200, response.content
    [shown] = response.json()["data"]
    return shown["attributes"]


def ect_enrolment(api, participant):
    response = api.get(f"/api/v3/participants/{participant.api_id}")
    if response.status_code == 404:
        return None
    [shown] = [e for e in response.json()["data"]["attributes"]["ecf_enrolments"] if e["participant_type"] == "ect"]
    return shown


def updated_today(api) -> set[str]:
    response = api.get("/api/v3/participants", {"filter[updated_since]": SINCE_TODAY})
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["data"]}


# --- the induction tutor ---------------------------------------------------------------------------------------------


def test_P5_a_new_induction_tutor_is_read_on_the_providers_partnership_and_in_every_providers_school_list(
    api, other_api, school
):
    as_school(update_induction_tutor, school=school, full_name="  Tomás   O'Neill ", email=" tomas@school.example ")

    [shown] = partnerships_of(api)
    assert (shown["induction_tutor_name"], shown["induction_tutor_email"], shown["updated_at"]) == (
        "Tomás O'Neill",
        "tomas@school.example",
        "2026-01-15T12:00:00Z",
    )
    assert partnerships_of(other_api) == []
    listed = school_in_list(other_api, school)
    assert (listed["induction_tutor_name"], listed["induction_tutor_email"], listed["updated_at"]) == (
        "Tomás O'Neill",
        "tomas@school.example",
        "2026-01-15T12:00:00Z",
    )


def test_an_induction_tutor_change_is_audited_as_the_school_user_with_old_and_new_values(school):
    as_school(update_induction_tutor, school=school, full_name="Tomás O'Neill", email="tomas@school.example")
    [event] = audited("update_induction_tutor", "schools.School")
    assert event.changes == {
        "induction_tutor_name": ["Ina Tutor", "Tomás O'Neill"],
        "induction_tutor_email": ["ina@school.example", "tomas@school.example"],
    }


@pytest.mark.parametrize(
    ("full_name", "email", "expected"),
    [
        ("", "tomas@school.example", [("full_name", "Enter the induction tutor's full name")]),
        ("   ", "tomas@school.example", [("full_name", "Enter the induction tutor's full name")]),
        ("1234", "tomas@school.example", [("full_name", "Full name must include letters")]),
        ("J", "tomas@school.example", [("full_name", "Full name must include letters")]),
        (
            "tomas@school.example",
            "tomas@school.example",
            [("full_name", "Enter the induction tutor's name, not their email address")],
        ),
        ("A" * 201, "tomas@school.example", [("full_name", "Full name must be 200 characters or fewer")]),
        ("Tomás O'Neill", "", [("email", "Enter the induction tutor's email address")]),
        (
            "Tomás O'Neill",
            "tomas@",
            [("email", "Enter an email address in the correct format, like name@example.com")],
        ),
        (
            "Tomás O'Neill",
            "tomas at school.example",
            [("email", "Enter an email address in the correct format, like name@example.com")],
        ),
        (
            "Tomás O'Neill",
            "t" * 250 + "@school.example",
            [("email", "Email address must be 254 characters or fewer")],
        ),
        (
            "",
            "nope",
            [
                ("full_name", "Enter the induction tutor's full name"),
                ("email", "Enter an email address in the correct format, like name@example.com"),
            ],
        ),
    ],
)
def test_an_induction_tutor_needs_a_sensible_name_and_a_valid_email_and_a_refusal_changes_nothing(
    api, school, full_name, email, expected
):
    assert refusals(update_induction_tutor, school=school, full_name=full_name, email=email) == expected
    school.refresh_from_db()
    assert (school.induction_tutor_name, school.induction_tutor_email) == ("Ina Tutor", "ina@school.example")
    assert partnerships_of(api)[0]["updated_at"] != "2026-01-15T12:00:00Z"
    assert not AuditEvent.objects.filter(action="update_induction_tutor").exists()


# --- an ECT's working pattern ----------------------------------------------------------------------------------------


def test_F20_O2_a_working_pattern_change_is_read_by_the_ects_provider_only_and_picked_up_by_updated_since(
    api, other_api, ect
):
    as_school(change_working_pattern, school_period=ect, working_pattern="part_time")

    assert ect_enrolment(api, ect.participant)["working_pattern"] == "part_time"
    assert str(ect.participant.api_id) in updated_today(api)
    assert ect_enrolment(other_api, ect.participant) is None
    [event] = audited("change_working_pattern", "participants.SchoolPeriod")
    assert event.changes == {"working_pattern": ["full_time", "part_time"]}


def test_a_working_pattern_must_be_full_time_or_part_time(ect):
    assert refusals(change_working_pattern, school_period=ect, working_pattern="weekends") == [
        ("working_pattern", "Select if they work full time or part time")
    ]
    assert SchoolPeriod.objects.get(pk=ect.pk).working_pattern == "full_time"


def test_only_ects_have_a_working_pattern(school):
    mentor = built(factories.SchoolPeriodFactory, school=school, participant_type=ParticipantType.MENTOR)
    assert refusals(change_working_pattern, school_period=mentor, working_pattern="part_time") == [
        ("participant", "Only ECTs have a working pattern and an appropriate body")
    ]


def test_the_working_pattern_of_an_ect_who_has_left_cannot_be_changed(school):
    left = built(factories.SchoolPeriodFactory, school=school, finished_on=dt.date(2026, 1, 14))
    assert refusals(change_working_pattern, school_period=left, working_pattern="part_time") == [
        ("participant", "They have left your school, so you can no longer change their details")
    ]
    assert not AuditEvent.objects.filter(action="change_working_pattern").exists()


def test_the_working_pattern_of_an_ect_leaving_later_can_still_be_changed(school):
    leaving = built(factories.SchoolPeriodFactory, school=school, finished_on=dt.date(2026, 3, 31))
    as_school(change_working_pattern, school_period=leaving, working_pattern="part_time")
    assert SchoolPeriod.objects.get(pk=leaving.pk).working_pattern == "part_time"


# --- an ECT's appropriate body ---------------------------------------------------------------------------------------


def test_the_national_appropriate_bodies_are_seeded_as_the_reference_list():
    assert set(AppropriateBody.objects.values_list("name", flat=True)) >= {
        "Independent Schools Teacher Induction Panel (ISTIP)",
        "National Teacher Accreditation (NTA)",
    }


def test_an_appropriate_body_is_recorded_and_audited_but_no_provider_sees_it_or_is_told_of_a_change(api, ect):
    before = api.get(f"/api/v3/participants/{ect.participant.api_id}").json()
    body = AppropriateBody.objects.get(name="National Teacher Accreditation (NTA)")

    as_school(change_appropriate_body, school_period=ect, appropriate_body=body)

    assert SchoolPeriod.objects.get(pk=ect.pk).appropriate_body == body
    [event] = audited("change_appropriate_body", "participants.SchoolPeriod")
    assert event.changes == {"appropriate_body": [None, body.pk]}
    assert api.get(f"/api/v3/participants/{ect.participant.api_id}").json() == before
    assert str(ect.participant.api_id) not in updated_today(api)


def test_an_appropriate_body_comes_from_the_reference_list_not_free_text(ect):
    assert refusals(change_appropriate_body, school_period=ect, appropriate_body="My local hub") == [
        ("appropriate_body", "Select their appropriate body")
    ]
    assert refusals(change_appropriate_body, school_period=ect, appropriate_body=None) == [
        ("appropriate_body", "Select their appropriate body")
    ]


def test_only_ects_still_at_the_school_have_an_appropriate_body_recorded(school):
    body = AppropriateBody.objects.first()
    mentor = built(factories.SchoolPeriodFactory, school=school, participant_type=ParticipantType.MENTOR)
    left = built(factories.SchoolPeriodFactory, school=school, finished_on=dt.date(2025, 12, 19))
    assert refusals(change_appropriate_body, school_period=mentor, appropriate_body=body) == [
        ("participant", "Only ECTs have a working pattern and an appropriate body")
    ]
    assert refusals(change_appropriate_body, school_period=left, appropriate_body=body) == [
        ("participant", "They have left your school, so you can no longer change their details")
    ]


# --- a mentor's start date and "mentoring only at your school" -------------------------------------------------------


def mentor_details(school, **overrides):
    trn = str(next(_trns))
    return {
        "school": school,
        "full_name": "Grace Hopper",
        "trn": trn,
        "date_of_birth": BORN,
        "email": f"m{trn}@school.example",
        **overrides,
    }


@pytest.mark.parametrize("only_here", [True, False])
def test_SC6_the_mentoring_only_here_answer_is_stored_on_the_mentors_school_period(school, only_here):
    mentor = as_school(register_mentor, **mentor_details(school), started_on=TODAY, mentoring_only_here=only_here)
    assert SchoolPeriod.objects.get(pk=mentor.pk).mentoring_only_here is only_here
    [event] = audited("register_mentor", "participants.SchoolPeriod")
    assert event.changes["mentoring_only_here"] == [None, only_here]


def registered_from_april_while_mentoring_elsewhere(school, ect, *, only_here):
    """(their school period elsewhere, their new one here): a mentor at another school, registered here later."""
    elsewhere = built(
        factories.SchoolPeriodFactory, participant_type=ParticipantType.MENTOR, participant__date_of_birth=BORN
    )
    mentor = as_school(
        register_mentor,
        **mentor_details(school, trn=elsewhere.participant.trn),
        started_on=dt.date(2026, 4, 20),
        mentoring_only_here=only_here,
        mentee=ect,
    )
    return elsewhere, mentor


def test_SC6_a_mentor_starting_later_is_joining_for_the_provider_and_stays_at_their_other_school_if_also_mentoring_there(
    api, other_api, lead_provider, school, ect
):
    elsewhere, mentor = registered_from_april_while_mentoring_elsewhere(school, ect, only_here=False)
    assert mentor.started_on == dt.date(2026, 4, 20)
    assert SchoolPeriod.objects.get(pk=elsewhere.pk).finished_on is None
    # SC6: not trained while they also mentor at another school, so no provider sees them as a mentor.
    response = api.get(f"/api/v3/participants/{mentor.participant.api_id}")
    assert response.status_code == 404


def test_SC6_a_mentor_mentoring_only_here_from_a_later_date_leaves_their_other_school_the_day_before_and_is_joining(
    api, other_api, lead_provider, school, ect
):
    elsewhere, mentor = registered_from_april_while_mentoring_elsewhere(school, ect, only_here=True)
    assert SchoolPeriod.objects.get(pk=elsewhere.pk).finished_on == dt.date(2026, 4, 19)
    response = api.get(f"/api/v3/participants/{mentor.participant.api_id}")
    assert response.status_code == 200, response.content
    [shown] = [e for e in response.json()["data"]["attributes"]["ecf_enrolments"] if e["participant_type"] == "mentor"]
    assert (shown["participant_status"], shown["school_urn"]) == ("joining", school.urn)
    assert other_api.get(f"/api/v3/participants/{mentor.participant.api_id}").status_code == 404


# --- the lead provider offered when registering an ECT ---------------------------------------------------------------


def choose(school, year, programme, lead_provider=None):
    return SchoolCohortChoice.objects.create(
        school=school, cohort_id=year, induction_programme_choice=programme, lead_provider=lead_provider
    )


def test_registering_an_ect_offers_the_lead_provider_the_school_chose_for_todays_cohort(
    lead_provider, other_lead_provider
):
    school = factories.SchoolFactory()
    partnership(lead_provider, school=school, cohort=2025)
    choose(school, 2025, "provider_led", other_lead_provider)
    assert suggested_training(school=school, today=TODAY) == ("provider_led", other_lead_provider)


def test_registering_an_ect_offers_school_led_training_when_the_school_chose_it(lead_provider):
    school = factories.SchoolFactory()
    choose(school, 2025, "school_led")
    assert suggested_training(school=school, today=TODAY) == ("school_led", None)


def test_registering_an_ect_offers_the_one_partnered_provider_when_the_school_has_not_chosen(
    lead_provider, other_lead_provider
):
    school = factories.SchoolFactory()
    partnership(lead_provider, school=school, cohort=2025)
    choose(school, 2025, "not_yet_known")
    choose(school, 2024, "provider_led", other_lead_provider)
    assert suggested_training(school=school, today=TODAY) == ("provider_led", lead_provider)


def test_registering_an_ect_offers_the_latest_earlier_choice_when_this_cohort_has_none(other_lead_provider):
    school = factories.SchoolFactory()
    choose(school, 2023, "school_led")
    choose(school, 2024, "provider_led", other_lead_provider)
    choose(school, 2026, "school_led")
    assert suggested_training(school=school, today=TODAY) == ("provider_led", other_lead_provider)


def test_registering_an_ect_offers_nothing_without_a_choice_or_with_two_partnered_providers(
    lead_provider, other_lead_provider
):
    school = factories.SchoolFactory()
    assert suggested_training(school=school, today=TODAY) == (None, None)
    partnership(lead_provider, school=school, cohort=2025)
    partnership(other_lead_provider, school=school, cohort=2025)
    assert suggested_training(school=school, today=TODAY) == (None, None)
