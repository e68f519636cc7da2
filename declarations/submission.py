"""A lead provider declares that a participant reached a milestone (D1–D29, with O3, O11, O14)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import orjson
from django.db.models import F, OuterRef, Q, Subquery

from config import changes, clock
from config.api.formatting import format_datetime
from config.validation import Checks
from declarations import evidence, funding
from declarations.models import Declaration, PaymentStatus
from participants import eligibility, enrolments, locking
from participants.models import Mentorship, ParticipantType, ProviderEnrolment
from participants.status import WITHDRAWN, training_status
from schedules.milestones import window_error
from schedules.models import DECLARATION_TYPES
from schools.models import SchoolFundingEligibility

ENTER_PARTICIPANT = "Enter a '#/participant_id'."
PARTICIPANT_NOT_RECOGNISED = (
    "Your update cannot be made as the '#/participant_id' is not recognised. Check participant details and try again."
)
ENTER_DATE = "Enter a '#/declaration_date'."
ENTER_TYPE = "Enter a '#/declaration_type'."
INVALID_TYPE = "Enter a valid declaration type."
DUPLICATE = "A declaration has already been submitted that will be, or has been, paid for this event."
FUTURE_DATE = "The '#/declaration_date' value cannot be a future date. Check the date and try again."
NOT_RFC3339 = "Enter a valid RCF3339 '#/declaration_date'."
MENTOR_TYPES_ONLY = (
    "You cannot send retained or extended declarations for participants who began their mentor training after "
    "June 2025. Resubmit this declaration with either a started or completed declaration."
)
ENTER_EVIDENCE = "Enter a '#/evidence_held' value for this participant."
UNAVAILABLE_EVIDENCE = "Enter an available '#/evidence_held' type for this participant."
NO_MILESTONE = "The property '#/declaration_type' does not exist for this schedule."
OUT_OF_SEQUENCE = (
    "This '#/declaration_date' is invalid. Check that it is in sequence with existing declaration dates for this "
    "participant."
)
DATE_FIRST = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}(:?\d{2})?)?$", re.ASCII)


def frozen_cohort_message(year) -> str:
    return (
        f"You cannot submit declarations for the {year} cohort. The funding contract for this cohort has ended. "
        "Get in touch if you need to discuss this with us."
    )


def closed_cohort_message(year, *, full_stop=True) -> str:
    message = (
        f"You cannot submit or void declarations for the {year} cohort. The funding contract for this cohort has "
        "ended. Get in touch if you need to discuss this with us"
    )
    return message + ("." if full_stop else "")


def withdrawn_message(withdrawn_at) -> str:
    stamp = format_datetime(withdrawn_at)
    return (
        f"This participant withdrew from this course on {stamp}. Enter a '#/declaration_date' that's on or before "
        "the withdrawal date."
    )


def parse_declaration_date(value) -> tuple[dt.datetime | None, bool]:
    """(moment, is RFC 3339). A value without an offset is London time; unparseable gives (None, False).

    Lenient as D13 is, a date must at least start YYYY-MM-DD: Python would also read ISO 8601's basic
    form, and so a number sent as the date (20250901), as a moment (O14).
    """
    if not isinstance(value, str) or not DATE_FIRST.match(value.strip()):
        return None, False
    text = value.strip()
    try:
        moment = dt.datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=clock.LONDON)
        clock.london_date(moment)  # an offset can carry 0001-01-01 or 9999-12-31 out of the representable range
    except (ValueError, OverflowError):
        return None, False
    return moment, bool(RFC3339.match(text))


def fingerprint(lead_provider, attributes: dict) -> str:
    canonical = {key: attributes.get(key) for key in sorted(attributes)}
    return hashlib.sha256(orjson.dumps([lead_provider.pk, canonical])).hexdigest()


def submit(*, lead_provider, attributes: dict, now: dt.datetime) -> Declaration:
    """Create a declaration, or return the one an identical earlier request created (O3)."""
    today = clock.london_date(now)
    key = fingerprint(lead_provider, attributes)
    participant_id = attributes.get("participant_id")
    checks = Checks()
    if not isinstance(participant_id, str) or not participant_id.strip():
        checks.fail("participant_id", ENTER_PARTICIPANT)
        checks.raise_if_any()
    api_id = enrolment_api_id(participant_id)

    with changes.unit_of_work(now=now):
        # Found and locked at once: the lock serialises identical concurrent requests (O3).
        found = locking.lock_where(Q(api_id=api_id, retired_into__isnull=True)) if api_id else []
        if not found:
            checks.fail("participant_id", PARTICIPANT_NOT_RECOGNISED)
            checks.raise_if_any()
        [participant] = found
        declared = _live_declarations(participant)
        repeated = next(
            (d for d in declared if d.request_fingerprint == key and d.lead_provider_id == lead_provider.pk), None
        )
        if repeated is not None:
            return repeated
        declaration = _validated(
            checks,
            participant=participant,
            lead_provider=lead_provider,
            attributes=attributes,
            declared=declared,
            now=now,
            today=today,
        )
        declaration.request_fingerprint = key
        declaration.save_moved(now=now)  # D32
        if declaration.training_period.school_period.participant_type == ParticipantType.MENTOR and (
            declaration.declaration_type == "completed"
        ):
            funding.recalculate_mentor_completion(participant=participant, lead_provider=lead_provider, now=now)
        return declaration


def enrolment_api_id(value):
    from config.api.parsing import uuid_or_none

    return uuid_or_none(value.strip()) if isinstance(value, str) else None


def _live_declarations(participant) -> list[Declaration]:
    """The participant's live declarations (D12's statuses), each with its `participant_type`: O3, D12 and D21
    all look at these, so they are read once."""
    return list(
        funding.live(Declaration.objects.filter(training_period__school_period__participant=participant)).annotate(
            participant_type=F("training_period__school_period__participant_type")
        )
    )


def _validated(checks: Checks, *, participant, lead_provider, attributes, declared, now, today) -> Declaration:
    course_identifier = attributes.get("course_identifier")
    declaration_type = attributes.get("declaration_type")
    raw_date = attributes.get("declaration_date")
    participant_type = enrolments.participant_type_for(course_identifier)
    # D27's uplift flags of the training's school for its cohort come along (None: the school has no row).
    uplift = SchoolFundingEligibility.objects.filter(
        school_id=OuterRef("training_period__partnership__school_id"),
        cohort_id=OuterRef("training_period__partnership__cohort_id"),
    )
    enrolled = {
        e.participant_type: e
        for e in ProviderEnrolment.objects.select_related(
            "training_period__school_period__school",
            "training_period__partnership__cohort",
            "training_period__schedule",
        )
        .annotate(
            pupil_premium_uplift=Subquery(uplift.values("pupil_premium_uplift")[:1]),
            sparsity_uplift=Subquery(uplift.values("sparsity_uplift")[:1]),
        )
        .filter(participant=participant, lead_provider=lead_provider)
    }
    pointers = {participant_type: e.training_period for participant_type, e in enrolled.items()}
    training = pointers.get(participant_type)

    # D11: field presence, in the order the reference reports them.
    if participant_type is None:
        checks.fail("course_identifier", enrolments.ENTER_COURSE)
    if not isinstance(raw_date, str) or not raw_date.strip():
        checks.fail("declaration_date", ENTER_DATE)
    if participant_type is not None and pointers and training is None:
        checks.fail("course_identifier", enrolments.COURSE_NOT_RECOGNISED)
    if not isinstance(declaration_type, str) or not declaration_type.strip():
        checks.fail("declaration_type", ENTER_TYPE)
    elif declaration_type not in DECLARATION_TYPES:
        checks.fail("declaration_type", INVALID_TYPE)
    if not pointers:
        checks.fail("participant_id", PARTICIPANT_NOT_RECOGNISED)  # D22
    checks.raise_if_any()

    cohort = training.partnership.cohort
    moment, is_rfc3339 = parse_declaration_date(raw_date)
    _check_duplicate(checks, declared, participant_type, declaration_type)
    milestone = training.schedule.milestones.filter(declaration_type=declaration_type).first()
    _check_date(checks, moment, is_rfc3339, milestone, now)
    if (
        participant_type == ParticipantType.MENTOR
        and cohort.mentor_funding
        and declaration_type not in ("started", "completed")
    ):
        checks.fail("declaration_type", MENTOR_TYPES_ONLY)
    evidence_held = _checked_evidence(
        checks, attributes.get("evidence_held"), declaration_type, participant_type, cohort
    )
    if (
        moment is not None
        and training.withdrawn_at is not None
        and training_status(deferred_at=training.deferred_at, withdrawn_at=training.withdrawn_at) == WITHDRAWN
        and training.withdrawn_at <= moment
    ):
        checks.fail("participant_id", withdrawn_message(training.withdrawn_at))
    _check_cohorts(checks, participant, participant_type, cohort, now, today)
    if milestone is None:
        checks.fail("declaration_type", NO_MILESTONE)
    if moment is not None and cohort.year >= 2025:
        _check_sequence(checks, declared, participant_type, declaration_type, moment)
    checks.raise_if_any()

    return _build(
        enrolled[participant_type],
        participant,
        participant_type,
        lead_provider,
        declaration_type,
        moment,
        evidence_held,
    )


def _check_duplicate(checks, declared, participant_type, declaration_type):
    """D12: one live declaration per participant, type of participant and declaration type, across providers."""
    if any(d.participant_type == participant_type and d.declaration_type == declaration_type for d in declared):
        checks.fail("declaration_type", DUPLICATE)


def _check_date(checks, moment, is_rfc3339, milestone, now):
    """D13 with O14: the first applicable failure; an unparseable value is the RFC 3339 failure."""
    if moment is None:
        checks.fail("declaration_date", NOT_RFC3339)
        return
    window = window_error(milestone=milestone, declaration_date=moment) if milestone else None
    checks.first(
        "declaration_date", [(moment > now, FUTURE_DATE), (window is not None, window), (not is_rfc3339, NOT_RFC3339)]
    )


def _checked_evidence(checks, value, declaration_type, participant_type, cohort):
    """D15, only when nothing else has failed yet."""
    detailed = cohort.detailed_evidence_types
    if checks.failed() or evidence.discarded(declaration_type=declaration_type, detailed=detailed):
        return None
    if not value:
        if evidence.required(declaration_type=declaration_type, detailed=detailed):
            checks.fail("evidence_held", ENTER_EVIDENCE)
        return None
    if value not in evidence.allowed(
        declaration_type=declaration_type, participant_type=participant_type, detailed=detailed
    ):
        checks.fail("evidence_held", UNAVAILABLE_EVIDENCE)
        return None
    return value


def _check_cohorts(checks, participant, participant_type, cohort, now, today):
    """D18 (training today in a frozen cohort) and D19 with O11 (an eligible participant in a closed cohort)."""
    from participants.models import TrainingPeriod

    frozen_now = (
        TrainingPeriod.objects.filter(
            school_period__participant=participant,
            school_period__participant_type=participant_type,
            partnership__cohort__payments_frozen_at__lte=now,
        )
        .filter(TrainingPeriod.q_contains(today))
        .select_related("partnership")
        .first()
    )
    if frozen_now is not None:
        checks.fail("cohort", frozen_cohort_message(frozen_now.partnership.cohort_id))
    eligible_on = eligibility.first_eligible_on(participant, participant_type)
    if eligible_on is not None and cohort.payments_frozen(now=now):
        checks.fail("cohort", closed_cohort_message(cohort.year))


def _check_sequence(checks, declared, participant_type, declaration_type, moment):
    """D21: dates follow the order of declaration types."""
    position = DECLARATION_TYPES.index(declaration_type)
    for other in declared:
        if other.participant_type != participant_type or other.declaration_type == declaration_type:
            continue
        other_position = DECLARATION_TYPES.index(other.declaration_type)
        if (other_position < position and moment < other.declaration_date) or (
            other_position > position and moment > other.declaration_date
        ):
            checks.fail("declaration_date", OUT_OF_SEQUENCE)
            return


def _closest_mentor(training, moment):
    """D26: the mentor of the training's school period nearest the declaration date (ECTs only)."""
    day = clock.london_date(moment)
    mentorships = list(
        Mentorship.objects.filter(ect_school_period_id=training.school_period_id).select_related("mentor_school_period")
    )

    def distance(mentorship):
        if mentorship.contains(day):
            return 0
        if day < mentorship.started_on:
            return (mentorship.started_on - day).days
        return (day - mentorship.finished_on).days

    return min(mentorships, key=distance).mentor_school_period.participant_id if mentorships else None


def _build(enrolment, participant, participant_type, lead_provider, declaration_type, moment, evidence_held):
    training = enrolment.training_period
    cohort = training.partnership.cohort
    with_uplift = declaration_type == "started" and cohort.uplift_fees and enrolment.pupil_premium_uplift is not None
    eligible_on = eligibility.first_eligible_on(participant, participant_type)
    return Declaration(
        training_period=training,
        lead_provider=lead_provider,
        declaration_type=declaration_type,
        declaration_date=moment,
        evidence_held=evidence_held,
        payment_status=PaymentStatus.ELIGIBLE if eligible_on else PaymentStatus.NO_PAYMENT,
        delivery_partner_id=training.partnership.delivery_partner_id,
        mentor_id=_closest_mentor(training, moment) if participant_type == ParticipantType.ECT else None,
        pupil_premium_uplift=bool(with_uplift and enrolment.pupil_premium_uplift),
        sparsity_uplift=bool(with_uplift and enrolment.sparsity_uplift),
    )
