"""Each confirmation says which lead providers see the change and when, and only what is true; a change of lead
provider says before it is confirmed what each provider will see. Every claim is read back through the lead
provider API, for the providers named and for the others. Runs on 15 January 2026 (the `today` fixture)."""

import datetime as dt

import pytest
from django.urls import reverse

from participants.models import Participant
from tests import builders
from tests.conftest import ProviderClient

VALID_ECT = {
    "full_name": "Priya Shah",
    "trn": "1234567",
    "date_of_birth-day": "27",
    "date_of_birth-month": "3",
    "date_of_birth-year": "1998",
    "email": "priya.shah@oakfield.example",
    "started_on-day": "5",
    "started_on-month": "1",
    "started_on-year": "2026",
    "working_pattern": "full_time",
}


@pytest.fixture(autouse=True)
def _on_a_fixed_day(today):
    """Registrations and changes happen on this date."""


def sees(lead_provider, participant) -> dict | None:
    response = ProviderClient(lead_provider).get(f"/api/v3/participants/{participant.api_id}")
    if response.status_code == 404:
        return None
    assert response.status_code == 200
    return response.json()["data"]


def status_seen_by(lead_provider, participant, participant_type="ect"):
    data = sees(lead_provider, participant)
    [enrolment] = [e for e in data["attributes"]["ecf_enrolments"] if e["participant_type"] == participant_type]
    return enrolment["participant_status"]


def confirm(client, name, kwargs, answers) -> str:
    """Answer the question, confirm, and return the confirmation page."""
    answered = client.post(reverse(f"portal:{name}", kwargs=kwargs), answers)
    assert answered.status_code == 302, answered.content.decode()[:2000]
    confirmed = client.post(reverse(f"portal:{name}-check", kwargs=kwargs))
    assert confirmed.status_code == 302, confirmed.content.decode()[:2000]
    page = client.get(confirmed.url).content.decode()
    assert "govuk-panel--confirmation" in page
    return page


def test_V1_a_school_led_registration_says_no_lead_provider_sees_it(
    signed_in, school, lead_provider, other_lead_provider
):
    builders.partnership(lead_provider, school=school)
    page = confirm(signed_in, "register-ect", {"urn": school.urn}, {**VALID_ECT, "programme_type": "school_led"})
    assert "No lead provider sees this change: Priya Shah has no training with a lead provider here." in page
    assert "can see this change" not in page
    priya = Participant.objects.get(trn="1234567")
    assert sees(lead_provider, priya) is None and sees(other_lead_provider, priya) is None


def test_V1_a_provider_led_registration_names_the_provider_that_sees_it_and_no_other(
    signed_in, school, lead_provider, other_lead_provider
):
    builders.partnership(lead_provider, school=school)
    builders.partnership(other_lead_provider, school=school)
    answers = {**VALID_ECT, "programme_type": "provider_led", "lead_provider": str(lead_provider.pk)}
    page = confirm(signed_in, "register-ect", {"urn": school.urn}, answers)
    assert "Ambition Institute can see this change now" in page
    assert "Teach First" not in page
    priya = Participant.objects.get(trn="1234567")
    assert status_seen_by(lead_provider, priya) == "active"
    assert sees(other_lead_provider, priya) is None


def test_V1_V5_registering_with_a_provider_without_a_partnership_says_it_waits_for_one(
    signed_in, school, lead_provider
):
    answers = {**VALID_ECT, "programme_type": "provider_led", "lead_provider": str(lead_provider.pk)}
    page = confirm(signed_in, "register-ect", {"urn": school.urn}, answers)
    assert "Ambition Institute will see Priya Shah only once they confirm a partnership with your school." in page
    assert "can see this change" not in page
    assert sees(lead_provider, Participant.objects.get(trn="1234567")) is None


def test_SC6_a_mentor_registered_on_their_own_is_seen_by_no_lead_provider(signed_in, school, lead_provider):
    builders.partnership(lead_provider, school=school)
    answers = {
        "full_name": "Robin Ellis",
        "trn": "7654321",
        "date_of_birth-day": "2",
        "date_of_birth-month": "6",
        "date_of_birth-year": "1984",
        "email": "robin@oakfield.example",
        "started_on-day": "15",
        "started_on-month": "1",
        "started_on-year": "2026",
        "mentoring_only_here": "yes",
    }
    page = confirm(signed_in, "register-mentor", {"urn": school.urn}, answers)
    assert "No lead provider sees this change: Robin Ellis has no training with a lead provider here." in page
    assert sees(lead_provider, Participant.objects.get(trn="7654321")) is None


def test_SC13_changing_to_a_provider_without_a_partnership_warns_first_then_the_old_one_sees_left(
    signed_in, school, lead_provider, other_lead_provider
):
    participant, training = builders.trained_participant(lead_provider, school=school)
    participant.full_name = "Alex Carter"
    participant.save()
    kwargs = {"urn": school.urn, "pk": training.school_period.pk}
    answered = signed_in.post(
        reverse("portal:change-lead-provider", kwargs=kwargs), {"lead_provider": str(other_lead_provider.pk)}
    )
    check_page = signed_in.get(answered.url).content.decode()
    assert "Ambition Institute will see Alex Carter as left from today." in check_page
    assert (
        "Teach First has no partnership with your school for the 2025 cohort, so they will not see Alex Carter "
        "until they confirm one." in check_page
    )
    confirmed = signed_in.post(reverse("portal:change-lead-provider-check", kwargs=kwargs))
    page = signed_in.get(confirmed.url).content.decode()
    assert "Ambition Institute can see this change now" in page
    assert "Teach First will see Alex Carter only once they confirm a partnership with your school." in page
    assert status_seen_by(lead_provider, participant) == "left"
    assert sees(other_lead_provider, participant) is None


def test_SC13_training_not_yet_started_moves_and_the_old_provider_loses_the_participant(
    signed_in, school, lead_provider, other_lead_provider
):
    participant, training = builders.trained_participant(lead_provider, school=school, started_on=dt.date(2026, 2, 2))
    builders.partnership(other_lead_provider, school=school)
    kwargs = {"urn": school.urn, "pk": training.school_period.pk}
    answered = signed_in.post(
        reverse("portal:change-lead-provider", kwargs=kwargs), {"lead_provider": str(other_lead_provider.pk)}
    )
    check_page = signed_in.get(answered.url).content.decode()
    assert f"Ambition Institute will no longer see {participant.full_name} at all." in check_page
    assert f"Teach First will see {participant.full_name} from today." in check_page
    signed_in.post(reverse("portal:change-lead-provider-check", kwargs=kwargs))
    assert sees(lead_provider, participant) is None
    assert status_seen_by(other_lead_provider, participant) == "joining"


def test_a_cohort_choice_says_whether_the_provider_sees_a_partnership(signed_in, school, lead_provider):
    kwargs = {"urn": school.urn, "year": 2025}
    answered = signed_in.post(
        reverse("portal:cohort-choice", kwargs=kwargs),
        {"programme_type": "provider_led", "lead_provider": str(lead_provider.pk)},
    )
    assert answered.status_code == 302 and "/delivery-partner/" in answered.url
    page = confirm(
        signed_in,
        "cohort-delivery-partner",
        kwargs,
        {"lead_provider": str(lead_provider.pk), "delivery_partner": "not-known-yet"},
    )
    assert "Ambition Institute has no partnership with your school for the 2025 cohort yet." in page
    page = confirm(signed_in, "cohort-choice", {"urn": school.urn, "year": 2025}, {"programme_type": "school_led"})
    assert "Lead providers do not see this choice." in page


def test_SC7a_the_confirmation_of_a_name_change_names_them_by_their_new_name(signed_in, school):
    period = builders.factories.SchoolPeriodFactory(school=school, started_on=dt.date(2025, 9, 1))
    old_name = period.participant.full_name

    page = confirm(signed_in, "change-name", {"urn": school.urn, "pk": period.pk}, {"full_name": "Amara Okafor"})

    assert "No lead provider sees this change: Amara Okafor has no training with a lead provider here." in page
    assert old_name not in page
