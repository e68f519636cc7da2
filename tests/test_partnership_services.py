"""training.partnerships: school roll-over (P11), attaching waiting training (P9) and delivery partner changes (P4)."""

import datetime as dt

import pytest

from config import changes
from config.models import AuditEvent
from config.validation import ValidationFailed
from declarations.models import Declaration
from participants.models import Participant, ParticipantType, ProgrammeType, ProviderEnrolment, TrainingPeriod
from schools.models import LeadProviderDeliveryPartnership, Partnership
from tests import factories
from training import partnerships

UTC = dt.UTC
NOW = dt.datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def pair(lead_provider, delivery_partner, *cohorts):
    for cohort in cohorts:
        LeadProviderDeliveryPartnership.objects.get_or_create(
            lead_provider=lead_provider, delivery_partner=delivery_partner, cohort_id=cohort
        )


def waiting_training(
    lead_provider, *, school, cohort=2025, participant_type=ParticipantType.ECT, started_on=dt.date(2025, 9, 1)
):
    """Training the school registered with `lead_provider` before any partnership existed (an EOI)."""
    school_period = factories.SchoolPeriodFactory(
        school=school, participant_type=participant_type, started_on=started_on
    )
    return factories.TrainingPeriodFactory(
        school_period=school_period,
        partnership=None,
        lead_provider=lead_provider,
        schedule=factories.schedule("ecf-standard-september", cohort),
    )


def visible_to(lead_provider, participant):
    return ProviderEnrolment.objects.filter(lead_provider=lead_provider, participant=participant).exists()


# --- P11: roll-over -----------------------------------------------------------------------------------------------


def test_P11_roll_over_copies_the_previous_cohorts_partnership(lead_provider, today):
    previous = factories.PartnershipFactory(lead_provider=lead_provider, cohort_id=2024)
    pair(lead_provider, previous.delivery_partner, 2024, 2025)

    rolled = partnerships.roll_over(
        school=previous.school, lead_provider=lead_provider, cohort=factories.cohort(2025), now=NOW
    )

    assert rolled.pk != previous.pk
    assert (rolled.school, rolled.lead_provider, rolled.delivery_partner, rolled.cohort_id) == (
        previous.school,
        lead_provider,
        previous.delivery_partner,
        2025,
    )
    assert rolled.created_by == Partnership.CreatedBy.SCHOOL_ROLL_OVER
    assert rolled.rolled_over_from == previous
    assert rolled.created_at == rolled.updated_at == NOW


def test_P11_roll_over_reuses_a_partnership_already_in_the_cohort(lead_provider, today):
    current = factories.PartnershipFactory(lead_provider=lead_provider, cohort_id=2025)
    factories.PartnershipFactory(lead_provider=lead_provider, school=current.school, cohort_id=2024)

    found = partnerships.roll_over(
        school=current.school, lead_provider=lead_provider, cohort=factories.cohort(2025), now=NOW
    )

    assert found == current
    assert Partnership.objects.count() == 2


def test_P11_roll_over_takes_the_latest_earlier_partnership_whose_delivery_partner_still_works_with_the_provider(
    lead_provider, today
):
    school = factories.SchoolFactory()
    still_paired = factories.PartnershipFactory(lead_provider=lead_provider, school=school, cohort_id=2023)
    no_longer_paired = factories.PartnershipFactory(lead_provider=lead_provider, school=school, cohort_id=2024)
    pair(lead_provider, still_paired.delivery_partner, 2023, 2025)
    pair(lead_provider, no_longer_paired.delivery_partner, 2024)

    rolled = partnerships.roll_over(school=school, lead_provider=lead_provider, cohort=factories.cohort(2025), now=NOW)

    assert rolled.rolled_over_from == still_paired
    assert rolled.delivery_partner == still_paired.delivery_partner


def test_P11_nothing_to_roll_over_leaves_training_waiting(lead_provider, other_lead_provider, today):
    school = factories.SchoolFactory()
    other = factories.PartnershipFactory(lead_provider=other_lead_provider, school=school, cohort_id=2024)
    pair(other_lead_provider, other.delivery_partner, 2025)
    later = factories.PartnershipFactory(lead_provider=lead_provider, school=school, cohort_id=2026)
    pair(lead_provider, later.delivery_partner, 2025)

    assert (
        partnerships.roll_over(school=school, lead_provider=lead_provider, cohort=factories.cohort(2025), now=NOW)
        is None
    )
    assert partnerships.roll_over(school=school, lead_provider=None, cohort=factories.cohort(2025), now=NOW) is None
    assert not Partnership.objects.filter(cohort_id=2025).exists()


def test_P11_P9_roll_over_attaches_the_schools_waiting_training_and_makes_it_visible(lead_provider, today):
    previous = factories.PartnershipFactory(lead_provider=lead_provider, cohort_id=2024)
    pair(lead_provider, previous.delivery_partner, 2025)
    training = waiting_training(lead_provider, school=previous.school)
    participant = training.school_period.participant
    assert not visible_to(lead_provider, participant)

    with changes.recording(action="register_ect", now=NOW):
        rolled = partnerships.roll_over(
            school=previous.school, lead_provider=lead_provider, cohort=factories.cohort(2025), now=NOW
        )

    training.refresh_from_db()
    assert training.partnership == rolled
    assert visible_to(lead_provider, participant)
    assert Participant.objects.get(pk=participant.pk).api_updated_at == NOW


# --- P9: which training waits for a new partnership ------------------------------------------------------------


def test_P9_only_this_schools_training_for_this_provider_and_cohort_without_a_partnership_is_attached(
    lead_provider, other_lead_provider, today
):
    school = factories.SchoolFactory()
    waiting_ect = waiting_training(lead_provider, school=school)
    waiting_mentor = waiting_training(lead_provider, school=school, participant_type=ParticipantType.MENTOR)
    other_school = waiting_training(lead_provider, school=factories.SchoolFactory())
    other_cohort = waiting_training(lead_provider, school=school, cohort=2024, started_on=dt.date(2024, 9, 1))
    other_provider = waiting_training(other_lead_provider, school=school)
    school_led = factories.TrainingPeriodFactory(
        school_period=factories.SchoolPeriodFactory(school=school),
        programme_type=ProgrammeType.SCHOOL_LED,
        partnership=None,
        lead_provider=None,
        schedule=None,
    )
    already_partnered = factories.TrainingPeriodFactory(
        school_period=factories.SchoolPeriodFactory(school=school),
        partnership=factories.PartnershipFactory(lead_provider=lead_provider, cohort_id=2025),
    )
    partnership = factories.PartnershipFactory(lead_provider=lead_provider, school=school, cohort_id=2025)

    assert partnerships.attach_waiting_training(partnership) == 2

    attached = set(TrainingPeriod.objects.filter(partnership=partnership).values_list("pk", flat=True))
    assert attached == {waiting_ect.pk, waiting_mentor.pk}
    for untouched in (other_school, other_cohort, other_provider, school_led):
        untouched.refresh_from_db()
        assert untouched.partnership is None
    already_partnered.refresh_from_db()
    assert already_partnered.partnership != partnership


def test_P9_attaching_is_audited_under_the_callers_action(lead_provider, today):
    school = factories.SchoolFactory()
    training = waiting_training(lead_provider, school=school)
    partnership = factories.PartnershipFactory(lead_provider=lead_provider, school=school, cohort_id=2025)

    with changes.recording(action="create_partnership", now=NOW):
        partnerships.attach_waiting_training(partnership)

    event = AuditEvent.objects.get(model="participants.TrainingPeriod", object_id=str(training.pk), event="updated")
    assert event.action == "create_partnership"
    assert event.changes == {"partnership": [None, partnership.pk]}
    assert event.participant_ids == [training.school_period.participant_id]


# --- P1/P3 through the service ------------------------------------------------------------------------------------


def test_P1_create_reports_every_attribute_in_order(lead_provider, today):
    with pytest.raises(ValidationFailed) as failure:
        partnerships.create(lead_provider=lead_provider, cohort="", school_id=None, delivery_partner_id="  ", now=NOW)
    assert failure.value.errors == [
        ("cohort", partnerships.COHORT_BLANK),
        ("school_id", partnerships.SCHOOL_BLANK),
        ("delivery_partner_id", partnerships.DELIVERY_PARTNER_BLANK),
    ]


def test_P1_create_accepts_a_numeric_cohort_and_records_the_provider_as_creator(lead_provider, today):
    school = factories.SchoolFactory()
    delivery_partner = factories.DeliveryPartnerFactory()
    pair(lead_provider, delivery_partner, 2025)

    created = partnerships.create(
        lead_provider=lead_provider,
        cohort=2025,
        school_id=str(school.api_id),
        delivery_partner_id=str(delivery_partner.api_id),
        now=NOW,
    )

    assert (created.cohort_id, created.created_by, created.rolled_over_from) == (
        2025,
        Partnership.CreatedBy.LEAD_PROVIDER,
        None,
    )


def test_P4_changing_the_delivery_partner_moves_partnership_participants_and_declarations(lead_provider, today):
    partnership = factories.PartnershipFactory(lead_provider=lead_provider, cohort_id=2025)
    training = factories.TrainingPeriodFactory(
        school_period=factories.SchoolPeriodFactory(school=partnership.school), partnership=partnership
    )
    declaration = Declaration.objects.create(
        training_period=training,
        declaration_type="started",
        declaration_date=dt.datetime(2025, 10, 1, tzinfo=UTC),
        delivery_partner=partnership.delivery_partner,
        created_at=dt.datetime(2025, 10, 1, tzinfo=UTC),
        api_updated_at=dt.datetime(2025, 10, 1, tzinfo=UTC),
    )
    old_delivery_partner = partnership.delivery_partner
    new_delivery_partner = factories.DeliveryPartnerFactory()
    pair(lead_provider, new_delivery_partner, 2025)

    partnerships.change_delivery_partner(
        partnership=partnership, delivery_partner_id=str(new_delivery_partner.api_id), now=NOW
    )

    partnership.refresh_from_db()
    declaration.refresh_from_db()
    assert partnership.delivery_partner == new_delivery_partner
    assert partnership.updated_at == NOW
    assert Participant.objects.get(pk=training.school_period.participant_id).api_updated_at == NOW
    assert declaration.api_updated_at == NOW
    assert declaration.delivery_partner == old_delivery_partner  # D26: frozen
