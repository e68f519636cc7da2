"""The scenario catalogue (`manage.py demo_scenarios`): every case for every lead provider, and each entry shows
through the lead provider API what it claims."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from demo import catalogue
from schedules.models import Cohort
from schools.models import LeadProvider, LeadProviderDeliveryPartnership
from tests.conftest import ProviderClient
from training import partnerships
from training.provider_actions.change_schedule import COMPLETED


@pytest.fixture
def seeded(today):
    call_command("seed_demo", participants=60, seed=3, stdout=StringIO(), stderr=StringIO())
    return today


def participant(api, participant_id, **headers):
    response = api.get(f"/api/v3/participants/{participant_id}", **headers)
    assert response.status_code == 200, response.content
    return response.json()["data"]["attributes"]


def enrolment(attributes, participant_type="ect", cohort=None):
    [found] = [
        e
        for e in attributes["ecf_enrolments"]
        if e["participant_type"] == participant_type and (cohort is None or e["cohort"] == str(cohort))
    ]
    return found


def errors(response):
    assert response.status_code == 422, response.content
    return [(e["title"], e["detail"]) for e in response.json()["errors"]]


def check_expression_of_interest(api, entry, today):
    response = api.get(f"/api/v3/schools/{entry.school_id}", {"filter[cohort]": str(entry.cohort)})
    assert response.status_code == 200, response.content
    school = response.json()["data"]["attributes"]
    assert (school["urn"], school["expression_of_interest"], school["in_partnership"]) == (
        entry.school_urn,
        True,
        False,
    )
    assert api.get(f"/api/v3/participants/{entry.participant_id}").status_code == 404


def check_uplift(api, entry, today):
    found = enrolment(participant(api, entry.participant_id), cohort=entry.cohort)
    assert (found["pupil_premium_uplift"], found["sparsity_uplift"]) == (True, True)
    declarations = api.get("/api/v3/participant-declarations", {"filter[participant_id]": entry.participant_id})
    started = [d["attributes"] for d in declarations.json()["data"] if d["attributes"]["declaration_type"] == "started"]
    assert entry.expected["uplift_paid"] and [d["uplift_paid"] for d in started] == [True]


def check_declaration(api, entry, today):
    response = api.get(f"/api/v3/participant-declarations/{entry.declaration_id}")
    assert response.status_code == 200, response.content
    declaration = response.json()["data"]["attributes"]
    assert (declaration["participant_id"], declaration["state"]) == (entry.participant_id, entry.expected["state"])
    if entry.expected["state"] == "submitted":
        # D31: it waits for the participant to become eligible for funding.
        assert enrolment(participant(api, entry.participant_id))["eligible_for_funding"] is None


def check_ineligible_school(api, entry, today):
    cohort = str(Cohort.year_containing(today))
    assert api.get(f"/api/v3/schools/{entry.school_id}", {"filter[cohort]": cohort}).status_code == 404
    delivery_partner = (
        LeadProviderDeliveryPartnership.objects.filter(lead_provider=api.lead_provider, cohort_id=int(cohort))
        .values_list("delivery_partner__api_id", flat=True)
        .first()
    )
    attributes = {"cohort": cohort, "school_id": entry.school_id, "delivery_partner_id": str(delivery_partner)}
    response = api.post("/api/v3/partnerships", {"data": {"type": "partnership", "attributes": attributes}})
    assert ("school_id", partnerships.SCHOOL_INELIGIBLE) in errors(response)


def check_school_led_alongside(api, entry, today):
    assert enrolment(participant(api, entry.participant_id))["school_urn"] == entry.school_urn
    assert api.get(f"/api/v3/participants/{entry.expected['school_led_participant_id']}").status_code == 404


def check_exempt(api, entry, today):
    assert enrolment(participant(api, entry.participant_id))["eligible_for_funding"] is False


def check_finished_induction(api, entry, today):
    found = enrolment(participant(api, entry.participant_id))
    assert found["induction_end_date"] == entry.expected["induction_end_date"]
    assert found["participant_status"] == "active"
    other = (
        "ecf-extended-september" if found["schedule_identifier"] != "ecf-extended-september" else "ecf-standard-january"
    )
    attributes = {"schedule_identifier": other, "course_identifier": "ecf-induction", "cohort": found["cohort"]}
    response = api.put(
        f"/api/v3/participants/{entry.participant_id}/change-schedule",
        {"data": {"type": "participant-change-schedule", "attributes": attributes}},
    )
    assert ("participant_id", COMPLETED) in errors(response)


def check_mentor_funding_ended(api, entry, today):
    found = enrolment(participant(api, entry.participant_id), "mentor")
    assert (
        found["mentor_funding_end_date"],
        found["mentor_ineligible_for_funding_reason"],
        found["participant_status"],
        found["eligible_for_funding"],
    ) == (entry.expected["mentor_funding_end_date"], "completed_declaration_received", "active", True)


def check_mentor_at_two_schools(api, entry, today):
    assert enrolment(participant(api, entry.participant_id), "mentor")
    mentees = entry.expected["mentees"]
    assert len(mentees) == 2
    for urn, mentee in mentees.items():
        found = enrolment(participant(api, mentee))
        assert (found["mentor_id"], found["school_urn"]) == (entry.participant_id, urn)


def check_status_change(api, entry, today):
    expected = entry.expected
    course = expected["course"]
    assert enrolment(participant(api, entry.participant_id), course)["participant_status"] == expected["status"]
    day_before = (dt.date.fromisoformat(expected["changes_on"]) - dt.timedelta(days=1)).isoformat()
    for day, shown in ((day_before, expected["status"]), (expected["changes_on"], expected["becomes"])):
        travelled = participant(api, entry.participant_id, HTTP_X_WITH_SERVER_DATE=f"{day}T12:00:00Z")
        assert enrolment(travelled, course)["participant_status"] == shown


CHECKS = {
    catalogue.EXPRESSION_OF_INTEREST.key: check_expression_of_interest,
    catalogue.UPLIFT.key: check_uplift,
    **{case.key: check_declaration for case in catalogue.DECLARATION_STATES.values()},
    catalogue.INELIGIBLE_SCHOOL.key: check_ineligible_school,
    catalogue.SCHOOL_LED_ALONGSIDE.key: check_school_led_alongside,
    catalogue.EXEMPT.key: check_exempt,
    catalogue.FINISHED_INDUCTION.key: check_finished_induction,
    catalogue.MENTOR_COMPLETED.key: check_mentor_funding_ended,
    catalogue.MENTOR_AT_TWO_SCHOOLS.key: check_mentor_at_two_schools,
    catalogue.CHANGES_BY_DATE.key: check_status_change,
}


def test_demo_scenarios_lists_every_case_for_every_lead_provider_at_a_small_size(seeded):
    entries = catalogue.entries(today=seeded)
    providers = set(LeadProvider.objects.values_list("name", flat=True))
    assert len(providers) == 7
    found = {(entry.case.key, entry.lead_provider.name) for entry in entries}
    assert found == {(case.key, name) for case in catalogue.CASES for name in providers}
    # O1: each provider has a participant whose status changes on each of the next seven days.
    for name in providers:
        days = {
            e.expected["changes_on"]
            for e in entries
            if e.case is catalogue.CHANGES_BY_DATE and e.lead_provider.name == name
        }
        assert days == {(seeded + dt.timedelta(days=n)).isoformat() for n in range(1, 8)}

    # The command prints the same entries, as text and as JSON.
    text, as_json = StringIO(), StringIO()
    call_command("demo_scenarios", lead_provider="Capita", stdout=text)
    call_command("demo_scenarios", lead_provider="Capita", json=True, stdout=as_json)
    records = json.loads(as_json.getvalue())
    capita = [entry for entry in entries if entry.lead_provider.name == "Capita"]
    assert [(r["case"], r["participant_id"], r["declaration_id"], r["school_urn"]) for r in records] == [
        (e.case.key, e.participant_id, e.declaration_id, e.school_urn) for e in capita
    ]
    for entry in capita:
        for value in (entry.participant_id, entry.declaration_id, entry.school_urn):
            assert value is None or value in text.getvalue()


def test_every_catalogue_entry_shows_its_case_through_the_lead_provider_api(seeded, settings):
    settings.SANDBOX = True  # the status changes are checked by travelling to the day with X-With-Server-Date
    settings.API_RATE_LIMIT = 10**6
    clients = {}
    entries = catalogue.entries(today=seeded)
    assert {entry.case.key for entry in entries} == set(CHECKS)
    for entry in entries:
        api = clients.setdefault(entry.lead_provider.pk, ProviderClient(entry.lead_provider))
        try:
            CHECKS[entry.case.key](api, entry, seeded)
        except AssertionError as failure:
            raise AssertionError(f"{entry.case.key} for {entry.lead_provider.name}: {failure}") from failure
