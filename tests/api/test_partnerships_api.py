"""GET/POST /api/v3/partnerships, GET/PUT /{id} (DOMAIN.md P1–P5, P9, V5, C, Q, O4, TT)."""

import datetime as dt
import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse

from config.models import AuditEvent
from participants.models import Participant, ParticipantType
from schools.models import LeadProviderDeliveryPartnership, Partnership, School, SchoolCohortChoice
from tests import factories
from tests.api.openapi import served_document, validate
from tests.builders import trained_participant
from tests.conftest import ProviderClient, concurrently
from training import partnerships as messages

UTC = dt.UTC
NOW = "2026-01-15T12:00:00Z"  # the `today` fixture's moment


def body(**attributes):
    return {"data": {"type": "partnership", "attributes": attributes}}


def errors(response):
    assert response.status_code == 422, response.content
    return [(e["title"], e["detail"]) for e in response.json()["errors"]]


def document(response):
    assert response.status_code == 200, response.content
    return response.json()["data"]


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["data"]]


def pair(lead_provider, delivery_partner, *cohorts):
    for cohort in cohorts:
        LeadProviderDeliveryPartnership.objects.get_or_create(
            lead_provider=lead_provider, delivery_partner=delivery_partner, cohort_id=cohort
        )


def create(api, school, delivery_partner, cohort="2025"):
    return api.post(
        "/api/v3/partnerships",
        body(cohort=cohort, school_id=str(school.api_id), delivery_partner_id=str(delivery_partner.api_id)),
    )


def waiting_training(lead_provider, school, *, participant_type=ParticipantType.ECT, cohort=2025):
    """The school registered someone with this provider before any partnership existed (an EOI)."""
    return factories.TrainingPeriodFactory(
        school_period=factories.SchoolPeriodFactory(school=school, participant_type=participant_type),
        partnership=None,
        lead_provider=lead_provider,
        schedule=factories.schedule("ecf-standard-september", cohort),
    )


@pytest.fixture
def school():
    return factories.SchoolFactory(
        urn="200001", induction_tutor_name="Ina Tutor", induction_tutor_email="ina@school.example"
    )


@pytest.fixture
def delivery_partner(lead_provider):
    partner = factories.DeliveryPartnerFactory(name="North Partners")
    pair(lead_provider, partner, 2022, 2024, 2025, 2026)
    return partner


# --- C2, C6, C10: auth, status and envelope -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/api/v3/partnerships"),
        ("post", "/api/v3/partnerships"),
        ("get", f"/api/v3/partnerships/{uuid.uuid4()}"),
        ("put", f"/api/v3/partnerships/{uuid.uuid4()}"),
    ],
)
def test_C2_partnerships_need_a_token(client, method, path):
    response = getattr(client, method)(path, content_type="application/json")
    assert response.status_code == 401
    assert response.json() == {"error": "HTTP Token: Access denied"}


@pytest.mark.parametrize(
    "raw", ["{not json", "{}", '{"data": {"attributes": {"colour": "red"}}}', '{"data": {"attributes": []}}']
)
def test_C10_create_without_the_envelope_is_400(api, today, raw):
    response = api.post("/api/v3/partnerships", raw)
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {"title": "Bad request", "detail": "Correct json data structure required. See API docs for reference."}
        ]
    }


def test_C14_malformed_update_body_for_an_unknown_partnership_is_400(api, today):
    response = api.put(f"/api/v3/partnerships/{uuid.uuid4()}", {"data": {}})
    assert response.status_code == 400


# --- P1: create -------------------------------------------------------------------------------------------------------


def test_P1_C6_create_answers_200_with_the_partnership(api, lead_provider, school, delivery_partner, today):
    response = create(api, school, delivery_partner)

    data = document(response)
    partnership = Partnership.objects.get()
    assert data == {
        "id": str(partnership.api_id),
        "type": "partnership",
        "attributes": {
            "cohort": "2025",
            "urn": "200001",
            "school_id": str(school.api_id),
            "delivery_partner_id": str(delivery_partner.api_id),
            "delivery_partner_name": "North Partners",
            "induction_tutor_name": "Ina Tutor",
            "induction_tutor_email": "ina@school.example",
            "participants_currently_training": 0,
            "updated_at": NOW,
            "created_at": NOW,
        },
    }
    assert (partnership.lead_provider, partnership.created_by) == (lead_provider, Partnership.CreatedBy.LEAD_PROVIDER)


def test_P1_create_is_audited_as_the_provider(api, lead_provider, school, delivery_partner, today):
    create(api, school, delivery_partner)

    event = AuditEvent.objects.get(model="schools.Partnership", event="created")
    assert (event.actor_kind, event.actor_id, event.action) == (
        "lead_provider",
        str(lead_provider.api_id),
        "create_partnership",
    )


@pytest.mark.parametrize(
    "cohort, message",
    [
        ("", messages.COHORT_BLANK),
        (None, messages.COHORT_BLANK),
        ("abc", messages.COHORT_UNKNOWN),
        ("2035", messages.COHORT_UNKNOWN),
        ("2026", messages.COHORT_IN_FUTURE),
        ("2022", messages.COHORT_CLOSED),
    ],
)
def test_P1_cohort_checks(api, school, delivery_partner, today, cohort, message):
    response = api.post(
        "/api/v3/partnerships",
        body(cohort=cohort, school_id=str(school.api_id), delivery_partner_id=str(delivery_partner.api_id)),
    )
    assert errors(response) == [("cohort", message)]


def test_P1_school_checks(api, delivery_partner, today):
    ineligible = factories.SchoolFactory(eligible_for_training=False)
    for school_id, message in [
        ("", messages.SCHOOL_BLANK),
        (str(uuid.uuid4()), messages.SCHOOL_UNKNOWN),
        ("not-a-uuid", messages.SCHOOL_UNKNOWN),
        (str(ineligible.api_id), messages.SCHOOL_INELIGIBLE),
    ]:
        response = api.post(
            "/api/v3/partnerships",
            body(cohort="2025", school_id=school_id, delivery_partner_id=str(delivery_partner.api_id)),
        )
        assert errors(response) == [("school_id", message)], school_id


def test_P1_delivery_partner_checks(api, lead_provider, other_lead_provider, school, today):
    theirs = factories.DeliveryPartnerFactory()
    pair(other_lead_provider, theirs, 2025)
    ours_in_another_cohort = factories.DeliveryPartnerFactory()
    pair(lead_provider, ours_in_another_cohort, 2024)
    for delivery_partner_id, message in [
        ("  ", messages.DELIVERY_PARTNER_BLANK),
        (str(uuid.uuid4()), messages.DELIVERY_PARTNER_UNKNOWN),
        (str(theirs.api_id), messages.DELIVERY_PARTNER_NOT_PAIRED),
        (str(ours_in_another_cohort.api_id), messages.DELIVERY_PARTNER_NOT_PAIRED),
    ]:
        response = api.post(
            "/api/v3/partnerships",
            body(cohort="2025", school_id=str(school.api_id), delivery_partner_id=delivery_partner_id),
        )
        assert errors(response) == [("delivery_partner_id", message)], delivery_partner_id


def test_P1_already_in_partnership_with_the_school_for_the_cohort_with_any_delivery_partner(
    api, lead_provider, school, delivery_partner, today
):
    factories.PartnershipFactory(school=school, lead_provider=lead_provider, cohort_id=2025)

    assert errors(create(api, school, delivery_partner)) == [("school_id", messages.ALREADY_PARTNERED)]
    assert Partnership.objects.count() == 1


def test_P1_school_led_school_cannot_be_partnered(api, school, delivery_partner, today):
    SchoolCohortChoice.objects.create(school=school, cohort_id=2025, induction_programme_choice="school_led")

    assert errors(create(api, school, delivery_partner)) == [("school_id", messages.SCHOOL_LED)]


def test_P1_C7_errors_accumulate_grouped_by_attribute_in_report_order(api, lead_provider, today):
    school = factories.SchoolFactory(eligible_for_training=False)
    factories.PartnershipFactory(school=school, lead_provider=lead_provider, cohort_id=2022)
    SchoolCohortChoice.objects.create(school=school, cohort_id=2022, induction_programme_choice="school_led")
    unpaired = factories.DeliveryPartnerFactory()

    response = create(api, school, unpaired, cohort="2022")

    assert errors(response) == [
        ("cohort", messages.COHORT_CLOSED),
        ("school_id", messages.SCHOOL_INELIGIBLE),
        ("school_id", messages.ALREADY_PARTNERED),
        ("school_id", messages.SCHOOL_LED),
        ("delivery_partner_id", messages.DELIVERY_PARTNER_NOT_PAIRED),
    ]


def test_P1_values_of_the_wrong_type_are_unknown_not_errors(api, school, delivery_partner, today):
    response = api.post("/api/v3/partnerships", body(cohort=["2025"], school_id=12, delivery_partner_id={"id": 1}))

    assert errors(response) == [
        ("cohort", messages.COHORT_UNKNOWN),
        ("school_id", messages.SCHOOL_UNKNOWN),
        ("delivery_partner_id", messages.DELIVERY_PARTNER_UNKNOWN),
    ]


@pytest.mark.parametrize("cohort", ["²", "٢٠٢٥", "2025²", "1" * 4301, "20250", 2025.5, True])
def test_P1_only_four_ascii_digits_name_a_cohort(api, school, delivery_partner, today, cohort):
    response = create(api, school, delivery_partner, cohort=cohort)
    assert errors(response) == [("cohort", messages.COHORT_UNKNOWN)]


def test_P1_a_cohort_sent_as_a_json_number_names_that_year(api, school, delivery_partner, today):
    assert create(api, school, delivery_partner, cohort=2025).status_code == 200


def test_P2_other_providers_may_partner_the_same_school_and_cohort(
    api, other_api, other_lead_provider, school, delivery_partner, today
):
    theirs = factories.DeliveryPartnerFactory()
    pair(other_lead_provider, theirs, 2025)

    assert create(api, school, delivery_partner).status_code == 200
    assert create(other_api, school, theirs).status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_P1_concurrent_creates_make_one_partnership_and_one_422(lead_provider):
    school = factories.SchoolFactory()
    delivery_partner = factories.DeliveryPartnerFactory()
    pair(lead_provider, delivery_partner, 2025)
    api = ProviderClient(lead_provider)

    def attempt():
        response = create(api, school, delivery_partner)
        return response.status_code, response.json()

    results = concurrently(attempt, at=dt.datetime(2026, 1, 15, 12, 0, tzinfo=UTC))
    assert sorted(status for status, _ in results) == [200, 422, 422, 422]
    rejections = [body for status, body in results if status == 422]
    assert all(
        body == {"errors": [{"title": "school_id", "detail": messages.ALREADY_PARTNERED}]} for body in rejections
    )
    assert Partnership.objects.count() == 1


# --- P9/V5: the school's waiting participants become visible -----------------------------------------------------------


def test_P9_V5_creating_a_partnership_shows_the_participants_who_named_this_provider(
    api, lead_provider, other_lead_provider, school, delivery_partner, today
):
    ect = waiting_training(lead_provider, school)
    mentor = waiting_training(lead_provider, school, participant_type=ParticipantType.MENTOR)
    someone_elses = waiting_training(other_lead_provider, school)
    Participant.objects.update(api_updated_at=dt.datetime(2025, 9, 1, tzinfo=UTC))
    assert ids(api.get("/api/v3/participants")) == []

    partnership = document(create(api, school, delivery_partner))

    visible = api.get("/api/v3/participants").json()["data"]
    expected = {str(ect.school_period.participant.api_id), str(mentor.school_period.participant.api_id)}
    assert {item["id"] for item in visible} == expected
    for item in visible:
        assert item["attributes"]["updated_at"] == NOW
        [enrolment] = item["attributes"]["ecf_enrolments"]
        assert (enrolment["school_urn"], enrolment["delivery_partner_id"], enrolment["cohort"]) == (
            "200001",
            str(delivery_partner.api_id),
            "2025",
        )
    assert (
        document(api.get(f"/api/v3/partnerships/{partnership['id']}"))["attributes"]["participants_currently_training"]
        == 2
    )
    someone_elses.refresh_from_db()
    assert someone_elses.partnership is None
    attached = AuditEvent.objects.filter(
        model="participants.TrainingPeriod", event="updated", action="create_partnership"
    )
    assert attached.count() == 2


# --- P3/P4: change the delivery partner ---------------------------------------------------------------------------------


@pytest.fixture
def partnership(lead_provider, school, delivery_partner):
    return factories.PartnershipFactory(
        school=school,
        lead_provider=lead_provider,
        delivery_partner=delivery_partner,
        cohort_id=2025,
        created_at=dt.datetime(2025, 7, 1, tzinfo=UTC),
        updated_at=dt.datetime(2025, 7, 1, tzinfo=UTC),
    )


def change(api, partnership, delivery_partner_id):
    return api.put(f"/api/v3/partnerships/{partnership.api_id}", body(delivery_partner_id=delivery_partner_id))


def test_P3_P4_changing_the_delivery_partner(api, lead_provider, partnership, today):
    participant, _ = trained_participant(lead_provider, school=partnership.school)
    new_partner = factories.DeliveryPartnerFactory(name="South Partners")
    pair(lead_provider, new_partner, 2025)

    data = document(change(api, partnership, str(new_partner.api_id)))

    assert data["id"] == str(partnership.api_id)
    assert data["attributes"]["delivery_partner_id"] == str(new_partner.api_id)
    assert data["attributes"]["delivery_partner_name"] == "South Partners"
    assert data["attributes"]["updated_at"] == NOW
    assert data["attributes"]["created_at"] == "2025-07-01T00:00:00Z"
    seen = api.get(f"/api/v3/participants/{participant.api_id}").json()["data"]["attributes"]
    assert seen["ecf_enrolments"][0]["delivery_partner_id"] == str(new_partner.api_id)
    assert seen["updated_at"] == NOW
    event = AuditEvent.objects.get(model="schools.Partnership", event="updated")
    assert (event.actor_id, event.action) == (str(lead_provider.api_id), "change_partnership_delivery_partner")


def test_P3_update_checks(api, lead_provider, other_lead_provider, partnership, delivery_partner, today):
    theirs = factories.DeliveryPartnerFactory()
    pair(other_lead_provider, theirs, 2025)
    ours_in_another_cohort = factories.DeliveryPartnerFactory()
    pair(lead_provider, ours_in_another_cohort, 2024)
    for delivery_partner_id, message in [
        ("", messages.DELIVERY_PARTNER_BLANK),
        ("nope", messages.DELIVERY_PARTNER_UNKNOWN),
        (str(theirs.api_id), messages.DELIVERY_PARTNER_NOT_PAIRED),
        (str(ours_in_another_cohort.api_id), messages.DELIVERY_PARTNER_NOT_PAIRED),
        (str(delivery_partner.api_id), messages.SAME_DELIVERY_PARTNER),
    ]:
        assert errors(change(api, partnership, delivery_partner_id)) == [("delivery_partner_id", message)], (
            delivery_partner_id
        )
    partnership.refresh_from_db()
    assert (partnership.delivery_partner, partnership.updated_at) == (
        delivery_partner,
        dt.datetime(2025, 7, 1, tzinfo=UTC),
    )


def test_P3_another_providers_partnership_is_404(other_api, other_lead_provider, partnership, today):
    theirs = factories.DeliveryPartnerFactory()
    pair(other_lead_provider, theirs, 2025)

    response = change(other_api, partnership, str(theirs.api_id))

    assert response.status_code == 404
    assert response.json() == {
        "errors": [{"title": "Resource not found", "detail": "Nothing could be found for the provided details"}]
    }


# --- P5: list and show --------------------------------------------------------------------------------------------------


def test_P5_only_the_providers_own_partnerships_are_listed_or_shown(api, other_api, partnership, today):
    assert ids(api.get("/api/v3/partnerships")) == [str(partnership.api_id)]
    assert ids(other_api.get("/api/v3/partnerships")) == []
    assert document(api.get(f"/api/v3/partnerships/{partnership.api_id}"))["id"] == str(partnership.api_id)
    assert other_api.get(f"/api/v3/partnerships/{partnership.api_id}").status_code == 404
    assert api.get("/api/v3/partnerships/not-a-uuid").status_code == 404


def test_P5_participants_currently_training_counts_people_training_under_it_today(
    api, lead_provider, partnership, today
):
    school = partnership.school
    trained_participant(lead_provider, school=school)
    trained_participant(lead_provider, school=school, participant_type=ParticipantType.MENTOR)
    trained_participant(
        lead_provider,
        school=school,
        finished_on=today,
        deferred_at=dt.datetime(2026, 1, 15, 9, tzinfo=UTC),
        deferral_reason="other",
    )
    trained_participant(lead_provider, school=school, finished_on=dt.date(2026, 1, 14))
    trained_participant(lead_provider, school=school, started_on=dt.date(2026, 1, 16))
    trained_participant(
        lead_provider, cohort=2024, school=school, started_on=dt.date(2024, 9, 1), schedule="ecf-standard-september"
    )

    assert (
        document(api.get(f"/api/v3/partnerships/{partnership.api_id}"))["attributes"]["participants_currently_training"]
        == 3
    )


def test_TT1_participants_currently_training_follows_the_request_date_in_a_sandbox(
    api, lead_provider, partnership, settings
):
    settings.SANDBOX = True
    trained_participant(lead_provider, school=partnership.school, started_on=dt.date(2025, 9, 1))
    path = f"/api/v3/partnerships/{partnership.api_id}"

    before = api.get(path, HTTP_X_WITH_SERVER_DATE="2025-08-31")
    after = api.get(path, HTTP_X_WITH_SERVER_DATE="2025-09-01")

    assert document(before)["attributes"]["participants_currently_training"] == 0
    assert document(after)["attributes"]["participants_currently_training"] == 1


def test_P5_filters_cohort_delivery_partner_and_updated_since(api, lead_provider, partnership, today):
    older = factories.PartnershipFactory(
        lead_provider=lead_provider, cohort_id=2024, updated_at=dt.datetime(2025, 1, 1, tzinfo=UTC)
    )
    third = factories.PartnershipFactory(
        lead_provider=lead_provider, cohort_id=2023, updated_at=dt.datetime(2025, 1, 1, tzinfo=UTC)
    )

    def listed(**filters):
        return ids(api.get("/api/v3/partnerships", {f"filter[{k}]": v for k, v in filters.items()}))

    assert listed(cohort="2025") == [str(partnership.api_id)]
    assert listed(cohort="2024,2025") == [str(partnership.api_id), str(older.api_id)]
    assert listed(cohort="1999") == []
    assert listed(delivery_partner_id=f"{older.delivery_partner.api_id},{third.delivery_partner.api_id}") == [
        str(older.api_id),
        str(third.api_id),
    ]
    assert listed(updated_since="2025-06-01") == [str(partnership.api_id)]
    assert listed(cohort="2023,2024", updated_since="2024-12-31T00:00:00Z") == [str(older.api_id), str(third.api_id)]


def test_Q2_P5_list_filters_accept_the_array_form(api, lead_provider, partnership, today):
    older = factories.PartnershipFactory(lead_provider=lead_provider, cohort_id=2024)
    factories.PartnershipFactory(lead_provider=lead_provider, cohort_id=2023)

    def listed(params):
        return ids(api.get("/api/v3/partnerships", params))

    assert listed({"filter[cohort][]": ["2024", "2025"]}) == [str(partnership.api_id), str(older.api_id)]
    partners = [str(partnership.delivery_partner.api_id), str(older.delivery_partner.api_id)]
    assert listed({"filter[delivery_partner_id][]": partners}) == [str(partnership.api_id), str(older.api_id)]
    assert listed({"filter[cohort][]": ["2025"], "filter[delivery_partner_id][]": partners}) == [
        str(partnership.api_id)
    ]


@pytest.mark.parametrize(
    "name, value", [("cohort", "twenty"), ("delivery_partner_id", "abc"), ("updated_since", "soon")]
)
def test_O4_invalid_partnership_filters_are_400_naming_the_filter(api, today, name, value):
    response = api.get("/api/v3/partnerships", {f"filter[{name}]": value})
    assert response.status_code == 400
    assert f"'#/{name}'" in response.json()["errors"][0]["detail"]


def test_Q7_Q8_Q9_partnerships_page_and_sort(api, lead_provider, today):
    made = [
        factories.PartnershipFactory(
            lead_provider=lead_provider,
            cohort_id=2025,
            created_at=dt.datetime(2025, 6, day, tzinfo=UTC),
            updated_at=dt.datetime(2025, 7, 4 - day, tzinfo=UTC),
        )
        for day in (2, 3, 1)
    ]
    by_created = [str(made[i].api_id) for i in (2, 0, 1)]

    assert ids(api.get("/api/v3/partnerships")) == by_created
    assert ids(api.get("/api/v3/partnerships", {"sort": "-created_at"})) == by_created[::-1]
    assert ids(api.get("/api/v3/partnerships", {"sort": "updated_at"})) == by_created[::-1]
    assert ids(api.get("/api/v3/partnerships", {"page[per_page]": "2", "page[page]": "2"})) == by_created[2:]
    assert api.get("/api/v3/partnerships", {"page[per_page]": "-1"}).status_code == 400


def test_P5_induction_tutor_changes_move_the_partnerships_updated_at(api, partnership, today):
    school = School.objects.get(pk=partnership.school_id)
    school.name = "Renamed"
    school.save()
    assert (
        document(api.get(f"/api/v3/partnerships/{partnership.api_id}"))["attributes"]["updated_at"]
        == "2025-07-01T00:00:00Z"
    )

    school.induction_tutor_email = "new.tutor@school.example"
    school.save()

    attributes = document(api.get(f"/api/v3/partnerships/{partnership.api_id}"))["attributes"]
    assert (attributes["induction_tutor_email"], attributes["updated_at"]) == ("new.tutor@school.example", NOW)


def test_partnerships_queries_do_not_grow_with_page_size(api, lead_provider, today):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/api/v3/partnerships").status_code == 200
        return len(queries)

    trained_participant(lead_provider)
    one = count_queries()
    for cohort in (2023, 2024):
        trained_participant(lead_provider, cohort=cohort, started_on=dt.date(cohort, 9, 1))
    assert len(ids(api.get("/api/v3/partnerships"))) == 3
    assert count_queries() == one


def _validate_change(openapi, method, path, sent, response):
    """Like tests.api.openapi.validate, for requests whose body the view has already read."""
    request = MockRequest("http://testserver", method, path, data=json.dumps(sent).encode())
    openapi.validate_response(request, MockResponse(response.content, status_code=response.status_code))


def test_partnership_responses_validate_against_the_served_document(
    api, lead_provider, school, delivery_partner, today
):
    openapi = OpenAPI.from_dict(served_document())
    other_school = factories.SchoolFactory(induction_tutor_name="", induction_tutor_email="")
    sent = [
        body(cohort="2025", school_id=str(school.api_id), delivery_partner_id=str(delivery_partner.api_id)),
        body(cohort="2025", school_id=str(other_school.api_id), delivery_partner_id=str(delivery_partner.api_id)),
        body(cohort="2025", school_id=str(school.api_id), delivery_partner_id=str(delivery_partner.api_id)),
        body(cohort="2025"),
    ]
    responses = [api.post("/api/v3/partnerships", each) for each in sent]
    assert [response.status_code for response in responses] == [200, 200, 422, 422]
    for each, response in zip(sent, responses, strict=True):
        _validate_change(openapi, "post", "/api/v3/partnerships", each, response)
    created = responses[0].json()["data"]["id"]
    for delivery_partner_id, status in [("x", 422), (str(delivery_partner.api_id), 422)]:
        change_body = body(delivery_partner_id=delivery_partner_id)
        response = api.put(f"/api/v3/partnerships/{created}", change_body)
        assert response.status_code == status
        _validate_change(openapi, "put", f"/api/v3/partnerships/{created}", change_body, response)
    for response in [
        api.get("/api/v3/partnerships"),
        api.get(f"/api/v3/partnerships/{created}"),
        api.get(f"/api/v3/partnerships/{uuid.uuid4()}"),
        api.get("/api/v3/partnerships", {"filter[cohort]": "x"}),
    ]:
        validate(openapi, response)
