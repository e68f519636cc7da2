"""Cohorts and the other reference data change only through their services in the admin; every other door is refused
with a clear message and changes nothing. Nothing is deleted except through a deletion service."""

import datetime as dt

import pytest
from django.contrib.auth.models import User

from config.models import AuditEvent
from declarations.models import Declaration
from participants.models import InductionPeriod, Participant, SchoolPeriod, TrainingPeriod
from schedules.models import Cohort, Milestone, Schedule
from schools.models import (
    ApiToken,
    DeliveryPartner,
    LeadProvider,
    LeadProviderDeliveryPartnership,
    Partnership,
    School,
    SchoolCohortChoice,
    SchoolFundingEligibility,
    SchoolMembership,
)
from tests import factories
from tests.admin.pages import REASON, admin_url, text

COHORT_FIELDS = (
    "year",
    "started_on",
    "finished_on",
    "payments_frozen_at",
    "mentor_funding",
    "detailed_evidence_types",
    "uplift_fees",
)


def cohort_as_saved(year):
    return Cohort.objects.filter(year=year).values(*COHORT_FIELDS).get()


def cohort_form(cohort, **changed):
    data = {field: getattr(cohort, field) for field in COHORT_FIELDS}
    data.update(changed)
    return {name: ("on" if value is True else value) for name, value in data.items() if value not in (False, None)}


def test_O11_a_started_cohort_is_shown_read_only_and_says_it_can_only_be_closed(editor, today):
    page = editor.get(admin_url(Cohort, "change", 2025))

    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert "This cohort has started: it can only be closed" in text(page)


@pytest.mark.parametrize(
    "changed",
    [
        {"year": "2030"},
        {"payments_frozen_at_0": "", "payments_frozen_at_1": ""},
        {"uplift_fees": "on"},
        {"started_on": "2025-09-01"},
    ],
    ids=["year", "freeze date", "settings", "dates"],
)
def test_O11_a_started_cohort_is_not_edited_by_hand(editor, today, changed):
    before = cohort_as_saved(2025), Cohort.objects.count()

    response = editor.post(
        admin_url(Cohort, "change", 2025), {**cohort_form(Cohort.objects.get(year=2025)), **changed, **REASON}
    )

    assert response.status_code == 403
    assert (cohort_as_saved(2025), Cohort.objects.count()) == before
    assert not Cohort.objects.filter(year=2030).exists()


def test_O11_a_closed_cohort_is_not_reopened(editor, today):
    before = cohort_as_saved(2022)
    assert before["payments_frozen_at"] is not None

    page = editor.get(admin_url(Cohort, "change", 2022))
    refused = editor.post(admin_url(Cohort, "change", 2022), {"payments_frozen_at_0": "", **REASON})

    assert "This cohort is closed. A closed cohort is not reopened." in text(page)
    assert refused.status_code == 403
    assert cohort_as_saved(2022) == before


def test_a_cohort_year_is_never_editable_even_before_it_starts(editor, today):
    before = cohort_as_saved(2026)

    saved = editor.post(
        admin_url(Cohort, "change", 2026), {**cohort_form(Cohort.objects.get(year=2026), year="2031"), **REASON}
    )

    assert saved.status_code == 302
    assert cohort_as_saved(2026) == before
    assert not Cohort.objects.filter(year=2031).exists()
    assert Schedule.objects.filter(cohort_id=2026).count() == 12


def test_O11_a_cohort_that_has_not_started_has_its_settings_changed_with_a_reason(editor, today):
    cohort = Cohort.objects.get(year=2026)
    assert not cohort.uplift_fees

    saved = editor.post(admin_url(Cohort, "change", 2026), {**cohort_form(cohort, uplift_fees=True), **REASON})

    assert saved.status_code == 302
    assert Cohort.objects.get(year=2026).uplift_fees
    [event] = AuditEvent.objects.filter(model="schedules.Cohort", action="change_cohort_settings")
    assert (event.changes, event.reason, event.actor_label) == (
        {"uplift_fees": [False, True]},
        REASON["reason"],
        "editor",
    )


def test_O11_the_settings_of_a_cohort_that_started_meanwhile_are_refused_next_to_the_form(editor, today):
    # The page was opened before the cohort started; the save arrives after.
    Cohort.objects.filter(year=2026).update(started_on=dt.date(2026, 1, 1))
    cohort = Cohort.objects.get(year=2026)
    from schedules.admin import CohortAdmin, CohortSettingsForm

    form = CohortSettingsForm(data={"uplift_fees": "on"}, instance=cohort)
    assert not form.is_valid()
    assert list(form.non_field_errors()) == [
        "The 2026 cohort started on 1 January 2026, so its settings can no longer change. "
        "Once a cohort has started, it can only be closed."
    ]
    assert CohortAdmin  # the admin page uses this form
    assert not Cohort.objects.get(year=2026).uplift_fees


def test_cohorts_are_not_added_by_hand_since_they_come_with_their_schedules(editor):
    assert editor.get(admin_url(Cohort, "add")).status_code == 403
    assert editor.post(admin_url(Cohort, "add"), {"year": "2030", **REASON}).status_code == 403
    assert not Cohort.objects.filter(year=2030).exists()


def test_D13_schedules_and_milestones_are_read_only(editor):
    milestone = Milestone.objects.order_by("pk").first()
    schedule = milestone.schedule
    deadline = milestone.deadline

    assert not editor.get(admin_url(Schedule, "change", schedule.pk)).context["has_change_permission"]
    assert editor.post(admin_url(Milestone, "change", milestone.pk), {"deadline": "2040-01-01"}).status_code == 403
    assert editor.post(admin_url(Schedule, "add"), {"identifier": "ecf-standard-september"}).status_code == 403
    milestone.refresh_from_db()
    assert milestone.deadline == deadline


def test_a_schools_cohort_choice_is_made_in_the_portal_not_edited_here(editor, lead_provider):
    choice = SchoolCohortChoice.objects.create(
        school=factories.SchoolFactory(), cohort_id=2025, induction_programme_choice="school_led"
    )

    page = editor.get(admin_url(SchoolCohortChoice, "change", choice.pk))
    refused = editor.post(
        admin_url(SchoolCohortChoice, "change", choice.pk),
        {"induction_programme_choice": "provider_led", "lead_provider": lead_provider.pk, **REASON},
    )

    assert not page.context["has_change_permission"]
    assert refused.status_code == 403
    choice.refresh_from_db()
    assert choice.induction_programme_choice == "school_led"


def test_P1_a_provider_and_delivery_partner_pairing_is_not_edited(editor, lead_provider):
    pairing = LeadProviderDeliveryPartnership.objects.create(
        lead_provider=lead_provider, delivery_partner=factories.DeliveryPartnerFactory(), cohort_id=2025
    )

    refused = editor.post(admin_url(LeadProviderDeliveryPartnership, "change", pairing.pk), {"cohort": 2026, **REASON})

    assert refused.status_code == 403
    pairing.refresh_from_db()
    assert pairing.cohort_id == 2025


# --- raw deletes ----------------------------------------------------------------------------------------------------


def one_of_each(lead_provider):
    from tests.builders import trained_participant

    participant, training = trained_participant(lead_provider)
    school = training.school_period.school
    factories.InductionPeriodFactory(participant=participant)
    user = User.objects.create_user("school-user")
    SchoolMembership.objects.create(user=user, school=school)
    SchoolFundingEligibility.objects.create(school=school, cohort_id=2025)
    SchoolCohortChoice.objects.create(school=school, cohort_id=2025, induction_programme_choice="school_led")
    LeadProviderDeliveryPartnership.objects.create(
        lead_provider=lead_provider, delivery_partner=training.partnership.delivery_partner, cohort_id=2025
    )
    ApiToken.objects.create(lead_provider=lead_provider, hashed_token="0" * 64)
    Declaration.objects.create(
        training_period=training,
        lead_provider=lead_provider,
        declaration_type="started",
        declaration_date=dt.datetime(2025, 10, 1, 9, 0, tzinfo=dt.UTC),
        delivery_partner=training.partnership.delivery_partner,
    )
    return participant


DELETABLE_BY_HAND_BEFORE = [
    School,
    LeadProvider,
    DeliveryPartner,
    SchoolMembership,
    SchoolFundingEligibility,
    SchoolCohortChoice,
    LeadProviderDeliveryPartnership,
    Cohort,
    Schedule,
    Milestone,
    SchoolPeriod,
    TrainingPeriod,
    InductionPeriod,
    Partnership,
    ApiToken,
    Declaration,
]


@pytest.mark.parametrize("model", DELETABLE_BY_HAND_BEFORE, ids=lambda model: model.__name__)
def test_nothing_is_deleted_through_djangos_own_delete_page(editor, lead_provider, model):
    one_of_each(lead_provider)
    row = model._default_manager.order_by("pk").first()

    assert editor.get(admin_url(model, "delete", row.pk)).status_code == 403
    assert editor.post(admin_url(model, "delete", row.pk), {"post": "yes", **REASON}).status_code == 403
    assert model._default_manager.filter(pk=row.pk).exists()


def test_nothing_is_deleted_in_bulk_from_a_list(editor, lead_provider):
    one_of_each(lead_provider)
    school = School.objects.get()

    response = editor.post(
        admin_url(School, "changelist"), {"action": "delete_selected", "_selected_action": [school.pk], "post": "yes"}
    )

    assert response.status_code == 200  # the list again, with no action taken
    assert School.objects.filter(pk=school.pk).exists()
    assert "delete_selected" not in text(editor.get(admin_url(School, "changelist")))


def test_inline_rows_have_no_delete_box(editor, lead_provider):
    participant = one_of_each(lead_provider)

    page = editor.get(admin_url(Participant, "change", participant.pk))
    for formset in page.context["inline_admin_formsets"]:
        assert not formset.formset.can_delete, formset.opts.__class__.__name__

    school_page = editor.get(admin_url(School, "change", School.objects.get().pk))
    assert all(not formset.formset.can_delete for formset in school_page.context["inline_admin_formsets"])


def test_a_participant_is_still_deleted_through_the_deletion_service(editor, lead_provider):
    participant = factories.ParticipantFactory()

    assert editor.get(admin_url(Participant, "delete", participant.pk)).status_code == 200
