"""GET /api/v3/participants/transfers and /participants/{id}/transfers (issue #5; derivation in participants.transfers)."""

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openapi_core import OpenAPI

from participants.models import Participant, ParticipantType, ProgrammeType
from tests import factories
from tests.api.openapi import served_document, validate
from tests.builders import partnership

UTC = dt.UTC
ECT, MENTOR = ParticipantType.ECT, ParticipantType.MENTOR


def at_school(
    participant,
    school,
    *,
    started_on,
    finished_on=None,
    participant_type=ECT,
    lead_provider=None,
    school_led=False,
    eoi_only=False,
    trained=True,
):
    """A school period, with training under `lead_provider`'s partnership (or school-led, an EOI, or none)."""
    school_period = factories.SchoolPeriodFactory(
        participant=participant,
        school=school,
        participant_type=participant_type,
        started_on=started_on,
        finished_on=finished_on,
    )
    if not trained:
        return school_period
    training = {"school_period": school_period, "started_on": started_on, "finished_on": finished_on}
    if school_led:
        factories.TrainingPeriodFactory(
            **training, programme_type=ProgrammeType.SCHOOL_LED, partnership=None, lead_provider=None, schedule=None
        )
    elif eoi_only:
        factories.TrainingPeriodFactory(
            **training, partnership=None, lead_provider=lead_provider, schedule=factories.schedule()
        )
    else:
        factories.TrainingPeriodFactory(**training, partnership=partnership(lead_provider, school=school))
    return school_period


def transfers(response):
    assert response.status_code == 200, response.content
    return response.json()["data"]["attributes"]["transfers"]


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["data"]]


def show(api, participant):
    return api.get(f"/api/v3/participants/{participant.api_id}/transfers")


@pytest.fixture
def old_school():
    return factories.SchoolFactory(urn="300001")


@pytest.fixture
def new_school():
    return factories.SchoolFactory(urn="300002")


# --- the document --------------------------------------------------------------------------------------------------


def test_a_move_between_two_of_this_providers_schools_is_a_complete_new_school_transfer(
    api, lead_provider, old_school, new_school, today
):
    participant = factories.ParticipantFactory()
    at_school(
        participant,
        old_school,
        started_on=dt.date(2025, 9, 1),
        finished_on=dt.date(2025, 12, 19),
        lead_provider=lead_provider,
    )
    at_school(participant, new_school, started_on=dt.date(2026, 1, 5), lead_provider=lead_provider)
    Participant.objects.filter(pk=participant.pk).update(api_updated_at=dt.datetime(2026, 1, 10, 8, 30, tzinfo=UTC))

    response = show(api, participant)

    assert response.json() == {
        "data": {
            "id": str(participant.api_id),
            "type": "participant-transfer",
            "attributes": {
                "transfers": [
                    {
                        "training_record_id": str(participant.ect_training_record_id),
                        "transfer_type": "new_school",
                        "status": "complete",
                        "created_at": "2026-01-15",
                        "leaving": {"school_urn": "300001", "provider": "Ambition Institute", "date": "2025-12-19"},
                        "joining": {"school_urn": "300002", "provider": "Ambition Institute", "date": "2026-01-05"},
                    }
                ],
                "updated_at": "2026-01-10T08:30:00Z",
            },
        }
    }


def test_a_move_to_another_providers_school_is_new_provider_and_both_providers_see_it(
    api, other_api, lead_provider, other_lead_provider, old_school, new_school, today
):
    participant = factories.ParticipantFactory()
    at_school(
        participant,
        old_school,
        started_on=dt.date(2025, 9, 1),
        finished_on=dt.date(2025, 12, 19),
        lead_provider=lead_provider,
    )
    at_school(participant, new_school, started_on=dt.date(2026, 1, 5), lead_provider=other_lead_provider)

    for client in (api, other_api):
        [transfer] = transfers(show(client, participant))
        assert (transfer["transfer_type"], transfer["status"]) == ("new_provider", "complete")
        assert transfer["leaving"]["provider"] == "Ambition Institute"
        assert transfer["joining"]["provider"] == "Teach First"


def test_reported_leaving_with_no_new_school_yet_is_incomplete_and_unknown(api, lead_provider, old_school, today):
    participant = factories.ParticipantFactory()
    at_school(
        participant,
        old_school,
        started_on=dt.date(2025, 9, 1),
        finished_on=dt.date(2026, 2, 13),
        lead_provider=lead_provider,
    )

    [transfer] = transfers(show(api, participant))

    assert (transfer["transfer_type"], transfer["status"], transfer["joining"]) == ("unknown", "incomplete", None)
    assert transfer["leaving"] == {"school_urn": "300001", "provider": "Ambition Institute", "date": "2026-02-13"}


def test_joining_school_led_training_is_new_provider_with_no_provider_named(
    api, lead_provider, old_school, new_school, today
):
    participant = factories.ParticipantFactory()
    at_school(
        participant,
        old_school,
        started_on=dt.date(2025, 9, 1),
        finished_on=dt.date(2025, 12, 19),
        lead_provider=lead_provider,
    )
    at_school(participant, new_school, started_on=dt.date(2026, 1, 5), school_led=True)

    [transfer] = transfers(show(api, participant))

    assert transfer["transfer_type"] == "new_provider"
    assert transfer["joining"] == {"school_urn": "300002", "provider": None, "date": "2026-01-05"}


def test_joining_without_training_yet_is_complete_but_of_unknown_type(
    api, lead_provider, old_school, new_school, today
):
    mentor = factories.ParticipantFactory()
    at_school(
        mentor,
        old_school,
        participant_type=MENTOR,
        started_on=dt.date(2025, 9, 1),
        finished_on=dt.date(2025, 12, 19),
        lead_provider=lead_provider,
    )
    at_school(mentor, new_school, participant_type=MENTOR, started_on=dt.date(2026, 1, 5), trained=False)

    [transfer] = transfers(show(api, mentor))

    assert (transfer["transfer_type"], transfer["status"]) == ("unknown", "complete")
    assert transfer["training_record_id"] == str(mentor.mentor_training_record_id)


def test_ect_and_mentor_transfers_are_listed_oldest_leaving_first(api, lead_provider, old_school, new_school, today):
    participant = factories.ParticipantFactory()
    third_school = factories.SchoolFactory(urn="300003")
    at_school(
        participant,
        old_school,
        started_on=dt.date(2023, 9, 1),
        finished_on=dt.date(2024, 7, 31),
        lead_provider=lead_provider,
    )
    at_school(
        participant,
        new_school,
        started_on=dt.date(2024, 9, 1),
        finished_on=dt.date(2025, 7, 31),
        lead_provider=lead_provider,
    )
    at_school(
        participant,
        third_school,
        started_on=dt.date(2025, 9, 1),
        participant_type=MENTOR,
        finished_on=dt.date(2025, 12, 31),
        lead_provider=lead_provider,
    )

    found = transfers(show(api, participant))

    assert [(t["leaving"]["school_urn"], (t["joining"] or {}).get("school_urn")) for t in found] == [
        ("300001", "300002"),
        ("300002", None),
        ("300003", None),
    ]
    assert [t["training_record_id"] for t in found] == [
        str(participant.ect_training_record_id),
        str(participant.ect_training_record_id),
        str(participant.mentor_training_record_id),
    ]


# --- what is not a transfer, and for whom -----------------------------------------------------------------------------


def test_no_transfer_for_a_current_school_or_a_second_period_at_the_same_school(api, lead_provider, old_school, today):
    staying = factories.ParticipantFactory()
    at_school(staying, old_school, started_on=dt.date(2025, 9, 1), lead_provider=lead_provider)
    returning = factories.ParticipantFactory()
    at_school(
        returning,
        old_school,
        started_on=dt.date(2025, 9, 1),
        finished_on=dt.date(2025, 10, 31),
        lead_provider=lead_provider,
    )
    at_school(returning, old_school, started_on=dt.date(2025, 11, 3), lead_provider=lead_provider)

    assert ids(api.get("/api/v3/participants/transfers")) == []
    assert show(api, staying).status_code == 404
    assert show(api, returning).status_code == 404


def test_an_ect_who_completed_induction_and_left_did_not_transfer(api, lead_provider, old_school, today):
    participant = factories.ParticipantFactory()
    at_school(
        participant,
        old_school,
        started_on=dt.date(2024, 9, 1),
        finished_on=dt.date(2025, 12, 19),
        lead_provider=lead_provider,
    )
    factories.InductionPeriodFactory(
        participant=participant, started_on=dt.date(2024, 9, 1), finished_on=dt.date(2025, 12, 19), outcome="pass"
    )

    assert show(api, participant).status_code == 404


def test_V1_providers_see_transfers_only_to_or_from_their_partnerships(
    api, other_api, lead_provider, other_lead_provider, old_school, new_school, today
):
    participant = factories.ParticipantFactory()
    at_school(
        participant,
        old_school,
        started_on=dt.date(2025, 9, 1),
        finished_on=dt.date(2025, 12, 19),
        lead_provider=other_lead_provider,
    )
    # The new school named this provider, but no partnership exists yet.
    at_school(participant, new_school, started_on=dt.date(2026, 1, 5), lead_provider=lead_provider, eoi_only=True)

    assert ids(api.get("/api/v3/participants/transfers")) == []
    assert show(api, participant).status_code == 404
    assert ids(other_api.get("/api/v3/participants/transfers")) == [str(participant.api_id)]
    assert transfers(show(other_api, participant))[0]["joining"]["provider"] == "Ambition Institute"


@pytest.mark.parametrize("path", ["/api/v3/participants/transfers", f"/api/v3/participants/{uuid.uuid4()}/transfers"])
def test_C2_transfers_need_a_token(client, path):
    response = client.get(path)
    assert response.status_code == 401
    assert response.json() == {"error": "HTTP Token: Access denied"}


def test_C9_unknown_or_malformed_id_is_404(api, today):
    for path in (f"/api/v3/participants/{uuid.uuid4()}/transfers", "/api/v3/participants/nope/transfers"):
        response = api.get(path)
        assert response.status_code == 404
        assert response.json() == {
            "errors": [{"title": "Resource not found", "detail": "Nothing could be found for the provided details"}]
        }


# --- list: filters, sort, pages --------------------------------------------------------------------------------------


def moved(lead_provider, *, created, updated):
    participant = factories.ParticipantFactory()
    at_school(
        participant,
        factories.SchoolFactory(),
        started_on=dt.date(2025, 9, 1),
        finished_on=dt.date(2025, 12, 19),
        lead_provider=lead_provider,
    )
    Participant.objects.filter(pk=participant.pk).update(created_at=created, api_updated_at=updated)
    return participant


def test_Q3_Q7_Q8_transfers_filter_sort_and_pages(api, lead_provider, today):
    made = [
        moved(
            lead_provider,
            created=dt.datetime(2025, 1, day, tzinfo=UTC),
            updated=dt.datetime(2025, 12, 4 - day, tzinfo=UTC),
        )
        for day in (2, 1, 3)
    ]
    by_created = [str(made[i].api_id) for i in (1, 0, 2)]

    assert ids(api.get("/api/v3/participants/transfers")) == by_created
    assert ids(api.get("/api/v3/participants/transfers", {"sort": "updated_at"})) == by_created[::-1]
    assert ids(api.get("/api/v3/participants/transfers", {"page[per_page]": "2", "page[page]": "2"})) == by_created[2:]
    assert (
        ids(api.get("/api/v3/participants/transfers", {"filter[updated_since]": "2025-12-02T00:00:00Z"}))
        == by_created[:2]
    )


@pytest.mark.parametrize(
    "params, detail",
    [
        ({"filter[updated_since]": "last week"}, "The filter '#/updated_since' must be a valid ISO 8601 date"),
        ({"filter": "x"}, "Filter must be a hash"),
    ],
)
def test_O4_C11_bad_transfer_filters_are_400(api, today, params, detail):
    response = api.get("/api/v3/participants/transfers", params)
    assert response.status_code == 400
    assert response.json()["errors"][0]["detail"] == detail


def test_transfers_queries_do_not_grow_with_page_size(api, lead_provider, today):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/api/v3/participants/transfers").status_code == 200
        return len(queries)

    moved(lead_provider, created=dt.datetime(2025, 1, 1, tzinfo=UTC), updated=dt.datetime(2025, 1, 1, tzinfo=UTC))
    one = count_queries()
    for day in range(2, 6):
        moved(lead_provider, created=dt.datetime(2025, 1, day, tzinfo=UTC), updated=dt.datetime(2025, 1, 1, tzinfo=UTC))
    assert count_queries() == one


def test_transfer_responses_validate_against_the_served_document(api, lead_provider, old_school, new_school, today):
    openapi = OpenAPI.from_dict(served_document())
    complete, incomplete = factories.ParticipantFactory(), factories.ParticipantFactory()
    at_school(
        complete,
        old_school,
        started_on=dt.date(2025, 9, 1),
        finished_on=dt.date(2025, 12, 19),
        lead_provider=lead_provider,
    )
    at_school(complete, new_school, started_on=dt.date(2026, 1, 5), school_led=True)
    at_school(
        incomplete,
        old_school,
        started_on=dt.date(2025, 9, 1),
        finished_on=dt.date(2025, 12, 19),
        lead_provider=lead_provider,
    )
    for response in [
        api.get("/api/v3/participants/transfers"),
        show(api, complete),
        show(api, incomplete),
        api.get(f"/api/v3/participants/{uuid.uuid4()}/transfers"),
        api.get("/api/v3/participants/transfers", {"page[page]": "0"}),
    ]:
        validate(openapi, response)
