"""TT1: schools, lead providers, delivery partners and API tokens are stamped from the request's clock.

So a change made in a sandbox that travels in time (`X-With-Server-Date`) carries the travelled moment,
as does one made with an explicit `now`, never the database's or the machine's own clock.
"""

import datetime as dt

import pytest

from config import clock
from schools import tokens
from schools.models import ApiToken, DeliveryPartner, LeadProvider, LeadProviderDeliveryPartnership, School
from tests import factories
from tests.admin.pages import REASON, admin_url, school_form

UTC = dt.UTC
CREATED = dt.datetime(2025, 6, 1, 9, 0, tzinfo=UTC)
TRAVELLED = "2031-03-01T09:30:00Z"
TRAVELLED_TO = dt.datetime(2031, 3, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def sandbox(settings):
    settings.SANDBOX = True


def test_TT1_a_school_changed_in_the_admin_is_stamped_with_the_travelled_moment(editor, sandbox):
    school = factories.SchoolFactory(created_at=CREATED, updated_at=CREATED)
    form = school_form(school, name="Renamed school")

    response = editor.post(admin_url(School, "change", school.pk), form, HTTP_X_WITH_SERVER_DATE=TRAVELLED)

    assert response.status_code == 302, response.content
    school.refresh_from_db()
    assert (school.name, school.created_at, school.updated_at) == ("Renamed school", CREATED, TRAVELLED_TO)


def test_TT1_a_delivery_partner_changed_in_the_admin_is_stamped_with_the_travelled_moment(editor, sandbox):
    partner = factories.DeliveryPartnerFactory(created_at=CREATED, updated_at=CREATED)

    response = editor.post(
        admin_url(DeliveryPartner, "change", partner.pk),
        {"name": "Renamed partner", **REASON},
        HTTP_X_WITH_SERVER_DATE=TRAVELLED,
    )

    assert response.status_code == 302, response.content
    partner.refresh_from_db()
    assert (partner.name, partner.created_at, partner.updated_at) == ("Renamed partner", CREATED, TRAVELLED_TO)


def test_TT1_schools_and_delivery_partners_added_in_the_admin_are_stamped_with_the_travelled_moment(editor, sandbox):
    added = [
        editor.post(
            admin_url(DeliveryPartner, "add"), {"name": "New partner", **REASON}, HTTP_X_WITH_SERVER_DATE=TRAVELLED
        ),
        editor.post(
            admin_url(School, "add"),
            {
                "name": "New school",
                "urn": "199999",
                "eligible_for_training": "on",
                "funding_eligibilities-TOTAL_FORMS": "0",
                "funding_eligibilities-INITIAL_FORMS": "0",
                **REASON,
            },
            HTTP_X_WITH_SERVER_DATE=TRAVELLED,
        ),
    ]

    assert [response.status_code for response in added] == [302, 302]
    partner, school = DeliveryPartner.objects.get(name="New partner"), School.objects.get(urn="199999")
    assert (partner.created_at, partner.updated_at) == (TRAVELLED_TO, TRAVELLED_TO)
    assert (school.created_at, school.updated_at) == (TRAVELLED_TO, TRAVELLED_TO)


def test_TT1_a_lead_provider_added_in_the_admin_is_stamped_with_the_travelled_moment(editor, sandbox):
    response = editor.post(
        admin_url(LeadProvider, "add"), {"name": "New provider", **REASON}, HTTP_X_WITH_SERVER_DATE=TRAVELLED
    )

    assert response.status_code == 302, response.content
    assert LeadProvider.objects.get(name="New provider").created_at == TRAVELLED_TO


def test_TT1_an_api_token_is_stamped_with_the_moment_it_was_issued(editor, lead_provider, sandbox):
    tokens.issue(lead_provider=lead_provider, description="explicit", now=CREATED)
    response = editor.post(
        admin_url(ApiToken, "issue"),
        {"lead_provider": lead_provider.pk, "description": "travelled", **REASON},
        HTTP_X_WITH_SERVER_DATE=TRAVELLED,
    )

    assert response.status_code == 200, response.content
    stamped = dict(ApiToken.objects.values_list("description", "created_at"))
    assert stamped == {"explicit": CREATED, "travelled": TRAVELLED_TO}


def test_TT1_a_delivery_partners_new_cohort_moves_its_updated_at_to_the_request_moment(api, lead_provider):
    partner = factories.DeliveryPartnerFactory(created_at=CREATED, updated_at=CREATED)
    with clock.travel_to(TRAVELLED_TO):
        LeadProviderDeliveryPartnership.objects.create(
            lead_provider=lead_provider, delivery_partner=partner, cohort_id=2025
        )

    shown = api.get(f"/api/v3/delivery-partners/{partner.api_id}").json()["data"]["attributes"]

    assert (shown["created_at"], shown["updated_at"]) == ("2025-06-01T09:00:00Z", TRAVELLED)
