"""A school confirms how its ECTs in a cohort will be trained, or keeps its earlier choice (P11)."""

from __future__ import annotations

from config import changes
from config.validation import Checks
from schools.models import School, SchoolCohortChoice
from training import partnerships
from training.school_actions.checks import lead_provider_applies, lead_provider_rules

Programme = SchoolCohortChoice.InductionProgramme

NOTHING_TO_KEEP = "There is no earlier choice to keep. Select how your ECTs will be trained"
COHORT_CLOSED = "The {year} cohort has closed. Choose a later cohort"
SELECT_HOW_TRAINED = "Select how your ECTs will be trained"


def confirm_cohort_choice(
    *,
    school,
    cohort,
    programme_type,
    lead_provider=None,
    delivery_partner=None,
    keep_previous=False,
    now,
) -> SchoolCohortChoice:
    with changes.unit_of_work(now=now):
        # One change to a school's choices at a time; NO KEY UPDATE leaves rows that refer to the school
        # (new school periods, partnerships) free, so this cannot deadlock with the participants' locks.
        School.objects.select_for_update(no_key=True).filter(pk=school.pk).first()
        previous = previous_choice(school, cohort) if keep_previous else None
        checks = Checks()
        checks.first("cohort", [(cohort.payments_frozen(now=now), COHORT_CLOSED.format(year=cohort.year))])
        checks.first("keep_previous", [(keep_previous and previous is None, NOTHING_TO_KEEP)])
        if not keep_previous:
            checks.first("programme_type", [(programme_type not in Programme.values, SELECT_HOW_TRAINED)])
            checks.first("lead_provider", lead_provider_rules(programme_type, lead_provider))
        checks.raise_if_any()

        if keep_previous:
            programme_type, lead_provider = previous.induction_programme_choice, previous.lead_provider
            delivery_partner = previous.delivery_partner
        if not lead_provider_applies(programme_type):
            lead_provider = delivery_partner = None
        rolled_over = None
        if keep_previous and lead_provider is not None:
            rolled_over = partnerships.roll_over(school=school, lead_provider=lead_provider, cohort=cohort, now=now)
        choice = SchoolCohortChoice.objects.filter(school=school, cohort=cohort).first() or SchoolCohortChoice(
            school=school, cohort=cohort, created_at=now
        )
        choice.induction_programme_choice = programme_type
        choice.lead_provider = lead_provider
        choice.delivery_partner = rolled_over.delivery_partner if rolled_over is not None else delivery_partner
        # Audited, and its updated_at moved, by schools.updated_at.
        choice.save()
        return choice


def previous_choice(school, cohort) -> SchoolCohortChoice | None:
    """The school's most recent decided choice in an earlier cohort."""
    return (
        SchoolCohortChoice.objects.select_related("lead_provider", "delivery_partner")
        .filter(school=school, cohort__year__lt=cohort.year)
        .exclude(induction_programme_choice=Programme.NOT_YET_KNOWN)
        .order_by("-cohort__year")
        .first()
    )
