"""The read-only support group sees everything and changes nothing; the editing group can change, through the services."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from config.admin import EDITING_GROUP, READ_ONLY_GROUP
from config.models import AuditEvent
from declarations.models import Declaration, PaymentStatus
from participants.models import InductionPeriod, Participant, ParticipantIdChange, ProviderEnrolment
from schedules.models import Cohort
from schools.models import ApiToken, LeadProvider, Partnership, School
from tests import factories
from tests.admin.pages import admin_url
from tests.builders import trained_participant

UTC = dt.UTC


@pytest.fixture
def participant(lead_provider, today):
    participant, training = trained_participant(lead_provider, started_on=dt.date(2026, 4, 20))
    Declaration.objects.create(
        training_period=training,
        lead_provider=lead_provider,
        declaration_type="started",
        declaration_date=dt.datetime(2026, 4, 21, 9, 0, tzinfo=UTC),
        payment_status=PaymentStatus.ELIGIBLE,
        delivery_partner=training.partnership.delivery_partner,
    )
    return participant


@pytest.mark.parametrize(
    "model",
    [Participant, InductionPeriod, Declaration, School, Partnership, LeadProvider, Cohort, ApiToken, AuditEvent],
)
def test_the_read_only_group_can_open_lists_and_records(reader, participant, lead_provider, model):
    factories.InductionPeriodFactory(participant=participant)
    ApiToken.objects.create(lead_provider=lead_provider, hashed_token="0" * 64)
    row = model._default_manager.order_by("pk").first()

    assert reader.get(admin_url(model, "changelist")).status_code == 200
    response = reader.get(admin_url(model, "change", row.pk))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]


def test_the_read_only_group_gets_403_on_add_change_and_delete(reader, participant):
    name = participant.full_name

    assert reader.get(admin_url(Participant, "add")).status_code == 403
    assert reader.post(admin_url(Participant, "change", participant.pk), {"full_name": "Changed"}).status_code == 403
    assert reader.get(admin_url(Participant, "delete", participant.pk)).status_code == 403
    assert reader.post(admin_url(Participant, "delete", participant.pk), {"post": "yes"}).status_code == 403
    assert reader.post(admin_url(School, "add"), {"urn": "999999", "name": "New school"}).status_code == 403
    participant.refresh_from_db()
    assert participant.full_name == name
    assert not School.objects.filter(urn="999999").exists()


def test_the_read_only_group_can_read_the_whole_history(reader, participant):
    assert reader.get(admin_url(Participant, "history", participant.pk)).status_code == 200


def test_the_read_only_group_gets_403_on_every_support_action(reader, participant, lead_provider):
    other = factories.ParticipantFactory()
    declaration = Declaration.objects.get()
    api_token = ApiToken.objects.create(lead_provider=lead_provider, hashed_token="0" * 64)
    cohort = Cohort.objects.get(year=2025)

    refused = [
        reader.get(admin_url(Participant, "merge", other.pk)),
        reader.post(
            admin_url(Participant, "merge", other.pk), {"destination": str(participant.api_id), "confirmed": "yes"}
        ),
        reader.get(admin_url(Participant, "record_induction", participant.pk)),
        reader.post(admin_url(Participant, "record_induction", participant.pk), {"started_on": "2025-09-01"}),
        reader.post(admin_url(ApiToken, "issue"), {"lead_provider": lead_provider.pk}),
        reader.post(admin_url(ApiToken, "revoke", api_token.pk)),
        reader.post(
            admin_url(Declaration, "changelist"),
            {"action": "move_to_payable", "_selected_action": [declaration.pk], "confirmed": "yes"},
        ),
        reader.post(
            admin_url(Cohort, "changelist"), {"action": "close", "_selected_action": [cohort.pk], "confirmed": "yes"}
        ),
    ]

    assert [response.status_code for response in refused] == [403] * len(refused)
    other.refresh_from_db()
    api_token.refresh_from_db()
    cohort.refresh_from_db()
    declaration.refresh_from_db()
    assert other.retired_into is None and not ParticipantIdChange.objects.exists()
    assert not InductionPeriod.objects.exists()
    assert ApiToken.objects.count() == 1 and api_token.revoked_at is None
    assert declaration.payment_status == PaymentStatus.ELIGIBLE
    assert cohort.payments_frozen_at is None


def test_staff_in_neither_group_cannot_even_look(participant):
    user = User.objects.create_user("newcomer", is_staff=True)
    client = Client()
    client.force_login(user)

    assert client.get(admin_url(Participant, "changelist")).status_code == 403
    assert client.get(admin_url(Participant, "history", participant.pk)).status_code == 403


def test_the_editing_group_can_do_what_the_read_only_group_cannot(editor, participant, lead_provider):
    other = factories.ParticipantFactory()

    assert editor.get(admin_url(Participant, "add")).status_code == 200
    assert editor.get(admin_url(Participant, "merge", other.pk)).status_code == 200
    assert editor.get(admin_url(Participant, "record_induction", participant.pk)).status_code == 200
    assert editor.get(admin_url(Participant, "delete", participant.pk)).status_code == 200
    assert editor.get(admin_url(ApiToken, "issue")).status_code == 200
    assert editor.get(admin_url(School, "add")).status_code == 200


def test_system_written_rows_are_read_only_for_the_editing_group_too():
    editing = Group.objects.get(name=EDITING_GROUP).permissions
    for model in (AuditEvent, ProviderEnrolment, ParticipantIdChange):
        codenames = set(editing.filter(content_type__model=model._meta.model_name).values_list("codename", flat=True))
        assert codenames == {f"view_{model._meta.model_name}"}, model


def test_the_read_only_group_holds_only_view_permissions_for_every_model_of_ours():
    from django.apps import apps

    ours = [
        m
        for m in apps.get_models()
        if m._meta.app_label in {"core", "participants", "schools", "schedules", "declarations"}
    ]
    granted = set(
        Group.objects.get(name=READ_ONLY_GROUP).permissions.values_list("content_type__app_label", "codename")
    )
    assert granted == {(m._meta.app_label, f"view_{m._meta.model_name}") for m in ours}
