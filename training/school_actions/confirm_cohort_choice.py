"""A school confirms how its ECTs in a cohort will be trained, or keeps its earlier choice (P11)."""

from __future__ import annotations

from config import changes
from config.validation import Checks
from schools.models import DeliveryPartner, LeadProviderDeliveryPartnership, School, SchoolCohortChoice
from training import partnerships
from training.school_actions.checks import lead_provider_applies, lead_provider_rules

Programme = SchoolCohortChoice.InductionProgramme

NOTHING_TO_KEEP = "There is no earlier choice to keep. Select how your ECTs will be trained"
COHORT_CLOSED = "The {year} cohort has closed. Choose a later cohort"
SELECT_HOW_TRAINED = "Select how your ECTs will be trained"
PARTNER_NOT_WITH_PROVIDER = (
    "{partner} does not work with {provider} in the {year} cohort. Select another delivery partner"
)
CANNOT_KEEP_PARTNER = (
    "{partner} does not work with {provider} in the {year} cohort, so you cannot keep both. Select no and choose again"
)


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
        _rules(cohort, programme_type, lead_provider, delivery_partner, keep_previous, previous, now).raise_if_any()

        if keep_previous:
            # Exactly the provider and delivery partner the school was shown and chose to keep.
            programme_type, lead_provider = previous.induction_programme_choice, previous.lead_provider
            delivery_partner = previous.delivery_partner
        if not lead_provider_applies(programme_type):
            lead_provider = delivery_partner = None
        if keep_previous and lead_provider is not None:
            rolled_over = partnerships.roll_over(
                school=school, lead_provider=lead_provider, cohort=cohort, delivery_partner=delivery_partner, now=now
            )
            # A delivery partner "not known yet" becomes the one the provider's partnership now names.
            if delivery_partner is None and rolled_over is not None:
                delivery_partner = rolled_over.delivery_partner
        choice = SchoolCohortChoice.objects.filter(school=school, cohort=cohort).first() or SchoolCohortChoice(
            school=school, cohort=cohort, created_at=now
        )
        choice.induction_programme_choice = programme_type
        choice.lead_provider = lead_provider
        choice.delivery_partner = delivery_partner
        # Audited, and its updated_at moved, by schools.updated_at.
        choice.save()
        return choice


def check_confirm_cohort_choice(
    *,
    school,
    cohort,
    programme_type,
    lead_provider=None,
    delivery_partner=None,
    keep_previous=False,
    now,
) -> list[tuple[str, str]]:
    """confirm_cohort_choice's rules for these answers, changing nothing (a question page asks before confirming)."""
    previous = previous_choice(school, cohort) if keep_previous else None
    return _rules(cohort, programme_type, lead_provider, delivery_partner, keep_previous, previous, now).errors


def _rules(cohort, programme_type, lead_provider, delivery_partner, keep_previous, previous, now) -> Checks:
    checks = Checks()
    checks.first("cohort", [(cohort.payments_frozen(now=now), COHORT_CLOSED.format(year=cohort.year))])
    if keep_previous:
        checks.first("keep_previous", _keep_rules(previous, cohort))
    else:
        checks.first("programme_type", [(programme_type not in Programme.values, SELECT_HOW_TRAINED)])
        checks.first("lead_provider", lead_provider_rules(programme_type, lead_provider))
        if lead_provider_applies(programme_type) and lead_provider is not None and delivery_partner is not None:
            checks.first(
                "delivery_partner",
                [
                    (
                        not works_with(lead_provider, delivery_partner, cohort),
                        _words(PARTNER_NOT_WITH_PROVIDER, delivery_partner, lead_provider, cohort),
                    )
                ],
            )
    return checks


def _keep_rules(previous, cohort):
    yield previous is None, NOTHING_TO_KEEP
    partner = previous.delivery_partner
    yield (
        partner is not None and not works_with(previous.lead_provider, partner, cohort),
        _words(CANNOT_KEEP_PARTNER, partner, previous.lead_provider, cohort),
    )


def _words(message, delivery_partner, lead_provider, cohort) -> str:
    if delivery_partner is None or lead_provider is None:
        return message
    return message.format(partner=delivery_partner.name, provider=lead_provider.name, year=cohort.year)


def works_with(lead_provider, delivery_partner, cohort) -> bool:
    """The delivery partners a school may choose are those paired with its lead provider in the cohort."""
    return LeadProviderDeliveryPartnership.objects.filter(
        lead_provider=lead_provider, delivery_partner=delivery_partner, cohort=cohort
    ).exists()


def delivery_partners_for(lead_provider, cohort):
    """The delivery partners working with this lead provider in the cohort, for a question to offer."""
    return DeliveryPartner.objects.filter(
        lead_provider_pairings__lead_provider=lead_provider, lead_provider_pairings__cohort=cohort
    ).order_by("name")


def previous_choice(school, cohort) -> SchoolCohortChoice | None:
    """The school's most recent decided choice in an earlier cohort."""
    return (
        SchoolCohortChoice.objects.select_related("lead_provider", "delivery_partner")
        .filter(school=school, cohort__year__lt=cohort.year)
        .exclude(induction_programme_choice=Programme.NOT_YET_KNOWN)
        .order_by("-cohort__year")
        .first()
    )
