"""Support staff correct a training period's partnership, or move it to another schedule, by the rules every door keeps.

A partnership is the school's with the training's own lead provider in the cohort of its schedule (V1, F7, F8):
anything else would show the participant to a provider under the wrong school. A schedule change is the lead
provider's own change-schedule action (S1–S25, O6), made on its behalf, so it holds exactly the provider's rules.
"""

from __future__ import annotations

import datetime as dt

from config import changes
from config.validation import Checks
from participants import locking
from participants.models import COURSE_IDENTIFIERS, ProgrammeType, ProviderEnrolment, TrainingPeriod
from schools.models import Partnership
from training.provider_actions import change_schedule as provider_change_schedule

MERGED_AWAY = "This participant was merged into another record. Change the training there."
SCHOOL_LED = "School-led training has no partnership or schedule. The school switches the programme if it changes."
SAME_PARTNERSHIP = "This is already the training's partnership."
OTHER_SCHOOL = "This partnership is with {school}, but the training is at {training_school}."
OTHER_LEAD_PROVIDER = (
    "This partnership is with {lead_provider}, but the training is with {training_provider}. "
    "Only the school can change the lead provider."
)
OTHER_COHORT = (
    "This partnership is for the {cohort} cohort, but the training's schedule is in {training_cohort}. "
    "Change the schedule to move the training to another cohort."
)
NO_PARTNERSHIP_YET = (
    "This training has no confirmed partnership yet, so its lead provider cannot see it. Give it a partnership first."
)
NOT_LATEST = (
    "Only the latest training {lead_provider} has for this participant can change schedule, as providers see it. "
    "This is earlier training."
)


def change_partnership(*, training: TrainingPeriod, partnership: Partnership, now: dt.datetime) -> TrainingPeriod:
    with changes.unit_of_work(now=now):
        [participant] = locking.lock(training.school_period.participant)
        training = TrainingPeriod.objects.select_related(
            "school_period__school", "lead_provider", "schedule", "partnership"
        ).get(pk=training.pk)
        checks = Checks()
        _participant_is_current(checks, participant)
        if training.programme_type == ProgrammeType.SCHOOL_LED:
            checks.fail("partnership", SCHOOL_LED)
        else:
            _partnership_fits(checks, training, partnership)
        checks.raise_if_any()
        training.partnership = partnership
        training.save()
    return training


def change_schedule(
    *, training: TrainingPeriod, schedule_identifier: str, cohort: str | int | None, now: dt.datetime
) -> TrainingPeriod:
    """The provider's change-schedule action for this training, refused as it would refuse the provider."""
    with changes.unit_of_work(now=now):
        [participant] = locking.lock(training.school_period.participant)
        training = TrainingPeriod.objects.select_related("school_period", "lead_provider").get(pk=training.pk)
        checks = Checks()
        _participant_is_current(checks, participant)
        if training.programme_type == ProgrammeType.SCHOOL_LED:
            checks.fail("schedule_identifier", SCHOOL_LED)
        elif training.partnership_id is None:
            checks.fail("schedule_identifier", NO_PARTNERSHIP_YET)
        elif not _is_what_the_provider_sees(training):
            checks.fail("schedule_identifier", NOT_LATEST.format(lead_provider=training.lead_provider.name))
        checks.raise_if_any()
        participant_type = training.school_period.participant_type
        return provider_change_schedule.change_schedule(
            participant=participant,
            lead_provider=training.lead_provider,
            course_identifier=COURSE_IDENTIFIERS[participant_type],
            schedule_identifier=schedule_identifier,
            cohort=cohort,
            now=now,
        )


def _participant_is_current(checks: Checks, participant) -> None:
    if participant.retired_into_id is not None:
        checks.fail("participant", MERGED_AWAY)


def _partnership_fits(checks: Checks, training: TrainingPeriod, partnership: Partnership) -> None:
    school = training.school_period.school
    if partnership.pk == training.partnership_id:
        checks.fail("partnership", SAME_PARTNERSHIP)
        return
    checks.first(
        "partnership",
        [
            (
                partnership.school_id != school.pk,
                OTHER_SCHOOL.format(school=partnership.school.name, training_school=school.name),
            ),
            (
                partnership.lead_provider_id != training.lead_provider_id,
                OTHER_LEAD_PROVIDER.format(
                    lead_provider=partnership.lead_provider.name, training_provider=training.lead_provider.name
                ),
            ),
            (
                partnership.cohort_id != training.schedule.cohort_id,
                OTHER_COHORT.format(cohort=partnership.cohort_id, training_cohort=training.schedule.cohort_id),
            ),
        ],
    )


def _is_what_the_provider_sees(training: TrainingPeriod) -> bool:
    return ProviderEnrolment.objects.filter(training_period=training).exists()
