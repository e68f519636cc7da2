"""GET /api/v3/delivery-partners and /{id}: the delivery partners a provider works with, by cohort (issue #5)."""

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openapi_core import OpenAPI

from config import changes
from config.models import AuditEvent
from schools.models import DeliveryPartner, LeadProviderDeliveryPartnership
from tests import factories
from tests.api.openapi import served_document, validate

UTC = dt.UTC


def pair(lead_provider, delivery_partner, *cohorts):
    for cohort in cohorts:
        LeadProviderDeliveryPartnership.objects.create(
            lead_provider=lead_provider, delivery_partner=delivery_partner, cohort_id=cohort
        )


def partner(name=None):
    return factories.DeliveryPartnerFactory(**({"name": name} if name else {}))


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["data"]]


@pytest.mark.parametrize("path", ["/api/v3/delivery-partners", f"/api/v3/delivery-partners/{uuid.uuid4()}"])
def test_C2_delivery_partners_need_a_token(client, path):
    response = client.get(path)
    assert response.status_code == 401
    assert response.json() == {"error": "HTTP Token: Access denied"}


def test_every_delivery_partner_attribute_with_the_cohorts_it_works_with_this_provider(
    api, lead_provider, other_lead_provider, today
):
    north = partner("North Partners")
    pair(lead_provider, north, 2025, 2023)
    pair(other_lead_provider, north, 2024)
    DeliveryPartner.objects.filter(pk=north.pk).update(
        created_at=dt.datetime(2023, 5, 1, 8, 0, 0, 500000, tzinfo=UTC), updated_at=dt.datetime(2025, 5, 1, tzinfo=UTC)
    )

    response = api.get(f"/api/v3/delivery-partners/{north.api_id}")

    assert response.status_code == 200
    assert response.json() == {
        "data": {
            "id": str(north.api_id),
            "type": "delivery-partner",
            "attributes": {
                "name": "North Partners",
                "cohort": ["2023", "2025"],
                "created_at": "2023-05-01T08:00:00Z",
                "updated_at": "2025-05-01T00:00:00Z",
            },
        }
    }


def test_only_delivery_partners_working_with_this_provider_are_listed_or_shown(
    api, other_api, lead_provider, other_lead_provider, today
):
    ours, theirs, nobodys = partner(), partner(), partner()
    pair(lead_provider, ours, 2025)
    pair(other_lead_provider, theirs, 2025)

    assert ids(api.get("/api/v3/delivery-partners")) == [str(ours.api_id)]
    assert ids(other_api.get("/api/v3/delivery-partners")) == [str(theirs.api_id)]
    for hidden in (theirs, nobodys):
        response = api.get(f"/api/v3/delivery-partners/{hidden.api_id}")
        assert response.status_code == 404
        assert response.json() == {
            "errors": [{"title": "Resource not found", "detail": "Nothing could be found for the provided details"}]
        }
    assert api.get("/api/v3/delivery-partners/not-a-uuid").status_code == 404


def test_filter_cohort_keeps_every_cohort_in_the_document(api, lead_provider, today):
    both, older = partner(), partner()
    pair(lead_provider, both, 2024, 2025)
    pair(lead_provider, older, 2023)

    response = api.get("/api/v3/delivery-partners", {"filter[cohort]": "2025"})

    assert ids(response) == [str(both.api_id)]
    assert response.json()["data"][0]["attributes"]["cohort"] == ["2024", "2025"]
    assert ids(api.get("/api/v3/delivery-partners", {"filter[cohort]": "2023,2025"})) == [
        str(both.api_id),
        str(older.api_id),
    ]
    assert ids(api.get("/api/v3/delivery-partners", {"filter[cohort]": "2030"})) == []


def test_Q2_cohort_filter_accepts_the_array_form(api, lead_provider, today):
    both, older = partner(), partner()
    pair(lead_provider, both, 2024, 2025)
    pair(lead_provider, older, 2023)
    pair(lead_provider, partner(), 2022)

    response = api.get("/api/v3/delivery-partners", {"filter[cohort][]": ["2023", "2025"]})

    assert ids(response) == [str(both.api_id), str(older.api_id)]


@pytest.mark.parametrize(
    "params, title, detail",
    [
        (
            {"filter[cohort]": "2025,abc"},
            "Bad request",
            "The filter '#/cohort' must be a year or a comma-separated list of years, for example 2024,2025",
        ),
        ({"filter": "x"}, "Bad parameter", "Filter must be a hash"),
        (
            {"page[page]": "abc"},
            "Bad request",
            "The '#/page[page]' and '#/page[per_page]' parameter values must be a valid positive number",
        ),
    ],
)
def test_O4_C11_Q7_bad_parameters_are_400(api, today, params, title, detail):
    response = api.get("/api/v3/delivery-partners", params)
    assert response.status_code == 400
    assert response.json() == {"errors": [{"title": title, "detail": detail}]}


def test_Q7_Q8_delivery_partners_page_and_sort(api, lead_provider, today):
    made = [partner() for _ in range(3)]
    for day, each in zip((2, 1, 3), made, strict=True):
        pair(lead_provider, each, 2025)
        DeliveryPartner.objects.filter(pk=each.pk).update(
            created_at=dt.datetime(2025, 1, day, tzinfo=UTC), updated_at=dt.datetime(2025, 2, 4 - day, tzinfo=UTC)
        )
    by_created = [str(made[i].api_id) for i in (1, 0, 2)]

    assert ids(api.get("/api/v3/delivery-partners")) == by_created
    assert ids(api.get("/api/v3/delivery-partners", {"sort": "-created_at"})) == by_created[::-1]
    assert ids(api.get("/api/v3/delivery-partners", {"sort": "-updated_at"})) == by_created
    assert ids(api.get("/api/v3/delivery-partners", {"page[per_page]": "1", "page[page]": "3"})) == by_created[2:]


def test_a_new_pairing_moves_the_delivery_partners_updated_at_and_is_audited(api, lead_provider, today):
    north = partner()
    pair(lead_provider, north, 2024)
    DeliveryPartner.objects.filter(pk=north.pk).update(updated_at=dt.datetime(2025, 5, 1, tzinfo=UTC))

    with changes.recording(action="pair_delivery_partner"):
        pair(lead_provider, north, 2025)

    attributes = api.get(f"/api/v3/delivery-partners/{north.api_id}").json()["data"]["attributes"]
    assert (attributes["cohort"], attributes["updated_at"]) == (["2024", "2025"], "2026-01-15T12:00:00Z")
    event = AuditEvent.objects.filter(model="schools.LeadProviderDeliveryPartnership").latest("id")
    assert (event.event, event.action) == ("created", "pair_delivery_partner")


def test_delivery_partners_queries_do_not_grow_with_page_size(api, lead_provider, today):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/api/v3/delivery-partners").status_code == 200
        return len(queries)

    pair(lead_provider, partner(), 2025)
    one = count_queries()
    for _ in range(3):
        pair(lead_provider, partner(), 2024, 2025)
    assert count_queries() == one


def test_delivery_partner_responses_validate_against_the_served_document(api, lead_provider, today):
    openapi = OpenAPI.from_dict(served_document())
    north = partner()
    pair(lead_provider, north, 2025)
    for response in [
        api.get("/api/v3/delivery-partners"),
        api.get(f"/api/v3/delivery-partners/{north.api_id}"),
        api.get(f"/api/v3/delivery-partners/{uuid.uuid4()}"),
        api.get("/api/v3/delivery-partners", {"filter[cohort]": "x"}),
    ]:
        validate(openapi, response)
