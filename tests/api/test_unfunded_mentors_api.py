"""GET /api/v3/unfunded-mentors and /{id}: mentors of a provider's ECTs that the provider does not train (issue #5, F4)."""

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef, Subquery
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openapi_core import OpenAPI

from config import changes
from participants.models import Mentorship, Participant, ParticipantType, ProviderEnrolment, UnfundedMentorListing
from tests import factories
from tests.api.openapi import served_document, validate
from tests.builders import partnership, trained_participant
from training.support.merging import merge_participants

UTC = dt.UTC
MENTOR = ParticipantType.MENTOR


def mentor_at(school, *, participant=None, email=None, started_on=dt.date(2025, 9, 1)):
    """A mentor registered at the school with no training of their own."""
    kwargs = {"participant": participant} if participant else {}
    if email:
        kwargs["email"] = email
    return factories.SchoolPeriodFactory(school=school, participant_type=MENTOR, started_on=started_on, **kwargs)


def mentors(ect_training, mentor_period, started_on=dt.date(2025, 9, 1)):
    factories.MentorshipFactory(
        ect_school_period=ect_training.school_period, mentor_school_period=mentor_period, started_on=started_on
    )


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["data"]]


def show(api, participant):
    return api.get(f"/api/v3/unfunded-mentors/{participant.api_id}")


def test_the_unfunded_mentor_document(api, lead_provider, today):
    _, ect = trained_participant(lead_provider)
    mentor = factories.ParticipantFactory(full_name="Maya Mentor", trn="7654321")
    mentor_at(factories.SchoolFactory(), participant=mentor, email="maya@old.example", started_on=dt.date(2024, 9, 1))
    mentor_period = mentor_at(ect.school_period.school, participant=mentor, email="maya@school.example")
    mentors(ect, mentor_period)
    Participant.objects.filter(pk=mentor.pk).update(
        created_at=dt.datetime(2024, 8, 1, 9, 0, 0, 250000, tzinfo=UTC),
        api_updated_at=dt.datetime(2025, 9, 1, tzinfo=UTC),
    )

    response = show(api, mentor)

    assert response.status_code == 200
    assert response.json() == {
        "data": {
            "id": str(mentor.api_id),
            "type": "unfunded-mentor",
            "attributes": {
                "full_name": "Maya Mentor",
                "email": "maya@school.example",
                "teacher_reference_number": "7654321",
                "created_at": "2024-08-01T09:00:00Z",
                "updated_at": "2025-09-01T00:00:00Z",
            },
        }
    }


def test_mentors_trained_by_another_provider_or_untrained_are_unfunded_but_ours_are_not(
    api, lead_provider, other_lead_provider, today
):
    _, ect = trained_participant(lead_provider)
    school = ect.school_period.school
    untrained = mentor_at(school)
    theirs, _ = trained_participant(other_lead_provider, participant_type=MENTOR)
    ours, our_mentor_training = trained_participant(lead_provider, participant_type=MENTOR, school=school)
    _, second_ect = trained_participant(lead_provider, school=school)
    _, third_ect = trained_participant(lead_provider, school=school)
    mentors(ect, untrained)
    mentors(second_ect, mentor_at(school, participant=theirs))
    mentors(third_ect, our_mentor_training.school_period)

    listed = ids(api.get("/api/v3/unfunded-mentors"))

    assert sorted(listed) == sorted([str(untrained.participant.api_id), str(theirs.api_id)])
    assert show(api, ours).status_code == 404


def test_mentors_of_other_providers_ects_are_not_this_providers_unfunded_mentors(
    api, other_api, other_lead_provider, today
):
    _, their_ect = trained_participant(other_lead_provider)
    mentor_period = mentor_at(their_ect.school_period.school)
    mentors(their_ect, mentor_period)

    assert ids(api.get("/api/v3/unfunded-mentors")) == []
    assert show(api, mentor_period.participant).status_code == 404
    assert ids(other_api.get("/api/v3/unfunded-mentors")) == [str(mentor_period.participant.api_id)]


def test_V1_mentors_of_ects_waiting_for_a_partnership_are_not_listed(api, lead_provider, today):
    school = factories.SchoolFactory()
    waiting = factories.TrainingPeriodFactory(
        school_period=factories.SchoolPeriodFactory(school=school),
        partnership=None,
        lead_provider=lead_provider,
        schedule=factories.schedule(),
    )
    mentors(waiting, mentor_at(school))

    assert ids(api.get("/api/v3/unfunded-mentors")) == []


def test_F4_every_ect_mentor_id_resolves_to_a_participant_or_an_unfunded_mentor(
    api, lead_provider, other_lead_provider, today
):
    school = factories.SchoolFactory()
    _, funded_mentor_training = trained_participant(lead_provider, participant_type=MENTOR, school=school)
    _, ect_with_our_mentor = trained_participant(lead_provider, school=school)
    _, ect_with_unfunded_mentor = trained_participant(lead_provider, school=school)
    mentors(ect_with_our_mentor, funded_mentor_training.school_period)
    mentors(ect_with_unfunded_mentor, mentor_at(school))

    mentor_ids = [
        enrolment["mentor_id"]
        for participant in api.get("/api/v3/participants").json()["data"]
        for enrolment in participant["attributes"]["ecf_enrolments"]
        if enrolment["participant_type"] == "ect"
    ]

    assert len(mentor_ids) == 2 and None not in mentor_ids
    resolved = [
        "participant"
        if api.get(f"/api/v3/participants/{mentor_id}").status_code == 200
        else "unfunded-mentor"
        if api.get(f"/api/v3/unfunded-mentors/{mentor_id}").status_code == 200
        else "unresolved"
        for mentor_id in mentor_ids
    ]
    assert sorted(resolved) == ["participant", "unfunded-mentor"]


def test_C2_unfunded_mentors_need_a_token(client):
    for path in ("/api/v3/unfunded-mentors", f"/api/v3/unfunded-mentors/{uuid.uuid4()}"):
        response = client.get(path)
        assert response.status_code == 401
        assert response.json() == {"error": "HTTP Token: Access denied"}


def test_C9_unknown_or_malformed_id_is_404(api, today):
    for path in (f"/api/v3/unfunded-mentors/{uuid.uuid4()}", "/api/v3/unfunded-mentors/nope"):
        response = api.get(path)
        assert response.status_code == 404
        assert response.json() == {
            "errors": [{"title": "Resource not found", "detail": "Nothing could be found for the provided details"}]
        }


def unfunded(lead_provider, *, created, updated):
    _, ect = trained_participant(lead_provider)
    mentor_period = mentor_at(ect.school_period.school)
    mentors(ect, mentor_period)
    Participant.objects.filter(pk=mentor_period.participant_id).update(created_at=created, api_updated_at=updated)
    return mentor_period.participant


def test_Q3_Q7_Q8_unfunded_mentors_filter_sort_and_pages(api, lead_provider, today):
    made = [
        unfunded(
            lead_provider,
            created=dt.datetime(2025, 1, day, tzinfo=UTC),
            updated=dt.datetime(2025, 12, 4 - day, tzinfo=UTC),
        )
        for day in (2, 1, 3)
    ]
    by_created = [str(made[i].api_id) for i in (1, 0, 2)]

    assert ids(api.get("/api/v3/unfunded-mentors")) == by_created
    assert ids(api.get("/api/v3/unfunded-mentors", {"sort": "-created_at"})) == by_created[::-1]
    assert ids(api.get("/api/v3/unfunded-mentors", {"sort": "-updated_at"})) == by_created
    assert ids(api.get("/api/v3/unfunded-mentors", {"page[per_page]": "1", "page[page]": "2"})) == by_created[1:2]
    assert ids(api.get("/api/v3/unfunded-mentors", {"filter[updated_since]": "2025-12-02"})) == by_created[:2]


@pytest.mark.parametrize(
    "params, detail",
    [
        ({"filter[updated_since]": "never"}, "The filter '#/updated_since' must be a valid ISO 8601 date"),
        ({"filter": "x"}, "Filter must be a hash"),
        (
            {"page[per_page]": "0"},
            "The '#/page[page]' and '#/page[per_page]' parameter values must be a valid positive number",
        ),
    ],
)
def test_O4_C11_Q7_bad_parameters_are_400(api, today, params, detail):
    response = api.get("/api/v3/unfunded-mentors", params)
    assert response.status_code == 400
    assert response.json()["errors"][0]["detail"] == detail


def test_unfunded_mentors_queries_do_not_grow_with_page_size(api, lead_provider, today):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/api/v3/unfunded-mentors").status_code == 200
        return len(queries)

    unfunded(lead_provider, created=dt.datetime(2025, 1, 1, tzinfo=UTC), updated=dt.datetime(2025, 1, 1, tzinfo=UTC))
    one = count_queries()
    for _ in range(3):
        unfunded(
            lead_provider, created=dt.datetime(2025, 1, 2, tzinfo=UTC), updated=dt.datetime(2025, 1, 1, tzinfo=UTC)
        )
    assert count_queries() == one


def test_unfunded_mentor_responses_validate_against_the_served_document(api, lead_provider, today):
    openapi = OpenAPI.from_dict(served_document())
    _, ect = trained_participant(lead_provider)
    without_email = mentor_at(ect.school_period.school)
    factories.SchoolPeriodFactory._meta.model.objects.filter(pk=without_email.pk).update(email=None)
    mentors(ect, without_email)
    for response in [
        api.get("/api/v3/unfunded-mentors"),
        show(api, without_email.participant),
        api.get(f"/api/v3/unfunded-mentors/{uuid.uuid4()}"),
        api.get("/api/v3/unfunded-mentors", {"filter[updated_since]": "x"}),
    ]:
        validate(openapi, response)


# --- the derived listings stay equal to the rule, whichever change comes first --------------------------------------


def _by_the_rule(lead_provider) -> set[int]:
    """Who is an unfunded mentor of the provider, worked out from scratch: anyone who has mentored an ECT at a
    school period with training in the provider's partnerships, with no mentor enrolment of theirs, not merged away."""
    mentored_our_ect = Mentorship.objects.filter(
        mentor_school_period__participant=OuterRef("pk"),
        ect_school_period__training_periods__partnership__lead_provider=lead_provider,
    )
    trained_by_them = ProviderEnrolment.objects.filter(
        participant=OuterRef("pk"), lead_provider=lead_provider, participant_type=MENTOR
    )
    return set(
        Participant.objects.filter(
            retired_into__isnull=True, pk__in=Subquery(mentored_our_ect.values("mentor_school_period__participant"))
        )
        .exclude(Exists(trained_by_them))
        .values_list("pk", flat=True)
    )


def _listed(lead_provider) -> set[int]:
    return set(
        UnfundedMentorListing.objects.filter(lead_provider=lead_provider).values_list("participant_id", flat=True)
    )


def test_unfunded_mentor_listings_follow_every_change_that_can_make_or_unmake_one(
    lead_provider, other_lead_provider, today
):
    school = factories.SchoolFactory()
    theirs = partnership(other_lead_provider, school=school)
    _, ect = trained_participant(lead_provider, school=school)
    mentor_period = mentor_at(school)
    mentor = mentor_period.participant

    def listed_as_the_rule_says(expected_ours, expected_theirs):
        assert (_listed(lead_provider), _listed(other_lead_provider)) == (
            _by_the_rule(lead_provider),
            _by_the_rule(other_lead_provider),
        )
        assert (_listed(lead_provider), _listed(other_lead_provider)) == (expected_ours, expected_theirs)

    listed_as_the_rule_says(set(), set())
    mentors(ect, mentor_period)  # the mentor, not the ECT, is unfunded
    listed_as_the_rule_says({mentor.pk}, set())

    # The ECT's training moves to the other provider: a change to the ECT alone moves its mentor.
    with changes.recording(now=timezone.now()):
        ect.partnership, ect.lead_provider = theirs, other_lead_provider
        ect.save()
    listed_as_the_rule_says(set(), {mentor.pk})

    # The other provider comes to train the mentor, then stops.
    with changes.recording(now=timezone.now()):
        mentor_training = factories.TrainingPeriodFactory(
            school_period=mentor_period,
            partnership=theirs,
            lead_provider=other_lead_provider,
            schedule=factories.schedule("ecf-standard-september", 2025),
        )
    listed_as_the_rule_says(set(), set())
    with changes.recording(now=timezone.now()):
        mentor_training.delete()
    listed_as_the_rule_says(set(), {mentor.pk})

    # Its sort keys follow the participant's row, however that is written.
    moment = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    Participant.objects.filter(pk=mentor.pk).update(api_updated_at=moment)
    assert UnfundedMentorListing.objects.get(participant=mentor).api_updated_at == moment

    # No mentorship, no unfunded mentor.
    with changes.recording(now=timezone.now()):
        Mentorship.objects.get(mentor_school_period=mentor_period).delete()
    listed_as_the_rule_says(set(), set())


def test_a_merged_away_mentor_is_no_longer_an_unfunded_mentor(lead_provider, today):
    _, ect = trained_participant(lead_provider)
    mentor_period = mentor_at(ect.school_period.school)
    mentors(ect, mentor_period)
    survivor = factories.ParticipantFactory()

    merge_participants(source=mentor_period.participant, destination=survivor, now=timezone.now())

    assert _listed(lead_provider) == _by_the_rule(lead_provider) == {survivor.pk}
