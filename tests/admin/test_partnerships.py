"""Partnerships made or corrected by support staff follow the same rules as the API's (P1, P3, P9, V5)."""

import datetime as dt

import pytest

from config import clock
from config.models import AuditEvent
from participants.models import ProgrammeType
from schools.models import LeadProviderDeliveryPartnership, Partnership
from tests import factories
from tests.admin.pages import REASON, admin_url, text

UTC = dt.UTC
NOW = dt.datetime(2026, 1, 15, 11, 0, tzinfo=UTC)


@pytest.fixture
def delivery_partner(lead_provider):
    delivery_partner = factories.DeliveryPartnerFactory(name="Northern Delivery Partner")
    LeadProviderDeliveryPartnership.objects.create(
        lead_provider=lead_provider, delivery_partner=delivery_partner, cohort_id=2025
    )
    return delivery_partner


@pytest.fixture
def waiting_ect(lead_provider, today):
    """An ECT whose school named the provider, with no partnership yet (an expression of interest)."""
    school_period = factories.SchoolPeriodFactory(started_on=dt.date(2025, 9, 1))
    factories.TrainingPeriodFactory(
        school_period=school_period,
        partnership=None,
        lead_provider=lead_provider,
        programme_type=ProgrammeType.PROVIDER_LED,
        schedule=factories.schedule(),
    )
    return school_period


def add(client, *, school, lead_provider, delivery_partner, cohort=2025):
    data = {
        "school": school.urn,
        "lead_provider": lead_provider.pk,
        "delivery_partner": delivery_partner.pk,
        "cohort": cohort,
        **REASON,
    }
    with clock.travel_to(NOW):
        return client.post(admin_url(Partnership, "add"), data)


def test_P1_P9_V5_a_partnership_added_by_support_attaches_waiting_training_and_shows_the_participant(
    editor, api, lead_provider, delivery_partner, waiting_ect
):
    assert api.get(f"/api/v3/participants/{waiting_ect.participant.api_id}").status_code == 404

    response = add(editor, school=waiting_ect.school, lead_provider=lead_provider, delivery_partner=delivery_partner)

    partnership = Partnership.objects.get()
    assert response.status_code == 302
    assert (partnership.school, partnership.delivery_partner, partnership.cohort_id) == (
        waiting_ect.school,
        delivery_partner,
        2025,
    )
    assert waiting_ect.training_periods.get().partnership == partnership
    assert api.get(f"/api/v3/participants/{waiting_ect.participant.api_id}").status_code == 200
    assert AuditEvent.objects.filter(
        model="schools.Partnership", action="create_partnership", actor_label="editor"
    ).exists()


def test_P1_a_delivery_partner_not_working_with_the_provider_is_refused_on_its_field(
    editor, lead_provider, waiting_ect
):
    stranger = factories.DeliveryPartnerFactory()

    response = add(editor, school=waiting_ect.school, lead_provider=lead_provider, delivery_partner=stranger)

    assert response.status_code == 200
    assert (
        "not recognised to be working in partnership with you" in response.context["form"].errors["delivery_partner"][0]
    )
    assert not Partnership.objects.exists()


def test_P1_a_second_partnership_for_the_same_school_provider_and_cohort_is_refused(
    editor, lead_provider, delivery_partner, waiting_ect
):
    add(editor, school=waiting_ect.school, lead_provider=lead_provider, delivery_partner=delivery_partner)

    response = add(editor, school=waiting_ect.school, lead_provider=lead_provider, delivery_partner=delivery_partner)

    assert "already in a confirmed partnership" in response.context["form"].errors["school"][0]
    assert Partnership.objects.count() == 1


def test_P3_support_changes_the_delivery_partner_through_the_service(
    editor, lead_provider, delivery_partner, waiting_ect
):
    add(editor, school=waiting_ect.school, lead_provider=lead_provider, delivery_partner=delivery_partner)
    partnership = Partnership.objects.get()
    replacement = factories.DeliveryPartnerFactory(name="Southern Delivery Partner")
    LeadProviderDeliveryPartnership.objects.create(
        lead_provider=lead_provider, delivery_partner=replacement, cohort_id=2025
    )
    url = admin_url(Partnership, "change_delivery_partner", partnership.pk)

    same = editor.post(url, {"delivery_partner": delivery_partner.pk, **REASON})
    changed = editor.post(url, {"delivery_partner": replacement.pk, **REASON})

    assert "already confirmed to be in partnership with the entered delivery partner" in text(same)
    assert changed.status_code == 302
    partnership.refresh_from_db()
    assert partnership.delivery_partner == replacement
    assert AuditEvent.objects.filter(model="schools.Partnership", action="change_delivery_partner").exists()


def test_partnership_fields_are_not_edited_by_hand_and_the_read_only_group_cannot_make_one(
    editor, reader, lead_provider, delivery_partner, waiting_ect
):
    add(editor, school=waiting_ect.school, lead_provider=lead_provider, delivery_partner=delivery_partner)
    partnership = Partnership.objects.get()

    form = editor.get(admin_url(Partnership, "change", partnership.pk)).context["adminform"].form
    assert "delivery_partner" not in form.fields
    assert reader.get(admin_url(Partnership, "add")).status_code == 403
    assert reader.post(admin_url(Partnership, "change_delivery_partner", partnership.pk), {}).status_code == 403
