"""What a lead provider sees through GET /api/v3/participants after each school action (SC, V5, O1, O5, O10).

Data is built the day before; the school acts at NOW as a signed-in school user, and every action
must be audited as that user and picked up by `filter[updated_since]`.
"""

import datetime as dt
import itertools

import pytest

from config import clock
from config.models import AuditEvent
from participants.models import Participant, ParticipantType
from schools.models import LeadProviderDeliveryPartnership, SchoolCohortChoice
from tests import factories
from tests.api.acting_school import BUILT, NOW, SINCE_TODAY, TODAY, UTC, as_school, built
from tests.builders import partnership, trained_participant
from training.school_actions import (
    assign_mentor,
    change_lead_provider,
    confirm_cohort_choice,
    register_ect,
    register_mentor,
    report_leaving,
    switch_programme,
    update_email,
    update_name,
)

BORN_ON = dt.date(1991, 2, 3)

_trns = itertools.count(3000000)


@pytest.fixture(autouse=True)
def _on_a_fixed_day(today):
    """Requests and services run on TODAY."""


def register(school, lead_provider=None, at=NOW, **overrides):
    details = {
        "school": school,
        "full_name": "Grace Hopper",
        "trn": str(next(_trns)),
        "date_of_birth": BORN_ON,
        "email": f"grace{next(_trns)}@school.example",
        "started_on": TODAY,
        "working_pattern": "part_time",
        "programme_type": "provider_led",
        "lead_provider": lead_provider,
    }
    return as_school(register_ect, at=at, **{**details, **overrides})


def document(api, participant):
    response = api.get(f"/api/v3/participants/{participant.api_id}")
    if response.status_code == 404:
        return None
    assert response.status_code == 200, response.content
    return response.json()["data"]


def enrolment(api, participant, participant_type="ect"):
    data = document(api, participant)
    assert data is not None, "the provider cannot see this participant"
    [shown] = [e for e in data["attributes"]["ecf_enrolments"] if e["participant_type"] == participant_type]
    return shown


def updated_today(api) -> set[str]:
    response = api.get("/api/v3/participants", {"filter[updated_since]": SINCE_TODAY})
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["data"]}


def assert_audited_as_the_school_user(action):
    events = AuditEvent.objects.filter(action=action)
    assert events.exists()
    assert {(e.actor_kind, e.actor_id, e.actor_label, e.occurred_at) for e in events} == {
        ("school_user", "42", "tutor@school.example", NOW)
    }


@pytest.fixture
def school(lead_provider):
    """A school in partnership with the lead provider for 2025."""
    return built(partnership, lead_provider, school=factories.SchoolFactory(), cohort=2025).school


@pytest.fixture
def ect(lead_provider, school):
    """An ECT the provider has trained at the school since September, born on the day `register` gives."""
    participant, _ = built(trained_participant, lead_provider, school=school)
    Participant.objects.filter(pk=participant.pk).update(date_of_birth=BORN_ON)
    participant.refresh_from_db()
    return participant


def school_period_of(participant, participant_type="ect"):
    return participant.school_periods.filter(participant_type=participant_type).latest("started_on")


# --- register ECT ----------------------------------------------------------------------------------------------------


def test_SC4_a_late_registration_is_active_from_today_and_picked_up(api, lead_provider, school):
    school_period = register(school, lead_provider, started_on=dt.date(2025, 9, 1))
    participant = school_period.participant

    shown = enrolment(api, participant)
    assert (shown["participant_status"], shown["training_status"]) == ("active", "active")
    assert (shown["cohort"], shown["schedule_identifier"], shown["school_urn"]) == (
        "2025",
        "ecf-standard-january",
        school.urn,
    )
    assert (shown["email"], shown["working_pattern"], shown["eligible_for_funding"]) == (
        school_period.email,
        "part_time",
        None,
    )
    assert document(api, participant)["attributes"]["full_name"] == "Grace Hopper"
    assert document(api, participant)["attributes"]["updated_at"] == "2026-01-15T12:00:00Z"
    assert str(participant.api_id) in updated_today(api)
    assert_audited_as_the_school_user("register_ect")


def test_SC4_a_future_start_is_joining(api, lead_provider, school):
    participant = register(school, lead_provider, started_on=dt.date(2026, 4, 20)).participant
    assert enrolment(api, participant)["participant_status"] == "joining"


def test_SC5_an_ect_in_induction_is_eligible_for_funding_once_registered(api, lead_provider, school):
    teacher = built(factories.ParticipantFactory)
    built(factories.InductionPeriodFactory, participant=teacher)
    register(school, lead_provider, trn=teacher.trn)
    assert enrolment(api, teacher)["eligible_for_funding"] is True


def test_SC3_school_led_registration_is_never_visible(api, lead_provider, school):
    participant = register(school, lead_provider, programme_type="school_led").participant
    assert document(api, participant) is None
    assert str(participant.api_id) not in updated_today(api)


def test_SC3_V5_an_expression_of_interest_is_invisible_until_the_school_rolls_its_partnership_over(api, lead_provider):
    new_school = built(factories.SchoolFactory)
    earlier = built(partnership, lead_provider, school=new_school, cohort=2024)
    built(
        SchoolCohortChoice.objects.create,
        school=new_school,
        cohort_id=2024,
        induction_programme_choice="provider_led",
        lead_provider=lead_provider,
    )
    participant = register(new_school, lead_provider).participant
    assert document(api, participant) is None

    # The delivery partner now also works with the provider in 2025, so keeping last year's choice rolls it over.
    LeadProviderDeliveryPartnership.objects.create(
        lead_provider=lead_provider, delivery_partner=earlier.delivery_partner, cohort_id=2025
    )
    as_school(
        confirm_cohort_choice, school=new_school, cohort=factories.cohort(2025), programme_type=None, keep_previous=True
    )

    shown = enrolment(api, participant)
    assert (shown["cohort"], shown["delivery_partner_id"]) == ("2025", str(earlier.delivery_partner.api_id))
    assert str(participant.api_id) in updated_today(api)
    assert_audited_as_the_school_user("confirm_cohort_choice")


def test_SC1_O5_moving_to_a_school_with_the_same_provider_shows_the_new_school_as_active(api, lead_provider, ect):
    new_school = built(partnership, lead_provider, school=factories.SchoolFactory(), cohort=2025).school
    assert str(ect.api_id) not in updated_today(api)

    register(new_school, lead_provider, trn=ect.trn)

    shown = enrolment(api, ect)
    assert (shown["school_urn"], shown["participant_status"], shown["cohort"]) == (new_school.urn, "active", "2025")
    assert str(ect.api_id) in updated_today(api)


def test_SC1_moving_to_another_provider_shows_leaving_then_left_to_the_old_one(
    api, other_api, other_lead_provider, ect
):
    new_school = built(partnership, other_lead_provider, school=factories.SchoolFactory(), cohort=2025).school

    register(new_school, other_lead_provider, trn=ect.trn, started_on=dt.date(2026, 2, 2))

    assert enrolment(api, ect)["participant_status"] == "leaving"
    assert enrolment(other_api, ect)["participant_status"] == "joining"
    assert str(ect.api_id) in updated_today(api)
    with clock.travel_to(dt.datetime(2026, 2, 2, 9, 0, tzinfo=UTC)):
        assert enrolment(api, ect)["participant_status"] == "left"
        assert enrolment(other_api, ect)["participant_status"] == "active"


# --- register mentor ---------------------------------------------------------------------------------------------------


def test_SC6_O10_a_mentor_registered_for_an_ect_is_visible_eligible_and_becomes_their_mentor(
    api, lead_provider, school, ect
):
    mentor = as_school(
        register_mentor,
        school=school,
        full_name="Mary Mentor",
        trn=str(next(_trns)),
        date_of_birth=dt.date(1980, 7, 14),
        email="mary@school.example",
        mentee=school_period_of(ect),
    ).participant

    shown = enrolment(api, mentor, "mentor")
    assert (shown["participant_status"], shown["eligible_for_funding"], shown["email"]) == (
        "active",
        True,
        "mary@school.example",
    )
    assert (shown["schedule_identifier"], shown["mentor_id"], shown["mentor_funding_end_date"]) == (
        "ecf-standard-january",
        None,
        None,
    )
    assert enrolment(api, ect)["mentor_id"] == str(mentor.api_id)
    assert {str(mentor.api_id), str(ect.api_id)} <= updated_today(api)
    assert_audited_as_the_school_user("register_mentor")


# --- names and emails --------------------------------------------------------------------------------------------------


def test_SC7a_a_name_correction_is_shown_and_picked_up(api, ect):
    assert str(ect.api_id) not in updated_today(api)
    as_school(update_name, school_period=school_period_of(ect), full_name="Grace Brewster Hopper")
    assert document(api, ect)["attributes"]["full_name"] == "Grace Brewster Hopper"
    assert str(ect.api_id) in updated_today(api)
    assert_audited_as_the_school_user("update_name")


def test_SC7a_an_email_change_is_shown_and_picked_up(api, ect):
    as_school(update_email, school_period=school_period_of(ect), email="grace.new@school.example")
    assert enrolment(api, ect)["email"] == "grace.new@school.example"
    assert str(ect.api_id) in updated_today(api)
    assert_audited_as_the_school_user("update_email")


def test_SC7a_an_email_at_a_school_whose_training_the_provider_cannot_see_moves_only_updated_at(
    api, lead_provider, ect
):
    new_school = built(factories.SchoolFactory)  # no partnership: the new training is only an EOI
    new_period = register(new_school, lead_provider, at=BUILT, trn=ect.trn, started_on=dt.date(2026, 2, 2))
    old_email = enrolment(api, ect)["email"]
    assert str(ect.api_id) not in updated_today(api)

    as_school(update_email, school_period=new_period, email="grace.elsewhere@school.example")

    assert enrolment(api, ect)["email"] == old_email
    assert document(api, ect)["attributes"]["updated_at"] == "2026-01-15T12:00:00Z"
    assert str(ect.api_id) in updated_today(api)


# --- leaving -------------------------------------------------------------------------------------------------------------


def test_SC7_a_future_leaving_date_shows_leaving_until_it_passes_then_left(api, ect):
    as_school(report_leaving, school_period=school_period_of(ect), leaving_on=dt.date(2026, 3, 31))

    shown = enrolment(api, ect)
    assert (shown["participant_status"], shown["training_status"]) == ("leaving", "active")
    assert str(ect.api_id) in updated_today(api)
    with clock.travel_to(dt.datetime(2026, 4, 1, 9, 0, tzinfo=UTC)):
        assert enrolment(api, ect)["participant_status"] == "left"
    assert_audited_as_the_school_user("report_leaving")


def test_O1_leaving_today_is_leaving_until_the_day_has_passed(api, ect):
    as_school(report_leaving, school_period=school_period_of(ect), leaving_on=TODAY)
    assert enrolment(api, ect)["participant_status"] == "leaving"
    with clock.travel_to(dt.datetime(2026, 1, 16, 9, 0, tzinfo=UTC)):
        assert enrolment(api, ect)["participant_status"] == "left"


def test_SC7_leaving_before_the_only_training_began_removes_the_participant(api, lead_provider, school):
    participant = register(school, lead_provider, started_on=dt.date(2025, 9, 1)).participant  # trains from today
    assert document(api, participant) is not None
    as_school(report_leaving, school_period=school_period_of(participant), leaving_on=dt.date(2026, 1, 10))
    assert document(api, participant) is None


def test_SC8_a_leaving_mentor_is_leaving_and_their_mentee_loses_them_after(api, lead_provider, school, ect):
    mentor, _ = built(trained_participant, lead_provider, school=school, participant_type=ParticipantType.MENTOR)
    as_school(
        assign_mentor, ect_school_period=school_period_of(ect), mentor_school_period=school_period_of(mentor, "mentor")
    )
    as_school(report_leaving, school_period=school_period_of(mentor, "mentor"), leaving_on=dt.date(2026, 3, 31))
    assert enrolment(api, mentor, "mentor")["participant_status"] == "leaving"
    assert enrolment(api, ect)["mentor_id"] == str(mentor.api_id)
    with clock.travel_to(dt.datetime(2026, 4, 1, 9, 0, tzinfo=UTC)):
        assert enrolment(api, ect)["mentor_id"] is None


# --- mentors -----------------------------------------------------------------------------------------------------------


def test_SC9_assigning_a_mentor_changes_the_ects_mentor_id_and_is_picked_up(api, school, ect):
    mentor_period = built(factories.SchoolPeriodFactory, school=school, participant_type=ParticipantType.MENTOR)
    assert str(ect.api_id) not in updated_today(api)

    as_school(assign_mentor, ect_school_period=school_period_of(ect), mentor_school_period=mentor_period)

    assert enrolment(api, ect)["mentor_id"] == str(mentor_period.participant.api_id)
    assert str(ect.api_id) in updated_today(api)
    assert_audited_as_the_school_user("assign_mentor")


def test_SC9_O10_an_assigned_mentor_is_visible_with_funding_eligibility(api, school, ect):
    mentor_period = built(
        factories.SchoolPeriodFactory,
        school=school,
        participant_type=ParticipantType.MENTOR,
        started_on=dt.date(2025, 10, 1),
    )
    as_school(assign_mentor, ect_school_period=school_period_of(ect), mentor_school_period=mentor_period)
    shown = enrolment(api, mentor_period.participant, "mentor")
    assert (shown["participant_status"], shown["eligible_for_funding"]) == ("active", True)


# --- training programme and lead provider ------------------------------------------------------------------------------


def test_SC10_switching_to_school_led_shows_left(api, ect):
    as_school(switch_programme, ect_school_period=school_period_of(ect), programme_type="school_led")
    assert enrolment(api, ect)["participant_status"] == "left"
    assert str(ect.api_id) in updated_today(api)
    assert_audited_as_the_school_user("switch_programme")


def test_SC10_switching_before_training_began_takes_the_participant_from_the_provider(api, lead_provider, school):
    participant = register(school, lead_provider, started_on=dt.date(2026, 2, 2)).participant
    assert enrolment(api, participant)["participant_status"] == "joining"
    as_school(switch_programme, ect_school_period=school_period_of(participant), programme_type="school_led")
    assert document(api, participant) is None


def test_SC11_switching_to_provider_led_shows_active(api, lead_provider, school):
    school_period = register(school, programme_type="school_led", started_on=dt.date(2025, 9, 1))
    school_period.training_periods.update(started_on=dt.date(2025, 9, 1))
    as_school(
        switch_programme, ect_school_period=school_period, programme_type="provider_led", lead_provider=lead_provider
    )
    shown = enrolment(api, school_period.participant)
    assert (shown["participant_status"], shown["cohort"]) == ("active", "2025")


def test_SC13_changing_provider_shows_left_to_the_old_and_active_to_the_new(
    api, other_api, other_lead_provider, school, ect
):
    built(partnership, other_lead_provider, school=school, cohort=2025)
    assert document(other_api, ect) is None

    as_school(change_lead_provider, school_period=school_period_of(ect), lead_provider=other_lead_provider)

    assert enrolment(api, ect)["participant_status"] == "left"
    assert enrolment(other_api, ect)["participant_status"] == "active"
    assert str(ect.api_id) in updated_today(api) & updated_today(other_api)
    assert_audited_as_the_school_user("change_lead_provider")


def test_SC13_moving_training_that_has_not_begun_takes_the_participant_from_the_old_provider(
    api, other_api, lead_provider, other_lead_provider, school
):
    built(partnership, other_lead_provider, school=school, cohort=2025)
    participant = register(school, lead_provider, started_on=dt.date(2026, 2, 2)).participant
    assert enrolment(api, participant)["participant_status"] == "joining"

    as_school(change_lead_provider, school_period=school_period_of(participant), lead_provider=other_lead_provider)

    assert document(api, participant) is None
    assert enrolment(other_api, participant)["participant_status"] == "joining"
