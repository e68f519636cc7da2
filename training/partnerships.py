"""Partnerships: a provider records one (P1) or corrects its delivery partner (P3); a school rolls one over (P11).

However a partnership comes about, it is attached at once to the training the school registered with
that provider while the partnership was missing (P9), which is what makes those participants visible (V5).
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import IntegrityError, transaction
from django.db.models import Q

from config import changes, clock, validation
from config.validation import Checks
from declarations.models import Declaration
from participants import locking
from participants.models import TrainingPeriod
from schedules.models import Cohort
from schools.models import (
    DeliveryPartner,
    LeadProvider,
    LeadProviderDeliveryPartnership,
    Partnership,
    School,
    SchoolCohortChoice,
)

COHORT_BLANK = "Enter a '#/cohort'."
COHORT_UNKNOWN = "The '#/cohort' you have entered is invalid. Check cohort details and try again."
COHORT_IN_FUTURE = "You cannot create a partnership for a future cohort."
COHORT_CLOSED = "You cannot create this partnership as the cohort is closed."
SCHOOL_BLANK = "Enter a '#/school_id'."
SCHOOL_UNKNOWN = (
    "The '#/school_id' you have entered is invalid. Check school details and try again. "
    "Contact the DfE for support if you are unable to find the '#/school_id'."
)
SCHOOL_INELIGIBLE = (
    "The school you have entered is currently ineligible for DfE funding. Contact the school for more information."
)
DELIVERY_PARTNER_BLANK = "Enter a '#/delivery_partner_id'."
DELIVERY_PARTNER_UNKNOWN = (
    "The '#/delivery_partner_id' you have entered is invalid. Check delivery partner details and try again."
)
DELIVERY_PARTNER_NOT_PAIRED = (
    "The entered delivery partner is not recognised to be working in partnership with you for the given cohort. "
    "Contact the DfE for more information."
)
ALREADY_PARTNERED = "You are already in a confirmed partnership with this school for the entered cohort."
SCHOOL_LED = "This school has only registered school-led participants. Contact the school for more information."
SAME_DELIVERY_PARTNER = (
    "We are unable to process this request. You are already confirmed to be in partnership with the entered "
    "delivery partner. Contact the DfE for support."
)


def create(*, lead_provider: LeadProvider, cohort, school_id, delivery_partner_id, now: dt.datetime) -> Partnership:
    """P1: the provider's partnership with a school and one of its delivery partners for a cohort.

    `cohort`, `school_id` and `delivery_partner_id` are the values as the provider sent them.
    """
    today = clock.london_date(now)
    checks = Checks()
    the_cohort = _cohort_is_open(checks, cohort, today=today, now=now)
    school = _school_is_known_and_eligible(checks, school_id)
    delivery_partner = _delivery_partner_is_known(checks, delivery_partner_id)
    # The last three checks run whenever their subjects were found, so they can add to earlier messages.
    if the_cohort is not None and delivery_partner is not None:
        _delivery_partner_works_with_provider(checks, lead_provider, delivery_partner, the_cohort)
    if the_cohort is not None and school is not None:
        _not_already_partnered(checks, lead_provider, school, the_cohort)
        _school_is_not_school_led(checks, school, the_cohort)
    checks.raise_if_any()

    with changes.unit_of_work(now=now):
        _lock_waiting_participants(school=school, lead_provider=lead_provider, cohort=the_cohort)
        partnership = _insert(
            school=school,
            lead_provider=lead_provider,
            delivery_partner=delivery_partner,
            cohort=the_cohort,
            created_by=Partnership.CreatedBy.LEAD_PROVIDER,
            now=now,
        )
        if partnership is None:
            # Another request created it since the checks ran.
            checks.fail("school_id", ALREADY_PARTNERED)
            checks.raise_if_any()
        attach_waiting_training(partnership)
    return partnership


def change_delivery_partner(*, partnership: Partnership, delivery_partner_id, now: dt.datetime) -> Partnership:
    """P3/P4: the same partnership, now with another of the provider's delivery partners for its cohort."""
    with changes.unit_of_work(now=now):
        # NO KEY UPDATE: training periods referring to the partnership (key share locks) are not held up.
        partnership = Partnership.objects.select_for_update(no_key=True).get(pk=partnership.pk)
        checks = Checks()
        delivery_partner = _delivery_partner_is_known(checks, delivery_partner_id)
        if delivery_partner is not None:
            _delivery_partner_works_with_provider(
                checks, partnership.lead_provider, delivery_partner, partnership.cohort
            )
            _delivery_partner_changes(checks, partnership, delivery_partner)
        checks.raise_if_any()
        partnership.delivery_partner = delivery_partner
        partnership.updated_at = now
        partnership.save()
        changes.stamp_at_commit([partnership], "updated_at")
        # P4: declarations show the partnership's current state even though their own delivery partner is frozen.
        declarations = Declaration.objects.filter(training_period__partnership=partnership)
        changes.move_at_commit(declarations, "api_updated_at", now=now)
    return partnership


def roll_over(
    *,
    school: School,
    lead_provider: LeadProvider | None,
    cohort: Cohort,
    now: dt.datetime,
    delivery_partner: DeliveryPartner | None = None,
) -> Partnership | None:
    """P11: the provider's partnership with the school for `cohort`, carried forward from an earlier one if need be.

    Called when a school registers provider-led training for a cohort keeping its earlier choices. Returns the
    provider's partnership in `cohort` if it has one; otherwise copies its most recent earlier partnership with
    the school whose delivery partner still works with it in `cohort` (only one with `delivery_partner`, when
    the school chose which to keep); otherwise None (training waits as an EOI).
    """
    if lead_provider is None:
        return None
    existing = Partnership.objects.filter(school=school, lead_provider=lead_provider, cohort=cohort).first()
    if existing is not None:
        return existing
    paired_in_cohort = LeadProviderDeliveryPartnership.objects.filter(lead_provider=lead_provider, cohort=cohort)
    previous = (
        Partnership.objects.filter(
            school=school,
            lead_provider=lead_provider,
            cohort__year__lt=cohort.year,
            delivery_partner__in=paired_in_cohort.values("delivery_partner"),
        )
        .filter(**({"delivery_partner": delivery_partner} if delivery_partner is not None else {}))
        .order_by("-cohort__year", "-created_at", "-id")
        .first()
    )
    if previous is None:
        return None
    with changes.unit_of_work(now=now):
        _lock_waiting_participants(school=school, lead_provider=lead_provider, cohort=cohort)
        partnership = _insert(
            school=school,
            lead_provider=lead_provider,
            delivery_partner=previous.delivery_partner,
            cohort=cohort,
            created_by=Partnership.CreatedBy.SCHOOL_ROLL_OVER,
            rolled_over_from=previous,
            now=now,
        )
        if partnership is None:
            return Partnership.objects.get(school=school, lead_provider=lead_provider, cohort=cohort)
        attach_waiting_training(partnership)
    return partnership


def attach_waiting_training(partnership: Partnership) -> int:
    """P9: training at the school that named this provider for this cohort but had no partnership now has this one.

    One statement for all of them; each is still audited, and the participants' `api_updated_at` and
    provider enrolments move with it, once at the end of the action.
    """
    waiting = list(
        _waiting_training(
            school=partnership.school, lead_provider=partnership.lead_provider, cohort=partnership.cohort
        ).order_by("pk")
    )
    changes.update_in_bulk(waiting, partnership=partnership)
    return len(waiting)


# --- checks, in the order P1 reports them ------------------------------------------------------------------------


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value in ([], {})


def _cohort_is_open(checks: Checks, value, *, today: dt.date, now: dt.datetime) -> Cohort | None:
    """The named cohort when it exists (even if it cannot be partnered in), for the checks that follow."""
    if _blank(value):
        checks.fail("cohort", COHORT_BLANK)
        return None
    named = validation.year(value)
    cohort = Cohort.objects.filter(year=named).first() if named is not None else None
    checks.first(
        "cohort",
        [
            (cohort is None, COHORT_UNKNOWN),
            (cohort is not None and cohort.started_on > today, COHORT_IN_FUTURE),
            (cohort is not None and cohort.payments_frozen(now=now), COHORT_CLOSED),
        ],
    )
    return cohort


def _school_is_known_and_eligible(checks: Checks, value) -> School | None:
    if _blank(value):
        checks.fail("school_id", SCHOOL_BLANK)
        return None
    school = School.objects.filter(api_id=_uuid(value)).first() if _uuid(value) else None
    checks.first(
        "school_id",
        [
            (school is None, SCHOOL_UNKNOWN),
            (school is not None and not school.eligible_for_training, SCHOOL_INELIGIBLE),
        ],
    )
    return school


def _delivery_partner_is_known(checks: Checks, value) -> DeliveryPartner | None:
    if _blank(value):
        checks.fail("delivery_partner_id", DELIVERY_PARTNER_BLANK)
        return None
    delivery_partner = DeliveryPartner.objects.filter(api_id=_uuid(value)).first() if _uuid(value) else None
    if delivery_partner is None:
        checks.fail("delivery_partner_id", DELIVERY_PARTNER_UNKNOWN)
    return delivery_partner


def _delivery_partner_works_with_provider(checks, lead_provider, delivery_partner, cohort) -> None:
    paired = LeadProviderDeliveryPartnership.objects.filter(
        lead_provider=lead_provider, delivery_partner=delivery_partner, cohort=cohort
    ).exists()
    if not paired:
        checks.fail("delivery_partner_id", DELIVERY_PARTNER_NOT_PAIRED)


def _not_already_partnered(checks, lead_provider, school, cohort) -> None:
    # Any delivery partner: a provider has one partnership with a school per cohort.
    if Partnership.objects.filter(lead_provider=lead_provider, school=school, cohort=cohort).exists():
        checks.fail("school_id", ALREADY_PARTNERED)


def _school_is_not_school_led(checks, school, cohort) -> None:
    school_led = SchoolCohortChoice.objects.filter(
        school=school, cohort=cohort, induction_programme_choice=SchoolCohortChoice.InductionProgramme.SCHOOL_LED
    ).exists()
    if school_led:
        checks.fail("school_id", SCHOOL_LED)


def _delivery_partner_changes(checks, partnership, delivery_partner) -> None:
    if partnership.delivery_partner_id == delivery_partner.pk:
        checks.fail("delivery_partner_id", SAME_DELIVERY_PARTNER)


# --- helpers -----------------------------------------------------------------------------------------------------


def _uuid(value) -> uuid.UUID | None:
    """An id as sent; anything that is not a UUID string names nothing."""
    if not isinstance(value, str):
        return None
    try:
        return uuid.UUID(value.strip())
    except ValueError:
        return None


def _waiting_training(*, school, lead_provider, cohort):
    return TrainingPeriod.objects.filter(
        partnership__isnull=True,
        lead_provider=lead_provider,
        schedule__cohort=cohort,
        school_period__school=school,
    )


def _lock_waiting_participants(*, school, lead_provider, cohort) -> None:
    # Participants before anything else, in the one order (participants.locking): no deadlocks.
    ids = _waiting_training(school=school, lead_provider=lead_provider, cohort=cohort).values(
        "school_period__participant_id"
    )
    locking.lock_where(Q(pk__in=ids))


def _insert(*, school, lead_provider, delivery_partner, cohort, created_by, now, rolled_over_from=None):
    """The new partnership, or None when the provider already has one with the school for the cohort."""
    try:
        with transaction.atomic():
            partnership = Partnership.objects.create(
                school=school,
                lead_provider=lead_provider,
                delivery_partner=delivery_partner,
                cohort=cohort,
                created_by=created_by,
                rolled_over_from=rolled_over_from,
                created_at=now,
                updated_at=now,
            )
    except IntegrityError:
        return None
    changes.stamp_at_commit([partnership], "updated_at")
    return partnership
