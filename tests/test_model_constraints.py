"""The database refuses impossible histories, whatever code path writes them; and the reference data is loaded.

Each refusal names the constraint it expects, so a test cannot pass because some other
constraint (or a factory mistake) happened to fail instead.
"""

import csv
import datetime as dt

import pytest
from django.db import DataError, IntegrityError, transaction

from participants.models import InductionOutcome, MentorFundingEndReason, Participant, ParticipantType, ProgrammeType
from schedules.models import Cohort, Milestone, Schedule
from schedules.reference import REFERENCE_CSV
from schools.models import Partnership
from tests import factories

SEPT_2025 = dt.date(2025, 9, 1)
UTC = dt.UTC


def refused(constraint, build):
    """`build` must fail on `constraint`; the savepoint keeps the test's transaction usable."""
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        build()


# --- school periods ------------------------------------------------------------------------------


def test_overlapping_ect_school_periods_are_refused():
    first = factories.SchoolPeriodFactory(started_on=SEPT_2025, finished_on=dt.date(2026, 3, 31))
    refused(
        "ect_school_periods_do_not_overlap",
        lambda: factories.SchoolPeriodFactory(participant=first.participant, started_on=dt.date(2026, 1, 5)),
    )


def test_ect_school_periods_sharing_a_day_overlap_because_end_dates_are_inclusive():
    first = factories.SchoolPeriodFactory(started_on=SEPT_2025, finished_on=dt.date(2025, 12, 31))
    refused(
        "ect_school_periods_do_not_overlap",
        lambda: factories.SchoolPeriodFactory(participant=first.participant, started_on=dt.date(2025, 12, 31)),
    )


def test_consecutive_ect_school_periods_are_accepted():
    first = factories.SchoolPeriodFactory(started_on=SEPT_2025, finished_on=dt.date(2025, 12, 31))
    factories.SchoolPeriodFactory(participant=first.participant, started_on=dt.date(2026, 1, 1))
    assert first.participant.school_periods.count() == 2


def test_open_ect_school_period_overlaps_any_later_one():
    first = factories.SchoolPeriodFactory(started_on=SEPT_2025)
    refused(
        "ect_school_periods_do_not_overlap",
        lambda: factories.SchoolPeriodFactory(participant=first.participant, started_on=dt.date(2030, 1, 1)),
    )


def test_overlapping_mentor_periods_at_one_school_are_refused():
    first = factories.SchoolPeriodFactory(participant_type=ParticipantType.MENTOR, started_on=SEPT_2025)
    refused(
        "mentor_school_periods_do_not_overlap_at_a_school",
        lambda: factories.SchoolPeriodFactory(
            participant=first.participant,
            school=first.school,
            participant_type=ParticipantType.MENTOR,
            started_on=dt.date(2026, 1, 1),
        ),
    )


def test_a_mentor_may_mentor_at_two_schools_at_once():
    first = factories.SchoolPeriodFactory(participant_type=ParticipantType.MENTOR, started_on=SEPT_2025)
    factories.SchoolPeriodFactory(
        participant=first.participant, participant_type=ParticipantType.MENTOR, started_on=dt.date(2026, 1, 1)
    )
    assert first.participant.school_periods.count() == 2


def test_an_ect_period_and_a_mentor_period_of_one_person_may_overlap():
    # Each exclusion constraint only looks at its own participant type.
    ect = factories.SchoolPeriodFactory(started_on=SEPT_2025)
    factories.SchoolPeriodFactory(
        participant=ect.participant, school=ect.school, participant_type=ParticipantType.MENTOR, started_on=SEPT_2025
    )
    assert ect.participant.school_periods.count() == 2


def test_a_working_pattern_is_only_for_ects():
    refused(
        "working_pattern_only_for_ects",
        lambda: factories.SchoolPeriodFactory(participant_type=ParticipantType.MENTOR, working_pattern="full_time"),
    )


# --- every period ends on or after its start --------------------------------------------------

BACKWARDS = {"started_on": dt.date(2025, 9, 2), "finished_on": dt.date(2025, 9, 1)}


@pytest.mark.parametrize(
    "factory, table",
    [
        (factories.SchoolPeriodFactory, "schoolperiod"),
        (factories.TrainingPeriodFactory, "trainingperiod"),
        (factories.MentorshipFactory, "mentorship"),
        (factories.InductionPeriodFactory, "inductionperiod"),
    ],
)
def test_a_period_cannot_end_before_it_starts(factory, table):
    refused(f"participants_{table}_ends_after_start", lambda: factory(**BACKWARDS))


@pytest.mark.parametrize(
    "factory",
    [
        factories.SchoolPeriodFactory,
        factories.TrainingPeriodFactory,
        factories.MentorshipFactory,
        factories.InductionPeriodFactory,
    ],
)
def test_a_one_day_period_is_allowed(factory):
    period = factory(started_on=SEPT_2025, finished_on=SEPT_2025)
    assert period.pk is not None


# --- training periods --------------------------------------------------------------------------


def test_overlapping_training_periods_in_one_school_period_are_refused():
    training = factories.TrainingPeriodFactory(finished_on=dt.date(2026, 1, 31))
    refused(
        "training_periods_do_not_overlap",
        lambda: factories.TrainingPeriodFactory(
            school_period=training.school_period, partnership=training.partnership, started_on=dt.date(2026, 1, 31)
        ),
    )


def test_consecutive_training_periods_in_one_school_period_are_accepted():
    training = factories.TrainingPeriodFactory(finished_on=dt.date(2026, 1, 31))
    factories.TrainingPeriodFactory(
        school_period=training.school_period, partnership=training.partnership, started_on=dt.date(2026, 2, 1)
    )
    assert training.school_period.training_periods.count() == 2


MOMENT = dt.datetime(2026, 1, 10, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "fields, constraint",
    [
        ({"withdrawal_reason": "moved_school"}, "withdrawal_has_date_and_reason"),
        ({"withdrawn_at": MOMENT}, "withdrawal_has_date_and_reason"),
        ({"deferral_reason": "parental_leave"}, "deferral_has_date_and_reason"),
        ({"deferred_at": MOMENT}, "deferral_has_date_and_reason"),
    ],
)
def test_withdrawal_and_deferral_need_both_a_moment_and_a_reason(fields, constraint):
    refused(constraint, lambda: factories.TrainingPeriodFactory(**fields))


def test_withdrawal_and_deferral_with_moment_and_reason_are_accepted():
    training = factories.TrainingPeriodFactory(
        withdrawn_at=MOMENT, withdrawal_reason="moved_school", deferred_at=MOMENT, deferral_reason="other"
    )
    assert training.pk is not None


def test_school_led_training_with_a_lead_provider_is_refused():
    refused(
        "programme_type_matches_provider",
        lambda: factories.TrainingPeriodFactory(
            programme_type=ProgrammeType.SCHOOL_LED,
            partnership=None,
            schedule=None,
            lead_provider=factories.LeadProviderFactory(),
        ),
    )


def test_school_led_training_with_a_partnership_is_refused():
    def build():
        partnership = factories.PartnershipFactory()
        factories.TrainingPeriodFactory(
            programme_type=ProgrammeType.SCHOOL_LED, partnership=partnership, lead_provider=None, schedule=None
        )

    refused("programme_type_matches_provider", build)


def test_school_led_training_without_provider_is_accepted():
    training = factories.TrainingPeriodFactory(
        programme_type=ProgrammeType.SCHOOL_LED, partnership=None, lead_provider=None, schedule=None
    )
    assert training.pk is not None


def test_provider_led_training_without_a_schedule_is_refused():
    refused("programme_type_matches_provider", lambda: factories.TrainingPeriodFactory(schedule=None))


def test_provider_led_training_without_a_lead_provider_is_refused():
    refused(
        "programme_type_matches_provider",
        lambda: factories.TrainingPeriodFactory(partnership=None, lead_provider=None),
    )


def test_provider_led_training_with_only_an_expression_of_interest_is_accepted():
    training = factories.TrainingPeriodFactory(partnership=None, lead_provider=factories.LeadProviderFactory())
    assert training.partnership is None


# --- mentorships, induction, participants -----------------------------------------------------


def test_an_ect_period_has_one_mentor_at_a_time():
    mentorship = factories.MentorshipFactory(started_on=SEPT_2025)
    refused(
        "one_mentor_at_a_time",
        lambda: factories.MentorshipFactory(
            ect_school_period=mentorship.ect_school_period, started_on=dt.date(2026, 1, 1)
        ),
    )


def test_consecutive_mentorships_for_an_ect_period_are_accepted():
    mentorship = factories.MentorshipFactory(started_on=SEPT_2025, finished_on=dt.date(2025, 12, 31))
    factories.MentorshipFactory(ect_school_period=mentorship.ect_school_period, started_on=dt.date(2026, 1, 1))
    assert mentorship.ect_school_period.mentorships.count() == 2


def test_an_induction_outcome_needs_an_end_date():
    refused(
        "induction_outcome_needs_end_date",
        lambda: factories.InductionPeriodFactory(outcome=InductionOutcome.PASS, finished_on=None),
    )


def test_overlapping_induction_periods_are_refused():
    first = factories.InductionPeriodFactory(started_on=SEPT_2025)
    refused(
        "induction_periods_do_not_overlap",
        lambda: factories.InductionPeriodFactory(participant=first.participant, started_on=dt.date(2026, 1, 1)),
    )


@pytest.mark.parametrize("trn", ["123456", "12345a7", "1234.67", " 123456", ""])
def test_F3_a_trn_must_be_seven_digits(trn):
    refused("trn_is_seven_digits", lambda: factories.ParticipantFactory(trn=trn))


def test_F3_a_trn_longer_than_seven_characters_does_not_fit_the_column():
    with pytest.raises(DataError), transaction.atomic():
        factories.ParticipantFactory(trn="12345678")


@pytest.mark.parametrize("trn", ["0123456", None])
def test_F3_a_seven_digit_trn_or_none_is_accepted(trn):
    assert factories.ParticipantFactory(trn=trn).pk is not None


def test_a_trn_belongs_to_one_participant():
    factories.ParticipantFactory(trn="7654321")
    refused("participants_participant_trn_key", lambda: factories.ParticipantFactory(trn="7654321"))


def test_F16_a_mentor_funding_end_reason_needs_a_date():
    refused(
        "mentor_funding_end_reason_needs_date",
        lambda: factories.ParticipantFactory(
            mentor_funding_end_reason=MentorFundingEndReason.STARTED_NOT_COMPLETED, mentor_funding_end_date=None
        ),
    )


def test_F16_a_mentor_funding_end_date_without_a_reason_is_accepted():
    participant = factories.ParticipantFactory(mentor_funding_end_date=dt.date(2025, 7, 31))
    assert Participant.objects.get(pk=participant.pk).mentor_funding_end_reason is None


# --- partnerships and schedules -----------------------------------------------------------------


def test_P1_one_partnership_per_school_provider_and_cohort():
    partnership = factories.PartnershipFactory()
    refused(
        "one_partnership_per_school_provider_cohort",
        lambda: factories.PartnershipFactory(
            school=partnership.school, lead_provider=partnership.lead_provider, cohort_id=partnership.cohort_id
        ),
    )


def test_P1_the_same_school_and_provider_may_partner_in_another_cohort():
    partnership = factories.PartnershipFactory()
    factories.PartnershipFactory(school=partnership.school, lead_provider=partnership.lead_provider, cohort_id=2026)
    assert Partnership.objects.filter(school=partnership.school).count() == 2


def test_a_schedule_identifier_is_unique_within_a_cohort():
    refused(
        "schedule_identifier_unique_in_cohort",
        lambda: Schedule.objects.create(cohort_id=2025, identifier="ecf-standard-september"),
    )


# --- reference data (schedules/data/schedules_and_milestones.csv) ---------------------------------


def test_six_cohorts_from_2021_to_2026_each_running_june_to_may():
    cohorts = list(Cohort.objects.values_list("year", "started_on", "finished_on"))
    assert cohorts == [(year, dt.date(year, 6, 1), dt.date(year + 1, 5, 31)) for year in range(2021, 2027)]


def test_only_2021_and_2022_have_payments_frozen():
    assert list(Cohort.objects.filter(payments_frozen_at__isnull=False).values_list("year", flat=True)) == [2021, 2022]


def test_seventy_two_schedules_twelve_per_cohort():
    assert Schedule.objects.count() == 72
    for year in range(2021, 2027):
        identifiers = set(Schedule.objects.filter(cohort_id=year).values_list("identifier", flat=True))
        assert identifiers == {
            f"ecf-{kind}-{month}"
            for kind in ("standard", "extended", "reduced", "replacement")
            for month in ("september", "january", "april")
        }


def test_four_hundred_and_eighty_six_milestones():
    assert Milestone.objects.count() == 486


def test_every_milestone_matches_the_reference_csv():
    with REFERENCE_CSV.open(newline="") as handle:
        expected = {
            (int(row["cohort"]), row["schedule_identifier"], row["declaration_type"]): (
                dt.date.fromisoformat(row["milestone_start_date"]),
                dt.date.fromisoformat(row["milestone_deadline"]) if row["milestone_deadline"] else None,
            )
            for row in csv.DictReader(handle)
        }
    loaded = {
        (cohort, identifier, declaration_type): (start_date, deadline)
        for cohort, identifier, declaration_type, start_date, deadline in Milestone.objects.values_list(
            "schedule__cohort_id", "schedule__identifier", "declaration_type", "start_date", "deadline"
        )
    }
    assert len(expected) == 486
    assert loaded == expected


@pytest.mark.parametrize(
    "cohort, identifier, declaration_type, start_date, deadline",
    [
        (2021, "ecf-standard-september", "started", dt.date(2021, 9, 1), dt.date(2021, 11, 30)),
        (2021, "ecf-standard-january", "completed", dt.date(2023, 5, 1), dt.date(2023, 9, 30)),
        (2022, "ecf-standard-april", "completed", dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
        (2021, "ecf-extended-april", "extended-3", dt.date(2022, 4, 1), None),
        (2025, "ecf-standard-september", "started", dt.date(2025, 6, 1), None),
    ],
)
def test_reference_milestone_spot_checks(cohort, identifier, declaration_type, start_date, deadline):
    milestone = Milestone.objects.get(
        schedule__cohort_id=cohort, schedule__identifier=identifier, declaration_type=declaration_type
    )
    assert (milestone.start_date, milestone.deadline) == (start_date, deadline)


def test_extended_schedules_have_nine_milestones_and_the_others_six():
    for schedule in Schedule.objects.all():
        expected = 9 if schedule.kind == "extended" else 6
        assert schedule.milestones.count() == expected, schedule
