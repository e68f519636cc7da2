"""The scenario catalogue (`manage.py demo_scenarios`): where, in the demo data, each case a lead provider must
handle can be seen, by each provider that can see it.

Every entry is found in the database as it is now (not remembered from seeding), so the catalogue stays true as
days pass and people act on the demo data: a case someone has changed, or a date that has gone by, drops out.
It looks only at the schools `seed_demo` built the sandbox cases at (`demo.generator.cases`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q

from config import clock
from declarations import funding
from declarations.models import ClawbackStatus, Declaration, PaymentStatus
from demo.generator.records import case_school_ids
from participants.models import (
    InductionPeriod,
    MentorFundingEndReason,
    Mentorship,
    ParticipantStatus,
    ParticipantType,
    ProgrammeType,
    ProviderEnrolment,
    SchoolPeriod,
    TrainingPeriod,
)
from schools.models import LeadProvider, Partnership, School, SchoolFundingEligibility


@dataclass(frozen=True)
class Case:
    key: str
    title: str
    rules: str


@dataclass(frozen=True)
class Entry:
    case: Case
    lead_provider: LeadProvider
    shows: str  # what the provider sees, in words, with the request that shows it
    participant_id: str | None = None
    school_urn: str | None = None
    school_id: str | None = None
    declaration_id: str | None = None
    cohort: int | None = None
    # What a test checks through the API, beyond the ids above.
    expected: dict = field(default_factory=dict)


EXPRESSION_OF_INTEREST = Case(
    "expression_of_interest", "A school named the provider for a cohort; no partnership yet", "P1, P9, V1, V5"
)
UPLIFT = Case("uplift", "Pupil premium and sparsity uplifts in a cohort with uplift fees", "F18, D27, D32")
DECLARATION_STATES = {
    state: Case(f"declaration_{state.replace('-', '_')}", f"A declaration that is {state}", rules)
    for state, rules in (
        ("submitted", "D28, D30, D31: becomes eligible when the participant does (F14)"),
        ("eligible", "D28, D30"),
        ("payable", "D30, D31, O11"),
        ("paid", "D30, D31, O11"),
        ("voided", "D30, D37"),
        ("awaiting-clawback", "D30, D36"),
        ("clawed-back", "D30, D31"),
    )
}
INELIGIBLE_SCHOOL = Case("ineligible_school", "A school not eligible for funded training", "P1")
SCHOOL_LED_ALONGSIDE = Case(
    "school_led_alongside_provider_led", "School-led training alongside provider-led at one school", "V1, V3"
)
EXEMPT = Case("exempt_from_induction", "An ECT exempt from induction", "F13, O9")
FINISHED_INDUCTION = Case(
    "finished_induction", "An ECT whose induction has finished: change of schedule is refused", "F12, F15, O6, S15"
)
MENTOR_COMPLETED = Case(
    "mentor_funding_ended", "A mentor whose funding ended with a completed declaration", "D40, D41, F16"
)
MENTOR_AT_TWO_SCHOOLS = Case("mentor_at_two_schools", "A mentor mentoring at two schools", "F4, SC6")
CHANGES_BY_DATE = Case(
    "status_changes_by_date", "Participant status changing by the calendar in the coming days", "F12, O1"
)

CASES = (
    EXPRESSION_OF_INTEREST,
    UPLIFT,
    *DECLARATION_STATES.values(),
    INELIGIBLE_SCHOOL,
    SCHOOL_LED_ALONGSIDE,
    EXEMPT,
    FINISHED_INDUCTION,
    MENTOR_COMPLETED,
    MENTOR_AT_TWO_SCHOOLS,
    CHANGES_BY_DATE,
)


def entries(*, today: dt.date) -> list[Entry]:
    """The catalogue, case by case in the order of CASES, provider by provider in name order."""
    schools = case_school_ids()
    providers = list(LeadProvider.objects.order_by("name"))
    found: list[Entry] = []
    for finder in FINDERS:
        for lead_provider in providers:
            found.extend(finder(lead_provider, schools, today))
    order = {case.key: index for index, case in enumerate(CASES)}
    return sorted(found, key=lambda e: order[e.case.key])


# --- finders: one per case, each yielding the provider's entries ----------------------------------------------------


def _enrolments(lead_provider, schools, participant_type):
    return (
        ProviderEnrolment.objects.filter(
            lead_provider=lead_provider,
            participant_type=participant_type,
            training_period__school_period__school_id__in=schools,
        )
        .select_related("participant", "training_period__partnership__school")
        .order_by("participant__created_at", "participant__api_id")
    )


def _expressions_of_interest(lead_provider, schools, today) -> Iterator[Entry]:
    partnered = Partnership.objects.filter(
        school=OuterRef("school_period__school"), lead_provider=lead_provider, cohort=OuterRef("schedule__cohort")
    )
    waiting = (
        TrainingPeriod.objects.filter(
            lead_provider=lead_provider, partnership__isnull=True, school_period__school_id__in=schools
        )
        .exclude(Exists(partnered))
        .select_related("school_period__participant", "school_period__school")
        .order_by("started_on", "id")
        .first()
    )
    if waiting is None:
        return
    school, cohort = waiting.school_period.school, waiting.schedule.cohort_id
    yield Entry(
        EXPRESSION_OF_INTEREST,
        lead_provider,
        f"GET /api/v3/schools/{school.api_id}?filter[cohort]={cohort} shows expression_of_interest true. Its ECT "
        f"{waiting.school_period.participant.api_id} answers 404 until you POST /api/v3/partnerships for the "
        "school and cohort; then it appears (P9).",
        participant_id=str(waiting.school_period.participant.api_id),
        school_urn=school.urn,
        school_id=str(school.api_id),
        cohort=cohort,
    )


def _uplifts(lead_provider, schools, today) -> Iterator[Entry]:
    both = SchoolFundingEligibility.objects.filter(
        school=OuterRef("training_period__partnership__school"),
        cohort=OuterRef("training_period__partnership__cohort"),
        pupil_premium_uplift=True,
        sparsity_uplift=True,
    )
    enrolment = (
        _enrolments(lead_provider, schools, ParticipantType.ECT)
        .filter(training_period__partnership__cohort__uplift_fees=True)
        .filter(Exists(both))
        .first()
    )
    if enrolment is None:
        return
    cohort = enrolment.training_period.partnership.cohort_id
    paid = Declaration.objects.filter(
        training_period__school_period__participant=enrolment.participant,
        lead_provider=lead_provider,
        payment_status=PaymentStatus.PAID,
        pupil_premium_uplift=True,
    ).exists()
    yield Entry(
        UPLIFT,
        lead_provider,
        f"pupil_premium_uplift and sparsity_uplift true on its {cohort} enrolment"
        + ("; its paid started declaration shows uplift_paid true." if paid else "."),
        participant_id=str(enrolment.participant.api_id),
        school_urn=enrolment.training_period.partnership.school.urn,
        cohort=cohort,
        expected={"uplift_paid": paid},
    )


def _state_filter(state: str) -> Q:
    if state in ("awaiting-clawback", "clawed-back"):
        return Q(clawback_status=state.replace("-", "_"))
    payment_status = PaymentStatus.NO_PAYMENT if state == "submitted" else state
    return Q(payment_status=payment_status, clawback_status=ClawbackStatus.NO_CLAWBACK)


def _declarations(lead_provider, schools, today) -> Iterator[Entry]:
    for state, case in DECLARATION_STATES.items():
        declaration = (
            Declaration.objects.filter(
                _state_filter(state),
                lead_provider=lead_provider,
                training_period__school_period__school_id__in=schools,
            )
            .select_related("training_period__school_period__participant")
            .order_by("created_at", "api_id")
            .first()
        )
        if declaration is None:
            continue
        participant = declaration.training_period.school_period.participant
        shows = f"GET /api/v3/participant-declarations/{declaration.api_id} shows state {state}."
        if state == "submitted":
            shows += (
                " Record an induction period covering today for the participant in the admin and it becomes "
                "eligible (D31)."
            )
        yield Entry(
            case,
            lead_provider,
            shows,
            participant_id=str(participant.api_id),
            declaration_id=str(declaration.api_id),
            expected={"state": state},
        )


def _ineligible_schools(lead_provider, schools, today) -> Iterator[Entry]:
    for school in School.objects.filter(pk__in=schools, eligible_for_training=False).order_by("urn")[:1]:
        yield Entry(
            INELIGIBLE_SCHOOL,
            lead_provider,
            "Not listed by GET /api/v3/schools; POST /api/v3/partnerships for it is refused as ineligible.",
            school_urn=school.urn,
            school_id=str(school.api_id),
        )


def _school_led_alongside(lead_provider, schools, today) -> Iterator[Entry]:
    for enrolment in _enrolments(lead_provider, schools, ParticipantType.ECT).filter(
        training_period__finished_on__isnull=True
    ):
        partnership = enrolment.training_period.partnership
        school_led = (
            TrainingPeriod.objects.filter(
                school_period__school=partnership.school,
                school_period__participant_type=ParticipantType.ECT,
                programme_type=ProgrammeType.SCHOOL_LED,
                schedule__isnull=True,
                started_on__gte=partnership.cohort.started_on,
                started_on__lte=partnership.cohort.finished_on,
            )
            .select_related("school_period__participant")
            .order_by("started_on", "id")
            .first()
        )
        if school_led is None:
            continue
        hidden = school_led.school_period.participant.api_id
        yield Entry(
            SCHOOL_LED_ALONGSIDE,
            lead_provider,
            f"Participant {enrolment.participant.api_id} trains with you at school {partnership.school.urn}; "
            f"{hidden}, school-led at the same school in the same cohort, answers 404.",
            participant_id=str(enrolment.participant.api_id),
            school_urn=partnership.school.urn,
            cohort=partnership.cohort_id,
            expected={"school_led_participant_id": str(hidden)},
        )
        return


def _exempt(lead_provider, schools, today) -> Iterator[Entry]:
    enrolment = (
        _enrolments(lead_provider, schools, ParticipantType.ECT)
        .filter(participant__ect_exempt_on__isnull=False)
        .first()
    )
    if enrolment is not None:
        yield Entry(
            EXEMPT,
            lead_provider,
            "eligible_for_funding false on the ECT enrolment.",
            participant_id=str(enrolment.participant.api_id),
            school_urn=enrolment.training_period.partnership.school.urn,
        )


def _finished_induction(lead_provider, schools, today) -> Iterator[Entry]:
    finished = InductionPeriod.objects.filter(
        participant=OuterRef("participant"), outcome__isnull=False, finished_on__lte=today
    )
    enrolment = (
        _enrolments(lead_provider, schools, ParticipantType.ECT)
        .filter(Exists(finished), training_period__withdrawn_at__isnull=True, training_period__deferred_at__isnull=True)
        # Not in a closed cohort, where change of schedule is refused for that reason too (S10).
        .exclude(training_period__partnership__cohort__payments_frozen_at__lte=clock.start_of_london_day(today))
        .first()
    )
    if enrolment is None:
        return
    ended = (
        InductionPeriod.objects.filter(participant=enrolment.participant, outcome__isnull=False)
        .order_by("-finished_on")
        .values_list("finished_on", flat=True)
        .first()
    )
    yield Entry(
        FINISHED_INDUCTION,
        lead_provider,
        f"induction_end_date {ended}, participant_status active; PUT …/change-schedule is refused "
        "(completed their training or induction).",
        participant_id=str(enrolment.participant.api_id),
        school_urn=enrolment.training_period.partnership.school.urn,
        expected={"induction_end_date": ended.isoformat()},
    )


def _mentor_funding_ended(lead_provider, schools, today) -> Iterator[Entry]:
    completed = funding.live(
        Declaration.objects.filter(
            training_period__school_period__participant=OuterRef("participant"),
            training_period__school_period__participant_type=ParticipantType.MENTOR,
            lead_provider=lead_provider,
            declaration_type="completed",
        )
    )
    enrolment = (
        _enrolments(lead_provider, schools, ParticipantType.MENTOR)
        .filter(
            Exists(completed),
            participant__mentor_funding_end_reason=MentorFundingEndReason.COMPLETED_DECLARATION_RECEIVED,
        )
        .first()
    )
    if enrolment is None:
        return
    ended = enrolment.participant.mentor_funding_end_date
    yield Entry(
        MENTOR_COMPLETED,
        lead_provider,
        f"mentor_funding_end_date {ended}, mentor_ineligible_for_funding_reason completed_declaration_received, "
        "participant_status active, eligible_for_funding true.",
        participant_id=str(enrolment.participant.api_id),
        school_urn=enrolment.training_period.partnership.school.urn,
        expected={"mentor_funding_end_date": ended.isoformat()},
    )


def _mentor_at_two_schools(lead_provider, schools, today) -> Iterator[Entry]:
    current = Mentorship.objects.filter(Mentorship.q_not_ended_before(today))
    mentors = (
        SchoolPeriod.objects.filter(
            participant_type=ParticipantType.MENTOR,
            school_id__in=schools,
            participant__provider_enrolments__lead_provider=lead_provider,
        )
        .filter(SchoolPeriod.q_not_ended_before(today))
        .values_list("participant_id", flat=True)
        .distinct()
    )
    for participant_id in sorted(mentors):
        mentees = {}
        for mentorship in current.filter(
            mentor_school_period__participant_id=participant_id,
            ect_school_period__participant__provider_enrolments__lead_provider=lead_provider,
        ).select_related("ect_school_period__participant", "ect_school_period__school", "mentor_school_period"):
            ect = mentorship.ect_school_period
            mentees.setdefault(ect.school.urn, str(ect.participant.api_id))
        if len(mentees) < 2:
            continue
        mentor = SchoolPeriod.objects.filter(participant_id=participant_id).select_related("participant").first()
        yield Entry(
            MENTOR_AT_TWO_SCHOOLS,
            lead_provider,
            "mentor_id of ECTs " + " and ".join(f"{ect} (school {urn})" for urn, ect in sorted(mentees.items())) + ".",
            participant_id=str(mentor.participant.api_id),
            expected={"mentees": dict(sorted(mentees.items()))},
        )
        return


def _changes_by_date(lead_provider, schools, today) -> Iterator[Entry]:
    for days_ahead in range(1, 8):
        day = today + dt.timedelta(days=days_ahead)
        for recorded, becomes, dated in (
            (ParticipantStatus.JOINING, ParticipantStatus.ACTIVE, Q(training_period__started_on=day)),
            # O1: `left` once the leaving date has passed.
            (
                ParticipantStatus.LEAVING,
                ParticipantStatus.LEFT,
                Q(training_period__finished_on=day - dt.timedelta(days=1)),
            ),
        ):
            enrolments = ProviderEnrolment.objects.filter(
                dated,
                lead_provider=lead_provider,
                recorded_status=recorded,
                training_period__school_period__school_id__in=schools,
            ).order_by("participant__created_at", "participant__api_id")
            enrolment = enrolments.select_related("participant", "training_period__partnership__school").first()
            if enrolment is None:
                continue
            yield Entry(
                CHANGES_BY_DATE,
                lead_provider,
                f"participant_status {recorded} until {day}, {becomes} from then (send X-With-Server-Date to see it "
                "in a sandbox).",
                participant_id=str(enrolment.participant.api_id),
                school_urn=enrolment.training_period.partnership.school.urn,
                expected={
                    "course": enrolment.participant_type,
                    "status": recorded,
                    "changes_on": day.isoformat(),
                    "becomes": becomes,
                },
            )


FINDERS: tuple[Callable[[LeadProvider, list[int], dt.date], Iterator[Entry]], ...] = (
    _expressions_of_interest,
    _uplifts,
    _declarations,
    _ineligible_schools,
    _school_led_alongside,
    _exempt,
    _finished_induction,
    _mentor_funding_ended,
    _mentor_at_two_schools,
    _changes_by_date,
)
