"""The school actions' rules added for issue 15: identity by TRN and date of birth (SC1, SC6), no renaming a
teacher another school knows (SC7a, O9), a plausible date of birth, bounded leaving dates and changing or
withdrawing one (SC7, SC8), no changes to people who have left, and the cohort choice (P11).

Each `check_<action>` reports exactly what its action refuses, and changes nothing. Runs on 15 January 2026.
"""

import datetime as dt
import itertools

import pytest

from config import changes
from config.changes import Actor
from config.validation import ValidationFailed
from participants.models import Mentorship, Participant, ParticipantType, SchoolPeriod, TrainingPeriod
from schools.models import LeadProviderDeliveryPartnership, Partnership, SchoolCohortChoice
from tests import factories
from tests.builders import partnership, trained_participant
from training import school_actions
from training.school_actions import checks
from training.school_actions.change_leaving_date import MOVED_ON, NOTHING_REPORTED
from training.school_actions.report_leaving import latest_leaving_date
from training.school_actions.update_name import KNOWN_ELSEWHERE

UTC = dt.UTC
TODAY = dt.date(2026, 1, 15)
NOW = dt.datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
SCHOOL_USER = Actor("school_user", "1", "tutor@school.example")
BORN_ON = dt.date(1984, 6, 2)
_trns = itertools.count(4000000)


@pytest.fixture(autouse=True)
def _on_a_fixed_day(today):
    """Every test here runs on TODAY."""


def act(service, **arguments):
    with changes.recording(actor=SCHOOL_USER, action=service.__name__, now=NOW):
        return service(now=NOW, **arguments)


def refused(service, check, **arguments):
    """The action's errors, which its check reports the same (and the check changes nothing)."""
    checked = check(now=NOW, **arguments)
    with pytest.raises(ValidationFailed) as failure:
        act(service, **arguments)
    assert checked == failure.value.errors
    return checked


def mentor_answers(school, **overrides):
    return {
        "school": school,
        "full_name": "Robin Ellis",
        "trn": str(next(_trns)),
        "date_of_birth": BORN_ON,
        "email": f"robin{next(_trns)}@school.example",
        **overrides,
    }


@pytest.fixture
def school():
    return factories.SchoolFactory()


@pytest.fixture
def teacher_elsewhere(lead_provider):
    """A mentor trained by the lead provider at another school, with a recorded date of birth."""
    participant, _ = trained_participant(lead_provider, participant_type=ParticipantType.MENTOR)
    participant.full_name, participant.date_of_birth = "Jordan Price", BORN_ON
    participant.save()
    return participant


# --- identity: a TRN names a teacher only with their date of birth ---------------------------------------------------


def test_SC6_a_mentor_trn_with_another_date_of_birth_is_refused_and_nothing_is_attached(school, teacher_elsewhere):
    answers = mentor_answers(school, trn=teacher_elsewhere.trn, date_of_birth=dt.date(1990, 1, 1))
    assert refused(school_actions.register_mentor, school_actions.check_register_mentor, **answers) == [
        ("date_of_birth", checks.DATE_OF_BIRTH_DOES_NOT_MATCH)
    ]
    assert not SchoolPeriod.objects.filter(participant=teacher_elsewhere, school=school).exists()


def test_SC6_a_mentor_trn_with_its_date_of_birth_is_that_teacher_and_keeps_their_name(school, teacher_elsewhere):
    answers = mentor_answers(school, trn=teacher_elsewhere.trn, full_name="Somebody Else")
    assert school_actions.check_register_mentor(now=NOW, **answers) == []
    school_period = act(school_actions.register_mentor, **answers)
    assert school_period.participant_id == teacher_elsewhere.pk
    assert Participant.objects.get(pk=teacher_elsewhere.pk).full_name == "Jordan Price"


def test_SC6_a_mentor_is_asked_for_their_date_of_birth(school):
    answers = mentor_answers(school, date_of_birth=None)
    assert refused(school_actions.register_mentor, school_actions.check_register_mentor, **answers) == [
        ("date_of_birth", checks.ENTER_DATE_OF_BIRTH)
    ]


@pytest.mark.parametrize(
    "born_on, started_on, message",
    [
        (
            dt.date(2008, 1, 16),
            TODAY,
            "Check their date of birth: they must be at least 18 years old on 15 January 2026",
        ),
        (
            dt.date(1925, 1, 14),
            TODAY,
            "Check their date of birth: they must be 100 years old or younger on 15 January 2026",
        ),
        (dt.date(2008, 3, 2), dt.date(2026, 3, 1), "they must be at least 18 years old on 1 March 2026"),
        (dt.date(2027, 1, 1), TODAY, checks.DATE_OF_BIRTH_IN_FUTURE),
    ],
)
def test_a_date_of_birth_makes_them_18_to_100_years_old_on_their_start_date(school, born_on, started_on, message):
    answers = mentor_answers(school, date_of_birth=born_on, started_on=started_on)
    [(attribute, text)] = refused(school_actions.register_mentor, school_actions.check_register_mentor, **answers)
    assert attribute == "date_of_birth" and message in text
    ect = {
        "school": school,
        "full_name": "Ada Lovelace",
        "trn": str(next(_trns)),
        "date_of_birth": born_on,
        "email": "ada@school.example",
        "started_on": started_on,
        "working_pattern": "full_time",
        "programme_type": "school_led",
    }
    assert school_actions.check_register_ect(now=NOW, **ect) == [("date_of_birth", text)]


@pytest.mark.parametrize("born_on", [dt.date(2008, 1, 15), dt.date(1926, 1, 15)])
def test_a_date_of_birth_of_exactly_18_or_100_years_before_the_start_is_accepted(school, born_on):
    assert school_actions.check_register_mentor(now=NOW, **mentor_answers(school, date_of_birth=born_on)) == []


# --- names: O9, one school's correction is what every provider sees ----------------------------------------------------


def test_SC7a_O9_a_school_cannot_rename_a_teacher_who_is_also_at_another_school(school, teacher_elsewhere):
    here = act(school_actions.register_mentor, **mentor_answers(school, trn=teacher_elsewhere.trn))
    assert refused(
        school_actions.update_name, school_actions.check_update_name, school_period=here, full_name="New Name"
    ) == [("full_name", KNOWN_ELSEWHERE)]
    assert Participant.objects.get(pk=teacher_elsewhere.pk).full_name == "Jordan Price"


def test_SC7a_O9_a_school_cannot_rename_a_teacher_who_was_at_another_school(school):
    earlier = factories.SchoolPeriodFactory(started_on=dt.date(2023, 9, 1), finished_on=dt.date(2025, 7, 31))
    here = factories.SchoolPeriodFactory(school=school, participant=earlier.participant, started_on=dt.date(2025, 9, 1))
    assert refused(
        school_actions.update_name, school_actions.check_update_name, school_period=here, full_name="New Name"
    ) == [("full_name", KNOWN_ELSEWHERE)]


def test_SC7a_a_teacher_only_at_this_school_can_be_renamed(school):
    here = factories.SchoolPeriodFactory(school=school)
    assert school_actions.check_update_name(school_period=here, full_name="Ada King", now=NOW) == []
    act(school_actions.update_name, school_period=here, full_name="Ada King")
    assert Participant.objects.get(pk=here.participant_id).full_name == "Ada King"


# --- people who have left ----------------------------------------------------------------------------------------------


@pytest.fixture
def left(school, lead_provider):
    """An ECT who left the school yesterday."""
    _, training = trained_participant(
        lead_provider, school=school, school_finished_on=dt.date(2026, 1, 14), finished_on=dt.date(2026, 1, 14)
    )
    return training.school_period


def test_nothing_about_someone_who_has_left_can_be_changed(left, lead_provider, other_lead_provider):
    mentor = factories.SchoolPeriodFactory(school=left.school, participant_type=ParticipantType.MENTOR)
    for service, check, arguments, attribute in [
        (school_actions.update_name, school_actions.check_update_name, {"full_name": "X Y"}, "full_name"),
        (school_actions.update_email, school_actions.check_update_email, {"email": "x@y.example"}, "email"),
        (
            school_actions.report_leaving,
            school_actions.check_report_leaving,
            {"leaving_on": dt.date(2026, 1, 10)},
            "leaving_on",
        ),
        (
            school_actions.change_lead_provider,
            school_actions.check_change_lead_provider,
            {"lead_provider": other_lead_provider},
            "lead_provider",
        ),
    ]:
        [(failed_on, _)] = refused(service, check, school_period=left, **arguments)
        assert failed_on == attribute, service.__name__
    [(failed_on, _)] = refused(
        school_actions.assign_mentor,
        school_actions.check_assign_mentor,
        ect_school_period=left,
        mentor_school_period=mentor,
    )
    assert failed_on == "mentor"
    [(failed_on, _)] = refused(
        school_actions.switch_programme,
        school_actions.check_switch_programme,
        ect_school_period=left,
        programme_type="school_led",
    )
    assert failed_on == "programme_type"


# --- leaving dates -----------------------------------------------------------------------------------------------------


@pytest.fixture
def ect(school, lead_provider):
    """An ECT the lead provider has trained at the school since 1 September 2025."""
    _, training = trained_participant(lead_provider, school=school)
    return training.school_period


def test_SC7_a_leaving_date_after_the_end_of_the_latest_cohort_is_refused(ect):
    last_day = checks.long_date(latest_leaving_date())
    assert refused(
        school_actions.report_leaving,
        school_actions.check_report_leaving,
        school_period=ect,
        leaving_on=dt.date(9999, 1, 1),
    ) == [("leaving_on", f"The leaving date must be on or before {last_day}")]


def reported(ect, leaving_on):
    act(school_actions.report_leaving, school_period=ect, leaving_on=leaving_on)
    return SchoolPeriod.objects.get(pk=ect.pk)


def test_SC7_a_later_leaving_date_carries_on_the_training_and_mentorship_it_ended(ect):
    mentor = factories.SchoolPeriodFactory(school=ect.school, participant_type=ParticipantType.MENTOR)
    factories.MentorshipFactory(ect_school_period=ect, mentor_school_period=mentor, started_on=dt.date(2025, 9, 1))
    ect = reported(ect, dt.date(2026, 3, 31))
    act(school_actions.change_leaving_date, school_period=ect, leaving_on=dt.date(2026, 7, 20))
    assert SchoolPeriod.objects.get(pk=ect.pk).finished_on == dt.date(2026, 7, 20)
    assert TrainingPeriod.objects.get(school_period=ect).finished_on == dt.date(2026, 7, 20)
    assert Mentorship.objects.get(ect_school_period=ect).finished_on == dt.date(2026, 7, 20)


def test_SC7_an_earlier_leaving_date_ends_everything_sooner(ect):
    ect = reported(ect, dt.date(2026, 3, 31))
    act(school_actions.change_leaving_date, school_period=ect, leaving_on=dt.date(2026, 2, 27))
    assert SchoolPeriod.objects.get(pk=ect.pk).finished_on == dt.date(2026, 2, 27)
    assert TrainingPeriod.objects.get(school_period=ect).finished_on == dt.date(2026, 2, 27)


def test_SC7_a_withdrawn_leaving_date_leaves_them_at_the_school_with_no_end(ect):
    ect = reported(ect, dt.date(2026, 3, 31))
    act(school_actions.withdraw_leaving_date, school_period=ect)
    assert SchoolPeriod.objects.get(pk=ect.pk).finished_on is None
    assert TrainingPeriod.objects.get(school_period=ect).finished_on is None


def test_SC7_a_leaving_date_that_has_passed_can_still_be_corrected(ect):
    ect = reported(ect, dt.date(2026, 1, 9))
    act(school_actions.change_leaving_date, school_period=ect, leaving_on=dt.date(2026, 2, 6))
    assert SchoolPeriod.objects.get(pk=ect.pk).finished_on == dt.date(2026, 2, 6)


def test_SC7_training_a_provider_withdrew_stays_ended_when_the_leaving_date_is_withdrawn(ect):
    ect = reported(ect, dt.date(2026, 1, 9))
    TrainingPeriod.objects.filter(school_period=ect).update(withdrawn_at=NOW, withdrawal_reason="other")
    act(school_actions.withdraw_leaving_date, school_period=ect)
    assert TrainingPeriod.objects.get(school_period=ect).finished_on == dt.date(2026, 1, 9)


def test_SC7_there_must_be_a_leaving_date_to_change_or_withdraw(ect):
    assert refused(
        school_actions.withdraw_leaving_date, school_actions.check_withdraw_leaving_date, school_period=ect
    ) == [("leaving_on", NOTHING_REPORTED)]
    assert refused(
        school_actions.change_leaving_date,
        school_actions.check_change_leaving_date,
        school_period=ect,
        leaving_on=dt.date(2026, 3, 1),
    ) == [("leaving_on", NOTHING_REPORTED)]


def test_SC1_a_leaving_date_another_school_set_by_registering_them_cannot_be_changed(ect, lead_provider):
    participant = ect.participant
    participant.date_of_birth = BORN_ON
    participant.save()
    act(
        school_actions.register_ect,
        school=factories.SchoolFactory(),
        full_name=participant.full_name,
        trn=participant.trn,
        date_of_birth=BORN_ON,
        email="moved@elsewhere.example",
        started_on=dt.date(2026, 2, 2),
        working_pattern="full_time",
        programme_type="school_led",
    )
    ect = SchoolPeriod.objects.get(pk=ect.pk)
    assert ect.finished_on == dt.date(2026, 2, 1)
    assert refused(
        school_actions.withdraw_leaving_date, school_actions.check_withdraw_leaving_date, school_period=ect
    ) == [("leaving_on", MOVED_ON)]


def test_SC7_the_changed_leaving_date_has_the_same_bounds(ect):
    ect = reported(ect, dt.date(2026, 3, 31))
    [(_, message)] = refused(
        school_actions.change_leaving_date,
        school_actions.check_change_leaving_date,
        school_period=ect,
        leaving_on=dt.date(9999, 1, 1),
    )
    assert message.startswith("The leaving date must be on or before")
    assert refused(
        school_actions.change_leaving_date,
        school_actions.check_change_leaving_date,
        school_period=ect,
        leaving_on=dt.date(2025, 8, 31),
    ) == [("leaving_on", "The leaving date must be on or after the start date")]


# --- cohort choice (P11) ------------------------------------------------------------------------------------------------


def test_P11_keeping_records_the_delivery_partner_the_school_was_shown(school, lead_provider):
    shown, other = factories.DeliveryPartnerFactory(name="Shown"), factories.DeliveryPartnerFactory(name="Other")
    for partner in (shown, other):
        LeadProviderDeliveryPartnership.objects.create(
            lead_provider=lead_provider, delivery_partner=partner, cohort_id=2025
        )
    # The provider's most recent earlier partnership is with another delivery partner.
    partnership(lead_provider, school=school, cohort=2023, delivery_partner=shown)
    partnership(lead_provider, school=school, cohort=2024, delivery_partner=other)
    SchoolCohortChoice.objects.create(
        school=school,
        cohort_id=2024,
        induction_programme_choice="provider_led",
        lead_provider=lead_provider,
        delivery_partner=shown,
    )
    choice = act(
        school_actions.confirm_cohort_choice,
        school=school,
        cohort=factories.cohort(2025),
        programme_type=None,
        keep_previous=True,
    )
    assert choice.delivery_partner == shown
    assert Partnership.objects.get(school=school, cohort_id=2025).delivery_partner == shown


def test_P11_a_delivery_partner_that_no_longer_works_with_the_provider_cannot_be_kept(school, lead_provider):
    gone = factories.DeliveryPartnerFactory(name="Gone Partners")
    SchoolCohortChoice.objects.create(
        school=school,
        cohort_id=2024,
        induction_programme_choice="provider_led",
        lead_provider=lead_provider,
        delivery_partner=gone,
    )
    [(attribute, message)] = refused(
        school_actions.confirm_cohort_choice,
        school_actions.check_confirm_cohort_choice,
        school=school,
        cohort=factories.cohort(2025),
        programme_type=None,
        keep_previous=True,
    )
    assert attribute == "keep_previous" and message.startswith("Gone Partners does not work with Ambition Institute")


def test_P11_the_delivery_partner_chosen_must_work_with_the_chosen_provider(school, lead_provider, other_lead_provider):
    theirs = factories.DeliveryPartnerFactory(name="Their Partner")
    LeadProviderDeliveryPartnership.objects.create(
        lead_provider=other_lead_provider, delivery_partner=theirs, cohort_id=2025
    )
    assert refused(
        school_actions.confirm_cohort_choice,
        school_actions.check_confirm_cohort_choice,
        school=school,
        cohort=factories.cohort(2025),
        programme_type="provider_led",
        lead_provider=lead_provider,
        delivery_partner=theirs,
    ) == [
        (
            "delivery_partner",
            "Their Partner does not work with Ambition Institute in the 2025 cohort. Select another delivery partner",
        )
    ]


def test_F12_someone_is_leaving_on_their_last_day_and_left_from_the_next(school):
    last_day_today = factories.SchoolPeriodFactory(school=school, finished_on=TODAY)
    last_day_yesterday = factories.SchoolPeriodFactory(school=school, finished_on=TODAY - dt.timedelta(days=1))
    assert school_actions.check_update_email(school_period=last_day_today, email="new@school.example", now=NOW) == []
    assert school_actions.check_update_email(school_period=last_day_yesterday, email="new@school.example", now=NOW) == [
        ("email", checks.HAS_LEFT)
    ]
