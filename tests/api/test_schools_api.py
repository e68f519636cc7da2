"""GET /api/v3/schools and /{id}: schools a provider can partner with in a cohort (issue #5, C, Q, O4)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openapi_core import OpenAPI

from config import changes
from config.models import AuditEvent
from schools.models import School, SchoolCohortChoice
from tests import factories
from tests.api.openapi import served_document, validate

UTC = dt.UTC
PROVIDER_LED = SchoolCohortChoice.InductionProgramme.PROVIDER_LED
SCHOOL_LED = SchoolCohortChoice.InductionProgramme.SCHOOL_LED


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["data"]]


def attributes(response):
    assert response.status_code == 200, response.content
    return response.json()["data"]["attributes"]


def show(api, school, cohort="2025"):
    return api.get(f"/api/v3/schools/{school.api_id}", {"filter[cohort]": cohort})


def choose(school, cohort=2025, programme=PROVIDER_LED, lead_provider=None, updated_at=None):
    choice = SchoolCohortChoice.objects.create(
        school=school, cohort_id=cohort, induction_programme_choice=programme, lead_provider=lead_provider
    )
    if updated_at is not None:
        SchoolCohortChoice.objects.filter(pk=choice.pk).update(updated_at=updated_at)
    return choice


def waiting_training(lead_provider, school, cohort=2025):
    return factories.TrainingPeriodFactory(
        school_period=factories.SchoolPeriodFactory(school=school),
        partnership=None,
        lead_provider=lead_provider,
        schedule=factories.schedule("ecf-standard-september", cohort),
    )


def set_updated_at(school, moment):
    School.objects.filter(pk=school.pk).update(updated_at=moment, created_at=moment)


# --- C2, C11, O4: who may ask and what they must send -----------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v3/schools", "/api/v3/schools/00000000-0000-0000-0000-000000000000"])
def test_C2_schools_need_a_token(client, path):
    response = client.get(path, {"filter[cohort]": "2025"})
    assert response.status_code == 401
    assert response.json() == {"error": "HTTP Token: Access denied"}


@pytest.mark.parametrize("params", [{}, {"filter[cohort]": ""}, {"filter[urn]": "100001"}])
def test_schools_without_a_cohort_filter_is_400_naming_it(api, today, params):
    school = factories.SchoolFactory()
    for path in ("/api/v3/schools", f"/api/v3/schools/{school.api_id}"):
        response = api.get(path, params)
        assert response.status_code == 400
        assert response.json() == {
            "errors": [{"title": "Bad request", "detail": "The filter '#/cohort' must be included in your request"}]
        }


@pytest.mark.parametrize(
    "name, value",
    [("cohort", "abc"), ("cohort", "2024,2025"), ("cohort", "25"), ("urn", "12a"), ("updated_since", "yesterday")],
)
def test_O4_invalid_school_filters_are_400_naming_the_filter(api, today, name, value):
    params = {"filter[cohort]": "2025", f"filter[{name}]": value}
    response = api.get("/api/v3/schools", params)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["title"] == "Bad request"
    assert f"'#/{name}'" in error["detail"]


def test_C11_school_filter_that_is_not_a_hash_is_400(api, today):
    response = api.get("/api/v3/schools", {"filter": "2025"})
    assert response.status_code == 400
    assert response.json() == {"errors": [{"title": "Bad parameter", "detail": "Filter must be a hash"}]}


# --- the document --------------------------------------------------------------------------------------------------


def test_every_school_attribute_for_a_school_that_named_this_provider(api, lead_provider, today):
    school = factories.SchoolFactory(
        name="Oak Primary", urn="123456", induction_tutor_name="Ada Tutor", induction_tutor_email="ada@oak.example"
    )
    set_updated_at(school, dt.datetime(2025, 7, 1, 9, 30, 15, 123456, tzinfo=UTC))
    choose(school, lead_provider=lead_provider, updated_at=dt.datetime(2025, 8, 1, 10, 0, tzinfo=UTC))

    response = show(api, school)

    assert response.json()["data"]["id"] == str(school.api_id)
    assert response.json()["data"]["type"] == "school"
    assert attributes(response) == {
        "name": "Oak Primary",
        "urn": "123456",
        "cohort": "2025",
        "in_partnership": False,
        "induction_programme_choice": "provider_led",
        "expression_of_interest": True,
        "induction_tutor_name": "Ada Tutor",
        "induction_tutor_email": "ada@oak.example",
        "created_at": "2025-07-01T09:30:15Z",
        "updated_at": "2025-08-01T10:00:00Z",
    }


def test_in_partnership_only_with_this_provider_and_then_no_expression_of_interest(
    api, other_api, lead_provider, other_lead_provider, today
):
    school = factories.SchoolFactory()
    choose(school, lead_provider=lead_provider)
    factories.PartnershipFactory(school=school, lead_provider=lead_provider, cohort_id=2025)

    mine, theirs = attributes(show(api, school)), attributes(show(other_api, school))

    assert (mine["in_partnership"], mine["expression_of_interest"]) == (True, False)
    assert (theirs["in_partnership"], theirs["expression_of_interest"]) == (False, False)


def test_in_partnership_is_per_cohort(api, lead_provider, today):
    school = factories.SchoolFactory()
    factories.PartnershipFactory(school=school, lead_provider=lead_provider, cohort_id=2024)

    assert attributes(show(api, school, "2024"))["in_partnership"] is True
    assert attributes(show(api, school, "2025"))["in_partnership"] is False


def test_expression_of_interest_from_training_registered_with_this_provider(api, other_api, lead_provider, today):
    school = factories.SchoolFactory()
    waiting_training(lead_provider, school)

    assert attributes(show(api, school))["expression_of_interest"] is True
    assert attributes(show(api, school, "2024"))["expression_of_interest"] is False
    assert attributes(show(other_api, school))["expression_of_interest"] is False


def test_no_expression_of_interest_when_the_school_named_another_provider(api, other_lead_provider, today):
    school = factories.SchoolFactory()
    choose(school, lead_provider=other_lead_provider)

    assert attributes(show(api, school))["expression_of_interest"] is False


@pytest.mark.parametrize("programme", [PROVIDER_LED, SCHOOL_LED])
def test_induction_programme_choice_is_the_schools_choice_for_the_cohort(api, today, programme):
    school = factories.SchoolFactory()
    choose(school, programme=programme)

    assert attributes(show(api, school))["induction_programme_choice"] == programme
    assert attributes(show(api, school, "2024"))["induction_programme_choice"] == "not_yet_known"


def test_blank_induction_tutor_is_null(api, today):
    school = factories.SchoolFactory(induction_tutor_name="", induction_tutor_email="")

    found = attributes(show(api, school))

    assert (found["induction_tutor_name"], found["induction_tutor_email"]) == (None, None)


def test_updated_at_is_the_latest_change_to_school_choice_partnership_or_waiting_training(api, lead_provider, today):
    school = factories.SchoolFactory()
    set_updated_at(school, dt.datetime(2025, 6, 1, tzinfo=UTC))
    choose(school, lead_provider=lead_provider, updated_at=dt.datetime(2025, 7, 1, tzinfo=UTC))
    assert attributes(show(api, school))["updated_at"] == "2025-07-01T00:00:00Z"

    training = waiting_training(lead_provider, school)
    training.__class__.objects.filter(pk=training.pk).update(created_at=dt.datetime(2025, 8, 1, tzinfo=UTC))
    assert attributes(show(api, school))["updated_at"] == "2025-08-01T00:00:00Z"

    factories.PartnershipFactory(
        school=school, lead_provider=lead_provider, cohort_id=2025, updated_at=dt.datetime(2025, 9, 1, tzinfo=UTC)
    )
    assert attributes(show(api, school))["updated_at"] == "2025-09-01T00:00:00Z"


def test_changing_the_schools_choice_moves_updated_at_and_is_audited(api, lead_provider, other_lead_provider, today):
    school = factories.SchoolFactory()
    set_updated_at(school, dt.datetime(2025, 6, 1, tzinfo=UTC))
    choice = choose(school, lead_provider=other_lead_provider, updated_at=dt.datetime(2025, 7, 1, tzinfo=UTC))

    with changes.recording(action="choose_lead_provider"):
        choice.lead_provider = lead_provider
        choice.save()

    found = attributes(show(api, school))
    assert (found["expression_of_interest"], found["updated_at"]) == (True, "2026-01-15T12:00:00Z")
    event = AuditEvent.objects.get(model="schools.SchoolCohortChoice", event="updated")
    assert (event.action, event.changes) == (
        "choose_lead_provider",
        {"lead_provider": [other_lead_provider.pk, lead_provider.pk]},
    )


# --- which schools ---------------------------------------------------------------------------------------------------


def test_schools_eligible_for_training_are_listed_and_ineligible_ones_only_when_partnered(api, lead_provider, today):
    eligible = factories.SchoolFactory()
    ineligible = factories.SchoolFactory(eligible_for_training=False)
    partnered_ineligible = factories.SchoolFactory(eligible_for_training=False)
    factories.PartnershipFactory(school=partnered_ineligible, lead_provider=lead_provider, cohort_id=2025)

    listed = ids(api.get("/api/v3/schools", {"filter[cohort]": "2025"}))

    assert listed == [str(eligible.api_id), str(partnered_ineligible.api_id)]
    assert show(api, ineligible).status_code == 404


def test_a_cohort_that_does_not_exist_lists_no_schools(api, today):
    school = factories.SchoolFactory()

    assert ids(api.get("/api/v3/schools", {"filter[cohort]": "2035"})) == []
    assert show(api, school, "2035").status_code == 404


def test_C9_unknown_or_malformed_school_id_is_404(api, today):
    for path in ("/api/v3/schools/00000000-0000-0000-0000-000000000000", "/api/v3/schools/not-a-uuid"):
        response = api.get(path, {"filter[cohort]": "2025"})
        assert response.status_code == 404
        assert response.json() == {
            "errors": [{"title": "Resource not found", "detail": "Nothing could be found for the provided details"}]
        }


def test_filter_urn(api, today):
    factories.SchoolFactory(urn="100001")
    wanted = factories.SchoolFactory(urn="100002")

    assert ids(api.get("/api/v3/schools", {"filter[cohort]": "2025", "filter[urn]": "100002"})) == [str(wanted.api_id)]


def test_Q3_filter_updated_since_on_schools(api, lead_provider, today):
    old, changed, newly_chosen = factories.SchoolFactory(), factories.SchoolFactory(), factories.SchoolFactory()
    for school in (old, changed, newly_chosen):
        set_updated_at(school, dt.datetime(2025, 6, 1, tzinfo=UTC))
    School.objects.filter(pk=changed.pk).update(updated_at=dt.datetime(2025, 10, 1, tzinfo=UTC))
    choose(newly_chosen, lead_provider=lead_provider, updated_at=dt.datetime(2025, 10, 2, tzinfo=UTC))

    found = ids(api.get("/api/v3/schools", {"filter[cohort]": "2025", "filter[updated_since]": "2025-10-01T00:00:00Z"}))

    assert found == [str(changed.api_id), str(newly_chosen.api_id)]


def test_Q7_Q8_schools_page_and_sort(api, today):
    schools = [factories.SchoolFactory() for _ in range(3)]
    for day, school in zip((3, 1, 2), schools, strict=True):
        School.objects.filter(pk=school.pk).update(
            created_at=dt.datetime(2025, 6, day, tzinfo=UTC), updated_at=dt.datetime(2025, 7, 4 - day, tzinfo=UTC)
        )
    by_created = [str(schools[i].api_id) for i in (1, 2, 0)]

    assert ids(api.get("/api/v3/schools", {"filter[cohort]": "2025"})) == by_created
    assert ids(api.get("/api/v3/schools", {"filter[cohort]": "2025", "sort": "-created_at"})) == by_created[::-1]
    assert ids(api.get("/api/v3/schools", {"filter[cohort]": "2025", "sort": "updated_at"})) == by_created[::-1]
    second_page = api.get("/api/v3/schools", {"filter[cohort]": "2025", "page[per_page]": "2", "page[page]": "2"})
    assert ids(second_page) == by_created[2:]
    assert api.get("/api/v3/schools", {"filter[cohort]": "2025", "page[page]": "0"}).status_code == 400


def test_schools_queries_do_not_grow_with_page_size(api, lead_provider, today):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/api/v3/schools", {"filter[cohort]": "2025"}).status_code == 200
        return len(queries)

    factories.SchoolFactory()
    one = count_queries()
    for _ in range(4):
        school = factories.SchoolFactory()
        choose(school, lead_provider=lead_provider)
        factories.PartnershipFactory(school=school, lead_provider=lead_provider, cohort_id=2024)
    assert count_queries() == one


def test_school_responses_validate_against_the_served_document(api, lead_provider, today):
    openapi = OpenAPI.from_dict(served_document())
    school = factories.SchoolFactory(induction_tutor_email="")
    choose(school, lead_provider=lead_provider)
    for response in [
        api.get("/api/v3/schools", {"filter[cohort]": "2025"}),
        show(api, school),
        show(api, factories.SchoolFactory.build()),
        api.get("/api/v3/schools"),
    ]:
        validate(openapi, response)
