"""Training, mentorships, school periods and TRNs change only on guarded pages, through the rules the API and portal keep.

The raw change pages and inline rows that once took any value are read-only: each side door is refused and changes
nothing, and each guarded page refuses what the rules refuse, next to the field, and shows providers what it changed.
"""

import datetime as dt

import pytest

from config.models import AuditEvent
from participants.models import InductionPeriod, Mentorship, Participant, ParticipantType, SchoolPeriod, TrainingPeriod
from tests import factories
from tests.admin.pages import REASON, admin_url, text
from tests.builders import partnership, trained_participant
from tests.test_admin_smoke import posted_back
from training.support import training_periods


def enrolment(api, participant):
    response = api.get(f"/api/v3/participants/{participant.api_id}")
    if response.status_code == 404:
        return None
    return response.json()["data"]["attributes"]["ecf_enrolments"][0]


@pytest.fixture
def ect(lead_provider, today):
    participant, training = trained_participant(lead_provider)
    return participant, training


# --- training: partnership ----------------------------------------------------------------------------------------


def change_partnership(client, training, chosen):
    data = {"partnership": str(chosen.api_id), **REASON}
    return client.post(admin_url(TrainingPeriod, "partnership", training.pk), data)


def test_V1_a_partnership_of_another_school_and_provider_is_refused_and_changes_nothing(
    editor, api, ect, other_lead_provider
):
    participant, training = ect
    elsewhere = partnership(other_lead_provider)

    response = change_partnership(editor, training, elsewhere)

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "partnership": [
            training_periods.OTHER_SCHOOL.format(
                school=elsewhere.school.name, training_school=training.school_period.school.name
            )
        ]
    }
    training.refresh_from_db()
    assert training.partnership_id != elsewhere.pk
    assert enrolment(api, participant)["school_urn"] == training.school_period.school.urn


def test_V1_a_partnership_with_another_provider_at_the_school_is_refused(editor, ect, other_lead_provider):
    _, training = ect
    theirs = partnership(other_lead_provider, school=training.school_period.school)

    response = change_partnership(editor, training, theirs)

    assert "Only the school can change the lead provider." in response.context["form"].errors["partnership"][0]


def test_V1_a_partnership_in_another_cohort_is_refused(editor, lead_provider, ect):
    _, training = ect
    next_year = partnership(lead_provider, school=training.school_period.school, cohort=2026)

    response = change_partnership(editor, training, next_year)

    assert (
        "Change the schedule to move the training to another cohort."
        in response.context["form"].errors["partnership"][0]
    )


def test_V5_training_given_the_schools_partnership_is_seen_by_its_provider_under_that_school(
    editor, api, lead_provider, today
):
    school_period = factories.SchoolPeriodFactory(started_on=dt.date(2025, 9, 1))
    waiting = factories.TrainingPeriodFactory(
        school_period=school_period,
        partnership=None,
        lead_provider=lead_provider,
        schedule=factories.schedule("ecf-standard-september", 2025),
    )
    right = partnership(lead_provider, school=school_period.school)
    participant = school_period.participant
    assert enrolment(api, participant) is None

    response = change_partnership(editor, waiting, right)

    assert response.status_code == 302
    seen = enrolment(api, participant)
    assert (seen["school_urn"], seen["cohort"]) == (school_period.school.urn, "2025")
    event = AuditEvent.objects.get(model="participants.TrainingPeriod", event="updated")
    assert (event.action, event.reason) == ("change_training_partnership", REASON["reason"])


# --- training: schedule -------------------------------------------------------------------------------------------


def change_schedule(client, training, identifier, cohort=2025):
    data = {"schedule_identifier": identifier, "cohort": str(cohort), **REASON}
    return client.post(admin_url(TrainingPeriod, "schedule", training.pk), data)


def test_S20_support_changes_the_schedule_by_the_providers_rules_and_the_provider_sees_it(editor, api, ect):
    participant, training = ect

    response = change_schedule(editor, training, "ecf-standard-january")

    assert response.status_code == 302
    assert enrolment(api, participant)["schedule_identifier"] == "ecf-standard-january"
    training.refresh_from_db()
    assert training.finished_on == dt.date(2026, 1, 14)  # S20: the training that was ends yesterday


def test_S3_the_same_schedule_is_refused_next_to_the_schedule(editor, ect):
    _, training = ect

    response = change_schedule(editor, training, "ecf-standard-september")

    assert response.context["form"].errors == {"schedule_identifier": ["Selected schedule is already on the profile"]}


def test_O6_a_schedule_change_after_a_recorded_induction_outcome_is_refused_and_changes_nothing(editor, api, ect):
    participant, training = ect
    InductionPeriod.objects.create(
        participant=participant, started_on=dt.date(2024, 9, 1), finished_on=dt.date(2025, 12, 31), outcome="pass"
    )

    response = change_schedule(editor, training, "ecf-standard-january")

    assert response.status_code == 200
    assert "completed their training or induction" in text(response)
    assert enrolment(api, participant)["schedule_identifier"] == "ecf-standard-september"


def test_a_training_period_cannot_be_added_or_changed_on_its_raw_page_or_inline(editor, api, ect):
    participant, training = ect
    raw = admin_url(TrainingPeriod, "change", training.pk)
    assert editor.get(admin_url(TrainingPeriod, "add")).status_code == 403
    assert editor.post(raw, {"started_on": "2025-09-01", "finished_on": "2025-08-01", **REASON}).status_code == 403

    school_page = admin_url(SchoolPeriod, "change", training.school_period_id)
    page = editor.get(school_page)
    assert admin_url(TrainingPeriod, "schedule", training.pk) in page.content.decode()
    side_door = {"training_periods-0-finished_on": "2025-08-01", "training_periods-0-schedule": ""}
    assert editor.post(school_page, {**posted_back(page), **side_door}).status_code == 302

    training.refresh_from_db()
    assert (training.finished_on, training.schedule.identifier) == (None, "ecf-standard-september")


# --- mentorships --------------------------------------------------------------------------------------------------


@pytest.fixture
def mentored(lead_provider, ect):
    participant, training = ect
    school = training.school_period.school
    mentor, _ = trained_participant(lead_provider, participant_type=ParticipantType.MENTOR, school=school)
    mentorship = factories.MentorshipFactory(
        ect_school_period=training.school_period,
        mentor_school_period=mentor.school_periods.get(),
        started_on=dt.date(2025, 9, 1),
    )
    return participant, mentor, mentorship


def change_dates(client, mentorship, started_on, finished_on=""):
    data = {"started_on": str(started_on), "finished_on": str(finished_on), **REASON}
    return client.post(admin_url(Mentorship, "dates", mentorship.pk), data)


def test_F4_ending_a_mentorship_is_seen_by_the_provider_as_no_mentor(editor, api, mentored):
    participant, mentor, mentorship = mentored
    assert enrolment(api, participant)["mentor_id"] == str(mentor.api_id)

    response = change_dates(editor, mentorship, dt.date(2025, 9, 1), dt.date(2026, 1, 14))

    assert response.status_code == 302
    assert enrolment(api, participant)["mentor_id"] is None


def test_SC9_mentoring_before_the_mentor_was_at_the_school_is_refused_by_the_start_date(editor, mentored):
    _, _, mentorship = mentored

    response = change_dates(editor, mentorship, dt.date(2025, 8, 1))

    assert response.context["form"].errors == {
        "started_on": ["Mentoring must be within the ECT's time at the school, 1 September 2025 to no end date"]
    }
    mentorship.refresh_from_db()
    assert mentorship.started_on == dt.date(2025, 9, 1)


def test_SC9_an_ect_has_one_mentor_at_a_time(editor, lead_provider, mentored):
    participant, _, mentorship = mentored
    ect_period = mentorship.ect_school_period
    second, _ = trained_participant(lead_provider, participant_type=ParticipantType.MENTOR, school=ect_period.school)
    Mentorship.objects.filter(pk=mentorship.pk).update(finished_on=dt.date(2025, 12, 31))
    factories.MentorshipFactory(
        ect_school_period=ect_period, mentor_school_period=second.school_periods.get(), started_on=dt.date(2026, 1, 1)
    )

    response = change_dates(editor, mentorship, dt.date(2025, 9, 1), "")

    assert "An ECT has one mentor at a time." in response.context["form"].errors["started_on"][0]


def test_SC9_an_ect_mentoring_themselves_or_a_mentor_from_another_school_cannot_be_added_raw(editor, mentored):
    participant, _, mentorship = mentored
    ect_period = mentorship.ect_school_period
    assert editor.get(admin_url(Mentorship, "add")).status_code == 403
    page_url = admin_url(SchoolPeriod, "change", ect_period.pk)
    page = editor.get(page_url)
    data = posted_back(page)
    data.update(
        {
            "mentorships-TOTAL_FORMS": "2",
            "mentorships-1-mentor_school_period": str(ect_period.pk),
            "mentorships-1-started_on": "2026-02-01",
        }
    )

    editor.post(page_url, data)

    assert list(Mentorship.objects.values_list("pk", flat=True)) == [mentorship.pk]
    assert editor.post(admin_url(Mentorship, "change", mentorship.pk), {"started_on": "2020-01-01"}).status_code == 403


def test_SC9_a_mentorship_of_an_ect_with_themselves_is_refused_on_the_guarded_page(editor, ect):
    _, training = ect
    own = factories.MentorshipFactory(
        ect_school_period=training.school_period,
        mentor_school_period=training.school_period,
        started_on=dt.date(2025, 9, 1),
    )

    response = change_dates(editor, own, dt.date(2025, 9, 1), dt.date(2025, 12, 31))

    assert "An ECT cannot be their own mentor" in text(response)


# --- school periods -----------------------------------------------------------------------------------------------


def end(client, school_period, finished_on):
    data = {"finished_on": str(finished_on), **REASON}
    return client.post(admin_url(SchoolPeriod, "end", school_period.pk), data)


def test_SC7_support_ends_a_school_period_and_its_training_ends_with_it(editor, api, ect):
    participant, training = ect

    response = end(editor, training.school_period, dt.date(2026, 3, 31))

    assert response.status_code == 302
    training.refresh_from_db()
    assert training.finished_on == dt.date(2026, 3, 31)
    assert enrolment(api, participant)["participant_status"] == "leaving"


def test_SC7_a_school_period_cannot_end_before_it_starts(editor, ect):
    _, training = ect

    response = end(editor, training.school_period, dt.date(2025, 8, 1))

    assert response.context["form"].errors == {"finished_on": ["The leaving date must be on or after the start date"]}
    training.school_period.refresh_from_db()
    assert training.school_period.finished_on is None


def test_school_period_dates_and_school_are_not_changed_in_place_and_none_is_added_raw(editor, ect):
    participant, training = ect
    school_period = training.school_period
    url = admin_url(SchoolPeriod, "change", school_period.pk)
    data = {**posted_back(editor.get(url)), "started_on": "2024-01-01", "finished_on": "2023-01-01"}

    assert editor.post(url, data).status_code == 302
    assert editor.get(admin_url(SchoolPeriod, "add")).status_code == 403

    school_period.refresh_from_db()
    assert (school_period.started_on, school_period.finished_on) == (dt.date(2025, 9, 1), None)


# --- the participant: TRN and merged-away records -----------------------------------------------------------------


def test_F3_a_trn_is_removed_only_when_support_confirms_it(editor, api, ect):
    participant, _ = ect
    url = admin_url(Participant, "change", participant.pk)
    data = {**posted_back(editor.get(url)), "trn": ""}

    refused = editor.post(url, data)
    confirmed = editor.post(url, {**data, "remove_trn": "on"})

    assert refused.context["adminform"].form.errors == {
        "trn": ["To remove their TRN, also tick “Yes, remove their TRN”"]
    }
    assert confirmed.status_code == 302
    participant.refresh_from_db()
    assert participant.trn is None
    assert (
        api.get(f"/api/v3/participants/{participant.api_id}").json()["data"]["attributes"]["teacher_reference_number"]
        is None
    )


def test_ID1_a_merged_away_participant_is_not_changed_and_gets_no_new_periods(editor, ect):
    survivor, _ = ect
    retired = factories.ParticipantFactory(retired_into=survivor, full_name="Merged participant")
    url = admin_url(Participant, "change", retired.pk)

    assert editor.get(url).context["has_change_permission"] is False
    assert editor.post(url, {"full_name": "Revived", **REASON}).status_code == 403
    assert editor.get(admin_url(SchoolPeriod, "add")).status_code == 403
    retired.refresh_from_db()
    assert retired.full_name == "Merged participant"
