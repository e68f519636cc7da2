"""PUT defer / withdraw / resume / change-schedule (DOMAIN.md A, S, C14, with O5 and O6)."""

import datetime as dt

import pytest

from config import clock
from config.models import AuditEvent
from declarations.models import Declaration
from participants.models import Participant, ParticipantType, TrainingPeriod
from tests import factories
from tests.builders import partnership, trained_participant
from tests.conftest import ProviderClient, concurrently

UTC = dt.UTC
TODAY = dt.date(2026, 1, 15)  # the `today` fixture's London date


def body(kind, **attributes):
    return {"data": {"type": f"participant-{kind}", "attributes": attributes}}


def errors(response):
    assert response.status_code == 422, response.content
    return [(e["title"], e["detail"]) for e in response.json()["errors"]]


def enrolment(response, participant_type="ect"):
    assert response.status_code == 200, response.content
    return next(
        e for e in response.json()["data"]["attributes"]["ecf_enrolments"] if e["participant_type"] == participant_type
    )


def put(api, participant, action, **attributes):
    return api.put(f"/api/v3/participants/{participant.api_id}/{action}", body(action, **attributes))


@pytest.fixture
def ect(lead_provider, today):
    participant, _ = trained_participant(lead_provider, started_on=dt.date(2025, 9, 1))
    return participant


@pytest.fixture
def mentor(lead_provider, today):
    participant, _ = trained_participant(
        lead_provider, participant_type=ParticipantType.MENTOR, started_on=dt.date(2025, 9, 1)
    )
    return participant


# --- the request's moment -------------------------------------------------------------------------------


def test_A13_F30_an_action_reads_the_clock_once_and_stamps_that_moment_everywhere(api, ect, monkeypatch):
    """However long an action takes, the deferral, its audit trail and `updated_at` all carry the one moment
    its request read. (The token's last use is bookkeeping of a real event, on the real clock: O12.)"""
    start = dt.datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
    reads = iter(range(1000))
    monkeypatch.setattr(clock, "now", lambda: start + dt.timedelta(seconds=next(reads)))

    response = put(api, ect, "defer", reason="other", course_identifier="ecf-induction")

    assert next(reads) == 1  # one read, by the request's edge
    stamp = "2026-01-15T12:00:00Z"
    document = response.json()["data"]["attributes"]
    assert (enrolment(response)["deferral"]["date"], document["updated_at"]) == (stamp, stamp)
    assert {event.occurred_at for event in AuditEvent.objects.filter(action="defer")} == {start}
    assert Participant.objects.get(pk=ect.pk).api_updated_at == start


# --- C10/C14: envelope and order of checks -----------------------------------------------------------


def test_C14_malformed_body_for_unknown_participant_is_400(api, today):
    response = api.put("/api/v3/participants/00000000-0000-0000-0000-000000000000/defer", {"nodata": 1})
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {"title": "Bad request", "detail": "Correct json data structure required. See API docs for reference."}
        ]
    }


@pytest.mark.parametrize(
    "raw",
    ["{not json", '{"data": {}}', '{"data": {"attributes": "x"}}', '{"data": {"attributes": {"colour": "red"}}}', "[]"],
)
def test_C10_missing_envelope_or_invalid_json_is_400(api, ect, raw):
    response = api.put(f"/api/v3/participants/{ect.api_id}/defer", raw)
    assert response.status_code == 400
    assert response.json()["errors"][0]["detail"] == "Correct json data structure required. See API docs for reference."


def test_A1_other_providers_participant_is_404(other_api, ect):
    response = put(other_api, ect, "defer", reason="other", course_identifier="ecf-induction")
    assert response.status_code == 404
    assert response.json()["errors"][0]["title"] == "Resource not found"


def test_A2_course_identifier_is_required_and_errors_accumulate(api, ect):
    assert errors(put(api, ect, "defer", reason="sabbatical")) == [
        ("course_identifier", "Enter a '#/course_identifier'."),
        ("reason", "The entered '#/reason' is not recognised for the given participant. Check details and try again."),
    ]


def test_A3_course_without_an_enrolment_is_not_recognised(api, ect):
    assert errors(put(api, ect, "defer", reason="other", course_identifier="ecf-mentor")) == [
        (
            "course_identifier",
            "The entered '#/course_identifier' is not recognised for the given participant. Check details and try again.",
        ),
    ]


# --- defer --------------------------------------------------------------------------------------------


def test_A10_reason_is_required(api, ect):
    assert errors(put(api, ect, "defer", course_identifier="ecf-induction")) == [("reason", "Enter a '#/reason'.")]


def test_A13_defer_succeeds_moves_updated_at_and_is_audited(api, ect, lead_provider):
    before = Participant.objects.get(pk=ect.pk).api_updated_at
    with clock.travel_to(dt.datetime(2026, 1, 15, 14, 30, 5, tzinfo=UTC)):
        response = put(api, ect, "defer", reason="parental-leave", course_identifier="ecf-induction")
    shown = enrolment(response)
    assert shown["training_status"] == "deferred"
    assert shown["participant_status"] == "left"
    assert shown["deferral"] == {"reason": "parental-leave", "date": "2026-01-15T14:30:05Z"}
    assert response.json()["data"]["attributes"]["updated_at"] == "2026-01-15T14:30:05Z"
    assert Participant.objects.get(pk=ect.pk).api_updated_at > before
    event = AuditEvent.objects.filter(action="defer", model="participants.TrainingPeriod").get()
    assert (event.actor_kind, event.actor_label) == ("lead_provider", lead_provider.name)
    assert event.changes["deferral_reason"] == [None, "parental_leave"]
    assert ect.pk in event.participant_ids


def test_A11_repeating_a_deferral_is_already_deferred_and_changes_nothing(api, ect):
    put(api, ect, "defer", reason="other", course_identifier="ecf-induction")
    count = AuditEvent.objects.count()
    assert errors(put(api, ect, "defer", reason="other", course_identifier="ecf-induction")) == [
        ("participant_id", "The '#/participant_id' is already deferred.")
    ]
    assert AuditEvent.objects.count() == count


def test_A11_withdrawn_participant_cannot_be_deferred(api, ect):
    put(api, ect, "withdraw", reason="other", course_identifier="ecf-induction")
    assert errors(put(api, ect, "defer", reason="other", course_identifier="ecf-induction")) == [
        ("participant_id", "The '#/participant_id' is already withdrawn.")
    ]


def test_A11_joining_participant_cannot_be_deferred(api, lead_provider, today):
    joining, _ = trained_participant(lead_provider, started_on=dt.date(2026, 2, 1))
    assert errors(put(api, joining, "defer", reason="other", course_identifier="ecf-induction")) == [
        (
            "participant_id",
            "You cannot defer #/participant_id. This is because they have not been training with you for at least one day.",
        )
    ]


def test_A11_cannot_defer_on_the_day_training_started(api, lead_provider, today):
    started_today, _ = trained_participant(lead_provider, started_on=TODAY)
    assert errors(put(api, started_today, "defer", reason="other", course_identifier="ecf-induction")) == [
        (
            "participant_id",
            "You cannot defer or withdraw this participant today. You need to try again tomorrow as the training was recently changed for this participant.",
        )
    ]


def test_A12_leaving_participant_can_be_deferred(api, lead_provider, today):
    leaving, _ = trained_participant(
        lead_provider, finished_on=dt.date(2026, 3, 31), school_finished_on=dt.date(2026, 3, 31)
    )
    shown = enrolment(put(api, leaving, "defer", reason="other", course_identifier="ecf-induction"))
    assert shown["training_status"] == "deferred"
    assert TrainingPeriod.objects.get(school_period__participant=leaving).finished_on == TODAY


# --- withdraw -----------------------------------------------------------------------------------------


def test_A20_withdrawal_reasons_are_the_withdrawal_list(api, ect):
    assert errors(put(api, ect, "withdraw", reason="parental-leave", course_identifier="ecf-induction")) == [
        ("reason", "The entered '#/reason' is not recognised for the given participant. Check details and try again.")
    ]


def test_A22_A24_deferred_participant_can_be_withdrawn_and_keeps_deferral_date(api, ect, lead_provider):
    with clock.travel_to(dt.datetime(2026, 1, 10, 12, 0, tzinfo=UTC)):
        put(api, ect, "defer", reason="other", course_identifier="ecf-induction")
    shown = enrolment(put(api, ect, "withdraw", reason="moved-school", course_identifier="ecf-induction"))
    assert shown["training_status"] == "withdrawn"
    assert shown["participant_status"] == "left"
    assert shown["withdrawal"]["reason"] == "moved-school"
    assert shown["deferral"] is None
    assert TrainingPeriod.objects.get(school_period__participant=ect).finished_on == dt.date(2026, 1, 10)


def test_A21_already_withdrawn(api, ect):
    put(api, ect, "withdraw", reason="other", course_identifier="ecf-induction")
    assert errors(put(api, ect, "withdraw", reason="other", course_identifier="ecf-induction")) == [
        ("participant_id", "The '#/participant_id' is already withdrawn.")
    ]


def test_A21_joining_participant_cannot_be_withdrawn(api, lead_provider, today):
    joining, _ = trained_participant(lead_provider, started_on=dt.date(2026, 2, 1))
    assert errors(put(api, joining, "withdraw", reason="other", course_identifier="ecf-induction")) == [
        (
            "participant_id",
            "You cannot withdraw #/participant_id. This is because they have not been training with you for at least one day.",
        )
    ]


def test_A23_mentor_only_reason_is_refused_for_an_ect(api, ect):
    assert errors(
        put(api, ect, "withdraw", reason="mentor-no-longer-being-mentor", course_identifier="ecf-induction")
    ) == [("reason", "You cannot withdraw an ECT for this reason. The ECT is not a mentor.")]


def test_A23_mentor_only_reason_is_accepted_for_a_mentor(api, mentor):
    shown = enrolment(
        put(api, mentor, "withdraw", reason="mentor-no-longer-being-mentor", course_identifier="ecf-mentor"), "mentor"
    )
    assert shown["withdrawal"]["reason"] == "mentor-no-longer-being-mentor"


def test_A4_action_on_one_enrolment_leaves_the_other_untouched(api, lead_provider, today):
    participant, training = trained_participant(
        lead_provider, participant_type=ParticipantType.MENTOR, started_on=dt.date(2025, 9, 1)
    )
    trained_participant(
        lead_provider, participant=participant, school=training.school_period.school, started_on=dt.date(2025, 9, 2)
    )
    response = put(api, participant, "defer", reason="other", course_identifier="ecf-mentor")
    assert enrolment(response, "mentor")["training_status"] == "deferred"
    assert enrolment(response, "ect")["training_status"] == "active"


# --- resume -------------------------------------------------------------------------------------------


def test_A30_1_active_participant_cannot_be_resumed(api, ect):
    assert errors(put(api, ect, "resume", course_identifier="ecf-induction")) == [
        ("participant_id", "The '#/participant_id' is already active.")
    ]


def test_A30_3_cannot_resume_on_the_day_of_deferral(api, ect):
    put(api, ect, "defer", reason="other", course_identifier="ecf-induction")
    assert errors(put(api, ect, "resume", course_identifier="ecf-induction")) == [
        (
            "participant_id",
            "You cannot resume a participant on the same day they were withdrawn or deferred. Resume them tomorrow or later.",
        )
    ]


def test_A32_resume_creates_new_training_from_today_and_A33_blocks_same_day_defer(api, ect):
    with clock.travel_to(dt.datetime(2026, 1, 10, 12, 0, tzinfo=UTC)):
        put(api, ect, "withdraw", reason="other", course_identifier="ecf-induction")
    shown = enrolment(put(api, ect, "resume", course_identifier="ecf-induction"))
    assert (shown["training_status"], shown["participant_status"]) == ("active", "active")
    assert shown["withdrawal"] is None
    periods = list(TrainingPeriod.objects.filter(school_period__participant=ect).order_by("started_on"))
    assert [(p.started_on, p.finished_on) for p in periods] == [
        (dt.date(2025, 9, 1), dt.date(2026, 1, 10)),
        (TODAY, None),
    ]
    assert periods[0].withdrawn_at is not None  # the old period keeps its history
    assert errors(put(api, ect, "defer", reason="other", course_identifier="ecf-induction"))[0][1].startswith(
        "You cannot defer or withdraw this participant today"
    )


def test_A30_2_cannot_resume_while_training_with_another_provider(api, ect, other_lead_provider):
    with clock.travel_to(dt.datetime(2026, 1, 10, 12, 0, tzinfo=UTC)):
        put(api, ect, "defer", reason="other", course_identifier="ecf-induction")
    training = TrainingPeriod.objects.get(school_period__participant=ect)
    factories.TrainingPeriodFactory(
        school_period=training.school_period,
        partnership=partnership(other_lead_provider, school=training.school_period.school),
        started_on=dt.date(2026, 1, 12),
    )
    assert errors(put(api, ect, "resume", course_identifier="ecf-induction")) == [
        ("participant_id", "This participant cannot be resumed because they are already active with another provider.")
    ]


def test_O5_cannot_resume_when_the_school_changed_provider_from_a_future_date(api, ect, other_lead_provider):
    with clock.travel_to(dt.datetime(2026, 1, 10, 12, 0, tzinfo=UTC)):
        put(api, ect, "defer", reason="other", course_identifier="ecf-induction")
    training = TrainingPeriod.objects.get(school_period__participant=ect)
    factories.TrainingPeriodFactory(
        school_period=training.school_period,
        partnership=partnership(other_lead_provider, school=training.school_period.school),
        started_on=dt.date(2026, 2, 1),
    )
    assert errors(put(api, ect, "resume", course_identifier="ecf-induction"))[0][1].startswith(
        "This participant cannot be resumed because their school has changed"
    )


def test_O5_cannot_resume_once_the_school_reported_leaving_even_in_the_future(api, ect):
    with clock.travel_to(dt.datetime(2026, 1, 10, 12, 0, tzinfo=UTC)):
        put(api, ect, "defer", reason="other", course_identifier="ecf-induction")
    school_period = ect.school_periods.get()
    school_period.finished_on = dt.date(2026, 3, 31)
    school_period.save()
    assert errors(put(api, ect, "resume", course_identifier="ecf-induction")) == [
        ("participant_id", "The participant is no longer at the school. Please contact the induction tutor to resolve.")
    ]


# --- request bodies: values of the wrong JSON type are 422s naming the attribute, never 500s --------------


@pytest.mark.parametrize("action", ["defer", "withdraw"])
@pytest.mark.parametrize(
    "reason, message",
    [
        ([], "Enter a '#/reason'."),
        ({}, "Enter a '#/reason'."),
        (["other"], "The entered '#/reason' is not recognised for the given participant. Check details and try again."),
        (
            {"other": 1},
            "The entered '#/reason' is not recognised for the given participant. Check details and try again.",
        ),
        (7, "The entered '#/reason' is not recognised for the given participant. Check details and try again."),
        (True, "The entered '#/reason' is not recognised for the given participant. Check details and try again."),
    ],
)
def test_A10_A20_a_reason_of_another_json_type_is_a_422_naming_reason(api, ect, action, reason, message):
    assert errors(put(api, ect, action, reason=reason, course_identifier="ecf-induction")) == [("reason", message)]


@pytest.mark.parametrize("action", ["defer", "withdraw", "resume", "change-schedule"])
@pytest.mark.parametrize("course_identifier", [["ecf-induction"], {"ecf-induction": True}, 1])
def test_A2_a_course_identifier_of_another_json_type_is_a_422_naming_it(api, ect, action, course_identifier):
    response = put(api, ect, action, reason="other", course_identifier=course_identifier, schedule_identifier="x")
    assert ("course_identifier", "Enter a '#/course_identifier'.") in errors(response)


# --- change schedule ----------------------------------------------------------------------------------


def change(api, participant, **attributes):
    attributes.setdefault("course_identifier", "ecf-induction")
    return put(api, participant, "change-schedule", **attributes)


def test_S3_1_blank_schedule(api, ect):
    assert errors(change(api, ect, schedule_identifier="")) == [
        (
            "schedule_identifier",
            "The property '#/schedule_identifier' must be present and correspond to a valid schedule.",
        )
    ]


def test_S3_2_unknown_schedule_identifier(api, ect):
    assert errors(change(api, ect, schedule_identifier="ecf-fancy-may")) == [
        ("schedule_identifier", "Enter a valid schedule identifier.")
    ]


def test_S3_4_same_schedule_is_refused(api, ect):
    assert errors(change(api, ect, schedule_identifier="ecf-standard-september")) == [
        ("schedule_identifier", "Selected schedule is already on the profile")
    ]


def test_S3_5_replacement_schedules_are_for_mentors_only(api, ect):
    assert errors(change(api, ect, schedule_identifier="ecf-replacement-january")) == [
        ("schedule_identifier", "Selected schedule is not valid for the course_identifier")
    ]


def test_S3_6_reduced_schedules_are_for_ects_only(api, mentor):
    assert errors(change(api, mentor, schedule_identifier="ecf-reduced-january", course_identifier="ecf-mentor")) == [
        ("schedule_identifier", "Mentors cannot be placed on a reduced schedule. Assign them to a different schedule.")
    ]


def test_S20_change_closes_old_training_yesterday_and_continues_today(api, ect):
    shown = enrolment(change(api, ect, schedule_identifier="ecf-extended-september"))
    assert shown["schedule_identifier"] == "ecf-extended-september"
    assert shown["participant_status"] == "active"
    periods = list(TrainingPeriod.objects.filter(school_period__participant=ect).order_by("started_on"))
    assert [(p.started_on, p.finished_on, p.schedule.identifier) for p in periods] == [
        (dt.date(2025, 9, 1), dt.date(2026, 1, 14), "ecf-standard-september"),
        (TODAY, None, "ecf-extended-september"),
    ]


def test_S21_S16_joining_participant_is_changed_in_place(api, lead_provider, today):
    joining, _ = trained_participant(lead_provider, started_on=dt.date(2026, 2, 1))
    assert (
        enrolment(change(api, joining, schedule_identifier="ecf-standard-january"))["schedule_identifier"]
        == "ecf-standard-january"
    )
    assert TrainingPeriod.objects.filter(school_period__participant=joining).count() == 1


def test_S3_7_same_day_change_cannot_strand_a_declaration(api, ect, lead_provider):
    change(api, ect, schedule_identifier="ecf-standard-january")  # training now starts today
    training = TrainingPeriod.objects.get(school_period__participant=ect, started_on=TODAY)
    Declaration.objects.create(
        training_period=training,
        declaration_type="started",
        declaration_date=dt.datetime(2026, 1, 15, 9, 0, tzinfo=UTC),
        delivery_partner=training.partnership.delivery_partner,
    )
    # The 2025 April schedule's milestones start in April 2026, after the declaration.
    assert errors(change(api, ect, schedule_identifier="ecf-standard-april"))[0] == (
        "schedule_identifier",
        "The change of schedule cannot be applied because a previous change of schedule and a declaration were made on the same day. Applying another change of schedule would invalidate existing declarations. Please contact DfE for assistance.",
    )


def test_S10_1_cohort_change_needs_a_partnership_in_that_cohort(api, ect):
    assert errors(change(api, ect, schedule_identifier="ecf-standard-september", cohort="2024")) == [
        (
            "cohort",
            "You cannot change a participant to this contract_period as you do not have a partnership with the school for the contract_period. Contact the DfE for assistance.",
        )
    ]


@pytest.mark.parametrize("cohort", ["²", "٢٠٢٥", "1" * 4301, "20250", "abc", ["2025"], {"year": 2025}, 2025.5])
def test_S1_a_cohort_that_is_not_a_year_is_a_422_naming_cohort(api, ect, cohort):
    """Our addition to S1: a year with no cohort is silently the training's own, but a value that names no
    year at all (only four ASCII digits do) is reported, never a 500."""
    assert errors(change(api, ect, schedule_identifier="ecf-extended-september", cohort=cohort)) == [
        ("cohort", "The '#/cohort' must be a year, for example 2025.")
    ]


@pytest.mark.parametrize("cohort", ["2025", 2025, "1999", "", None])
def test_S1_a_year_or_nothing_is_accepted_as_cohort(api, ect, cohort):
    response = change(api, ect, schedule_identifier="ecf-extended-september", cohort=cohort)
    assert enrolment(response)["schedule_identifier"] == "ecf-extended-september"


def test_S11_cohort_change_uses_the_partnership_with_the_same_delivery_partner(api, ect, lead_provider):
    school = ect.school_periods.get().school
    current = TrainingPeriod.objects.get(school_period__participant=ect).partnership
    factories.PartnershipFactory(
        school=school, lead_provider=lead_provider, cohort_id=2024, delivery_partner=current.delivery_partner
    )
    shown = enrolment(change(api, ect, schedule_identifier="ecf-standard-september", cohort="2024"))
    assert (shown["cohort"], shown["delivery_partner_id"]) == ("2024", str(current.delivery_partner.api_id))


def test_S10_2_nobody_moves_into_a_frozen_cohort_unless_they_came_from_it(api, ect, lead_provider):
    school = ect.school_periods.get().school
    factories.PartnershipFactory(school=school, lead_provider=lead_provider, cohort_id=2022)
    assert errors(change(api, ect, schedule_identifier="ecf-standard-september", cohort="2022")) == [
        (
            "cohort",
            "You cannot move a participant to a payments frozen cohort unless they previously belonged to that cohort.",
        )
    ]
    Participant.objects.filter(pk=ect.pk).update(ect_payments_frozen_year=2022)
    assert enrolment(change(api, ect, schedule_identifier="ecf-standard-september", cohort="2022"))["cohort"] == "2022"
    assert enrolment(api.get(f"/api/v3/participants/{ect.api_id}"))["cohort_changed_after_payments_frozen"] is False


def test_S23_moving_out_of_a_frozen_cohort_sets_cohort_changed_after_payments_frozen(api, lead_provider, today):
    participant, training = trained_participant(lead_provider, cohort=2022, started_on=dt.date(2022, 9, 1))
    Participant.objects.filter(pk=participant.pk).update(ect_payments_frozen_year=2022)
    factories.PartnershipFactory(school=training.partnership.school, lead_provider=lead_provider, cohort_id=2024)
    shown = enrolment(change(api, participant, schedule_identifier="ecf-extended-september", cohort="2024"))
    assert shown["cohort"] == "2024"
    assert shown["cohort_changed_after_payments_frozen"] is True


def test_O6_S15_1_completed_induction_blocks_schedule_change(api, ect):
    factories.InductionPeriodFactory(
        participant=ect, started_on=dt.date(2024, 9, 1), finished_on=dt.date(2025, 12, 1), outcome="pass"
    )
    assert errors(change(api, ect, schedule_identifier="ecf-extended-september")) == [
        (
            "participant_id",
            "You cannot change this participant's schedule as they have completed their training or induction.",
        )
    ]


def test_S22_completed_ect_may_move_to_a_reduced_schedule_in_place(api, ect):
    factories.InductionPeriodFactory(
        participant=ect, started_on=dt.date(2024, 9, 1), finished_on=dt.date(2025, 12, 1), outcome="pass"
    )
    assert (
        enrolment(change(api, ect, schedule_identifier="ecf-reduced-september"))["schedule_identifier"]
        == "ecf-reduced-september"
    )
    assert TrainingPeriod.objects.filter(school_period__participant=ect).count() == 1


def test_S15_1_mentor_with_completed_training_cannot_change_schedule(api, mentor):
    Participant.objects.filter(pk=mentor.pk).update(
        mentor_funding_end_date=dt.date(2025, 12, 1), mentor_funding_end_reason="completed_declaration_received"
    )
    assert errors(
        change(api, mentor, schedule_identifier="ecf-extended-september", course_identifier="ecf-mentor")
    ) == [
        (
            "participant_id",
            "You cannot change this participant's schedule as they have completed their training or induction.",
        )
    ]


def test_S15_2_left_participant_cannot_change_schedule(api, ect):
    with clock.travel_to(dt.datetime(2026, 1, 10, 12, 0, tzinfo=UTC)):
        put(api, ect, "defer", reason="other", course_identifier="ecf-induction")
    assert errors(change(api, ect, schedule_identifier="ecf-extended-september")) == [
        (
            "participant_id",
            "You cannot change this participant's schedule. This is because the participant has a 'left' participant_status, so they are not training with you currently.",
        )
    ]


def test_S15_4_due_to_start_with_another_provider(api, ect, other_lead_provider):
    training = TrainingPeriod.objects.get(school_period__participant=ect)
    training.finished_on = dt.date(2026, 1, 31)
    training.save()
    factories.TrainingPeriodFactory(
        school_period=training.school_period,
        partnership=partnership(other_lead_provider, school=training.school_period.school),
        started_on=dt.date(2026, 2, 1),
    )
    assert errors(change(api, ect, schedule_identifier="ecf-extended-september")) == [
        (
            "participant_id",
            "You cannot change this participant's schedule as they are due to start with another lead provider in the future.",
        )
    ]


def test_S2_errors_from_different_groups_accumulate(api, ect):
    factories.InductionPeriodFactory(
        participant=ect, started_on=dt.date(2024, 9, 1), finished_on=dt.date(2025, 12, 1), outcome="pass"
    )
    assert [
        title for title, _ in errors(change(api, ect, schedule_identifier="ecf-extended-september", cohort="2024"))
    ] == [
        "cohort",
        "participant_id",
    ]


def test_actions_are_documented_in_the_openapi_document(client):
    import yaml

    document = yaml.safe_load(client.get("/api/docs/v3/openapi.yaml").content)
    for action in ("defer", "withdraw", "resume", "change-schedule"):
        operation = document["paths"][f"/api/v3/participants/{{id}}/{action}"]["put"]
        assert {"200", "400", "401", "404", "422"} <= set(operation["responses"])
        assert "requestBody" in operation


# --- concurrency: one transaction, participant locked -------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_deferrals_of_one_participant_only_one_succeeds(lead_provider):
    with clock.travel_to(dt.datetime(2026, 1, 15, 12, 0, tzinfo=UTC)):
        participant, _ = trained_participant(lead_provider, started_on=dt.date(2025, 9, 1))
    api = ProviderClient(lead_provider)
    results = concurrently(
        lambda: put(api, participant, "defer", reason="other", course_identifier="ecf-induction").status_code,
        at=dt.datetime(2026, 1, 15, 12, 0, tzinfo=UTC),
    )
    assert sorted(results) == [200, 422, 422, 422]
    assert TrainingPeriod.objects.filter(school_period__participant=participant, deferred_at__isnull=False).count() == 1
