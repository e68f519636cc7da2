"""What a school's actions do to periods, training and eligibility (SC1–SC14, P11, O5, O10)."""

import datetime as dt
import itertools
import threading

import pytest
from django.db import connection

from config import changes
from config.changes import Actor
from config.validation import ValidationFailed
from declarations.models import Declaration
from participants.models import (
    InductionPeriod,
    Mentorship,
    Participant,
    ParticipantType,
    ProgrammeType,
    SchoolPeriod,
    TrainingPeriod,
)
from schools.models import LeadProviderDeliveryPartnership, Partnership, SchoolCohortChoice
from tests import factories
from tests.builders import partnership, trained_participant
from training.school_actions import (
    assign_mentor,
    change_lead_provider,
    confirm_cohort_choice,
    register_ect,
    register_mentor,
    report_leaving,
    switch_programme,
    update_email,
    update_name,
)
from training.school_actions.checks import IDENTITY_NOT_RECORDED

UTC = dt.UTC
TODAY = dt.date(2026, 1, 15)  # the `today` fixture's London date
YESTERDAY = TODAY - dt.timedelta(days=1)
NOW = dt.datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
BORN_ON = dt.date(1990, 5, 17)
SCHOOL_USER = Actor("school_user", "1", "tutor@school.example")
ECT, MENTOR = ParticipantType.ECT, ParticipantType.MENTOR
PROVIDER_LED, SCHOOL_LED = ProgrammeType.PROVIDER_LED, ProgrammeType.SCHOOL_LED

_trns = itertools.count(2000000)


@pytest.fixture(autouse=True)
def _on_a_fixed_day(today):
    """Every test here runs on TODAY (factories stamp rows with the travelled clock)."""


def act(service, **arguments):
    with changes.recording(actor=SCHOOL_USER, action=service.__name__, now=NOW):
        return service(now=NOW, **arguments)


def failures(service, **arguments):
    with pytest.raises(ValidationFailed) as failure:
        act(service, **arguments)
    return failure.value.errors


def ect_details(school, **overrides):
    details = {
        "school": school,
        "full_name": "Ada Lovelace",
        "trn": str(next(_trns)),
        "date_of_birth": BORN_ON,
        "email": f"ada{next(_trns)}@school.example",
        "started_on": TODAY,
        "working_pattern": "full_time",
        "programme_type": PROVIDER_LED,
    }
    return {**details, **overrides}


def identity_of(participant):
    """The TRN and date of birth that name an existing teacher (recording a date of birth if none is held)."""
    if participant.date_of_birth is None:
        participant.date_of_birth = BORN_ON
        participant.save()
    return {"trn": participant.trn, "date_of_birth": participant.date_of_birth}


def mentor_details(school, **overrides):
    details = {
        "school": school,
        "full_name": "Mo Mentor",
        "trn": str(next(_trns)),
        "date_of_birth": BORN_ON,
        "email": f"mo{next(_trns)}@school.example",
    }
    return {**details, **overrides}


def training_of(school_period):
    return list(TrainingPeriod.objects.filter(school_period=school_period).order_by("started_on", "id"))


def pair(lead_provider, delivery_partner, cohort):
    LeadProviderDeliveryPartnership.objects.get_or_create(
        lead_provider=lead_provider, delivery_partner=delivery_partner, cohort_id=cohort
    )


@pytest.fixture
def school():
    return factories.SchoolFactory()


@pytest.fixture
def partnered(lead_provider, school):
    """The lead provider's 2025 partnership with the school."""
    return partnership(lead_provider, school=school, cohort=2025)


def ect_at(school, lead_provider, **kwargs):
    """An ECT trained at `school` by `lead_provider` (under a partnership) since 1 September 2025."""
    participant, tp = trained_participant(lead_provider, school=school, **kwargs)
    return tp.school_period


def mentor_at(school, **kwargs):
    return factories.SchoolPeriodFactory(
        **{"started_on": dt.date(2025, 9, 1), **kwargs}, school=school, participant_type=MENTOR
    )


def waiting_eoi(school, lead_provider, cohort=2025):
    """An ECT the school registered with `lead_provider` while it had no partnership (an expression of interest)."""
    school_period = factories.SchoolPeriodFactory(school=school, started_on=dt.date(2025, 9, 1))
    factories.TrainingPeriodFactory(
        school_period=school_period,
        partnership=None,
        lead_provider=lead_provider,
        schedule=factories.schedule("ecf-standard-september", cohort),
    )
    return school_period


# --- SC1: who is registered -------------------------------------------------------------------------------------


def test_SC1_a_new_trn_creates_the_teacher_and_their_ect_period(school, lead_provider, partnered):
    school_period = act(
        register_ect,
        **ect_details(school, trn=" 12 34 567 ", full_name="  Ada   Lovelace "),
        lead_provider=lead_provider,
    )
    teacher = school_period.participant
    assert (teacher.trn, teacher.full_name, teacher.date_of_birth) == ("1234567", "Ada Lovelace", dt.date(1990, 5, 17))
    assert (school_period.school, school_period.participant_type, school_period.started_on) == (school, ECT, TODAY)
    assert school_period.working_pattern == "full_time"
    assert school_period.finished_on is None
    assert teacher.created_at == NOW


def test_SC1_an_existing_trn_with_its_date_of_birth_is_the_same_teacher_and_keeps_their_name(school, lead_provider):
    earlier = factories.SchoolPeriodFactory(
        started_on=dt.date(2024, 9, 1), finished_on=dt.date(2025, 7, 31), participant__date_of_birth=BORN_ON
    )
    teacher = earlier.participant
    school_period = act(
        register_ect, **ect_details(school, trn=teacher.trn, full_name="Someone Else"), lead_provider=lead_provider
    )
    assert school_period.participant_id == teacher.pk
    assert Participant.objects.get(pk=teacher.pk).full_name == teacher.full_name


def test_SC1_a_teacher_with_no_recorded_date_of_birth_from_another_school_cannot_be_matched(school, lead_provider):
    teacher = factories.SchoolPeriodFactory(
        started_on=dt.date(2024, 9, 1), finished_on=dt.date(2025, 7, 31)
    ).participant
    assert failures(register_ect, **ect_details(school, trn=teacher.trn), lead_provider=lead_provider) == [
        ("date_of_birth", IDENTITY_NOT_RECORDED)
    ]
    assert failures(register_mentor, **mentor_details(school, trn=teacher.trn)) == [
        ("date_of_birth", IDENTITY_NOT_RECORDED)
    ]
    assert Participant.objects.get(pk=teacher.pk).date_of_birth is None


def test_SC1_a_teacher_only_ever_at_this_school_gets_the_first_date_of_birth_given(school, lead_provider):
    teacher = factories.SchoolPeriodFactory(
        school=school, started_on=dt.date(2024, 9, 1), finished_on=dt.date(2025, 7, 31)
    ).participant
    school_period = act(register_ect, **ect_details(school, trn=teacher.trn), lead_provider=lead_provider)
    assert school_period.participant_id == teacher.pk
    assert Participant.objects.get(pk=teacher.pk).date_of_birth == BORN_ON


def test_SC1_a_trn_whose_teacher_has_another_date_of_birth_is_refused(school, lead_provider):
    teacher = factories.ParticipantFactory(date_of_birth=dt.date(1985, 1, 1))
    assert failures(register_ect, **ect_details(school, trn=teacher.trn), lead_provider=lead_provider) == [
        ("date_of_birth", "The date of birth does not match the teacher with this TRN. Check the TRN and date of birth")
    ]
    assert not SchoolPeriod.objects.filter(participant=teacher).exists()


def test_SC1_an_ect_cannot_be_registered_twice_at_a_school_while_registered_there(school, lead_provider):
    existing = ect_at(school, lead_provider, school_finished_on=dt.date(2026, 3, 31))
    assert failures(
        register_ect,
        **ect_details(school, **identity_of(existing.participant), started_on=dt.date(2026, 3, 1)),
        lead_provider=lead_provider,
    ) == [("trn", "This ECT is already registered at your school")]


def test_SC1_an_ect_who_left_the_school_can_be_registered_there_again(school, lead_provider):
    existing = ect_at(
        school, lead_provider, school_finished_on=dt.date(2025, 12, 31), finished_on=dt.date(2025, 12, 31)
    )
    school_period = act(
        register_ect, **ect_details(school, **identity_of(existing.participant)), lead_provider=lead_provider
    )
    assert school_period.participant_id == existing.participant_id
    assert SchoolPeriod.objects.get(pk=existing.pk).finished_on == dt.date(2025, 12, 31)


def test_SC1_the_previous_school_ends_the_day_before_the_new_start(school, lead_provider):
    previous = ect_at(factories.SchoolFactory(), lead_provider)
    mentorship = factories.MentorshipFactory(ect_school_period=previous)
    act(
        register_ect,
        **ect_details(school, **identity_of(previous.participant), started_on=dt.date(2026, 2, 2)),
        lead_provider=lead_provider,
    )
    assert SchoolPeriod.objects.get(pk=previous.pk).finished_on == dt.date(2026, 2, 1)
    assert [t.finished_on for t in training_of(previous)] == [dt.date(2026, 2, 1)]
    assert Mentorship.objects.get(pk=mentorship.pk).finished_on == dt.date(2026, 2, 1)


def test_SC1_previous_school_training_starting_after_the_last_day_there_is_deleted(school, lead_provider):
    previous = ect_at(factories.SchoolFactory(), lead_provider, finished_on=dt.date(2025, 12, 31))
    later = factories.TrainingPeriodFactory(
        school_period=previous, partnership=training_of(previous)[0].partnership, started_on=dt.date(2026, 1, 20)
    )
    act(
        register_ect,
        **ect_details(school, **identity_of(previous.participant), started_on=dt.date(2026, 1, 20)),
        lead_provider=lead_provider,
    )
    assert not TrainingPeriod.objects.filter(pk=later.pk).exists()
    assert [t.finished_on for t in training_of(previous)] == [dt.date(2025, 12, 31)]


def test_SC1_a_start_before_the_start_at_the_previous_school_is_refused(school, lead_provider):
    previous = ect_at(factories.SchoolFactory(), lead_provider)
    assert failures(
        register_ect,
        **ect_details(school, **identity_of(previous.participant), started_on=dt.date(2025, 8, 1)),
        lead_provider=lead_provider,
    ) == [("started_on", "The start date must be after they started at their previous school")]


# --- register ECT: what a school must enter ---------------------------------------------------------------------


def test_register_ect_reports_every_missing_answer_in_form_order(school):
    assert failures(
        register_ect,
        school=school,
        full_name=" ",
        trn="",
        date_of_birth=None,
        email="",
        started_on=None,
        working_pattern=None,
        programme_type=None,
    ) == [
        ("full_name", "Enter their full name"),
        ("trn", "Enter their teacher reference number (TRN)"),
        ("date_of_birth", "Enter their date of birth"),
        ("email", "Enter an email address"),
        ("started_on", "Enter the date they start at your school"),
        ("working_pattern", "Select if they work full time or part time"),
        ("programme_type", "Select provider-led or school-led training"),
    ]


@pytest.mark.parametrize("trn", ["123456", "12345678", "12345a7", "RP12/345"])
def test_register_ect_needs_a_seven_digit_trn(school, lead_provider, trn):
    assert failures(register_ect, **ect_details(school, trn=trn), lead_provider=lead_provider) == [
        ("trn", "Enter a teacher reference number (TRN) with 7 digits")
    ]


def test_register_ect_provider_led_needs_a_lead_provider(school):
    assert failures(register_ect, **ect_details(school)) == [("lead_provider", "Select a lead provider")]


def test_register_ect_email_must_look_like_an_email(school, lead_provider):
    assert failures(register_ect, **ect_details(school, email="ada@"), lead_provider=lead_provider) == [
        ("email", "Enter an email address in the correct format, like name@example.com")
    ]


def test_register_ect_email_already_used_by_someone_at_the_school_is_refused(school, lead_provider):
    mentor_at(school, email="shared@school.example")
    assert failures(
        register_ect, **ect_details(school, email="Shared@School.example"), lead_provider=lead_provider
    ) == [("email", "This email address is already used by someone at this school")]


def test_register_ect_email_of_someone_who_has_left_can_be_reused(school, lead_provider):
    mentor_at(school, email="shared@school.example", finished_on=dt.date(2025, 12, 31))
    assert act(
        register_ect, **ect_details(school, email="shared@school.example"), lead_provider=lead_provider
    ).email == ("shared@school.example")


@pytest.mark.parametrize(
    "started_on, message",
    [
        (dt.date(2021, 5, 31), "The start date must be on or after 1 June 2021"),
        (dt.date(2027, 6, 1), "The start date must be on or before 31 May 2027"),
    ],
)
def test_register_ect_start_date_must_fall_in_a_cohort(school, lead_provider, started_on, message):
    assert failures(register_ect, **ect_details(school, started_on=started_on), lead_provider=lead_provider) == [
        ("started_on", message)
    ]


def test_register_ect_date_of_birth_must_be_in_the_past(school, lead_provider):
    assert failures(register_ect, **ect_details(school, date_of_birth=TODAY), lead_provider=lead_provider) == [
        ("date_of_birth", "Their date of birth must be in the past")
    ]


# --- SC2: registration cohort -----------------------------------------------------------------------------------


def test_SC2_late_registration_goes_into_todays_cohort(school, lead_provider):
    school_period = act(
        register_ect, **ect_details(school, started_on=dt.date(2025, 5, 1)), lead_provider=lead_provider
    )
    [tp] = training_of(school_period)
    assert (tp.schedule.cohort_id, tp.schedule.identifier) == (2025, "ecf-standard-january")


def test_SC2_a_start_in_a_later_cohort_goes_into_that_cohort(school, lead_provider):
    school_period = act(
        register_ect, **ect_details(school, started_on=dt.date(2026, 9, 1)), lead_provider=lead_provider
    )
    [tp] = training_of(school_period)
    assert (tp.schedule.cohort_id, tp.schedule.identifier) == (2026, "ecf-standard-september")


def test_SC2_a_transfer_keeps_an_open_cohort_and_its_schedule(school, lead_provider):
    previous = ect_at(
        factories.SchoolFactory(),
        lead_provider,
        cohort=2024,
        started_on=dt.date(2024, 9, 1),
        schedule="ecf-reduced-january",
    )
    new = partnership(lead_provider, school=school, cohort=2024)
    school_period = act(
        register_ect, **ect_details(school, **identity_of(previous.participant)), lead_provider=lead_provider
    )
    [tp] = training_of(school_period)
    assert tp.schedule == factories.schedule("ecf-reduced-january", 2024)
    assert tp.partnership == new


def test_SC2_an_ect_from_a_frozen_cohort_moves_to_2024_extended_september(school, lead_provider):
    previous = ect_at(
        factories.SchoolFactory(),
        lead_provider,
        cohort=2022,
        started_on=dt.date(2022, 9, 1),
        finished_on=dt.date(2023, 7, 31),
        school_finished_on=dt.date(2023, 7, 31),
    )
    in_2024 = partnership(lead_provider, school=school, cohort=2024)
    school_period = act(
        register_ect,
        **ect_details(school, **identity_of(previous.participant), started_on=dt.date(2025, 11, 3)),
        lead_provider=lead_provider,
    )
    [tp] = training_of(school_period)
    assert tp.schedule == factories.schedule("ecf-extended-september", 2024)
    assert tp.partnership == in_2024
    # SC4: reassigned ECTs start from their school start, not from today.
    assert tp.started_on == dt.date(2025, 11, 3)
    # F17 is recorded by provider and school changes of cohort (S23, SC12, SC14), not by registration.
    assert Participant.objects.get(pk=previous.participant_id).ect_payments_frozen_year is None


# --- SC3: partnership, roll-over or expression of interest ------------------------------------------------------


def test_SC3_provider_led_training_gets_the_providers_partnership_in_the_cohort(school, lead_provider, partnered):
    other = partnership(factories.LeadProviderFactory(), school=school, cohort=2025)
    school_period = act(register_ect, **ect_details(school), lead_provider=lead_provider)
    [tp] = training_of(school_period)
    assert (tp.programme_type, tp.lead_provider, tp.partnership) == (PROVIDER_LED, lead_provider, partnered)
    assert other != partnered


def test_SC3_without_a_partnership_training_is_only_an_expression_of_interest(school, lead_provider):
    partnership(lead_provider, school=school, cohort=2024)  # its delivery partner no longer works with them
    school_period = act(register_ect, **ect_details(school), lead_provider=lead_provider)
    [tp] = training_of(school_period)
    assert (tp.lead_provider, tp.partnership, tp.schedule.cohort_id) == (lead_provider, None, 2025)
    assert not Partnership.objects.filter(school=school, cohort_id=2025).exists()


def test_SC3_P11_an_earlier_partnership_is_rolled_over_into_the_cohort(school, lead_provider):
    earlier = partnership(lead_provider, school=school, cohort=2024)
    pair(lead_provider, earlier.delivery_partner, 2025)
    waiting = waiting_eoi(school, lead_provider)

    school_period = act(register_ect, **ect_details(school), lead_provider=lead_provider)

    rolled = Partnership.objects.get(school=school, lead_provider=lead_provider, cohort_id=2025)
    assert (rolled.delivery_partner, rolled.rolled_over_from, rolled.created_by) == (
        earlier.delivery_partner,
        earlier,
        Partnership.CreatedBy.SCHOOL_ROLL_OVER,
    )
    assert training_of(school_period)[0].partnership == rolled
    assert training_of(waiting)[0].partnership == rolled  # P9


def test_SC3_school_led_training_has_no_provider_or_partnership(school, lead_provider, partnered):
    school_period = act(register_ect, **ect_details(school, programme_type=SCHOOL_LED), lead_provider=lead_provider)
    [tp] = training_of(school_period)
    assert (tp.programme_type, tp.lead_provider, tp.partnership, tp.schedule) == (SCHOOL_LED, None, None, None)
    assert tp.started_on == TODAY


# --- SC4: when training starts ------------------------------------------------------------------------------------


def test_SC4_late_registration_starts_training_today(school, lead_provider, partnered):
    school_period = act(
        register_ect, **ect_details(school, started_on=dt.date(2025, 9, 1)), lead_provider=lead_provider
    )
    assert school_period.started_on == dt.date(2025, 9, 1)
    assert [(t.started_on, t.finished_on) for t in training_of(school_period)] == [(TODAY, None)]


def test_SC4_a_future_school_start_gives_future_training(school, lead_provider, partnered):
    school_period = act(
        register_ect, **ect_details(school, started_on=dt.date(2026, 4, 20)), lead_provider=lead_provider
    )
    [tp] = training_of(school_period)
    assert tp.started_on == dt.date(2026, 4, 20)
    assert tp.schedule.identifier == "ecf-standard-april"


# --- SC5: ECT eligibility -----------------------------------------------------------------------------------------


def test_SC5_an_ect_in_induction_today_is_eligible_from_today(school, lead_provider):
    teacher = factories.ParticipantFactory()
    InductionPeriod.objects.create(participant=teacher, started_on=dt.date(2025, 9, 1))
    act(register_ect, **ect_details(school, **identity_of(teacher)), lead_provider=lead_provider)
    assert Participant.objects.get(pk=teacher.pk).ect_eligible_on == TODAY


def test_SC5_an_ect_not_in_induction_today_is_not_yet_eligible(school, lead_provider):
    teacher = factories.ParticipantFactory()
    InductionPeriod.objects.create(participant=teacher, started_on=dt.date(2024, 9, 1), finished_on=dt.date(2025, 7, 1))
    act(register_ect, **ect_details(school, **identity_of(teacher)), lead_provider=lead_provider)
    assert Participant.objects.get(pk=teacher.pk).ect_eligible_on is None


def test_SC5_eligibility_once_set_never_changes(school, lead_provider):
    teacher = factories.ParticipantFactory(ect_eligible_on=dt.date(2024, 9, 1))
    InductionPeriod.objects.create(participant=teacher, started_on=dt.date(2025, 9, 1))
    act(register_ect, **ect_details(school, **identity_of(teacher)), lead_provider=lead_provider)
    assert Participant.objects.get(pk=teacher.pk).ect_eligible_on == dt.date(2024, 9, 1)


# --- O5: back with the same provider ------------------------------------------------------------------------------


def test_O5_a_new_school_with_the_same_provider_makes_the_new_training_the_providers_pointer(
    school, lead_provider, partnered
):
    previous = ect_at(factories.SchoolFactory(), lead_provider)
    school_period = act(
        register_ect, **ect_details(school, **identity_of(previous.participant)), lead_provider=lead_provider
    )
    enrolment = previous.participant.provider_enrolments.get(lead_provider=lead_provider)
    assert enrolment.training_period == training_of(school_period)[0]
    assert enrolment.recorded_status == "active"


# --- SC6: register mentor -------------------------------------------------------------------------------------------


@pytest.fixture
def mentee(school, lead_provider, partnered):
    """A provider-led ECT at the school since 1 September 2025."""
    return ect_at(school, lead_provider)


def test_SC6_a_mentor_starts_today_unless_told_otherwise(school):
    school_period = act(register_mentor, **mentor_details(school))
    assert (school_period.participant_type, school_period.started_on, school_period.working_pattern) == (
        MENTOR,
        TODAY,
        None,
    )
    assert training_of(school_period) == []


def test_SC6_a_mentor_of_a_provider_led_ect_trains_from_their_school_start(school, lead_provider, mentee, partnered):
    school_period = act(register_mentor, **mentor_details(school, started_on=dt.date(2025, 11, 3)), mentee=mentee)
    [tp] = training_of(school_period)
    assert (tp.started_on, tp.lead_provider, tp.partnership) == (dt.date(2025, 11, 3), lead_provider, partnered)
    assert (tp.schedule.cohort_id, tp.schedule.identifier) == (2025, "ecf-standard-january")
    assert Participant.objects.get(pk=school_period.participant_id).mentor_eligible_on == TODAY  # O10
    mentorship = Mentorship.objects.get(ect_school_period=mentee)
    assert (mentorship.mentor_school_period, mentorship.started_on) == (school_period, TODAY)


def test_SC6_no_mentor_training_for_a_school_led_mentee(school, lead_provider):
    ect = act(register_ect, **ect_details(school, programme_type=SCHOOL_LED))
    school_period = act(register_mentor, **mentor_details(school), mentee=ect, lead_provider=lead_provider)
    assert training_of(school_period) == []
    assert Participant.objects.get(pk=school_period.participant_id).mentor_eligible_on is None
    assert Mentorship.objects.filter(ect_school_period=ect, mentor_school_period=school_period).exists()


def test_SC6_no_mentor_training_once_funding_has_ended(school, mentee):
    teacher = factories.ParticipantFactory(
        mentor_funding_end_date=dt.date(2025, 7, 1), mentor_funding_end_reason="completed_declaration_received"
    )
    school_period = act(register_mentor, **mentor_details(school, **identity_of(teacher)), mentee=mentee)
    assert training_of(school_period) == []
    assert Participant.objects.get(pk=teacher.pk).mentor_eligible_on is None  # O10: eligible_for_funding false


def test_SC6_no_mentor_training_while_mentoring_at_another_school(school, lead_provider, mentee):
    elsewhere = mentor_at(factories.SchoolFactory())
    school_period = act(register_mentor, **mentor_details(school, **identity_of(elsewhere.participant)), mentee=mentee)
    assert training_of(school_period) == []
    assert SchoolPeriod.objects.get(pk=elsewhere.pk).finished_on is None


def test_SC6_mentoring_only_here_ends_other_schools_the_day_before_and_trains(school, lead_provider, mentee):
    elsewhere = mentor_at(factories.SchoolFactory())
    school_period = act(
        register_mentor,
        **mentor_details(school, **identity_of(elsewhere.participant)),
        mentee=mentee,
        mentoring_only_here=True,
    )
    assert SchoolPeriod.objects.get(pk=elsewhere.pk).finished_on == YESTERDAY
    assert len(training_of(school_period)) == 1


def test_SC6_previous_mentor_cohort_is_kept_unless_frozen(school, lead_provider, mentee):
    _, earlier = trained_participant(
        lead_provider,
        participant_type=MENTOR,
        cohort=2024,
        started_on=dt.date(2024, 9, 1),
        school_finished_on=dt.date(2025, 7, 31),
        finished_on=dt.date(2025, 7, 31),
        schedule="ecf-replacement-april",
    )
    in_2024 = partnership(lead_provider, school=school, cohort=2024)
    school_period = act(
        register_mentor, **mentor_details(school, **identity_of(earlier.school_period.participant)), mentee=mentee
    )
    [tp] = training_of(school_period)
    assert (tp.schedule, tp.partnership) == (factories.schedule("ecf-replacement-april", 2024), in_2024)


def test_SC6_a_frozen_previous_mentor_cohort_is_left_for_todays(school, lead_provider, mentee, partnered):
    _, earlier = trained_participant(
        lead_provider,
        participant_type=MENTOR,
        cohort=2021,
        started_on=dt.date(2021, 9, 1),
        school_finished_on=dt.date(2023, 7, 31),
        finished_on=dt.date(2023, 7, 31),
    )
    school_period = act(
        register_mentor, **mentor_details(school, **identity_of(earlier.school_period.participant)), mentee=mentee
    )
    [tp] = training_of(school_period)
    assert (tp.schedule, tp.partnership) == (factories.schedule("ecf-standard-september", 2025), partnered)


def test_SC6_mentors_never_roll_a_partnership_over(lead_provider):
    school = factories.SchoolFactory()
    earlier = partnership(lead_provider, school=school, cohort=2024)
    pair(lead_provider, earlier.delivery_partner, 2025)
    ect = act(register_ect, **ect_details(school), lead_provider=lead_provider)  # the ECT rolls it over (P11)
    Partnership.objects.filter(cohort_id=2025).update(cohort_id=2026)  # ...so move it out of the way
    school_period = act(register_mentor, **mentor_details(school), mentee=ect)
    [tp] = training_of(school_period)
    assert (tp.lead_provider, tp.partnership) == (lead_provider, None)
    assert not Partnership.objects.filter(school=school, cohort_id=2025).exists()


def test_SC6_a_mentor_with_earlier_training_becomes_eligible_on_registration(school, lead_provider):
    teacher, _ = trained_participant(
        lead_provider,
        participant_type=MENTOR,
        school_finished_on=dt.date(2025, 12, 31),
        finished_on=dt.date(2025, 12, 31),
    )
    act(register_mentor, **mentor_details(school, **identity_of(teacher)))
    assert Participant.objects.get(pk=teacher.pk).mentor_eligible_on == TODAY


def test_SC6_a_mentor_cannot_mentor_themself(school, mentee):
    assert failures(register_mentor, **mentor_details(school, **identity_of(mentee.participant)), mentee=mentee) == [
        ("mentor", "An ECT cannot be their own mentor")
    ]


def test_SC6_the_mentee_must_be_an_ect_at_the_school(school, lead_provider):
    elsewhere = ect_at(factories.SchoolFactory(), lead_provider)
    assert failures(register_mentor, **mentor_details(school), mentee=elsewhere) == [
        ("mentee", "Select an ECT registered at your school")
    ]


def test_SC6_a_mentor_already_at_the_school_is_refused(school):
    existing = mentor_at(school)
    assert failures(register_mentor, **mentor_details(school, **identity_of(existing.participant))) == [
        ("trn", "This mentor is already registered at your school")
    ]


# --- SC7a: name and email -----------------------------------------------------------------------------------------


def test_SC7a_a_name_correction_changes_the_participants_name(school, lead_provider):
    school_period = ect_at(school, lead_provider)
    act(update_name, school_period=school_period, full_name=" Ada  King ")
    assert Participant.objects.get(pk=school_period.participant_id).full_name == "Ada King"


def test_SC7a_a_name_cannot_be_blank(school, lead_provider):
    assert failures(update_name, school_period=ect_at(school, lead_provider), full_name="  ") == [
        ("full_name", "Enter their full name")
    ]


def test_SC7a_an_email_change_updates_that_school_period(school, lead_provider):
    school_period = ect_at(school, lead_provider)
    act(update_email, school_period=school_period, email="new@school.example")
    assert SchoolPeriod.objects.get(pk=school_period.pk).email == "new@school.example"


def test_SC7a_an_email_used_by_someone_else_at_the_school_is_refused(school, lead_provider):
    mentor_at(school, email="taken@school.example")
    assert failures(update_email, school_period=ect_at(school, lead_provider), email="taken@school.example") == [
        ("email", "This email address is already used by someone at this school")
    ]


def test_SC7a_keeping_ones_own_email_is_not_a_clash(school, lead_provider):
    school_period = ect_at(school, lead_provider, email="mine@school.example")
    act(update_email, school_period=school_period, email="MINE@school.example")
    assert SchoolPeriod.objects.get(pk=school_period.pk).email == "MINE@school.example"


# --- SC7/SC8: leaving ----------------------------------------------------------------------------------------------


def test_SC7_a_future_leaving_date_ends_training_mentorship_and_school_period_then(school, lead_provider):
    school_period = ect_at(school, lead_provider)
    mentorship = factories.MentorshipFactory(ect_school_period=school_period)
    act(report_leaving, school_period=school_period, leaving_on=dt.date(2026, 3, 31))
    assert SchoolPeriod.objects.get(pk=school_period.pk).finished_on == dt.date(2026, 3, 31)
    assert [t.finished_on for t in training_of(school_period)] == [dt.date(2026, 3, 31)]
    assert Mentorship.objects.get(pk=mentorship.pk).finished_on == dt.date(2026, 3, 31)


def test_SC7_training_and_mentorships_starting_on_or_after_the_leaving_date_are_deleted(school, lead_provider):
    school_period = ect_at(school, lead_provider, finished_on=dt.date(2026, 1, 31))
    [first] = training_of(school_period)
    later = factories.TrainingPeriodFactory(
        school_period=school_period, partnership=first.partnership, started_on=dt.date(2026, 2, 1)
    )
    earlier_mentorship = factories.MentorshipFactory(ect_school_period=school_period, finished_on=dt.date(2026, 1, 31))
    later_mentorship = factories.MentorshipFactory(ect_school_period=school_period, started_on=dt.date(2026, 2, 1))
    act(report_leaving, school_period=school_period, leaving_on=dt.date(2026, 2, 1))
    assert not TrainingPeriod.objects.filter(pk=later.pk).exists()
    assert not Mentorship.objects.filter(pk=later_mentorship.pk).exists()
    # Already ending earlier: left alone.
    assert [t.finished_on for t in training_of(school_period)] == [dt.date(2026, 1, 31)]
    assert Mentorship.objects.get(pk=earlier_mentorship.pk).finished_on == dt.date(2026, 1, 31)


def test_SC7_leaving_leaves_the_training_status_to_the_provider(school, lead_provider):
    school_period = ect_at(school, lead_provider)
    act(report_leaving, school_period=school_period, leaving_on=YESTERDAY)
    [tp] = training_of(school_period)
    assert (tp.withdrawn_at, tp.deferred_at, tp.finished_on) == (None, None, YESTERDAY)


def test_SC7_a_leaving_date_before_the_start_date_is_refused(school, lead_provider):
    assert failures(report_leaving, school_period=ect_at(school, lead_provider), leaving_on=dt.date(2025, 8, 31)) == [
        ("leaving_on", "The leaving date must be on or after the start date")
    ]


def test_SC7_a_leaving_date_is_needed(school, lead_provider):
    assert failures(report_leaving, school_period=ect_at(school, lead_provider), leaving_on=None) == [
        ("leaving_on", "Enter the date they leave or left your school")
    ]


def test_SC7_a_reported_leaving_date_can_be_brought_forward_but_not_pushed_back(school, lead_provider):
    school_period = ect_at(school, lead_provider)
    act(report_leaving, school_period=school_period, leaving_on=dt.date(2026, 3, 31))
    act(report_leaving, school_period=school_period, leaving_on=dt.date(2026, 2, 28))
    assert SchoolPeriod.objects.get(pk=school_period.pk).finished_on == dt.date(2026, 2, 28)
    assert failures(report_leaving, school_period=school_period, leaving_on=dt.date(2026, 3, 31)) == [
        ("leaving_on", "The leaving date must be on or before 28 February 2026, the leaving date you already told us")
    ]


def test_SC7_declared_training_is_not_deleted_by_a_leaving_date(school, lead_provider):
    school_period = ect_at(school, lead_provider)
    [tp] = training_of(school_period)
    Declaration.objects.create(
        training_period=tp,
        declaration_type="started",
        lead_provider=lead_provider,
        declaration_date=NOW,
        delivery_partner=tp.partnership.delivery_partner,
    )
    assert failures(report_leaving, school_period=school_period, leaving_on=dt.date(2025, 9, 1)) == [
        (
            "leaving_on",
            "A lead provider has already declared training that this change would remove. Contact us so we can help",
        )
    ]
    assert SchoolPeriod.objects.get(pk=school_period.pk).finished_on is None


def test_SC8_a_leaving_mentors_mentorships_end_no_later_than_the_mentees_end(school, lead_provider):
    mentor = mentor_at(school)
    staying = factories.MentorshipFactory(mentor_school_period=mentor, ect_school_period=ect_at(school, lead_provider))
    gone_ect = ect_at(school, lead_provider, school_finished_on=dt.date(2026, 3, 1))
    gone = factories.MentorshipFactory(mentor_school_period=mentor, ect_school_period=gone_ect)
    act(report_leaving, school_period=mentor, leaving_on=dt.date(2026, 6, 30))
    assert Mentorship.objects.get(pk=staying.pk).finished_on == dt.date(2026, 6, 30)
    assert Mentorship.objects.get(pk=gone.pk).finished_on == dt.date(2026, 3, 1)
    assert SchoolPeriod.objects.get(pk=mentor.pk).finished_on == dt.date(2026, 6, 30)


def test_SC8_a_leaving_mentors_training_ends_too(school, lead_provider):
    _, tp = trained_participant(lead_provider, participant_type=MENTOR, school=school)
    act(report_leaving, school_period=tp.school_period, leaving_on=dt.date(2026, 6, 30))
    assert TrainingPeriod.objects.get(pk=tp.pk).finished_on == dt.date(2026, 6, 30)


# --- SC9: assign mentor ----------------------------------------------------------------------------------------------


def test_SC9_a_mentorship_starts_today_and_ends_at_the_earlier_school_end(school, lead_provider):
    ect = ect_at(school, lead_provider, school_finished_on=dt.date(2026, 7, 31))
    mentor = mentor_at(school, finished_on=dt.date(2026, 6, 30))
    mentorship = act(assign_mentor, ect_school_period=ect, mentor_school_period=mentor)
    assert (mentorship.started_on, mentorship.finished_on) == (TODAY, dt.date(2026, 6, 30))


def test_SC9_a_mentorship_waits_for_a_future_start(school, lead_provider):
    ect = ect_at(school, lead_provider, started_on=dt.date(2026, 2, 2))
    mentorship = act(assign_mentor, ect_school_period=ect, mentor_school_period=mentor_at(school))
    assert mentorship.started_on == dt.date(2026, 2, 2)


def test_SC9_the_current_mentorship_ends_the_day_before_the_new_one(school, lead_provider):
    ect = ect_at(school, lead_provider)
    current = factories.MentorshipFactory(ect_school_period=ect)
    new = act(assign_mentor, ect_school_period=ect, mentor_school_period=mentor_at(school))
    assert Mentorship.objects.get(pk=current.pk).finished_on == YESTERDAY
    assert (new.started_on, new.finished_on) == (TODAY, None)


def test_SC9_a_mentorship_not_started_before_the_new_one_is_deleted(school, lead_provider):
    ect = ect_at(school, lead_provider)
    starting_today = factories.MentorshipFactory(ect_school_period=ect, started_on=TODAY)
    act(assign_mentor, ect_school_period=ect, mentor_school_period=mentor_at(school))
    assert not Mentorship.objects.filter(pk=starting_today.pk).exists()


def test_SC9_assigning_the_current_mentor_again_changes_nothing(school, lead_provider):
    ect = ect_at(school, lead_provider)
    current = factories.MentorshipFactory(ect_school_period=ect)
    assert act(assign_mentor, ect_school_period=ect, mentor_school_period=current.mentor_school_period) == current
    assert Mentorship.objects.get(pk=current.pk).finished_on is None


def test_SC9_an_ect_cannot_be_their_own_mentor(school, lead_provider):
    ect = ect_at(school, lead_provider)
    themself = mentor_at(school, participant=ect.participant)
    assert failures(assign_mentor, ect_school_period=ect, mentor_school_period=themself) == [
        ("mentor", "An ECT cannot be their own mentor")
    ]


def test_SC9_the_mentor_must_be_at_the_ects_school(school, lead_provider):
    assert failures(
        assign_mentor,
        ect_school_period=ect_at(school, lead_provider),
        mentor_school_period=mentor_at(factories.SchoolFactory()),
    ) == [("mentor", "The mentor must be registered at the same school as the ECT")]


def test_SC9_a_mentor_who_has_left_cannot_be_assigned(school, lead_provider):
    assert failures(
        assign_mentor,
        ect_school_period=ect_at(school, lead_provider),
        mentor_school_period=mentor_at(school, finished_on=YESTERDAY),
    ) == [("mentor", "This mentor has left your school. Select another mentor")]


def test_SC9_a_first_mentor_trains_from_their_school_start_with_the_schools_chosen_provider(
    school, lead_provider, partnered
):
    chosen = factories.LeadProviderFactory()
    SchoolCohortChoice.objects.create(
        school=school, cohort_id=2025, induction_programme_choice=PROVIDER_LED, lead_provider=chosen
    )
    mentor = mentor_at(school, started_on=dt.date(2025, 10, 1))
    act(assign_mentor, ect_school_period=ect_at(school, lead_provider), mentor_school_period=mentor)
    [tp] = training_of(mentor)
    assert (tp.started_on, tp.lead_provider, tp.partnership) == (dt.date(2025, 10, 1), chosen, None)
    assert tp.schedule == factories.schedule("ecf-standard-january", 2025)
    assert Participant.objects.get(pk=mentor.participant_id).mentor_eligible_on == TODAY  # O10


def test_SC9_without_a_school_choice_the_mentor_trains_with_the_ects_provider(school, lead_provider, partnered):
    mentor = mentor_at(school)
    act(assign_mentor, ect_school_period=ect_at(school, lead_provider), mentor_school_period=mentor)
    [tp] = training_of(mentor)
    assert (tp.lead_provider, tp.partnership) == (lead_provider, partnered)


def test_SC9_a_switched_in_mentor_trains_from_today(school, lead_provider, partnered):
    ect = ect_at(school, lead_provider)
    factories.MentorshipFactory(ect_school_period=ect)
    mentor = mentor_at(school)
    act(assign_mentor, ect_school_period=ect, mentor_school_period=mentor)
    assert [t.started_on for t in training_of(mentor)] == [TODAY]


def test_SC9_DS6_a_mentor_replacing_a_declared_mentor_gets_a_replacement_schedule(school, lead_provider, partnered):
    ect = ect_at(school, lead_provider)
    _, first_mentor_tp = trained_participant(lead_provider, participant_type=MENTOR, school=school)
    factories.MentorshipFactory(ect_school_period=ect, mentor_school_period=first_mentor_tp.school_period)
    Declaration.objects.create(
        training_period=first_mentor_tp,
        declaration_type="started",
        lead_provider=lead_provider,
        declaration_date=dt.datetime(2025, 10, 1, tzinfo=UTC),
        delivery_partner=partnered.delivery_partner,
    )
    mentor = mentor_at(school)
    act(assign_mentor, ect_school_period=ect, mentor_school_period=mentor)
    assert training_of(mentor)[0].schedule == factories.schedule("ecf-replacement-january", 2025)


def test_SC9_no_mentor_training_for_a_school_led_ect(school, lead_provider):
    ect = act(register_ect, **ect_details(school, programme_type=SCHOOL_LED))
    mentor = mentor_at(school)
    act(assign_mentor, ect_school_period=ect, mentor_school_period=mentor)
    assert training_of(mentor) == []


def test_SC9_no_new_training_for_a_mentor_who_has_trained_before(school, lead_provider, partnered):
    teacher, _ = trained_participant(
        lead_provider,
        participant_type=MENTOR,
        school_finished_on=dt.date(2025, 12, 31),
        finished_on=dt.date(2025, 12, 31),
    )
    mentor = mentor_at(school, participant=teacher)
    act(assign_mentor, ect_school_period=ect_at(school, lead_provider), mentor_school_period=mentor)
    assert training_of(mentor) == []


def test_SC9_no_mentor_training_once_funding_has_ended(school, lead_provider, partnered):
    teacher = factories.ParticipantFactory(mentor_funding_end_date=dt.date(2025, 7, 1))
    mentor = mentor_at(school, participant=teacher)
    act(assign_mentor, ect_school_period=ect_at(school, lead_provider), mentor_school_period=mentor)
    assert training_of(mentor) == []


# --- SC10–SC12: switch training programme ----------------------------------------------------------------------------


def test_SC10_to_school_led_ends_begun_training_yesterday_and_starts_school_led_today(school, lead_provider):
    ect = ect_at(school, lead_provider)
    act(switch_programme, ect_school_period=ect, programme_type=SCHOOL_LED)
    provider_led, school_led = training_of(ect)
    assert (provider_led.programme_type, provider_led.finished_on) == (PROVIDER_LED, YESTERDAY)
    assert (school_led.programme_type, school_led.started_on, school_led.finished_on) == (SCHOOL_LED, TODAY, None)


def test_SC10_to_school_led_deletes_training_that_has_not_begun(school, lead_provider):
    ect = ect_at(school, lead_provider, started_on=dt.date(2026, 2, 2))
    act(switch_programme, ect_school_period=ect, programme_type=SCHOOL_LED)
    assert [(t.programme_type, t.started_on) for t in training_of(ect)] == [(SCHOOL_LED, dt.date(2026, 2, 2))]


def test_SC10_to_school_led_deletes_an_expression_of_interest(school, lead_provider):
    ect = act(register_ect, **ect_details(school, started_on=dt.date(2025, 9, 1)), lead_provider=lead_provider)
    TrainingPeriod.objects.filter(school_period=ect).update(started_on=dt.date(2025, 9, 1))
    act(switch_programme, ect_school_period=ect, programme_type=SCHOOL_LED)
    assert [t.programme_type for t in training_of(ect)] == [SCHOOL_LED]


def test_SC10_an_ect_already_school_led_is_refused(school):
    ect = act(register_ect, **ect_details(school, programme_type=SCHOOL_LED))
    assert failures(switch_programme, ect_school_period=ect, programme_type=SCHOOL_LED) == [
        ("programme_type", "This ECT is already doing school-led training")
    ]


def test_SC11_to_provider_led_needs_a_lead_provider(school):
    ect = act(register_ect, **ect_details(school, programme_type=SCHOOL_LED, started_on=dt.date(2025, 9, 1)))
    assert failures(switch_programme, ect_school_period=ect, programme_type=PROVIDER_LED) == [
        ("lead_provider", "Select a lead provider")
    ]


def test_SC11_to_provider_led_ends_school_led_yesterday_and_trains_from_today(school, lead_provider, partnered):
    ect = act(register_ect, **ect_details(school, programme_type=SCHOOL_LED))
    TrainingPeriod.objects.filter(school_period=ect).update(started_on=dt.date(2025, 9, 1))
    new = act(switch_programme, ect_school_period=ect, programme_type=PROVIDER_LED, lead_provider=lead_provider)
    school_led, provider_led = training_of(ect)
    assert school_led.finished_on == YESTERDAY
    assert provider_led == new
    assert (new.started_on, new.lead_provider, new.partnership) == (TODAY, lead_provider, partnered)
    assert new.schedule == factories.schedule("ecf-standard-january", 2025)


def test_SC11_school_led_training_not_yet_begun_is_deleted(school, lead_provider, partnered):
    ect = act(register_ect, **ect_details(school, programme_type=SCHOOL_LED))
    act(switch_programme, ect_school_period=ect, programme_type=PROVIDER_LED, lead_provider=lead_provider)
    assert [t.programme_type for t in training_of(ect)] == [PROVIDER_LED]


def test_SC11_earlier_provider_led_training_keeps_its_cohort_and_schedule(school, lead_provider):
    ect = ect_at(school, lead_provider, cohort=2024, started_on=dt.date(2024, 9, 1), schedule="ecf-reduced-april")
    act(switch_programme, ect_school_period=ect, programme_type=SCHOOL_LED)
    new = act(switch_programme, ect_school_period=ect, programme_type=PROVIDER_LED, lead_provider=lead_provider)
    assert new.schedule == factories.schedule("ecf-reduced-april", 2024)
    assert new.partnership.cohort_id == 2024


def test_SC11_SC12_out_of_a_frozen_cohort_into_2024_extended_and_the_year_is_recorded(school, lead_provider):
    ect = ect_at(school, lead_provider, cohort=2022, started_on=dt.date(2022, 9, 1), finished_on=dt.date(2023, 7, 31))
    new = act(switch_programme, ect_school_period=ect, programme_type=PROVIDER_LED, lead_provider=lead_provider)
    assert new.schedule == factories.schedule("ecf-extended-september", 2024)
    assert Participant.objects.get(pk=ect.participant_id).ect_payments_frozen_year == 2022


def test_SC11_the_current_mentor_gets_their_first_provider_led_training(school, lead_provider, partnered):
    ect = act(register_ect, **ect_details(school, programme_type=SCHOOL_LED))
    mentor = mentor_at(school)
    act(assign_mentor, ect_school_period=ect, mentor_school_period=mentor)
    assert training_of(mentor) == []
    act(switch_programme, ect_school_period=ect, programme_type=PROVIDER_LED, lead_provider=lead_provider)
    [tp] = training_of(mentor)
    assert (tp.started_on, tp.lead_provider, tp.partnership) == (TODAY, lead_provider, partnered)
    assert Participant.objects.get(pk=mentor.participant_id).mentor_eligible_on == TODAY  # O10


# --- SC13–SC14: change lead provider ----------------------------------------------------------------------------------


def test_SC13_training_not_yet_begun_moves_to_the_new_provider_in_place(school, lead_provider, other_lead_provider):
    ect = ect_at(school, lead_provider, started_on=dt.date(2026, 2, 2))
    [before] = training_of(ect)
    theirs = partnership(other_lead_provider, school=school, cohort=2025)
    moved = act(change_lead_provider, school_period=ect, lead_provider=other_lead_provider)
    assert moved.pk == before.pk
    assert (moved.lead_provider, moved.partnership, moved.schedule) == (other_lead_provider, theirs, before.schedule)


def test_SC13_begun_training_ends_yesterday_and_continues_with_the_new_provider(
    school, lead_provider, other_lead_provider
):
    ect = ect_at(school, lead_provider, schedule="ecf-reduced-september", school_finished_on=dt.date(2026, 7, 31))
    act(change_lead_provider, school_period=ect, lead_provider=other_lead_provider)
    old, new = training_of(ect)
    assert (old.lead_provider, old.finished_on) == (lead_provider, YESTERDAY)
    assert (new.lead_provider, new.partnership, new.started_on, new.finished_on) == (
        other_lead_provider,
        None,
        TODAY,
        dt.date(2026, 7, 31),
    )
    assert new.schedule == old.schedule


def test_SC13_an_expression_of_interest_is_replaced_not_ended(school, lead_provider, other_lead_provider):
    ect = act(register_ect, **ect_details(school, started_on=dt.date(2025, 9, 1)), lead_provider=lead_provider)
    TrainingPeriod.objects.filter(school_period=ect).update(started_on=dt.date(2025, 9, 1))
    act(change_lead_provider, school_period=ect, lead_provider=other_lead_provider)
    assert [(t.lead_provider, t.started_on) for t in training_of(ect)] == [(other_lead_provider, TODAY)]


def test_SC13_a_mentors_provider_can_change_too(school, lead_provider, other_lead_provider):
    _, tp = trained_participant(lead_provider, participant_type=MENTOR, school=school)
    act(change_lead_provider, school_period=tp.school_period, lead_provider=other_lead_provider)
    assert [t.lead_provider for t in training_of(tp.school_period)] == [lead_provider, other_lead_provider]


def test_SC13_a_school_led_ect_cannot_change_lead_provider(school, lead_provider):
    ect = act(register_ect, **ect_details(school, programme_type=SCHOOL_LED))
    assert failures(change_lead_provider, school_period=ect, lead_provider=lead_provider) == [
        ("lead_provider", "You cannot change the lead provider of an ECT doing school-led training")
    ]


def test_SC13_the_same_lead_provider_is_refused(school, lead_provider):
    assert failures(change_lead_provider, school_period=ect_at(school, lead_provider), lead_provider=lead_provider) == [
        ("lead_provider", "Select a different lead provider from the one they have now")
    ]


def test_SC13_a_lead_provider_is_needed(school, lead_provider):
    assert failures(change_lead_provider, school_period=ect_at(school, lead_provider), lead_provider=None) == [
        ("lead_provider", "Select a lead provider")
    ]


def test_SC14_out_of_a_frozen_cohort_into_2024_extended_and_the_year_is_recorded(
    school, lead_provider, other_lead_provider
):
    ect = ect_at(school, lead_provider, cohort=2022, started_on=dt.date(2022, 9, 1))
    new = act(change_lead_provider, school_period=ect, lead_provider=other_lead_provider)
    assert new.schedule == factories.schedule("ecf-extended-september", 2024)
    assert Participant.objects.get(pk=ect.participant_id).ect_payments_frozen_year == 2022


# --- school cohort choices (P11 roll-over) ----------------------------------------------------------------------------


def test_cohort_choice_is_recorded_then_replaced(school, lead_provider):
    act(
        confirm_cohort_choice,
        school=school,
        cohort=factories.cohort(2025),
        programme_type=PROVIDER_LED,
        lead_provider=lead_provider,
    )
    choice = act(
        confirm_cohort_choice,
        school=school,
        cohort=factories.cohort(2025),
        programme_type=SCHOOL_LED,
        lead_provider=lead_provider,
    )
    assert SchoolCohortChoice.objects.get(school=school, cohort_id=2025) == choice
    assert (choice.induction_programme_choice, choice.lead_provider) == (SCHOOL_LED, None)


def test_cohort_choice_provider_led_needs_a_lead_provider(school):
    assert failures(
        confirm_cohort_choice, school=school, cohort=factories.cohort(2025), programme_type=PROVIDER_LED
    ) == [("lead_provider", "Select a lead provider")]


def test_cohort_choice_for_a_closed_cohort_is_refused(school):
    assert failures(confirm_cohort_choice, school=school, cohort=factories.cohort(2022), programme_type=SCHOOL_LED) == [
        ("cohort", "The 2022 cohort has closed. Choose a later cohort")
    ]


def test_P11_keeping_previous_choices_copies_them_and_rolls_the_partnership_over(school, lead_provider):
    earlier = partnership(lead_provider, school=school, cohort=2024)
    pair(lead_provider, earlier.delivery_partner, 2025)
    SchoolCohortChoice.objects.create(
        school=school, cohort_id=2024, induction_programme_choice=PROVIDER_LED, lead_provider=lead_provider
    )
    waiting = act(
        register_ect,
        **ect_details(school, started_on=dt.date(2026, 5, 1)),
        lead_provider=factories.LeadProviderFactory(),
    )
    eoi = waiting_eoi(school, lead_provider)

    choice = act(
        confirm_cohort_choice, school=school, cohort=factories.cohort(2025), programme_type=None, keep_previous=True
    )

    rolled = Partnership.objects.get(school=school, lead_provider=lead_provider, cohort_id=2025)
    assert (choice.induction_programme_choice, choice.lead_provider, choice.delivery_partner) == (
        PROVIDER_LED,
        lead_provider,
        earlier.delivery_partner,
    )
    assert rolled.rolled_over_from == earlier
    assert training_of(eoi)[0].partnership == rolled  # P9
    assert training_of(waiting)[0].partnership is None  # another provider's EOI is not theirs


def test_P11_keeping_previous_choices_needs_an_earlier_choice(school):
    assert failures(
        confirm_cohort_choice, school=school, cohort=factories.cohort(2025), programme_type=None, keep_previous=True
    ) == [("keep_previous", "There is no earlier choice to keep. Select how your ECTs will be trained")]


# --- one transaction, participants locked ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_SC1_two_schools_registering_one_new_trn_at_once_make_one_teacher(lead_provider):
    schools = [factories.SchoolFactory(), factories.SchoolFactory()]
    trn = str(next(_trns))
    barrier = threading.Barrier(len(schools))
    outcomes = []

    def register_at(school):
        try:
            barrier.wait()
            act(register_ect, **ect_details(school, trn=trn), lead_provider=lead_provider)
            outcomes.append("registered")
        except ValidationFailed as failure:
            outcomes.append(failure.errors)
        except Exception as error:  # an IntegrityError here would mean the registrations were not serialised
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=register_at, args=(school,)) for school in schools]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes, key=str) == [
        [("started_on", "The start date must be after they started at their previous school")],
        "registered",
    ]
    assert Participant.objects.filter(trn=trn).count() == 1
    assert SchoolPeriod.objects.filter(participant__trn=trn).count() == 1
