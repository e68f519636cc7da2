"""DS1–DS8: the schedule new provider-led training gets when nobody names one."""

import datetime as dt

import pytest

from config import changes
from config.changes import Actor
from config.validation import ValidationFailed
from declarations.models import Declaration, PaymentStatus
from participants.models import Participant, ParticipantType, ProgrammeType
from schedules.models import Cohort, Schedule
from tests import factories
from tests.builders import partnership, trained_participant
from training import default_schedules
from training.default_schedules import PreviousTraining, choose, default_schedule
from training.school_actions import register_ect

UTC = dt.UTC
TODAY = dt.date(2026, 1, 15)  # the `today` fixture's London date
NOW = dt.datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
ECT, MENTOR = ParticipantType.ECT, ParticipantType.MENTOR


def chosen(**inputs):
    defaults = {"participant_type": ECT, "training_starts_on": TODAY, "today": TODAY}
    return choose(**{**defaults, **inputs})


# --- the rule on plain values -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "month, expected",
    [
        (6, "september"),
        (7, "september"),
        (8, "september"),
        (9, "september"),
        (10, "september"),
        (11, "january"),
        (12, "january"),
        (1, "january"),
        (2, "january"),
        (3, "april"),
        (4, "april"),
        (5, "april"),
    ],
)
def test_DS4_month_comes_from_the_reference_dates_month(month, expected):
    day = dt.date(2027 if month < 6 else 2026, month, 10)
    assert chosen(training_starts_on=day, today=day)[1] == f"ecf-standard-{expected}"


def test_DS1_reference_date_is_today_when_training_started_earlier():
    assert chosen(training_starts_on=dt.date(2025, 9, 1)) == (2025, "ecf-standard-january")


def test_DS1_reference_date_is_the_start_when_training_starts_later():
    assert chosen(training_starts_on=dt.date(2026, 4, 20)) == (2025, "ecf-standard-april")


def test_DS3_target_cohort_is_the_one_containing_the_reference_date():
    assert chosen(training_starts_on=dt.date(2026, 6, 1)) == (2026, "ecf-standard-september")
    assert chosen(training_starts_on=dt.date(2026, 5, 31)) == (2025, "ecf-standard-april")


def test_DS3_target_cohort_named_by_the_caller_wins():
    assert chosen(training_starts_on=dt.date(2026, 6, 1), cohort_year=2025) == (2025, "ecf-standard-september")


def test_DS2_previous_schedule_identifier_is_reused_in_the_target_cohort():
    previous = PreviousTraining(cohort_year=2024, schedule_identifier="ecf-reduced-april", payments_frozen=False)
    assert chosen(previous=previous) == (2025, "ecf-reduced-april")
    assert chosen(previous=previous, cohort_year=2024) == (2024, "ecf-reduced-april")


def test_DS5_ect_whose_previous_cohort_is_frozen_goes_to_2024_extended_september():
    previous = PreviousTraining(cohort_year=2022, schedule_identifier="ecf-standard-january", payments_frozen=True)
    assert chosen(previous=previous, cohort_year=2025) == (2024, "ecf-extended-september")


def test_DS5_never_applies_to_mentors():
    previous = PreviousTraining(cohort_year=2022, schedule_identifier="ecf-standard-january", payments_frozen=True)
    assert chosen(participant_type=MENTOR, previous=previous) == (2025, "ecf-standard-january")


def test_DS6_replacement_is_for_mentors_only():
    assert chosen(participant_type=MENTOR, replacement=True) == (2025, "ecf-replacement-january")
    assert chosen(participant_type=ECT, replacement=True) == (2025, "ecf-standard-january")


def test_DS6_previous_mentor_training_comes_before_replacement():
    previous = PreviousTraining(cohort_year=2025, schedule_identifier="ecf-standard-september", payments_frozen=False)
    assert chosen(participant_type=MENTOR, previous=previous, replacement=True) == (2025, "ecf-standard-september")


# --- the loader ----------------------------------------------------------------------------------------------


def test_DS2_the_exact_previous_schedule_is_reused_in_the_same_cohort(lead_provider, today):
    participant, previous = trained_participant(lead_provider, schedule="ecf-reduced-january")
    schedule = default_schedule(
        participant=participant, participant_type=ECT, training_starts_on=TODAY, now=NOW, cohort=factories.cohort(2025)
    )
    assert schedule == previous.schedule


def test_DS2_the_previous_identifier_is_taken_into_the_reference_dates_cohort(lead_provider, today):
    participant, _ = trained_participant(
        lead_provider, cohort=2024, started_on=dt.date(2024, 9, 1), schedule="ecf-reduced-april"
    )
    schedule = default_schedule(participant=participant, participant_type=ECT, training_starts_on=TODAY, now=NOW)
    assert (schedule.cohort_id, schedule.identifier) == (2025, "ecf-reduced-april")


def test_DS2_only_the_most_recent_provider_led_training_of_the_same_type_counts(lead_provider, today):
    participant, _ = trained_participant(
        lead_provider, schedule="ecf-reduced-april", started_on=dt.date(2025, 9, 1), finished_on=dt.date(2025, 10, 31)
    )
    later = factories.SchoolPeriodFactory(
        participant=participant, started_on=dt.date(2025, 11, 1), participant_type=MENTOR
    )
    factories.TrainingPeriodFactory(school_period=later, schedule=factories.schedule("ecf-extended-january"))
    schedule = default_schedule(participant=participant, participant_type=ECT, training_starts_on=TODAY, now=NOW)
    assert schedule.identifier == "ecf-reduced-april"


def test_DS2_school_led_training_is_not_previous_training(today):
    school_period = factories.SchoolPeriodFactory(started_on=dt.date(2025, 9, 1))
    factories.TrainingPeriodFactory(
        school_period=school_period,
        programme_type=ProgrammeType.SCHOOL_LED,
        partnership=None,
        lead_provider=None,
        schedule=None,
    )
    schedule = default_schedule(
        participant=school_period.participant, participant_type=ECT, training_starts_on=TODAY, now=NOW
    )
    assert (schedule.cohort_id, schedule.identifier) == (2025, "ecf-standard-january")


def test_DS5_frozen_previous_cohort_moves_an_ect_to_2024_extended_september(lead_provider, today):
    participant, _ = trained_participant(lead_provider, cohort=2022, started_on=dt.date(2022, 9, 1))
    schedule = default_schedule(
        participant=participant, participant_type=ECT, training_starts_on=TODAY, now=NOW, cohort=factories.cohort(2025)
    )
    assert (schedule.cohort_id, schedule.identifier) == (2024, "ecf-extended-september")


def test_DS5_an_expression_of_interest_counts_by_its_schedules_cohort(lead_provider, today):
    school_period = factories.SchoolPeriodFactory(started_on=dt.date(2021, 9, 1), finished_on=dt.date(2022, 7, 31))
    factories.TrainingPeriodFactory(
        school_period=school_period,
        partnership=None,
        lead_provider=lead_provider,
        schedule=factories.schedule("ecf-standard-september", 2021),
    )
    schedule = default_schedule(
        participant=school_period.participant, participant_type=ECT, training_starts_on=TODAY, now=NOW
    )
    assert (schedule.cohort_id, schedule.identifier) == (2024, "ecf-extended-september")


def test_DS5_a_cohort_frozen_only_later_does_not_count_yet(lead_provider, today):
    participant, _ = trained_participant(lead_provider, cohort=2023, started_on=dt.date(2023, 9, 1))
    Cohort.objects.filter(year=2023).update(payments_frozen_at=NOW + dt.timedelta(days=1))
    schedule = default_schedule(participant=participant, participant_type=ECT, training_starts_on=TODAY, now=NOW)
    assert (schedule.cohort_id, schedule.identifier) == (2025, "ecf-standard-september")


# --- DS6: replacement mentors ---------------------------------------------------------------------------------


@pytest.fixture
def mentee_with_a_declared_mentor(lead_provider, today):
    """An ECT whose first mentor (Sep–Dec 2025) was declared for on 1 October 2025."""
    ect, _ = trained_participant(lead_provider)
    mentee = ect.school_periods.get()
    first_mentor, first_mentor_training = trained_participant(
        lead_provider, participant_type=MENTOR, school=mentee.school
    )
    factories.MentorshipFactory(
        ect_school_period=mentee,
        mentor_school_period=first_mentor_training.school_period,
        started_on=dt.date(2025, 9, 1),
        finished_on=dt.date(2025, 12, 31),
    )
    declaration = Declaration.objects.create(
        training_period=first_mentor_training,
        declaration_type="started",
        declaration_date=dt.datetime(2025, 10, 1, 9, 0, tzinfo=UTC),
        delivery_partner=first_mentor_training.partnership.delivery_partner,
        lead_provider=lead_provider,
    )
    return mentee, declaration


def new_mentor_schedule(mentee, **participant):
    mentor = factories.ParticipantFactory(**participant)
    return default_schedule(
        participant=mentor, participant_type=MENTOR, training_starts_on=TODAY, now=NOW, mentee=mentee
    )


def test_DS6_mentor_replacing_a_declared_mentor_gets_a_replacement_schedule(mentee_with_a_declared_mentor):
    mentee, _ = mentee_with_a_declared_mentor
    schedule = new_mentor_schedule(mentee)
    assert (schedule.cohort_id, schedule.identifier) == (2025, "ecf-replacement-january")


def test_DS6_a_voided_declaration_does_not_make_a_replacement(mentee_with_a_declared_mentor):
    mentee, declaration = mentee_with_a_declared_mentor
    Declaration.objects.filter(pk=declaration.pk).update(payment_status=PaymentStatus.VOIDED)
    assert new_mentor_schedule(mentee).identifier == "ecf-standard-january"


def test_DS6_a_declaration_outside_the_mentorship_does_not_make_a_replacement(mentee_with_a_declared_mentor):
    mentee, declaration = mentee_with_a_declared_mentor
    Declaration.objects.filter(pk=declaration.pk).update(declaration_date=dt.datetime(2026, 1, 1, 9, 0, tzinfo=UTC))
    assert new_mentor_schedule(mentee).identifier == "ecf-standard-january"


def test_DS6_a_declaration_on_the_mentorships_last_day_counts(mentee_with_a_declared_mentor):
    mentee, declaration = mentee_with_a_declared_mentor
    # 23:30 London on 31 December is still that day.
    Declaration.objects.filter(pk=declaration.pk).update(declaration_date=dt.datetime(2025, 12, 31, 23, 30, tzinfo=UTC))
    assert new_mentor_schedule(mentee).identifier == "ecf-replacement-january"


def test_DS6_an_open_mentorship_runs_to_today(mentee_with_a_declared_mentor):
    mentee, declaration = mentee_with_a_declared_mentor
    mentee.mentorships.update(finished_on=None)
    Declaration.objects.filter(pk=declaration.pk).update(declaration_date=dt.datetime(2026, 1, 14, 9, 0, tzinfo=UTC))
    assert new_mentor_schedule(mentee).identifier == "ecf-replacement-january"


def test_DS6_not_for_a_mentor_whose_funding_has_ended(mentee_with_a_declared_mentor):
    mentee, _ = mentee_with_a_declared_mentor
    schedule = new_mentor_schedule(mentee, mentor_funding_end_date=dt.date(2025, 7, 1))
    assert schedule.identifier == "ecf-standard-january"


def test_DS6_not_without_a_mentee(today):
    mentor = factories.ParticipantFactory()
    schedule = default_schedule(participant=mentor, participant_type=MENTOR, training_starts_on=TODAY, now=NOW)
    assert schedule.identifier == "ecf-standard-january"


def test_DS6_the_mentors_own_earlier_mentorship_with_the_ect_does_not_count(mentee_with_a_declared_mentor):
    mentee, _ = mentee_with_a_declared_mentor
    first_mentor_period = mentee.mentorships.get().mentor_school_period
    schedule = default_schedule(
        participant=factories.ParticipantFactory(),
        participant_type=MENTOR,
        training_starts_on=TODAY,
        now=NOW,
        mentee=mentee,
        mentor_school_period=first_mentor_period,
    )
    assert schedule.identifier == "ecf-standard-january"


# --- DS7 / DS8 --------------------------------------------------------------------------------------------------


def test_DS7_a_schedule_missing_from_the_cohort_is_an_error_not_a_fallback(today):
    Schedule.objects.filter(cohort_id=2025, identifier="ecf-standard-january").delete()
    with pytest.raises(ValidationFailed) as failure:
        default_schedule(
            participant=factories.ParticipantFactory(), participant_type=ECT, training_starts_on=TODAY, now=NOW
        )
    assert failure.value.errors == [
        ("schedule", "There is no ecf-standard-january schedule in the 2025 cohort. Contact us so we can add it.")
    ]


def test_DS7_missing_schedule_leaves_the_registration_undone(lead_provider, today):
    Schedule.objects.filter(cohort_id=2025, identifier="ecf-standard-january").delete()
    school = factories.SchoolFactory()
    with pytest.raises(ValidationFailed), changes.recording(actor=Actor("school_user", "1", "tutor@school.example")):
        register_ect(
            school=school,
            full_name="Ada Lovelace",
            trn="1234567",
            date_of_birth=dt.date(1990, 1, 1),
            email="ada@school.example",
            started_on=TODAY,
            working_pattern="full_time",
            programme_type="provider_led",
            lead_provider=lead_provider,
            now=NOW,
        )
    assert not school.school_periods.exists()
    assert not Participant.objects.filter(trn="1234567").exists()


def test_DS8_a_transfer_keeps_the_schedule_it_had(lead_provider, today):
    participant, previous = trained_participant(lead_provider, schedule="ecf-reduced-april")
    participant.date_of_birth = dt.date(1990, 1, 1)  # a TRN names a known teacher only with their date of birth
    participant.save()
    new_school = partnership(lead_provider, school=factories.SchoolFactory()).school
    with changes.recording(actor=Actor("school_user", "1", "tutor@school.example")):
        school_period = register_ect(
            school=new_school,
            full_name=participant.full_name,
            trn=participant.trn,
            date_of_birth=dt.date(1990, 1, 1),
            email="moved@school.example",
            started_on=TODAY,
            working_pattern="full_time",
            programme_type="provider_led",
            lead_provider=lead_provider,
            now=NOW,
        )
    assert school_period.training_periods.get().schedule == previous.schedule


def test_extended_cohort_constant_matches_the_reference_data():
    assert Schedule.objects.filter(
        cohort_id=default_schedules.EXTENDED_COHORT_YEAR, identifier=default_schedules.EXTENDED_SCHEDULE
    ).exists()
