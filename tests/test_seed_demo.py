"""`manage.py seed_demo`: a small set already shows every state the API can, and reruns are safe."""

import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count

from config import clock
from config.models import AuditEvent
from declarations.models import Declaration
from demo import generator
from demo.generator import case_school_ids, school_api_id
from participants import enrolments, status
from participants.models import (
    InductionOutcome,
    InductionPeriod,
    MentorFundingEndReason,
    Mentorship,
    Participant,
    ParticipantIdChange,
    ParticipantStatus,
    ParticipantType,
    ProgrammeType,
    ProviderEnrolment,
    SchoolPeriod,
    TrainingPeriod,
)
from schools.models import LeadProviderDeliveryPartnership, Partnership, School, SchoolCohortChoice

SMALL = 300
STATES = {ParticipantStatus.JOINING, ParticipantStatus.ACTIVE, ParticipantStatus.LEAVING, ParticipantStatus.LEFT}


def seed_demo(participants=SMALL, seed=7, **options):
    call_command("seed_demo", participants=participants, seed=seed, stdout=StringIO(), stderr=StringIO(), **options)


@pytest.fixture
def demo(today):
    seed_demo()
    return today


def induction_end_date(participant_id):
    """F15, from recorded induction periods only (O6)."""
    latest = (
        InductionPeriod.objects.filter(participant_id=participant_id, outcome__isnull=False)
        .order_by("-finished_on")
        .first()
    )
    return latest.finished_on if latest else None


def enrolment_statuses(today):
    """(enrolment, participant_status derived afresh from its training period) for every provider enrolment."""
    for enrolment in ProviderEnrolment.objects.select_related("training_period", "participant"):
        training = enrolment.training_period
        yield (
            enrolment,
            status.participant_status(
                participant_type=enrolment.participant_type,
                started_on=training.started_on,
                finished_on=training.finished_on,
                deferred_at=training.deferred_at,
                withdrawn_at=training.withdrawn_at,
                induction_end_date=induction_end_date(enrolment.participant_id),
                mentor_funding_end_date=enrolment.participant.mentor_funding_end_date,
                today=today,
            ),
        )


@pytest.mark.parametrize("day", [dt.date(2024, 10, 1), dt.date(2026, 1, 15), dt.date(2026, 11, 23)])
def test_F12_a_small_demo_set_shows_ects_and_mentors_in_every_participant_status(day):
    with clock.travel_to(clock.start_of_london_day(day) + dt.timedelta(hours=12)):
        seed_demo()
    seen = {ParticipantType.ECT: set(), ParticipantType.MENTOR: set()}
    for enrolment, derived in enrolment_statuses(day):
        assert enrolment.recorded_status == derived
        seen[enrolment.participant_type].add(derived)
    assert seen[ParticipantType.ECT] == STATES
    assert seen[ParticipantType.MENTOR] == STATES


def test_F10_F11_demo_training_is_active_deferred_or_withdrawn_with_reasons(demo):
    pointed_at = TrainingPeriod.objects.filter(pk__in=ProviderEnrolment.objects.values("training_period_id"))
    seen = Counter(status.training_status(deferred_at=t.deferred_at, withdrawn_at=t.withdrawn_at) for t in pointed_at)
    assert set(seen) == {status.ACTIVE, status.DEFERRED, status.WITHDRAWN}
    for training in pointed_at.exclude(deferred_at=None, withdrawn_at=None):
        # The API's defer and withdraw end the training on the day, so the provider sees `left` (F12 rule 1).
        assert training.finished_on is not None and training.finished_on < demo
        assert (training.deferral_reason or training.withdrawal_reason) is not None


def test_V1_expressions_of_interest_and_school_led_training_are_invisible_to_providers(demo):
    expressions = TrainingPeriod.objects.filter(lead_provider__isnull=False, partnership__isnull=True)
    school_led = TrainingPeriod.objects.filter(programme_type=ProgrammeType.SCHOOL_LED)
    assert expressions.exists() and school_led.exists()
    hidden = list(expressions.values_list("pk", flat=True)) + list(school_led.values_list("pk", flat=True))
    assert not ProviderEnrolment.objects.filter(training_period_id__in=hidden).exists()
    only_expression = expressions.exclude(
        school_period__participant__school_periods__training_periods__partnership__isnull=False
    )
    assert only_expression.exists()
    assert not ProviderEnrolment.objects.filter(
        participant__school_periods__training_periods__in=only_expression
    ).exists()


def test_ID1_merged_participants_point_at_the_survivor_and_keep_id_change_records(demo):
    merged_away = Participant.objects.filter(retired_into__isnull=False)
    assert merged_away.exists()
    for duplicate in merged_away:
        survivor = duplicate.retired_into
        assert ParticipantIdChange.objects.filter(
            participant=survivor, from_participant_id=duplicate.api_id, to_participant_id=survivor.api_id
        ).exists()
        # V8: the merged-away id has no enrolments, so it answers 404.
        assert not ProviderEnrolment.objects.filter(participant=duplicate).exists()
        assert ProviderEnrolment.objects.filter(participant=survivor).exists()


def test_F15_ects_come_with_and_without_induction_periods_and_passed_inductions_have_an_end_date(demo):
    ects = Participant.objects.filter(school_periods__participant_type=ParticipantType.ECT).distinct()
    assert ects.filter(induction_periods__isnull=True).exists()
    assert ects.filter(induction_periods__isnull=False).exists()
    passed = InductionPeriod.objects.filter(outcome=InductionOutcome.PASS)
    assert passed.exists()
    for induction in passed:
        assert induction_end_date(induction.participant_id) == induction.finished_on
    # F12 rule 2: a completed induction keeps the ECT `active` after training ends.
    enrolments = ProviderEnrolment.objects.filter(
        participant__in=passed.values("participant_id"), participant_type=ParticipantType.ECT
    )
    assert enrolments.exists()
    assert set(enrolments.values_list("recorded_status", flat=True)) == {ParticipantStatus.ACTIVE}


def test_F16_some_mentors_funding_ended_on_a_completed_declaration_and_they_show_active(demo):
    completed = Participant.objects.filter(
        mentor_funding_end_reason=MentorFundingEndReason.COMPLETED_DECLARATION_RECEIVED
    )
    assert completed.exists()
    assert not completed.filter(mentor_funding_end_date__isnull=True).exists()
    statuses = ProviderEnrolment.objects.filter(participant__in=completed, participant_type=ParticipantType.MENTOR)
    assert set(statuses.values_list("recorded_status", flat=True)) == {ParticipantStatus.ACTIVE}


def test_DS6_some_mentors_train_on_a_replacement_schedule(demo):
    replacements = TrainingPeriod.objects.filter(
        school_period__participant_type=ParticipantType.MENTOR, schedule__identifier__startswith="ecf-replacement-"
    )
    assert ProviderEnrolment.objects.filter(training_period__in=replacements).exists()


def test_DS5_an_ect_from_a_closed_cohort_continues_in_2024_on_the_extended_schedule(demo):
    moved = Participant.objects.filter(ect_payments_frozen_year__in=[2021, 2022])
    assert moved.exists()
    for participant in moved:
        enrolment = ProviderEnrolment.objects.get(participant=participant, training_period__partnership__cohort_id=2024)
        assert enrolment.training_period.schedule.identifier == "ecf-extended-september"


def test_SC1_some_ects_moved_school_and_V4_stay_visible_to_the_old_provider(demo):
    movers = (
        SchoolPeriod.objects.filter(participant_type=ParticipantType.ECT)
        .values("participant_id")
        .annotate(schools=Count("school", distinct=True))
        .filter(schools=2)
    )
    assert movers.exists()
    providers = ProviderEnrolment.objects.filter(participant_id__in=movers.values("participant_id"))
    assert providers.values("participant_id").annotate(n=Count("lead_provider")).filter(n=2).exists()


def test_SC13_some_ects_changed_provider_and_both_providers_see_them(demo):
    changed = (
        TrainingPeriod.objects.filter(partnership__isnull=False)
        .values("school_period_id")
        .annotate(providers=Count("lead_provider", distinct=True))
        .filter(providers=2)
    )
    assert changed.exists()
    participant_ids = SchoolPeriod.objects.filter(pk__in=changed.values("school_period_id")).values("participant_id")
    seen_by_two = ProviderEnrolment.objects.filter(participant_id__in=participant_ids).values("participant_id")
    assert seen_by_two.annotate(n=Count("lead_provider")).filter(n=2).exists()


def test_V6_a_participant_can_be_both_an_ect_and_a_mentor_with_one_provider(demo):
    both = (
        ProviderEnrolment.objects.values("participant_id", "lead_provider_id")
        .annotate(types=Count("participant_type", distinct=True))
        .filter(types=2)
    )
    assert both.exists()


def test_demo_ects_name_an_appropriate_body_from_the_reference_list_and_mentors_none(demo):
    ects = SchoolPeriod.objects.filter(participant_type=ParticipantType.ECT)
    assert ects.exists() and not ects.filter(appropriate_body__isnull=True).exists()
    assert not SchoolPeriod.objects.filter(
        participant_type=ParticipantType.MENTOR, appropriate_body__isnull=False
    ).exists()


def test_demo_data_keeps_periods_inside_each_other_and_pairs_providers_with_their_delivery_partners(demo):
    for training in TrainingPeriod.objects.select_related("school_period"):
        school = training.school_period
        assert school.started_on <= training.started_on
        assert school.finished_on is None or (
            training.finished_on is not None and training.finished_on <= school.finished_on
        )
    for mentorship in Mentorship.objects.select_related("ect_school_period", "mentor_school_period"):
        assert mentorship.ect_school_period.school_id == mentorship.mentor_school_period.school_id
        for period in (mentorship.ect_school_period, mentorship.mentor_school_period):
            assert period.contains(mentorship.started_on)
            assert period.finished_on is None or (mentorship.finished_on or dt.date.max) <= period.finished_on
    pairings = set(
        LeadProviderDeliveryPartnership.objects.values_list("lead_provider_id", "delivery_partner_id", "cohort_id")
    )
    partnerships = set(Partnership.objects.values_list("lead_provider_id", "delivery_partner_id", "cohort_id"))
    assert partnerships <= pairings
    assert set(Partnership.objects.values_list("cohort_id", flat=True)) == set(range(2021, 2027))
    # Each bulk school's choice for a cohort is confirmed by a partnership with the provider it chose (the
    # sandbox cases' schools include one that only named its provider, and one that trains school-led).
    bulk_schools = [
        pk for pk, urn, api_id in School.objects.values_list("pk", "urn", "api_id") if api_id == school_api_id(urn)
    ]
    choices = SchoolCohortChoice.objects.filter(school__in=bulk_schools)
    assert choices.count() == len(bulk_schools) * 6
    assert set(choices.values_list("school_id", "lead_provider_id", "cohort_id")) <= set(
        Partnership.objects.values_list("school_id", "lead_provider_id", "cohort_id")
    )
    assert all(len(urn) == 6 and urn.isdigit() for urn in School.objects.values_list("urn", flat=True))


def snapshot():
    """The demo set by natural keys and public ids (database ids may differ between runs)."""
    return {
        "schools": sorted(School.objects.values_list("api_id", "urn", "name", "induction_tutor_email")),
        "choices": sorted(
            SchoolCohortChoice.objects.values_list(
                "school__urn", "cohort_id", "lead_provider__name", "delivery_partner__name"
            )
        ),
        "partnerships": sorted(
            Partnership.objects.values_list(
                "api_id", "school__urn", "lead_provider__name", "delivery_partner__name", "cohort_id", "created_by"
            )
        ),
        "participants": sorted(
            Participant.objects.values_list(
                "api_id",
                "full_name",
                "trn",
                "date_of_birth",
                "ect_training_record_id",
                "mentor_training_record_id",
                "ect_eligible_on",
                "mentor_eligible_on",
                "mentor_funding_end_date",
                "mentor_funding_end_reason",
                "ect_payments_frozen_year",
                "retired_into__api_id",
                "created_at",
                "api_updated_at",
            ),
            key=str,
        ),
        "school_periods": sorted(
            SchoolPeriod.objects.values_list(
                "participant__api_id",
                "school__urn",
                "participant_type",
                "email",
                "working_pattern",
                "started_on",
                "finished_on",
            ),
            key=str,
        ),
        "training_periods": sorted(
            TrainingPeriod.objects.values_list(
                "school_period__participant__api_id",
                "school_period__school__urn",
                "lead_provider__name",
                "partnership__api_id",
                "schedule__cohort_id",
                "schedule__identifier",
                "started_on",
                "finished_on",
                "deferred_at",
                "deferral_reason",
                "withdrawn_at",
                "withdrawal_reason",
            ),
            key=str,
        ),
        "mentorships": sorted(
            Mentorship.objects.values_list(
                "ect_school_period__participant__api_id",
                "mentor_school_period__participant__api_id",
                "started_on",
                "finished_on",
            ),
            key=str,
        ),
        "induction_periods": sorted(
            InductionPeriod.objects.values_list("participant__api_id", "started_on", "finished_on", "outcome"), key=str
        ),
        "id_changes": sorted(
            ParticipantIdChange.objects.values_list("from_participant_id", "to_participant_id", "changed_at")
        ),
        "declarations": sorted(
            Declaration.objects.values_list(
                "api_id",
                "training_period__school_period__participant__api_id",
                "lead_provider__name",
                "declaration_type",
                "declaration_date",
                "payment_status",
                "clawback_status",
                "pupil_premium_uplift",
                "created_at",
                "api_updated_at",
            ),
            key=str,
        ),
        "enrolments": sorted(
            ProviderEnrolment.objects.values_list(
                "participant__api_id", "lead_provider__name", "participant_type", "recorded_status"
            ),
            key=str,
        ),
    }


def test_seed_demo_twice_replaces_the_demo_set_instead_of_adding_to_it(demo):
    counts = {name: len(rows) for name, rows in snapshot().items()}
    history = AuditEvent.objects.count()
    seed_demo()
    assert {name: len(rows) for name, rows in snapshot().items()} == counts
    # The sandbox cases' history goes with them.
    assert AuditEvent.objects.count() == history
    # The sandbox cases' people come on top of the participants asked for.
    assert generator.bulk_participants() == SMALL
    assert Participant.objects.filter(retired_into__isnull=True).count() > SMALL


def test_seed_demo_with_the_same_seed_gives_the_same_data(demo):
    first = snapshot()
    seed_demo(seed=8)
    assert snapshot()["participants"] != first["participants"]
    seed_demo(seed=7)
    assert snapshot() == first


def test_seed_demo_if_missing_keeps_existing_demo_data(demo):
    first = snapshot()
    seed_demo(participants=SMALL + 50, seed=9, if_missing=True)
    assert snapshot() == first


def test_O1_the_nightly_job_has_a_status_change_to_record_on_each_of_the_next_seven_nights(demo):
    with connection.cursor() as cursor:
        cursor.execute(enrolments.STATUS_INPUTS)
        rows = cursor.fetchall()
    for days_ahead in range(1, 8):
        day = demo + dt.timedelta(days=days_ahead)
        before = {pk: current for pk, _, current in enrolments.statuses(rows, today=day - dt.timedelta(days=1))}
        assert any(current != before[pk] for pk, _, current in enrolments.statuses(rows, today=day)), day


def test_the_sandbox_cases_are_told_through_the_services_so_their_history_is_audited(demo):
    people = Participant.objects.filter(school_periods__school__in=case_school_ids()).distinct()
    assert people.count() > 100
    registered = set(
        AuditEvent.objects.filter(model="participants.Participant", event="created").values_list("object_id", "action")
    )
    assert {
        (str(pk), "register_ect")
        for pk in people.filter(school_periods__participant_type="ect").values_list("pk", flat=True)
    } <= registered
    declarations = Declaration.objects.filter(training_period__school_period__participant__in=people)
    assert declarations.count() >= 7 * 9
    declared = AuditEvent.objects.filter(model="declarations.Declaration", event="created", action="declare")
    by_provider = dict(declared.values_list("object_id", "actor_label"))
    for declaration in declarations.select_related("lead_provider"):
        assert by_provider[str(declaration.pk)] == declaration.lead_provider.name
