"""One function per state a person can be in, each building one person at their (first) school."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from demo.generator.records import cohort_for
from participants.models import (
    DeferralReason,
    InductionOutcome,
    MentorFundingEndReason,
    ParticipantType,
    WithdrawalReason,
    WorkingPattern,
)
from schools.models import School

if TYPE_CHECKING:
    from demo.generator.builder import Builder


def _ect(builder: Builder, school: School, started_on: dt.date, finished_on: dt.date | None = None):
    person = builder.person(registered_on=builder.registered_before(started_on))
    return person, builder.school_period(person, school, ParticipantType.ECT, started_on, finished_on)


def _mentor(builder: Builder, school: School, started_on: dt.date, finished_on: dt.date | None = None):
    registered_on = builder.registered_before(started_on)
    person = builder.person(registered_on=registered_on)
    # O10: a mentor with provider-led training is eligible for funding from registration.
    person.participant.mentor_eligible_on = registered_on
    return person, builder.school_period(person, school, ParticipantType.MENTOR, started_on, finished_on)


def _inducted(builder, person, school, started_on, finished_on=None):
    builder.induction(person, started_on, finished_on, school=school)
    person.participant.ect_eligible_on = started_on


def ect_active(b: Builder, school):
    start = b.start_between(b.ago(700), b.ago(7))
    person, period = _ect(b, school, start)
    b.training(period, start)
    _inducted(b, person, school, start)
    return person, start


def ect_awaiting_induction(b: Builder, school):
    """Started recently; the appropriate body has not recorded an induction period yet."""
    start = b.start_between(b.ago(45), b.ago(1))
    _, period = _ect(b, school, start)
    b.training(period, start)


def ect_joining(b: Builder, school):
    start = b.start_between(b.ahead(1), b.ahead(75))
    _, period = _ect(b, school, start)
    b.training(period, start)


def ect_leaving(b: Builder, school):
    start = b.start_between(b.ago(600), b.ago(40))
    leaves = b.day_between(b.ahead(1), b.ahead(60))
    person, period = _ect(b, school, start, leaves)
    b.training(period, start, leaves)
    _inducted(b, person, school, start)


def ect_left(b: Builder, school):
    start = b.start_between(b.ago(900), b.ago(120))
    left = b.day_between(start + dt.timedelta(days=30), b.yesterday)
    person, period = _ect(b, school, start, left)
    b.training(period, start, left)
    _inducted(b, person, school, start, left)


def ect_deferred(b: Builder, school):
    start = b.start_between(b.ago(600), b.ago(60))
    deferred = b.day_between(start + dt.timedelta(days=14), b.yesterday)
    person, period = _ect(b, school, start)
    reason = b.rng.choice(DeferralReason.values)
    # A provider's deferral ends the training period on the day (A rules), so the participant shows `left`.
    b.training(period, start, deferred, deferred_on=deferred, reason=reason)
    _inducted(b, person, school, start)


def ect_withdrawn(b: Builder, school):
    start = b.start_between(b.ago(600), b.ago(60))
    withdrawn = b.day_between(start + dt.timedelta(days=14), b.yesterday)
    reason = b.rng.choice(
        [WithdrawalReason.LEFT_TEACHING_PROFESSION, WithdrawalReason.MOVED_SCHOOL, WithdrawalReason.OTHER]
    )
    left_school = withdrawn if reason == WithdrawalReason.LEFT_TEACHING_PROFESSION else None
    person, period = _ect(b, school, start, left_school)
    b.training(period, start, withdrawn, withdrawn_on=withdrawn, reason=reason)
    _inducted(b, person, school, start, left_school)


def _completed_induction(b: Builder, school, outcome):
    start = b.start_between(b.ago(1100), b.ago(420))
    ends = min(start + dt.timedelta(days=700 + b.rng.randint(0, 60)), b.ago(b.rng.randint(1, 20)))
    person, period = _ect(b, school, start)
    b.induction(person, start, ends, outcome, school=school)
    person.participant.ect_eligible_on = start
    if outcome == InductionOutcome.PASS and b.rng.random() < 0.3:
        b.training(period, start)  # F12 rule 2: still `active` with the training period left open
    else:
        b.training(period, start, ends)
        if outcome == InductionOutcome.FAIL or b.rng.random() < 0.4:
            period.finished_on = b.day_between(ends, b.yesterday)
            person.days.append(period.finished_on)
    return person, period, ends


def ect_induction_passed(b: Builder, school):
    _completed_induction(b, school, InductionOutcome.PASS)


def ect_induction_failed(b: Builder, school):
    _completed_induction(b, school, InductionOutcome.FAIL)


def ect_moved_school(b: Builder, school):
    """Two school periods; the new school's provider takes over (sometimes the same provider)."""
    start = b.start_between(b.ago(700), b.ago(120))
    moves = b.day_between(start + dt.timedelta(days=60), b.ahead(45))
    left_first = moves - dt.timedelta(days=1)
    cohort = cohort_for(start)
    person, first = _ect(b, school, start, left_first)
    first_training = b.training(first, start, left_first)
    if left_first < b.today and b.rng.random() < 0.3:
        first_training.withdrawn_at = b.moment(left_first)
        first_training.withdrawal_reason = WithdrawalReason.MOVED_SCHOOL
    b.induction(person, start, left_first, school=school)
    person.participant.ect_eligible_on = start
    new_school = b.another_school(school)
    second = b.school_period(person, new_school, ParticipantType.ECT, moves)
    old_provider = first_training.lead_provider
    keeps_provider = b.rng.random() < 0.5 and b.usable(new_school, cohort, old_provider)
    partnership = b.partnership(new_school, cohort, old_provider if keeps_provider else None)
    # DS8: a transfer keeps the cohort and the schedule.
    b.training(second, moves, partnership=partnership, schedule=first_training.schedule)
    if moves < b.today:
        b.induction(person, moves, school=new_school)


def ect_changed_provider(b: Builder, school):
    start = b.start_between(b.ago(700), b.ago(90))
    changes = b.day_between(start + dt.timedelta(days=30), b.yesterday)
    cohort = cohort_for(start)
    person, period = _ect(b, school, start)
    first = b.training(period, start, changes - dt.timedelta(days=1))
    new_provider = b.other_lead_provider(school, cohort, exclude=first.lead_provider)
    b.training(period, changes, partnership=b.partnership(school, cohort, new_provider), schedule=first.schedule)
    _inducted(b, person, school, start)


def ect_expression_of_interest(b: Builder, school):
    """The school named a provider that has not confirmed a partnership: invisible to it (V1)."""
    start = b.start_between(b.ago(60), b.ahead(60))
    cohort = cohort_for(start)
    preferred = b.preferred_lead_provider(school, cohort)
    options = [
        lp for lp in b.lead_providers if lp is not preferred and (school.pk, lp.pk, cohort) not in b.partnerships
    ]
    person, period = _ect(b, school, start)
    if options:
        named = b.rng.choice(options)
        b.expressions_of_interest.add((school.pk, named.pk, cohort))
        b.training(period, start, lead_provider=named, schedule=b.schedule(cohort, "standard", start))
    else:
        b.training(period, start, school_led=True)
    if start < b.today:
        _inducted(b, person, school, start)


def ect_school_led(b: Builder, school):
    start = b.start_between(b.ago(700), b.ago(7))
    person, period = _ect(b, school, start)
    b.training(period, start, school_led=True)
    _inducted(b, person, school, start)


def ect_extended_after_frozen_cohort(b: Builder, school):
    """SC2/DS5: an ECT from a closed cohort carries on in 2024 on the extended schedule."""
    feasible = [
        (year, frozen_on)
        for year, frozen_on in sorted(b.frozen_cohorts.items())
        if frozen_on + dt.timedelta(days=15) < b.today and (2024, "ecf-extended-september") in b.schedules
    ]
    if not feasible:
        return ect_active(b, school)
    year, frozen_on = b.rng.choice(feasible)
    start = b.start_between(dt.date(year, 9, 1), dt.date(year + 1, 4, 30))
    moves = b.day_between(frozen_on + dt.timedelta(days=14), min(frozen_on + dt.timedelta(days=120), b.yesterday))
    person, period = _ect(b, school, start)
    period.working_pattern = WorkingPattern.PART_TIME
    first = b.training(period, start, moves - dt.timedelta(days=1), partnership=b.partnership(school, year))
    provider = first.lead_provider if b.usable(school, 2024, first.lead_provider) else None
    b.training(
        period,
        moves,
        partnership=b.partnership(school, 2024, provider),
        schedule=b.schedules[(2024, "ecf-extended-september")],
    )
    person.participant.ect_payments_frozen_year = year
    _inducted(b, person, school, start)


def ect_merged(b: Builder, school):
    person, start = ect_active(b, school)
    b.merge_duplicates(person, since=start)


def ect_then_mentor(b: Builder, school):
    """Finished induction, then became a mentor at the same school: two enrolments with one provider (V6)."""
    start = b.start_between(b.ago(1200), b.ago(500))
    passed = min(start + dt.timedelta(days=700 + b.rng.randint(0, 60)), b.ago(30))
    person, ect_period = _ect(b, school, start, passed)
    b.training(ect_period, start, passed)
    b.induction(person, start, passed, InductionOutcome.PASS, school=school)
    person.participant.ect_eligible_on = start
    mentoring_from = b.day_between(passed + dt.timedelta(days=1), b.yesterday)
    mentor_period = b.school_period(person, school, ParticipantType.MENTOR, mentoring_from)
    b.training(mentor_period, mentoring_from)
    person.participant.mentor_eligible_on = mentoring_from


def mentor_active(b: Builder, school):
    start = b.start_between(b.ago(900), b.ago(7))
    _, period = _mentor(b, school, start)
    b.training(period, start)


def mentor_joining(b: Builder, school):
    start = b.start_between(b.ahead(1), b.ahead(60))
    _, period = _mentor(b, school, start)
    b.training(period, start)


def mentor_leaving(b: Builder, school):
    start = b.start_between(b.ago(700), b.ago(30))
    leaves = b.day_between(b.ahead(1), b.ahead(60))
    _, period = _mentor(b, school, start, leaves)
    b.training(period, start, leaves)


def mentor_left(b: Builder, school):
    start = b.start_between(b.ago(900), b.ago(120))
    left = b.day_between(start + dt.timedelta(days=30), b.yesterday)
    _, period = _mentor(b, school, start, left)
    b.training(period, start, left)


def mentor_deferred(b: Builder, school):
    start = b.start_between(b.ago(600), b.ago(60))
    deferred = b.day_between(start + dt.timedelta(days=14), b.yesterday)
    _, period = _mentor(b, school, start)
    b.training(period, start, deferred, deferred_on=deferred, reason=b.rng.choice(DeferralReason.values))


def mentor_withdrawn(b: Builder, school):
    start = b.start_between(b.ago(600), b.ago(60))
    withdrawn = b.day_between(start + dt.timedelta(days=14), b.yesterday)
    stops_mentoring = b.rng.random() < 0.7
    reason = WithdrawalReason.MENTOR_NO_LONGER_BEING_MENTOR if stops_mentoring else WithdrawalReason.OTHER
    _, period = _mentor(b, school, start, withdrawn if stops_mentoring else None)
    b.training(period, start, withdrawn, withdrawn_on=withdrawn, reason=reason)


def mentor_funding_ended(b: Builder, school):
    """F16: funding ended (mostly on a completed declaration); F12 rule 2 keeps them `active`."""
    start = b.start_between(b.ago(1000), b.ago(300))
    ended = min(start + dt.timedelta(days=b.rng.randint(300, 700)), b.yesterday)
    person, period = _mentor(b, school, start)
    participant = person.participant
    participant.mentor_funding_end_date = ended
    participant.mentor_funding_end_reason = b.rng.choices(
        [
            MentorFundingEndReason.COMPLETED_DECLARATION_RECEIVED,
            MentorFundingEndReason.STARTED_NOT_COMPLETED,
            MentorFundingEndReason.COMPLETED_DURING_EARLY_ROLL_OUT,
        ],
        [8, 1, 1],
    )[0]
    person.days.append(ended)
    b.training(period, start, ended if b.rng.random() < 0.6 else None)


def mentor_replacement(b: Builder, school):
    """DS6: a mentor taking over from another, on a replacement schedule."""
    start = b.start_between(b.ago(400), b.ago(7))
    _, period = _mentor(b, school, start)
    b.training(period, start, kind="replacement")


# name -> (builder, weight in the random part of the set)
SCENARIOS: dict[str, tuple[Callable[[Builder, School], object], float]] = {
    "ect_active": (ect_active, 30),
    "ect_awaiting_induction": (ect_awaiting_induction, 4),
    "ect_joining": (ect_joining, 5),
    "ect_leaving": (ect_leaving, 3),
    "ect_left": (ect_left, 4),
    "ect_deferred": (ect_deferred, 2),
    "ect_withdrawn": (ect_withdrawn, 3),
    "ect_induction_passed": (ect_induction_passed, 6),
    "ect_induction_failed": (ect_induction_failed, 0.5),
    "ect_moved_school": (ect_moved_school, 3),
    "ect_changed_provider": (ect_changed_provider, 2),
    "ect_expression_of_interest": (ect_expression_of_interest, 2),
    "ect_school_led": (ect_school_led, 3),
    "ect_extended_after_frozen_cohort": (ect_extended_after_frozen_cohort, 1),
    "ect_merged": (ect_merged, 1),
    "ect_then_mentor": (ect_then_mentor, 1),
    "mentor_active": (mentor_active, 14),
    "mentor_joining": (mentor_joining, 2),
    "mentor_leaving": (mentor_leaving, 1),
    "mentor_left": (mentor_left, 2),
    "mentor_deferred": (mentor_deferred, 1),
    "mentor_withdrawn": (mentor_withdrawn, 2),
    "mentor_funding_ended": (mentor_funding_ended, 4),
    "mentor_replacement": (mentor_replacement, 2),
}
