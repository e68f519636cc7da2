"""Support staff merge a duplicate participant (the source) into the one that stays (the destination): ID1–ID3, V8.

Everything the source holds moves to the destination, which keeps its own participant id and training record ids
(ID3). The destination records the retired id, so providers can follow it (ID2, O8); the source is anonymised and
points at the destination, which drops its provider enrolments (V8). `plan` runs the same checks without changing
anything, for the admin's preview.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from config import changes
from config.validation import Checks, ValidationFailed
from declarations import funding
from declarations.models import Declaration
from participants import api_updated_at, eligibility, locking
from participants.models import (
    InductionPeriod,
    Mentorship,
    Participant,
    ParticipantIdChange,
    ParticipantType,
    SchoolPeriod,
    TrainingPeriod,
)

MERGED_NAME = "Merged participant"

SAME_PARTICIPANT = "A participant cannot be merged into itself. Choose the other record of the same teacher."
SOURCE_MERGED = "{source} was already merged into {survivor}."
DESTINATION_MERGED = "{destination} was merged into {survivor}. Merge into {survivor} instead."
ECT_PERIODS_OVERLAP = (
    "The duplicate's time as an ECT at {school} ({dates}) overlaps the time as an ECT at {other_school} ({other_dates}) "
    "of the participant who stays. An ECT cannot be at two schools at once: correct the dates first."
)
MENTOR_PERIODS_OVERLAP = (
    "The duplicate's time as a mentor at {school} ({dates}) overlaps the time as a mentor there ({other_dates}) "
    "of the participant who stays. Correct the dates first."
)
INDUCTION_PERIODS_OVERLAP = (
    "The duplicate's induction period ({dates}) overlaps an induction period ({other_dates}) of the participant "
    "who stays. Correct the dates first."
)
REFUSED_BY_DATABASE = (
    "The records could not be merged because a moved period would overlap one of the participant who stays. "
    "Reload this page to see the records as they are now."
)


@dataclass
class MergePlan:
    """What a merge of `source` into `destination` would move, and why it would be refused (if it would)."""

    source: Participant
    destination: Participant
    school_periods: list[SchoolPeriod] = field(default_factory=list)
    training_periods: int = 0
    declarations: int = 0
    induction_periods: list[InductionPeriod] = field(default_factory=list)
    id_changes: list[ParticipantIdChange] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)


def plan(*, source: Participant, destination: Participant) -> MergePlan:
    merge_plan = MergePlan(source=source, destination=destination, errors=_refusals(source, destination))
    if source.pk == destination.pk:
        return merge_plan
    merge_plan.school_periods = list(source.school_periods.select_related("school").order_by("started_on", "pk"))
    merge_plan.training_periods = TrainingPeriod.objects.filter(school_period__participant=source).count()
    merge_plan.declarations = Declaration.objects.filter(training_period__school_period__participant=source).count()
    merge_plan.induction_periods = list(source.induction_periods.order_by("started_on", "pk"))
    merge_plan.id_changes = list(source.id_changes.order_by("changed_at", "pk"))
    return merge_plan


def merge_participants(*, source: Participant, destination: Participant, now: dt.datetime) -> Participant:
    """Merge `source` into `destination` and return the destination."""
    with changes.unit_of_work(now=now):
        source, destination = locking.lock(source, destination)
        errors = _refusals(source, destination)
        if errors:
            raise ValidationFailed(errors)
        try:
            # A savepoint, so a period the database refuses becomes a message rather than a broken transaction.
            with transaction.atomic():
                _move_school_periods(source, destination, now=now)
                _move_induction_periods(source, destination)
        except IntegrityError:
            raise ValidationFailed([("source", REFUSED_BY_DATABASE)]) from None
        _move_id_changes(source, destination)
        _name_the_destination_as_mentor(source, destination)
        _carry_first_eligibility(source, destination, now=now)
        _record_the_retired_id(source, destination, now=now)
        _retire_and_anonymise(source, destination)
    return destination


# --- checks, in the order they are reported ------------------------------------------------------------------------


def _refusals(source: Participant, destination: Participant) -> list[tuple[str, str]]:
    checks = Checks()
    if source.pk == destination.pk:
        checks.fail("destination", SAME_PARTICIPANT)
        return checks.errors
    _source_is_current(checks, source)
    _destination_is_current(checks, destination)
    _ect_periods_do_not_overlap(checks, source, destination)
    _mentor_periods_do_not_overlap(checks, source, destination)
    _induction_periods_do_not_overlap(checks, source, destination)
    return checks.errors


def _source_is_current(checks: Checks, source: Participant) -> None:
    if source.retired_into_id is not None:
        checks.fail("source", SOURCE_MERGED.format(source=source, survivor=_survivor(source)))


def _destination_is_current(checks: Checks, destination: Participant) -> None:
    if destination.retired_into_id is not None:
        checks.fail("destination", DESTINATION_MERGED.format(destination=destination, survivor=_survivor(destination)))


def _ect_periods_do_not_overlap(checks: Checks, source: Participant, destination: Participant) -> None:
    # The database allows one ECT school period at a time, at any school.
    theirs = list(destination.school_periods.filter(participant_type=ParticipantType.ECT).select_related("school"))
    for moving in source.school_periods.filter(participant_type=ParticipantType.ECT).select_related("school"):
        for kept in theirs:
            if moving.period.overlaps(kept.period):
                checks.fail(
                    "school_periods",
                    ECT_PERIODS_OVERLAP.format(
                        school=moving.school.name,
                        dates=_dates(moving),
                        other_school=kept.school.name,
                        other_dates=_dates(kept),
                    ),
                )


def _mentor_periods_do_not_overlap(checks: Checks, source: Participant, destination: Participant) -> None:
    # A mentor may be at several schools at once, but holds one period at each school at a time.
    theirs = list(destination.school_periods.filter(participant_type=ParticipantType.MENTOR))
    for moving in source.school_periods.filter(participant_type=ParticipantType.MENTOR).select_related("school"):
        for kept in theirs:
            if kept.school_id == moving.school_id and moving.period.overlaps(kept.period):
                checks.fail(
                    "school_periods",
                    MENTOR_PERIODS_OVERLAP.format(
                        school=moving.school.name,
                        dates=_dates(moving),
                        other_dates=_dates(kept),
                    ),
                )


def _induction_periods_do_not_overlap(checks: Checks, source: Participant, destination: Participant) -> None:
    theirs = list(destination.induction_periods.all())
    for moving in source.induction_periods.all():
        for kept in theirs:
            if moving.period.overlaps(kept.period):
                checks.fail(
                    "induction_periods",
                    INDUCTION_PERIODS_OVERLAP.format(
                        dates=_dates(moving),
                        other_dates=_dates(kept),
                    ),
                )


# --- steps -----------------------------------------------------------------------------------------------------------


def _move_school_periods(source: Participant, destination: Participant, *, now: dt.datetime) -> None:
    """School periods move whole, with their training periods, mentorships and declarations."""
    moving = list(source.school_periods.order_by("started_on", "pk"))
    for school_period in moving:
        school_period.participant = destination
        school_period.save()
    mentor_periods = [sp.pk for sp in moving if sp.participant_type == ParticipantType.MENTOR]
    mentees = Mentorship.objects.filter(mentor_school_period__in=mentor_periods).values_list(
        "ect_school_period__participant_id", flat=True
    )
    # Their ECTs' mentor_id (F4) now names the destination, though no row of theirs changed.
    api_updated_at.touch(list(mentees), now=now)
    # Declarations on the moved training now name the destination as their participant (D32).
    declarations = Declaration.objects.filter(training_period__school_period__in=[sp.pk for sp in moving])
    changes.move_at_commit(declarations, "api_updated_at", now=now)


def _move_induction_periods(source: Participant, destination: Participant) -> None:
    for induction_period in source.induction_periods.order_by("started_on", "pk"):
        induction_period.participant = destination
        induction_period.save()


def _move_id_changes(source: Participant, destination: Participant) -> None:
    """Earlier merges into the source now lead to the destination too (ID2's chains)."""
    for id_change in source.id_changes.order_by("changed_at", "pk"):
        id_change.participant = destination
        id_change.save()


def _name_the_destination_as_mentor(source: Participant, destination: Participant) -> None:
    for declaration in Declaration.objects.filter(mentor=source).order_by("pk"):
        declaration.mentor = destination
        declaration.save()


def _carry_first_eligibility(source: Participant, destination: Participant, *, now: dt.datetime) -> None:
    """F13: one teacher first became eligible when either record did; a date already set never changes.

    Setting it turns the destination's submitted declarations of that type eligible (D31), as for anyone else.
    """
    carried = False
    for participant_type in eligibility.FIRST_ELIGIBLE_ON:
        day = eligibility.first_eligible_on(source, participant_type)
        if day is not None and eligibility.record_first_eligible(destination, participant_type, on=day):
            carried = True
    if carried:
        destination.save()
    # D28: while a teacher is eligible, their declarations are; the ones moved across may still be submitted.
    for participant_type in eligibility.FIRST_ELIGIBLE_ON:
        if eligibility.first_eligible_on(destination, participant_type) is not None:
            funding.make_submitted_eligible(participant_id=destination.pk, participant_type=participant_type, now=now)


def _record_the_retired_id(source: Participant, destination: Participant, *, now: dt.datetime) -> None:
    ParticipantIdChange.objects.create(
        participant=destination, from_participant_id=source.api_id, to_participant_id=destination.api_id, changed_at=now
    )


def _retire_and_anonymise(source: Participant, destination: Participant) -> None:
    source.retired_into = destination
    source.full_name = MERGED_NAME
    source.trn = None
    source.date_of_birth = None
    source.save()


# --- helpers ---------------------------------------------------------------------------------------------------------


def _survivor(participant: Participant) -> Participant:
    return Participant.objects.get(pk=participant.retired_into_id)


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _dates(period) -> str:
    return f"{_day(period.started_on)} to {_day(period.finished_on) if period.finished_on else 'no end date'}"
