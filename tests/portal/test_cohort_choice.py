"""The cohort choice (P11): "keep" records exactly the provider and delivery partner it shows, and a provider-led
choice offers only the delivery partners working with the chosen provider in that cohort, each checked on its
question page. The resulting partnership is read back through the lead provider API. Runs on 15 January 2026."""

import pytest
from django.urls import reverse

from schools.models import LeadProviderDeliveryPartnership, SchoolCohortChoice
from tests import builders, factories
from tests.conftest import ProviderClient


@pytest.fixture(autouse=True)
def _on_a_fixed_day(today):
    """The cohorts offered start from this date's."""


@pytest.fixture
def partners(lead_provider, other_lead_provider):
    ours, theirs = (
        factories.DeliveryPartnerFactory(name="Northern Partners"),
        factories.DeliveryPartnerFactory(name="Southern Partners"),
    )
    LeadProviderDeliveryPartnership.objects.create(lead_provider=lead_provider, delivery_partner=ours, cohort_id=2026)
    LeadProviderDeliveryPartnership.objects.create(
        lead_provider=other_lead_provider, delivery_partner=theirs, cohort_id=2026
    )
    return ours, theirs


def urls(school, name):
    kwargs = {"urn": school.urn, "year": 2026}
    return reverse(f"portal:{name}", kwargs=kwargs), reverse(f"portal:{name}-check", kwargs=kwargs)


def partnerships_seen_by(lead_provider, school):
    response = ProviderClient(lead_provider).get("/api/v3/partnerships", {"filter[cohort]": "2026"})
    assert response.status_code == 200
    return [p for p in response.json()["data"] if p["attributes"]["urn"] == school.urn]


def test_P11_only_the_chosen_providers_delivery_partners_are_offered(signed_in, school, lead_provider, partners):
    ours, theirs = partners
    question, _ = urls(school, "cohort-choice")
    answered = signed_in.post(question, {"programme_type": "provider_led", "lead_provider": str(lead_provider.pk)})
    assert answered.status_code == 302
    page = signed_in.get(answered.url).content.decode()
    assert "Northern Partners" in page and "Southern Partners" not in page


def test_P11_a_delivery_partner_of_another_provider_is_refused_on_its_question_page(
    signed_in, school, lead_provider, partners
):
    ours, theirs = partners
    question, _ = urls(school, "cohort-delivery-partner")
    response = signed_in.post(question, {"lead_provider": str(lead_provider.pk), "delivery_partner": str(theirs.pk)})
    assert response.status_code == 200
    assert "Select a delivery partner, or that it is not known yet" in response.content.decode()
    assert not SchoolCohortChoice.objects.filter(school=school, cohort_id=2026).exists()


@pytest.mark.parametrize("posted", ["²", "٢", "9" * 30])
def test_P11_a_lead_provider_that_names_no_row_is_a_question_page_error_not_a_server_error(
    signed_in, school, partners, posted
):
    ours, _ = partners
    question, _ = urls(school, "cohort-delivery-partner")

    response = signed_in.post(question, {"lead_provider": posted, "delivery_partner": str(ours.pk)})

    assert response.status_code == 200
    assert "Select a delivery partner, or that it is not known yet" in response.content.decode()
    assert not SchoolCohortChoice.objects.filter(school=school, cohort_id=2026).exists()


def test_P11_the_chosen_delivery_partner_is_recorded(signed_in, school, lead_provider, partners):
    ours, _ = partners
    question, check = urls(school, "cohort-delivery-partner")
    answered = signed_in.post(question, {"lead_provider": str(lead_provider.pk), "delivery_partner": str(ours.pk)})
    assert answered.status_code == 302 and answered.url == check
    page = signed_in.get(check).content.decode()
    assert "Northern Partners" in page
    # "Change" for the provider goes back to the first question.
    assert reverse("portal:cohort-choice", kwargs={"urn": school.urn, "year": 2026}) + "?change=lead_provider" in page
    signed_in.post(check)
    choice = SchoolCohortChoice.objects.get(school=school, cohort_id=2026)
    assert (choice.lead_provider, choice.delivery_partner) == (lead_provider, ours)


def test_P11_keeping_shows_and_records_the_same_delivery_partner_and_only_that_provider_sees_the_partnership(
    signed_in, school, lead_provider, other_lead_provider, partners
):
    ours, _ = partners
    other = factories.DeliveryPartnerFactory(name="Other Partners")
    LeadProviderDeliveryPartnership.objects.create(lead_provider=lead_provider, delivery_partner=other, cohort_id=2026)
    builders.partnership(lead_provider, school=school, cohort=2024, delivery_partner=ours)
    # The provider's latest earlier partnership has another delivery partner than the one the school chose.
    builders.partnership(lead_provider, school=school, cohort=2025, delivery_partner=other)
    SchoolCohortChoice.objects.create(
        school=school,
        cohort_id=2025,
        induction_programme_choice="provider_led",
        lead_provider=lead_provider,
        delivery_partner=ours,
    )
    question, check = urls(school, "cohort-choice")
    assert "Provider-led with Ambition Institute (Northern Partners)" in signed_in.get(question).content.decode()
    assert signed_in.post(question, {"keep_previous": "keep"}).status_code == 302
    signed_in.post(check)
    choice = SchoolCohortChoice.objects.get(school=school, cohort_id=2026)
    assert choice.delivery_partner == ours
    [seen] = partnerships_seen_by(lead_provider, school)
    assert seen["attributes"]["delivery_partner_id"] == str(ours.api_id)
    assert partnerships_seen_by(other_lead_provider, school) == []


def test_P11_a_delivery_partner_no_longer_with_the_provider_cannot_be_kept(signed_in, school, lead_provider):
    gone = factories.DeliveryPartnerFactory(name="Gone Partners")
    SchoolCohortChoice.objects.create(
        school=school,
        cohort_id=2025,
        induction_programme_choice="provider_led",
        lead_provider=lead_provider,
        delivery_partner=gone,
    )
    question, _ = urls(school, "cohort-choice")
    response = signed_in.post(question, {"keep_previous": "keep"})
    assert response.status_code == 200
    assert "Gone Partners does not work with Ambition Institute in the 2026 cohort" in response.content.decode()
