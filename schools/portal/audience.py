"""Who sees a change the school has just made, and when: told on the confirmation, never assumed.

Providers read participants through their API (V1–V3): a provider sees someone once it has their training under a
confirmed partnership, and then sees every change at once (each change moves `updated_at`). Training with a
provider that has no partnership with the school yet is only an expression of interest, which that provider
cannot see; school-led training no provider sees.
"""

from __future__ import annotations

import datetime as dt

from participants.models import ProgrammeType, ProviderEnrolment, SchoolPeriod, TrainingPeriod
from schools.models import Partnership
from schools.portal.presenters import long_date


def _names(names) -> str:
    names = sorted(set(names))
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def of_participant(school_period: SchoolPeriod, today: dt.date) -> list[str]:
    """Sentences saying which providers see this person's change now, which will later, or that none does."""
    name = school_period.participant.full_name
    # Providers who see them through training elsewhere do not see what this school changes about its own period.
    seeing = [
        enrolment.lead_provider.name
        for enrolment in ProviderEnrolment.objects.filter(
            participant_id=school_period.participant_id, training_period__school_period=school_period
        ).select_related("lead_provider")
    ]
    waiting = [
        training.lead_provider.name
        for training in TrainingPeriod.objects.filter(
            school_period=school_period,
            programme_type=ProgrammeType.PROVIDER_LED,
            partnership__isnull=True,
            lead_provider__isnull=False,
        )
        .filter(TrainingPeriod.q_not_ended_before(today))
        .select_related("lead_provider")
        if training.lead_provider.name not in seeing
    ]
    sentences = []
    if seeing:
        sentences.append(f"{_names(seeing)} can see this change now, the next time they check their participants.")
        # As the change left it (the caller's copy is from before).
        leaving_on = SchoolPeriod.objects.values_list("finished_on", flat=True).get(pk=school_period.pk)
        if leaving_on is not None and leaving_on >= today:
            # participants.status: leaving up to and on the last day, left from the next.
            sentences.append(
                f"They see {name} as leaving until {long_date(leaving_on)}, then as left from the day after."
            )
    if waiting:
        sentences.append(
            f"{_names(waiting)} will see {name} only once they confirm a partnership with your school. "
            "Until then, no lead provider sees their training with them."
        )
    if not sentences:
        sentences.append(f"No lead provider sees this change: {name} has no training with a lead provider here.")
    return sentences


def of_cohort_choice(school, cohort, lead_provider) -> list[str]:
    if lead_provider is None:
        return ["Lead providers do not see this choice."]
    if Partnership.objects.filter(school=school, lead_provider=lead_provider, cohort=cohort).exists():
        return [f"{lead_provider.name} can see their partnership with your school for the {cohort.year} cohort now."]
    return [
        f"{lead_provider.name} has no partnership with your school for the {cohort.year} cohort yet. "
        f"They see your ECTs only once they confirm one."
    ]
